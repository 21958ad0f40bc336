-- The Neovim plugin without the real server:
--   nvim --headless -u NONE -i NONE -n -c "luafile tests/nvim/smoke.lua"
-- File type detection, setup() on this Neovim (one client per root, with the options the server
-- expects, against a stand-in server), clear errors for a missing command and bad options, and
-- the nvim-treesitter registration. Exits non-zero with what differed.

local H = dofile(vim.fn.fnamemodify(debug.getinfo(1, "S").source:sub(2), ":p:h") .. "/helpers.lua")

vim.opt.runtimepath:append(H.repo .. "/editors/nvim")
vim.cmd("filetype plugin on")
vim.o.swapfile = false
vim.o.hidden = true

local notifications = {}
vim.notify = function(message, level)
  table.insert(notifications, { message = message, level = level })
end

local scratch = vim.fn.tempname()
vim.fn.mkdir(scratch, "p")
local nvim = vim.v.progpath

local planls = require("planls")

H.run("file type detection", function()
  local path = scratch .. "/detect/roadmap.plan"
  H.write_file(path, 'program p "P" {\n}\n')
  vim.cmd("edit " .. vim.fn.fnameescape(path))
  H.equal(vim.bo.filetype, "plan", "a .plan file gets filetype plan")
  H.equal(vim.bo.commentstring, "# %s", "ftplugin/plan.lua sets the comment string")
  H.equal(vim.bo.shiftwidth, 2, "ftplugin/plan.lua indents by two spaces")
  vim.api.nvim_buf_set_lines(0, 0, -1, false, { "  depends_on: identity.sso-v2 + 1w, @dev_a" })
  vim.api.nvim_win_set_cursor(0, { 1, 16 })
  H.equal(vim.fn.expand("<cword>"), "identity.sso-v2", "a word keeps its dots and hyphens")
  vim.api.nvim_win_set_cursor(0, { 1, 38 })
  H.equal(vim.fn.expand("<cword>"), "@dev_a", "a person reference is one word")
  vim.cmd("silent! undo")
  vim.cmd("edit " .. vim.fn.fnameescape(scratch .. "/detect/roadmap.plan.txt"))
  H.check(vim.bo.filetype ~= "plan", "roadmap.plan.txt is not a plan")
  vim.cmd("bwipeout!")
end)

H.run("colour without tree-sitter: syntax/plan.vim", function()
  vim.cmd("syntax on")
  local path = scratch .. "/syntax/colour.plan"
  H.write_file(path, table.concat({
    '# The plan. "not a string" here',
    'initiative vault_upgrade "Upgrade \\"the\\" vault" {',
    "  owner: @ana",
    "  team: payments",
    "  status: in_progress",
    "  start: 2027-01-04",
    "  duration: 3w",
    "  progress: 40%",
    "  depends_on: very_high-x + 1w",
    "  assignee: @ana",
    "}",
    'team payments "Payments" { lead: @ana }',
  }, "\n") .. "\n")
  vim.cmd("edit " .. vim.fn.fnameescape(path))
  H.equal(vim.b.current_syntax, "plan", "syntax/plan.vim is loaded for a plan buffer")
  -- The syntax group at the first `text` on line `lnum` (at its `offset`-th character), and the
  -- standard group it links to, which colour schemes colour.
  local function colour(lnum, text, offset)
    local col = assert(vim.fn.getline(lnum):find(text, 1, true), text .. " on line " .. lnum) + (offset or 0)
    local name = vim.fn.synIDattr(vim.fn.synID(lnum, col, 1), "name")
    local linked = name == "" and "" or (vim.fn.execute("highlight " .. name):match("links to (%w+)") or "")
    return { name, linked }
  end
  H.equal(colour(1, "The plan"), { "planComment", "Comment" }, "a comment")
  H.equal(colour(1, "not a string"), { "planComment", "Comment" }, "quotes inside a comment")
  H.equal(colour(2, "initiative"), { "planKind", "Keyword" }, "a kind starts an item")
  H.equal(colour(2, "vault_upgrade", 5), { "planItemId", "Type" }, "the item's ID")
  H.equal(colour(2, "Upgrade"), { "planString", "String" }, "a title")
  H.equal(colour(2, '\\"'), { "planEscape", "SpecialChar" }, "an escape inside a string")
  H.equal(colour(2, "vault\""), { "planString", "String" }, "the string goes on after an escaped quote")
  H.equal(colour(3, "owner"), { "planField", "Identifier" }, "a field key")
  H.equal(colour(3, "@ana"), { "planPerson", "Special" }, "a person reference")
  H.equal(colour(4, "team"), { "planField", "Identifier" }, "`team:` is a key, not the kind")
  H.equal(colour(4, "payments"), { "", "" }, "a reference to an item stays plain")
  H.equal(colour(5, "in_progress", 3), { "planEnum", "Constant" }, "a status word")
  H.equal(colour(6, "2027-01-04", 6), { "planDate", "Number" }, "a date")
  H.equal(colour(7, "3w", 1), { "planDuration", "Number" }, "a duration")
  H.equal(colour(8, "40%", 2), { "planNumber", "Number" }, "a percentage")
  H.equal(colour(9, "very_high-x"), { "", "" }, "an ID that starts with an enum word is no enum word")
  H.equal(colour(9, "+"), { "planLag", "Operator" }, "the lag's +")
  H.equal(colour(10, "assignee"), { "", "" }, "a key that no kind takes stays plain")
  H.equal(colour(12, "team"), { "planKind", "Keyword" }, "`team` before an ID is the kind")
  H.equal(colour(12, "lead"), { "planField", "Identifier" }, "a key on the item's line")
  vim.cmd("bwipeout!")
  vim.cmd("syntax off")
end)

H.run("invalid options are reported, not raised", function()
  local cases = {
    { { today = "10/01/2027" }, 'today must be a date like "2027%-01%-04", got "10/01/2027"' },
    { { severity = { overdue = "loud" } }, 'severity%["overdue"%] must be one of error, warning, info, hint, off; got "loud"' },
    { { cmd = {} }, 'cmd must be a list like { "planls", "serve" }' },
    { { on_attach = "yes" }, "on_attach must be a function" },
    { { root_markers = { "planls.toml", { 3 } } }, "root_markers must be a list of file or folder names" },
    { "planls", "setup%(%) takes a table of options, got string" },
  }
  for _, case in ipairs(cases) do
    notifications = {}
    local ok, problem = planls.setup(case[1])
    H.equal(ok, false, "setup(" .. vim.inspect(case[1]) .. ") returns false")
    H.matches(problem, case[2], "the problem with " .. vim.inspect(case[1]))
    H.equal(#notifications, 1, "one notification for " .. vim.inspect(case[1]))
    H.equal(notifications[1] and notifications[1].level, vim.log.levels.ERROR, "it is an error")
    H.matches(notifications[1] and notifications[1].message, "^planls: ", "it names the plugin")
  end
end)

H.run("a command that does not exist", function()
  notifications = {}
  local ok, problem = planls.setup({ cmd = { "planls-does-not-exist", "serve" } })
  H.equal(ok, false, "setup() with a missing command returns false")
  H.equal(
    problem,
    "cannot start the language server: `planls-does-not-exist` is not an executable on PATH. "
      .. "Install planls (in a checkout of planls: `cargo install --path .`) "
      .. 'or pass its path: require("planls").setup({ cmd = { "/path/to/planls", "serve" } })',
    "the message says what is missing and how to fix it"
  )
  H.equal(#notifications, 1, "it is shown once")
  H.equal(vim.fn.exists("#planls#FileType"), 0, "no autocmd is left behind to fail on every plan buffer")
  -- Opening a plan file afterwards is quiet: no second error, no client.
  vim.cmd("edit " .. vim.fn.fnameescape(scratch .. "/detect/roadmap.plan"))
  H.equal(#notifications, 1, "opening a plan file does not repeat the error")
  H.equal(#H.clients(), 0, "no client was started")
  vim.cmd("bwipeout!")
end)

H.run("roots: the nearest .git or .plan marker, else the file's folder", function()
  local a = scratch .. "/roots/a"
  vim.fn.mkdir(a .. "/.git", "p")
  H.write_file(a .. "/sub/deeper/x.plan", "")
  H.write_file(scratch .. "/roots/b/.plan", "")
  H.write_file(scratch .. "/roots/b/z.plan", "")
  H.write_file(scratch .. "/roots/c/w.plan", "")
  H.equal(planls.find_root(a .. "/sub/deeper/x.plan", { ".git", ".plan" }), a, "a file below .git")
  H.equal(planls.find_root(a, { ".git", ".plan" }), a, "the root folder itself")
  H.equal(planls.find_root(scratch .. "/roots/b/z.plan", { ".git", ".plan" }), scratch .. "/roots/b", "a .plan marker")
  H.equal(planls.find_root(scratch .. "/roots/c/w.plan", { ".git", ".plan" }), scratch .. "/roots/c", "no marker")
end)

H.run("roots: planls.toml first, however deep, then the nearest .git or .plan", function()
  local repo = scratch .. "/monorepo"
  vim.fn.mkdir(repo .. "/.git", "p")
  H.write_file(repo .. "/plans/checkout/planls.toml", "")
  H.write_file(repo .. "/plans/checkout/team/work.plan", "")
  -- A nested repository below the plan's root must not split the plan.
  vim.fn.mkdir(repo .. "/plans/checkout/vendored/.git", "p")
  H.write_file(repo .. "/plans/checkout/vendored/x.plan", "")
  H.write_file(repo .. "/notes/loose.plan", "")
  local markers = planls.defaults.root_markers
  H.equal(markers, { "planls.toml", { ".git", ".plan" } }, "the default markers")
  H.equal(planls.find_root(repo .. "/plans/checkout/team/work.plan", markers), repo .. "/plans/checkout", "the planls.toml above a file")
  H.equal(planls.find_root(repo .. "/plans/checkout/vendored/x.plan", markers), repo .. "/plans/checkout", "planls.toml wins over a nearer .git")
  H.equal(planls.find_root(repo .. "/notes/loose.plan", markers), repo, "no planls.toml: the repository")
  H.equal(planls.find_root(scratch .. "/roots/b/z.plan", markers), scratch .. "/roots/b", "no planls.toml: a .plan marker")
  H.equal(planls.validate({ root_markers = { ".hg" } }).root_markers, { ".hg" }, "root_markers replaces the default whole")
end)

H.run("setup() starts one client per root with the options the server expects", function()
  local logs = scratch .. "/server-logs"
  vim.fn.mkdir(logs, "p")
  local attached = {}
  notifications = {}
  local ok, problem = planls.setup({
    cmd = {
      nvim, "--headless", "-u", "NONE", "-i", "NONE", "-n",
      "--cmd", "let g:planls_fake_log_dir = '" .. logs .. "'",
      "--cmd", "luafile " .. H.repo .. "/tests/nvim/fake_server.lua",
    },
    today = "2027-01-10",
    severity = { overdue = "error", ["blocked-upstream"] = "off" },
    on_attach = function(client, bufnr)
      table.insert(attached, { client = client.id, buf = bufnr })
    end,
    treesitter = false,
  })
  H.equal({ ok, problem }, { true, nil }, "setup() succeeds with an executable command")
  H.equal(notifications, {}, "and says nothing")

  local files = {
    a1 = scratch .. "/roots/a/sub/deeper/x.plan",
    a2 = scratch .. "/roots/a/y.plan",
    b = scratch .. "/roots/b/z.plan",
    c = scratch .. "/roots/c/w.plan",
  }
  H.write_file(files.a2, "")
  local buffers = {}
  for _, key in ipairs({ "a1", "a2", "b", "c" }) do
    vim.cmd("edit " .. vim.fn.fnameescape(files[key]))
    buffers[key] = vim.api.nvim_get_current_buf()
  end
  local initialized = vim.wait(10000, function()
    return #attached == 4
  end, 20)
  H.check(initialized, "every plan buffer is attached within 10 s; attached: " .. vim.inspect(attached))
  for key, bufnr in pairs(buffers) do
    H.equal(vim.bo[bufnr].omnifunc, "v:lua.vim.lsp.omnifunc", key .. ": on attach, omnifunc is the server's completion")
  end

  local function client_of(key)
    local ids = vim.tbl_map(function(client)
      return client.id
    end, H.clients(buffers[key]))
    return #ids == 1 and ids[1] or ids
  end
  H.check(type(client_of("a1")) == "number", "x.plan has exactly one client")
  H.equal(client_of("a1"), client_of("a2"), "two files under one .git share a client")
  H.check(client_of("a1") ~= client_of("b") and client_of("b") ~= client_of("c"), "other roots get their own client")
  H.equal(#H.clients(), 3, "one client per root")
  if not vim.lsp.enable then
    local roots = vim.tbl_keys(planls.clients_by_root())
    table.sort(roots)
    H.equal(roots, { scratch .. "/roots/a", scratch .. "/roots/b", scratch .. "/roots/c" }, "the plugin keeps one client per root")
  end

  -- What the stand-in server received, by root.
  vim.lsp.stop_client(H.clients())
  vim.wait(5000, function()
    return #H.clients() == 0
  end, 20)
  local received = {}
  for _, log in ipairs(vim.fn.glob(logs .. "/*.jsonl", false, true)) do
    local messages = {}
    for _, line in ipairs(vim.split(H.read_file(log), "\n", { trimempty = true })) do
      table.insert(messages, vim.fn.json_decode(line))
    end
    local init = messages[1]
    received[vim.uri_to_fname(init.params.rootUri)] = messages
  end
  local root_a = scratch .. "/roots/a"
  local messages = received[root_a] or {}
  H.equal(vim.tbl_count(received), 3, "three servers were started")
  local init = messages[1] or { params = {} }
  H.equal(init.method, "initialize", "the first message is initialize")
  H.equal(
    init.params.initializationOptions,
    { today = "2027-01-10", severity = { overdue = "error", ["blocked-upstream"] = "off" } },
    "initializationOptions carry today and severity"
  )
  H.equal(
    init.params.workspaceFolders,
    { { uri = vim.uri_from_fname(root_a), name = "a" } },
    "the root is the one workspace folder"
  )
  local methods, opened, configuration = {}, {}, nil
  for _, message in ipairs(messages) do
    table.insert(methods, message.method)
    if message.method == "textDocument/didOpen" then
      table.insert(opened, { vim.uri_to_fname(message.params.textDocument.uri), message.params.textDocument.languageId })
    elseif message.method == "workspace/didChangeConfiguration" then
      configuration = message.params.settings
    end
  end
  table.sort(opened, function(l, r)
    return l[1] < r[1]
  end)
  H.equal(opened, { { files.a1, "plan" }, { files.a2, "plan" } }, "both files of root a were opened on its server")
  H.equal(
    configuration,
    { planls = { today = "2027-01-10", severity = { overdue = "error", ["blocked-upstream"] = "off" } } },
    "the planls settings section is pushed after initialization"
  )
  H.check(vim.tbl_contains(methods, "shutdown") and vim.tbl_contains(methods, "exit"), "the server is shut down cleanly")
  H.equal(init.params.initializationOptions and received[scratch .. "/roots/c"][1].params.initializationOptions.today, "2027-01-10", "every root gets the same options")
  vim.cmd("silent! %bwipeout!")
end)

H.run("setup() leaves out today when it is not given", function()
  local ok = planls.validate({})
  H.equal(ok.today, nil, "today defaults to the clock")
  H.equal(ok.cmd, { "planls", "serve" }, "cmd defaults to planls serve")
  H.equal(planls.validate({ cmd = "/opt/planls" }).cmd, { "/opt/planls" }, "a string cmd is one word")
  H.equal(planls.validate({ cmd = { "/opt/planls", "serve" } }).cmd, { "/opt/planls", "serve" }, "a list replaces the default")
end)

local on_attach_calls = {}
H.run("the Neovim 0.11 path: vim.lsp.config and vim.lsp.enable", function()
  if vim.lsp.enable then
    return -- exercised for real above
  end
  local configs, enabled = {}, {}
  vim.lsp.config = setmetatable({}, {
    __call = function(_, name, config)
      configs[name] = config
    end,
  })
  vim.lsp.enable = function(name)
    table.insert(enabled, name)
  end
  local on_attach = function(_, bufnr)
    table.insert(on_attach_calls, bufnr)
  end
  local ok = planls.setup({
    cmd = { nvim, "--version" },
    today = "2027-01-10",
    severity = { overdue = "error" },
    on_attach = on_attach,
    capabilities = { workspace = { didChangeWatchedFiles = { dynamicRegistration = true } } },
    treesitter = false,
  })
  vim.lsp.config, vim.lsp.enable = nil, nil
  H.equal(ok, true, "setup() succeeds on the 0.11 path")
  H.equal(enabled, { "planls" }, "vim.lsp.enable('planls')")
  local config = configs.planls or {}
  H.equal(config.cmd, { nvim, "--version" }, "cmd")
  H.equal(config.filetypes, { "plan" }, "filetypes")
  H.equal(config.init_options, { today = "2027-01-10", severity = { overdue = "error" } }, "init_options")
  H.equal(config.settings, { planls = { today = "2027-01-10", severity = { overdue = "error" } } }, "settings")
  local attached_buffer
  on_attach_calls = {}
  local omni_buf = vim.api.nvim_create_buf(false, true)
  config.on_attach({ id = 1 }, omni_buf)
  attached_buffer = on_attach_calls[1]
  H.equal(attached_buffer, omni_buf, "the user's on_attach runs after the plugin's")
  H.equal(vim.bo[omni_buf].omnifunc, "v:lua.vim.lsp.omnifunc", "on attach, omnifunc is the server's completion")
  H.equal(
    config.capabilities and config.capabilities.workspace.didChangeWatchedFiles.dynamicRegistration,
    true,
    "capabilities are merged over Neovim's"
  )
  H.check(config.capabilities and config.capabilities.textDocument ~= nil, "Neovim's own capabilities stay")
  local bufnr = vim.fn.bufadd(scratch .. "/roots/a/sub/deeper/x.plan")
  local root
  config.root_dir(bufnr, function(dir)
    root = dir
  end)
  H.equal(root, scratch .. "/roots/a", "root_dir gives the nearest .git")
  pcall(vim.api.nvim_del_augroup_by_name, "planls")
end)

H.run("nvim-treesitter registration", function()
  local parser_c = H.read_file(H.repo .. "/grammar/src/parser.c")
  H.equal(tonumber(parser_c:match("#define LANGUAGE_VERSION (%d+)")), planls.grammar_abi, "grammar_abi matches grammar/src/parser.c")

  package.loaded["nvim-treesitter.parsers"] = nil
  local ok, why = planls.register_treesitter(true)
  H.equal({ ok, why }, { false, "nvim-treesitter (master branch) is not installed" }, "without nvim-treesitter nothing happens")

  local configs = {}
  package.loaded["nvim-treesitter.parsers"] = {
    get_parser_configs = function()
      return configs
    end,
  }
  ok, why = planls.register_treesitter(true)
  if vim.treesitter.language_version < planls.grammar_abi then
    H.equal(ok, false, "an ABI " .. vim.treesitter.language_version .. " Neovim does not register the ABI 15 parser")
    H.matches(why, "treesitter = { generate = true }", "and says how to build it for this Neovim")
    H.equal(configs.plan, nil, "nothing is registered")
  else
    H.equal(ok, true, "the committed parser is registered")
  end

  ok = planls.register_treesitter({ generate = true })
  H.equal(ok, true, "with generate = true the parser is registered")
  H.equal(configs.plan, {
    install_info = {
      url = H.repo .. "/grammar",
      files = { "src/parser.c" },
      generate_requires_npm = false,
      requires_generate_from_grammar = true,
    },
    filetype = "plan",
  }, "the parser config points at this checkout's grammar")

  ok, why = planls.register_treesitter({ generate = true, url = scratch .. "/nowhere" })
  H.equal(ok, false, "a url without a grammar is refused")
  H.matches(why, "^no grammar at ", "with the reason")
  package.loaded["nvim-treesitter.parsers"] = nil
end)

H.run("queries are on the runtimepath for the plan language", function()
  for _, name in ipairs({ "highlights", "locals", "folds" }) do
    local found = vim.api.nvim_get_runtime_file("queries/plan/" .. name .. ".scm", true)
    H.equal(found, { H.repo .. "/editors/nvim/queries/plan/" .. name .. ".scm" }, name .. ".scm is found once")
  end
end)

H.run("the dependents lens fills the quickfix list", function()
  H.equal(vim.lsp.commands["planls.showReferences"], planls.show_references, "setup() registered the command")
  local path = scratch .. "/lens/work.plan"
  H.write_file(path, "initiative a {}\ninitiative b { depends_on: a }\ninitiative c { depends_on: a }\n")
  local uri = vim.uri_from_fname(path)
  local function at(line, character)
    return { line = line, character = character }
  end
  planls.show_references({
    title = "2 dependents",
    command = "planls.showReferences",
    arguments = {
      uri,
      at(0, 11),
      {
        { uri = uri, range = { start = at(1, 26), ["end"] = at(1, 27) } },
        { uri = uri, range = { start = at(2, 26), ["end"] = at(2, 27) } },
      },
    },
  }, {})
  local list = vim.fn.getqflist({ title = 1, items = 1 })
  H.equal(list.title, "2 dependents", "the list is titled like the lens")
  H.equal(#list.items, 2, "one entry per dependent")
  H.equal({ list.items[1].lnum, list.items[1].col }, { 2, 27 }, "the first dependent's place")
  H.equal({ list.items[2].lnum, list.items[2].col }, { 3, 27 }, "the second dependent's place")
  vim.cmd("cclose")
  notifications = {}
  planls.show_references({ arguments = { uri, at(0, 11), {} } }, {})
  H.matches(notifications[1] and notifications[1].message, "no dependents", "an empty lens says so")
end)

vim.fn.delete(scratch, "rf")
H.finish("tests/nvim/smoke.lua")
