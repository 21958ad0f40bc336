-- The queries under editors/nvim/queries/plan, run by Neovim's own tree-sitter on the annotated
-- highlight test of the grammar (grammar/test/highlight/example.plan):
--   PLANLS_TS_PARSER=/path/to/plan.so nvim --headless -u NONE -i NONE -n -c "luafile tests/nvim/queries.lua"
-- The parser must be built for this Neovim's tree-sitter ABI (.ci/editors.sh builds it).
-- This checks that the predicates the queries use (#any-of?, #not-any-of?) work in this Neovim.

local H = dofile(vim.fn.fnamemodify(debug.getinfo(1, "S").source:sub(2), ":p:h") .. "/helpers.lua")

vim.opt.runtimepath:append(H.repo .. "/editors/nvim")

local parser_path = os.getenv("PLANLS_TS_PARSER")
if parser_path == nil or parser_path == "" then
  H.check(false, "PLANLS_TS_PARSER is not set: build the plan parser for this Neovim first")
  H.finish("tests/nvim/queries.lua")
end

local function load_language()
  if vim.treesitter.language.add then
    return vim.treesitter.language.add("plan", { path = parser_path })
  end
  return vim.treesitter.require_language("plan", parser_path)
end

local function get_query(name)
  if vim.treesitter.query.get then
    return vim.treesitter.query.get("plan", name)
  end
  return vim.treesitter.get_query("plan", name)
end

local loaded, err = pcall(load_language)
if not H.check(loaded, "loading " .. parser_path .. ": " .. tostring(err)) then
  H.finish("tests/nvim/queries.lua")
end

local example = H.repo .. "/grammar/test/highlight/example.plan"
local source = H.read_file(example)
local lines = vim.split(source, "\n")
local tree = vim.treesitter.get_string_parser(source, "plan"):parse()[1]

--- Capture names by position: captures[row][col] = { name = true, ... }.
local function captures_by_position(query_name)
  local query = get_query(query_name)
  local by_position = {}
  for id, node in query:iter_captures(tree:root(), source, 0, -1) do
    local name = query.captures[id]
    local start_row, start_col, end_row, end_col = node:range()
    for row = start_row, end_row do
      local first = row == start_row and start_col or 0
      local last = row == end_row and end_col - 1 or #lines[row + 1] - 1
      by_position[row] = by_position[row] or {}
      for col = first, last do
        by_position[row][col] = by_position[row][col] or {}
        by_position[row][col][name] = true
      end
    end
  end
  return by_position
end

H.run("every query parses against the grammar's node types", function()
  for _, name in ipairs({ "highlights", "locals", "folds" }) do
    local ok, query = pcall(get_query, name)
    H.check(ok and query ~= nil, name .. ".scm does not load: " .. tostring(query))
  end
end)

H.run("the highlight assertions of grammar/test/highlight hold in Neovim", function()
  local highlights = captures_by_position("highlights")
  local target
  local assertions = 0
  for index, text in ipairs(lines) do
    local indent, arrow, caret, capture = text:match("^(%s*)#%s*(<?%-?)(%^?)%s+([%w%.]+)%s*$")
    local is_assertion = capture ~= nil and (arrow == "<-" or caret == "^")
    if is_assertion and target then
      local col = arrow == "<-" and #indent or text:find("^", 1, true) - 1
      local names = (highlights[target] or {})[col] or {}
      assertions = assertions + 1
      H.check(
        names[capture],
        string.format(
          "%s:%d: line %d column %d (%q) expected @%s, got %s",
          example,
          index,
          target + 1,
          col + 1,
          lines[target + 1]:sub(col + 1, col + 12),
          capture,
          vim.inspect(vim.tbl_keys(names))
        )
      )
    elseif not is_assertion then
      target = index - 1
    end
  end
  H.check(assertions >= 10, "the example holds assertions; found " .. assertions)
end)

H.run("#not-any-of? keeps enum words out of @variable", function()
  local highlights = captures_by_position("highlights")
  local found = false
  for row, text in ipairs(lines) do
    local start = text:find("in_progress", 1, true)
    if start and not text:match("^%s*#") then
      found = true
      local names = highlights[row - 1][start - 1] or {}
      H.check(names["constant.builtin"] and not names["variable"], "in_progress is @constant.builtin only, got " .. vim.inspect(vim.tbl_keys(names)))
    end
  end
  H.check(found, "the example uses in_progress")
end)

H.run("folds and locals capture what they should", function()
  local folds = captures_by_position("folds")
  local locals = captures_by_position("locals")
  for row, text in ipairs(lines) do
    if text:match("^initiative tokenization") then
      H.check(((folds[row - 1] or {})[#text - 1] or {}).fold, "the block of tokenization folds")
      H.check(((locals[row - 1] or {})[11] or {})["local.definition"], "the ID tokenization is a definition")
    end
  end
end)

H.finish("tests/nvim/queries.lua")
