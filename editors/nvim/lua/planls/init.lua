-- planls for Neovim 0.7 to 0.11: starts `planls serve` for `plan` buffers, one client per
-- workspace root, and registers the tree-sitter parser with nvim-treesitter when it is installed.
--
--   require("planls").setup({
--     cmd = { "planls", "serve" },          -- the server command
--     today = "2027-01-10",                 -- the date that counts as today (default: the clock)
--     severity = { overdue = "error" },     -- per diagnostic code: error|warning|info|hint|off
--     on_attach = function(client, bufnr) end,
--     capabilities = nil,                   -- merged over Neovim's own client capabilities
--     root_markers = { "planls.toml", { ".git", ".plan" } }, -- what marks a workspace root
--     treesitter = true,                    -- false, or { url = ".../grammar", generate = true }
--   })

local M = {}

local NAME = "planls"
local SEVERITY_LEVELS = { error = true, warning = true, info = true, hint = true, off = true }

M.defaults = {
  cmd = { "planls", "serve" },
  today = nil,
  severity = {},
  on_attach = nil,
  capabilities = nil,
  -- planls.toml marks a plan's own root (several plans may share a repository); only without
  -- one above the file does the repository (.git) or a `.plan` marker file make the workspace.
  root_markers = { "planls.toml", { ".git", ".plan" } },
  treesitter = true,
}

local uv = vim.loop

local function notify(message, level)
  vim.notify("planls: " .. message, level or vim.log.levels.ERROR)
end

--- The folder this plugin lives in: editors/nvim of a planls checkout.
local function plugin_root()
  local source = debug.getinfo(1, "S").source:sub(2)
  return vim.fn.fnamemodify(source, ":p:h:h:h")
end

local function is_dir(path)
  local stat = uv.fs_stat(path)
  return stat ~= nil and stat.type == "directory"
end

local function exists(path)
  return uv.fs_stat(path) ~= nil
end

--- The nearest folder at or above `dir` that holds one of `names`, or nil.
local function nearest_with(dir, names)
  local current = dir
  while true do
    for _, name in ipairs(names) do
      if exists(current .. "/" .. name) then
        return current
      end
    end
    local parent = vim.fn.fnamemodify(current, ":h")
    if parent == current then
      return nil
    end
    current = parent
  end
end

--- The workspace root of `start` (a file or folder), as Neovim 0.11's `root_markers` has it: each
--- entry of `markers` in turn, a name or a list of names of equal priority, gives the nearest folder
--- at or above `start` holding it; the first entry found wins. Else `start`'s own folder.
function M.find_root(start, markers)
  local dir = vim.fn.fnamemodify(start, ":p")
  if not is_dir(dir) then
    dir = vim.fn.fnamemodify(dir, ":h")
  end
  dir = dir:gsub("/+$", "")
  if dir == "" then
    dir = "/"
  end
  for _, entry in ipairs(markers) do
    local found = nearest_with(dir, type(entry) == "table" and entry or { entry })
    if found then
      return found
    end
  end
  return dir
end

--- The root for a buffer: from its file, or the working directory for a buffer without one.
local function buffer_root(bufnr, markers)
  local name = vim.api.nvim_buf_get_name(bufnr)
  if name == "" then
    return M.find_root(vim.fn.getcwd(), markers)
  end
  return M.find_root(name, markers)
end

--- Checks the options; returns the merged options or nil and what is wrong, in the user's words.
function M.validate(opts)
  if opts ~= nil and type(opts) ~= "table" then
    return nil, "setup() takes a table of options, got " .. type(opts)
  end
  local merged = vim.tbl_deep_extend("force", {}, M.defaults, opts or {})
  -- A list replaces the default whole: merged by index, { ".hg" } would keep part of the default.
  if type(opts) == "table" and opts.root_markers ~= nil then
    merged.root_markers = opts.root_markers
  end
  if type(merged.cmd) == "string" then
    merged.cmd = { merged.cmd }
  end
  if type(merged.cmd) ~= "table" or type(merged.cmd[1]) ~= "string" or merged.cmd[1] == "" then
    return nil, 'cmd must be a list like { "planls", "serve" }'
  end
  if merged.today ~= nil then
    if type(merged.today) ~= "string" or not merged.today:match("^%d%d%d%d%-%d%d%-%d%d$") then
      return nil, "today must be a date like \"2027-01-04\", got " .. vim.inspect(merged.today)
    end
  end
  if type(merged.severity) ~= "table" then
    return nil, "severity must be a table like { overdue = \"error\" }"
  end
  local codes = vim.tbl_keys(merged.severity)
  table.sort(codes)
  for _, code in ipairs(codes) do
    local level = merged.severity[code]
    if type(code) ~= "string" or not SEVERITY_LEVELS[level] then
      return nil,
        string.format(
          "severity[%s] must be one of error, warning, info, hint, off; got %s",
          vim.inspect(code),
          vim.inspect(level)
        )
    end
  end
  for _, key in ipairs({ "on_attach" }) do
    if merged[key] ~= nil and type(merged[key]) ~= "function" then
      return nil, key .. " must be a function"
    end
  end
  if merged.capabilities ~= nil and type(merged.capabilities) ~= "table" then
    return nil, "capabilities must be a table"
  end
  local markers_ok = type(merged.root_markers) == "table"
  for _, entry in ipairs(markers_ok and merged.root_markers or {}) do
    local names = type(entry) == "table" and entry or { entry }
    for _, name in ipairs(names) do
      markers_ok = markers_ok and type(name) == "string" and name ~= ""
    end
  end
  if not markers_ok then
    return nil, 'root_markers must be a list of file or folder names, like { "planls.toml", { ".git", ".plan" } }'
  end
  return merged
end

--- What the server receives as initializationOptions, and as the `planls` settings section.
local function server_options(opts)
  local severity = vim.empty_dict()
  for code, level in pairs(opts.severity) do
    severity[code] = level
  end
  return { today = opts.today or vim.NIL, severity = severity }
end

local function capabilities(opts)
  local base = vim.lsp.protocol.make_client_capabilities()
  if opts.capabilities then
    return vim.tbl_deep_extend("force", base, opts.capabilities)
  end
  return base
end

--- The tree-sitter ABI of grammar/src/parser.c as committed.
M.grammar_abi = 15

--- nvim-treesitter (its master branch, for Neovim 0.7 to 0.11) builds the parser from the grammar
--- folder of this checkout (`:TSInstall plan`); the queries are on the runtimepath under
--- queries/plan. Returns whether the parser was registered, or false and why not.
function M.register_treesitter(treesitter)
  if treesitter == false then
    return false, "disabled"
  end
  local ok, parsers = pcall(require, "nvim-treesitter.parsers")
  if not ok or type(parsers) ~= "table" or type(parsers.get_parser_configs) ~= "function" then
    return false, "nvim-treesitter (master branch) is not installed"
  end
  local settings = type(treesitter) == "table" and treesitter or {}
  local generate = settings.generate == true
  local abi = vim.treesitter.language_version or 0
  if abi < M.grammar_abi and not generate then
    -- A parser built from the committed parser.c would fail to load here ("ABI version
    -- mismatch") on every plan buffer; building it from grammar.js for this ABI needs the
    -- tree-sitter CLI and rewrites grammar/src, so it is only done when asked for.
    return false,
      string.format(
        "this Neovim loads tree-sitter ABI %d at most and grammar/src/parser.c is ABI %d; "
          .. "pass treesitter = { generate = true } to build it from grammar.js with the tree-sitter CLI",
        abi,
        M.grammar_abi
      )
  end
  local url = settings.url or (plugin_root():gsub("/editors/nvim$", "") .. "/grammar")
  if not url:match("^%a[%w+.-]*://") and not exists(vim.fn.expand(url) .. "/src/parser.c") then
    return false, "no grammar at " .. url .. "; pass treesitter = { url = \"/path/to/planls/grammar\" }"
  end
  parsers.get_parser_configs().plan = {
    install_info = {
      url = url,
      files = { "src/parser.c" },
      branch = settings.branch,
      revision = settings.revision,
      generate_requires_npm = false,
      requires_generate_from_grammar = generate,
    },
    filetype = "plan",
  }
  return true
end

--- Completion with <C-x><C-o> from the server, on every Neovim from 0.7 (which sets no
--- omnifunc itself), unless the user or another plugin has set one; then the user's on_attach.
local function on_attach(opts)
  return function(client, bufnr)
    if vim.bo[bufnr].omnifunc == "" then
      vim.bo[bufnr].omnifunc = "v:lua.vim.lsp.omnifunc"
    end
    if opts.on_attach then
      opts.on_attach(client, bufnr)
    end
  end
end

--- Neovim 0.11+: the built-in client manages roots and reuse.
local function enable_native(opts)
  vim.lsp.config(NAME, {
    cmd = opts.cmd,
    filetypes = { "plan" },
    root_dir = function(bufnr, on_dir)
      on_dir(buffer_root(bufnr, opts.root_markers))
    end,
    init_options = server_options(opts),
    settings = { planls = server_options(opts) },
    capabilities = capabilities(opts),
    on_attach = on_attach(opts),
  })
  vim.lsp.enable(NAME)
end

--- Neovim 0.7 to 0.10: start one client per root and attach each plan buffer to it.
local clients_by_root = {}

local function attach_legacy(opts, bufnr)
  local root = buffer_root(bufnr, opts.root_markers)
  local client_id = clients_by_root[root]
  if client_id == nil or vim.lsp.get_client_by_id(client_id) == nil then
    local settings = { planls = server_options(opts) }
    local started, result = pcall(vim.lsp.start_client, {
      name = NAME,
      cmd = opts.cmd,
      root_dir = root,
      workspace_folders = {
        { uri = vim.uri_from_fname(root), name = vim.fn.fnamemodify(root, ":t") },
      },
      init_options = server_options(opts),
      settings = settings,
      capabilities = capabilities(opts),
      on_attach = on_attach(opts),
      on_init = function(client)
        -- Neovim sends the settings after initialize itself from 0.10 on; before, the caller does.
        if vim.fn.has("nvim-0.10") == 0 then
          client.notify("workspace/didChangeConfiguration", { settings = settings })
        end
        return true
      end,
      on_exit = function()
        vim.schedule(function()
          if clients_by_root[root] == client_id then
            clients_by_root[root] = nil
          end
        end)
      end,
    })
    if not started or result == nil then
      notify(
        string.format(
          "could not start the language server `%s`%s",
          table.concat(opts.cmd, " "),
          started and "" or (": " .. tostring(result))
        )
      )
      return nil
    end
    client_id = result
    clients_by_root[root] = client_id
  end
  vim.lsp.buf_attach_client(bufnr, client_id)
  return client_id
end

--- The client ids started by the 0.7-0.10 path, by root; for tests and :checkhealth-like use.
function M.clients_by_root()
  return vim.deepcopy(clients_by_root)
end

--- The command of the server's dependents code lens (`SHOW_REFERENCES` in src/lsp/code_lens.rs):
--- its arguments are the URI, the position of the item's ID and the dependents' locations. They
--- go to the quickfix list, Neovim's list of places.
function M.show_references(command, ctx)
  local locations = (command.arguments or {})[3]
  if type(locations) ~= "table" or vim.tbl_isempty(locations) then
    notify("this item has no dependents to show", vim.log.levels.INFO)
    return
  end
  local client = ctx and ctx.client_id and vim.lsp.get_client_by_id(ctx.client_id)
  local items = vim.lsp.util.locations_to_items(locations, client and client.offset_encoding or "utf-16")
  vim.fn.setqflist({}, " ", { title = command.title or "Dependents", items = items })
  vim.cmd("botright copen")
end

--- The planls client of a buffer, else any running planls client; nil when none runs.
local function report_client(bufnr)
  local list
  if vim.lsp.get_clients then
    list = vim.lsp.get_clients({ name = NAME })
  else
    list = vim.tbl_filter(function(c)
      return c.name == NAME
    end, vim.lsp.get_active_clients())
  end
  for _, client in ipairs(list) do
    if vim.lsp.buf_is_attached and vim.lsp.buf_is_attached(bufnr, client.id) then
      return client
    end
  end
  return list[1]
end

--- How to open a file with the desktop's program: vim.ui.open (Neovim 0.10+), else xdg-open or
--- open (macOS) when on PATH; nil when there is none, and the caller says where the file is.
function M.opener()
  if vim.ui and vim.ui.open then
    return function(path)
      vim.ui.open(path)
    end
  end
  for _, program in ipairs({ "xdg-open", "open" }) do
    if vim.fn.executable(program) == 1 then
      return function(path)
        vim.fn.jobstart({ program, path }, { detach = true })
      end
    end
  end
  return nil
end

--- :PlanlsReport [FILE]: asks the server for the status report of its latest analysis (the
--- `planls.report` command of src/lsp/report.rs, unsaved buffers included), writes the HTML to
--- FILE (default: planls-report.html in Neovim's cache folder) and opens it. `opts.open` is the
--- opener (false: only say where it is); `opts.done(path_or_nil, problem)` is called at the end.
function M.report(opts)
  opts = opts or {}
  local done = opts.done or function() end
  local client = report_client(opts.bufnr or vim.api.nvim_get_current_buf())
  if client == nil then
    local problem = "no planls language server is running: open a .plan file first"
    notify(problem)
    return done(nil, problem)
  end
  local path = opts.path
  if path == nil or path == "" then
    path = vim.fn.stdpath("cache") .. "/planls-report.html"
  end
  path = vim.fn.fnamemodify(path, ":p")
  -- The report of the current buffer's plan (the server's first plan when it is in none).
  local params = {
    command = "planls.report",
    arguments = { { format = "html", uri = vim.uri_from_bufnr(0) } },
  }
  local function handler(err, result)
    if err ~= nil or type(result) ~= "string" then
      local problem = "the report failed: " .. (err and (err.message or vim.inspect(err)) or vim.inspect(result))
      notify(problem)
      return done(nil, problem)
    end
    vim.fn.mkdir(vim.fn.fnamemodify(path, ":h"), "p")
    local file, open_error = io.open(path, "wb")
    if not file then
      local problem = "cannot write the report to " .. path .. ": " .. tostring(open_error)
      notify(problem)
      return done(nil, problem)
    end
    file:write(result)
    file:close()
    local open = opts.open
    if open == nil then
      open = M.opener()
    end
    if open then
      open(path)
      notify("report written to " .. path .. " and opened", vim.log.levels.INFO)
    else
      notify("report written to " .. path .. " (no program to open it: no xdg-open or open)", vim.log.levels.INFO)
    end
    done(path)
  end
  if vim.fn.has("nvim-0.11") == 1 then
    client:request("workspace/executeCommand", params, handler, opts.bufnr)
  else
    client.request("workspace/executeCommand", params, handler, opts.bufnr)
  end
end

--- Starts the server for `plan` buffers. Returns true when it is set up, or false and what is
--- wrong (also shown with vim.notify), so a broken setup never stops the rest of a config.
function M.setup(opts)
  local merged, problem = M.validate(opts)
  if not merged then
    notify(problem)
    return false, problem
  end

  M.register_treesitter(merged.treesitter)
  vim.lsp.commands["planls.showReferences"] = M.show_references
  vim.api.nvim_create_user_command("PlanlsReport", function(args)
    M.report({ path = args.args })
  end, { nargs = "?", complete = "file", desc = "Write the planls status report (HTML) and open it" })

  if vim.fn.executable(merged.cmd[1]) ~= 1 then
    problem = string.format(
      "cannot start the language server: `%s` is not an executable on PATH. "
        .. "Install planls (in a checkout of planls: `cargo install --path .`) "
        .. 'or pass its path: require("planls").setup({ cmd = { "/path/to/planls", "serve" } })',
      merged.cmd[1]
    )
    notify(problem)
    return false, problem
  end

  if vim.lsp.config ~= nil and vim.lsp.enable ~= nil then
    enable_native(merged)
  else
    local group = vim.api.nvim_create_augroup("planls", { clear = true })
    vim.api.nvim_create_autocmd("FileType", {
      group = group,
      pattern = "plan",
      callback = function(args)
        attach_legacy(merged, args.buf)
      end,
      desc = "Attach plan buffers to the planls language server",
    })
    -- Buffers that were already open when setup() ran.
    for _, bufnr in ipairs(vim.api.nvim_list_bufs()) do
      if vim.api.nvim_buf_is_loaded(bufnr) and vim.bo[bufnr].filetype == "plan" then
        attach_legacy(merged, bufnr)
      end
    end
  end
  return true
end

return M
