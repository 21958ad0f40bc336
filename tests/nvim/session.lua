-- A headless Neovim session against the real `planls serve`, through the plugin's setup():
--   PLANLS_BIN=target/release/planls nvim --headless -u NONE -i NONE -n -c "luafile tests/nvim/session.lua"
-- It opens a copy of tests/clients/workspace, waits for the workspace's diagnostics, hovers an
-- owner reference, jumps to its definition in another file, formats an untidy file and renames
-- an initiative across files, checking each result against tests/clients/expected/session.json
-- (the expectations the pytest-lsp sessions use too); then completes a key and a person with
-- <C-x><C-o> (the plugin's omnifunc). Exits non-zero with what differed.

local H = dofile(vim.fn.fnamemodify(debug.getinfo(1, "S").source:sub(2), ":p:h") .. "/helpers.lua")

vim.opt.runtimepath:append(H.repo .. "/editors/nvim")
vim.cmd("filetype plugin on")
vim.o.swapfile = false
vim.o.hidden = true

local TIMEOUT_MS = 15000
local expected_dir = H.repo .. "/tests/clients/expected"
local session = vim.fn.json_decode(H.read_file(expected_dir .. "/session.json"))
local recorded_path = expected_dir .. "/recorded.json"
local recorded = vim.fn.filereadable(recorded_path) == 1 and vim.fn.json_decode(H.read_file(recorded_path)) or nil

local notifications = {}
vim.notify = function(message, level)
  table.insert(notifications, { message = message, level = level })
end

--- PLANLS_BIN, else the release build, else the debug build, else planls on PATH.
local function planls_binary()
  local explicit = os.getenv("PLANLS_BIN")
  if explicit and explicit ~= "" then
    return explicit
  end
  for _, profile in ipairs({ "release", "debug" }) do
    local candidate = H.repo .. "/target/" .. profile .. "/planls"
    if vim.fn.executable(candidate) == 1 then
      return candidate
    end
  end
  return "planls"
end

-- A copy of the workspace, so that nothing the session does reaches the repository.
local root = vim.fn.tempname() .. "/workspace"
vim.fn.mkdir(root, "p")
for _, name in ipairs(vim.fn.readdir(H.repo .. "/tests/clients/workspace")) do
  H.write_file(root .. "/" .. name, H.read_file(H.repo .. "/tests/clients/workspace/" .. name))
end

local function path_of(file)
  return root .. "/" .. file
end

local function name_of(uri)
  local path = vim.uri_to_fname(uri)
  return path:sub(1, #root + 1) == root .. "/" and path:sub(#root + 2) or path
end

--- The text of a file as the server should see it: the buffer when it is loaded, else the disk.
local function text_of(file)
  local bufnr = vim.fn.bufnr(path_of(file))
  if bufnr ~= -1 and vim.api.nvim_buf_is_loaded(bufnr) then
    return table.concat(vim.api.nvim_buf_get_lines(bufnr, 0, -1, false), "\n") .. "\n"
  end
  return H.read_file(path_of(file))
end

local function position_at(text, offset)
  local before = text:sub(1, offset - 1)
  local _, newlines = before:gsub("\n", "")
  local line_start = (before:match(".*\n()") or 1)
  return { line = newlines, character = offset - line_start }
end

--- The LSP range of an anchor: the first `text` at or after the first `after` (ASCII files).
local function range_of(anchor)
  local text = text_of(anchor.file)
  local from = 1
  if anchor.after then
    from = assert(text:find(anchor.after, 1, true), anchor.file .. " has no " .. anchor.after)
  end
  local first = assert(text:find(anchor.text, from, true), anchor.file .. " has no " .. anchor.text)
  return { start = position_at(text, first), ["end"] = position_at(text, first + #anchor.text) }
end

--- A cursor inside the anchor: its second character.
local function position_in(anchor)
  local start = range_of(anchor).start
  return { line = start.line, character = start.character + 1 }
end

local function edit(file)
  vim.cmd("edit " .. vim.fn.fnameescape(path_of(file)))
  return vim.api.nvim_get_current_buf()
end

local function text_diff(actual, expected, what)
  local same = actual == expected
  H.check(same, same and what or (what .. " differs (- expected, + actual):\n" .. vim.diff(expected, actual)))
end

local function check_recorded(key, actual)
  if recorded == nil then
    H.check(false, "no " .. recorded_path .. ": record it with the pytest-lsp sessions (PLANLS_UPDATE_EXPECTED=1 tests/clients/run.sh)")
  elseif type(actual) == "string" and type(recorded[key]) == "string" then
    text_diff(actual, recorded[key], "recorded " .. key)
  else
    H.equal(actual, recorded[key], "recorded " .. key)
  end
end

local function request(client, method, params, bufnr)
  local response, err = H.call(client, "request_sync", method, params, TIMEOUT_MS, bufnr)
  if not H.check(response ~= nil and response.err == nil, method .. " failed: " .. vim.inspect(err or (response and response.err))) then
    return nil
  end
  return response.result
end

local planls = require("planls")
local client

H.run("setup() and the first diagnostics", function()
  local options = session.initializationOptions
  local ok, problem = planls.setup({
    cmd = { planls_binary(), "serve" },
    today = options.today,
    severity = options.severity,
    treesitter = false,
  })
  assert(ok, "setup() failed: " .. tostring(problem))
  local bufnr = edit(session.open)
  assert(vim.wait(TIMEOUT_MS, function()
    local first = H.clients(bufnr)[1]
    return first ~= nil and first.initialized
  end, 20), "the planls client did not initialize within " .. TIMEOUT_MS .. " ms; notifications: " .. vim.inspect(notifications))
  client = H.clients(bufnr)[1]

  local with_problems = {}
  for file, diagnostics in pairs(session.diagnostics) do
    if #diagnostics > 0 then
      table.insert(with_problems, file)
    end
  end
  local published = vim.wait(TIMEOUT_MS, function()
    for _, file in ipairs(with_problems) do
      local b = vim.fn.bufnr(path_of(file))
      if b == -1 or #vim.diagnostic.get(b) == 0 then
        return false
      end
    end
    return true
  end, 20)
  H.check(published, "diagnostics for " .. table.concat(with_problems, ", ") .. " within " .. TIMEOUT_MS .. " ms")
  vim.wait(500, function()
    return false
  end)

  local messages = vim.empty_dict()
  for file, wanted in pairs(session.diagnostics) do
    local b = vim.fn.bufnr(path_of(file))
    local actual = {}
    local file_messages = {}
    for _, d in ipairs(b == -1 and {} or vim.diagnostic.get(b)) do
      table.insert(actual, {
        code = d.code,
        severity = d.severity,
        range = { start = { line = d.lnum, character = d.col }, ["end"] = { line = d.end_lnum, character = d.end_col } },
      })
      table.insert(file_messages, d.message)
    end
    local expected = {}
    for index, d in ipairs(wanted) do
      table.insert(expected, { code = d.code, severity = d.severity, range = range_of(d.at) })
      local message = file_messages[index] or ""
      for _, word in ipairs(d.message_contains) do
        H.check(message:find(word, 1, true) ~= nil, string.format("%s: %s: %q not in %q", file, d.code, word, message))
      end
    end
    H.equal(actual, expected, "diagnostics of " .. file)
    if #file_messages > 0 then
      messages[file] = file_messages
    end
  end
  check_recorded("diagnostic messages", messages)
end)

H.run("hover on an owner reference", function()
  local at = session.hover.at
  local bufnr = edit(at.file)
  local hover = request(client, "textDocument/hover", {
    textDocument = { uri = vim.uri_from_bufnr(bufnr) },
    position = position_in(at),
  }, bufnr)
  if not H.check(type(hover) == "table", "a hover on " .. at.text .. ", got " .. vim.inspect(hover)) then
    return
  end
  H.equal(hover.range, range_of(at), "the hover's range is the reference")
  H.equal(type(hover.contents) == "table" and hover.contents.kind, "markdown", "the hover is Markdown")
  local value = type(hover.contents) == "table" and hover.contents.value or ""
  for _, word in ipairs(session.hover.contains) do
    H.check(value:find(word, 1, true) ~= nil, string.format("hover %q mentions %q", value, word))
  end
  check_recorded("hover", value)
end)

H.run("go to the definition in another file", function()
  local from, to = session.definition.from, session.definition.to
  local bufnr = edit(from.file)
  local result = request(client, "textDocument/definition", {
    textDocument = { uri = vim.uri_from_bufnr(bufnr) },
    position = position_in(from),
  }, bufnr)
  if result == nil then
    return
  end
  -- Location, Location[] or LocationLink[].
  local locations = (result.uri or result.targetUri) and { result } or result
  local targets = {}
  for _, location in ipairs(locations) do
    table.insert(targets, {
      file = name_of(location.uri or location.targetUri),
      range = location.range or location.targetSelectionRange,
    })
  end
  H.equal(targets, { { file = to.file, range = range_of(to) } }, "the definition")
  if #locations == 1 then
    if vim.lsp.util.show_document then
      vim.lsp.util.show_document(locations[1], client.offset_encoding, { focus = true })
    else
      vim.lsp.util.jump_to_location(locations[1], client.offset_encoding)
    end
    H.equal(vim.api.nvim_buf_get_name(0), path_of(to.file), "the jump opens " .. to.file)
    local start = range_of(to).start
    H.equal(vim.api.nvim_win_get_cursor(0), { start.line + 1, start.character }, "the cursor is on the name")
  end
end)

H.run("format a buffer", function()
  local formatting = session.formatting
  local bufnr = edit(formatting.file)
  local edits = request(client, "textDocument/formatting", {
    textDocument = { uri = vim.uri_from_bufnr(bufnr) },
    options = formatting.options,
  }, bufnr)
  if not H.check(type(edits) == "table" and #edits > 0, "formatting an untidy file returns edits, got " .. vim.inspect(edits)) then
    return
  end
  vim.lsp.util.apply_text_edits(edits, bufnr, client.offset_encoding)
  text_diff(text_of(formatting.file), H.read_file(expected_dir .. "/" .. formatting.expected), formatting.file .. " after formatting")
end)

H.run("rename an initiative across files", function()
  local rename = session.rename
  local bufnr = edit(rename.at.file)
  -- Anchors are read now: the formatted buffer above is what the server has for that file.
  local wanted = {}
  for _, anchor in ipairs(rename.edits) do
    wanted[anchor.file] = wanted[anchor.file] or {}
    table.insert(wanted[anchor.file], { range = range_of(anchor), newText = rename.newName })
  end
  local result = request(client, "textDocument/rename", {
    textDocument = { uri = vim.uri_from_bufnr(bufnr) },
    position = position_in(rename.at),
    newName = rename.newName,
  }, bufnr)
  if result == nil then
    return
  end
  local actual = {}
  for uri, edits in pairs(result.changes or {}) do
    actual[name_of(uri)] = vim.list_extend(actual[name_of(uri)] or {}, edits)
  end
  for _, change in ipairs(result.documentChanges or {}) do
    local file = name_of(change.textDocument.uri)
    actual[file] = vim.list_extend(actual[file] or {}, change.edits)
  end
  for _, edits in pairs(actual) do
    table.sort(edits, function(a, b)
      return a.range.start.line < b.range.start.line
        or (a.range.start.line == b.range.start.line and a.range.start.character < b.range.start.character)
    end)
  end
  H.equal(actual, wanted, "the rename's edits")

  vim.lsp.util.apply_workspace_edit(result, client.offset_encoding)
  for _, anchor in ipairs(rename.unchanged) do
    H.check(text_of(anchor.file):find(anchor.text, 1, true) ~= nil, anchor.file .. " still holds " .. anchor.text)
  end
  for _, anchor in ipairs(rename.edits) do
    H.check(text_of(anchor.file):find(rename.newName, 1, true) ~= nil, anchor.file .. " now says " .. rename.newName)
  end
end)

--- Types `keys` in the current window as a user would and returns the completion menu's items
--- once the server has filled it (or [] after TIMEOUT_MS); leaves insert mode again. The
--- feedkeys "x!" flag keeps insert mode while the server answers; a timer watches the menu.
local function completion_menu(keys)
  local items = {}
  local started = vim.loop.now()
  local timer = vim.loop.new_timer()
  timer:start(
    50,
    50,
    vim.schedule_wrap(function()
      local info = vim.fn.complete_info({ "items" })
      local done = #(info.items or {}) > 0 or vim.loop.now() - started > TIMEOUT_MS
      if done and not timer:is_closing() then
        items = info.items or {}
        timer:stop()
        timer:close()
        vim.api.nvim_feedkeys(vim.api.nvim_replace_termcodes("<C-e><Esc>", true, false, true), "n", false)
      end
    end)
  )
  vim.fn.feedkeys(vim.api.nvim_replace_termcodes(keys, true, false, true), "x!")
  return items
end

--- Puts `text` on line `lnum` (1-based) of `bufnr` and waits until the server has analysed it:
--- a diagnostic on that line (each text here is unfinished, so it has one).
local function type_line(bufnr, lnum, text)
  vim.api.nvim_buf_set_lines(bufnr, lnum - 1, lnum, false, { text })
  local seen = vim.wait(TIMEOUT_MS, function()
    for _, d in ipairs(vim.diagnostic.get(bufnr, { lnum = lnum - 1 })) do
      if d.lnum == lnum - 1 then
        return true
      end
    end
    return false
  end, 20)
  H.check(seen, string.format("a diagnostic on %q within %d ms", text, TIMEOUT_MS))
  vim.api.nvim_win_set_cursor(0, { lnum, #text })
end

local function menu_words(keys)
  local words = vim.tbl_map(function(item)
    return item.word
  end, completion_menu(keys))
  table.sort(words)
  return words
end

H.run("completion with <C-x><C-o>: the plugin sets omnifunc", function()
  -- No "-- INSERT --" or "match 1 of 2" in the test's output.
  vim.o.showmode = false
  vim.opt.shortmess:append("c")
  local bufnr = edit("work.plan")
  H.equal(vim.bo[bufnr].omnifunc, "v:lua.vim.lsp.omnifunc", "omnifunc of an attached plan buffer")
  local last = vim.api.nvim_buf_line_count(bufnr)
  vim.api.nvim_buf_set_lines(bufnr, last, last, false, { "", 'initiative probe "Completion probe" {', "", "}" })
  local probe = last + 3
  type_line(bufnr, probe, "  sta")
  H.equal(menu_words("A<C-x><C-o>"), { "start: ", "status: " }, "the keys of an initiative that start with `sta`")
  type_line(bufnr, probe, "  owner: @dev_")
  H.equal(menu_words("A<C-x><C-o>"), { "dev_a", "dev_b" }, "the people whose ID starts with `dev_`, after the `@`")
  H.equal(vim.api.nvim_get_mode().mode, "n", "insert mode is left again")
  vim.api.nvim_buf_set_lines(bufnr, last, -1, false, {})
end)

H.run("no errors were shown", function()
  local errors = vim.tbl_filter(function(n)
    return n.level == vim.log.levels.ERROR
  end, notifications)
  H.equal(errors, {}, "error notifications")
end)

if client then
  vim.lsp.stop_client(client.id)
  vim.wait(5000, function()
    return vim.lsp.get_client_by_id(client.id) == nil
  end, 20)
end
vim.fn.delete(vim.fn.fnamemodify(root, ":h"), "rf")
H.finish("tests/nvim/session.lua")
