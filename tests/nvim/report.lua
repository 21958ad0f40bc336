-- :PlanlsReport in a headless Neovim against the real `planls serve`, through the plugin:
--   PLANLS_BIN=target/release/planls nvim --headless -u NONE -i NONE -n -c "luafile tests/nvim/report.lua"
-- Opens a copy of examples/checkout-v2, edits a buffer without saving, runs the report and checks
-- the HTML file it wrote (the edit is in it) and that the opener was given that file.

local H = dofile(vim.fn.fnamemodify(debug.getinfo(1, "S").source:sub(2), ":p:h") .. "/helpers.lua")

vim.opt.runtimepath:append(H.repo .. "/editors/nvim")
vim.cmd("filetype plugin on")
vim.o.swapfile = false
vim.o.hidden = true

local notifications = {}
vim.notify = function(message, level)
  table.insert(notifications, { message = message, level = level })
end

local binary = os.getenv("PLANLS_BIN")
if binary == nil or binary == "" then
  binary = H.repo .. "/target/release/planls"
end

local root = vim.fn.tempname() .. "/checkout"
vim.fn.mkdir(root, "p")
for _, name in ipairs(vim.fn.readdir(H.repo .. "/examples/checkout-v2")) do
  H.write_file(root .. "/" .. name, H.read_file(H.repo .. "/examples/checkout-v2/" .. name))
end
vim.fn.mkdir(root .. "/.git", "p")

local planls = require("planls")

H.run("without a server the command says what to do", function()
  local problem
  planls.report({ done = function(_, p) problem = p end })
  H.matches(problem or "", "no planls language server is running", "the problem")
end)

H.run("setup() defines :PlanlsReport", function()
  local ok, problem = planls.setup({ cmd = { binary, "serve" }, today = "2027-01-04" })
  H.check(ok, "setup() failed: " .. tostring(problem))
  H.equal(vim.fn.exists(":PlanlsReport"), 2, ":PlanlsReport exists")
end)

H.run(":PlanlsReport writes the report of the unsaved buffers and opens it", function()
  vim.cmd("edit " .. vim.fn.fnameescape(root .. "/program.plan"))
  local bufnr = vim.api.nvim_get_current_buf()
  local ready = vim.wait(15000, function()
    local clients = H.clients(bufnr)
    return #clients > 0 and clients[1].initialized ~= false
  end, 50)
  H.check(ready, "the planls client attached")
  -- Rename the program in the buffer only: the report must show the new title.
  local lines = vim.api.nvim_buf_get_lines(bufnr, 0, -1, false)
  for n, line in ipairs(lines) do
    if line:find('program checkout_v2 "Checkout v2"', 1, true) then
      vim.api.nvim_buf_set_lines(bufnr, n - 1, n, false, { 'program checkout_v2 "Checkout v2 (unsaved)" {' })
    end
  end

  local target = vim.fn.tempname() .. "/status.html"
  local opened, written, problem
  planls.report({
    path = target,
    open = function(path) opened = path end,
    done = function(path, p)
      written, problem = path, p
    end,
  })
  vim.wait(15000, function()
    return written ~= nil or problem ~= nil
  end, 50)
  H.equal(problem, nil, "the report's problem")
  H.equal(written, target, "the file written")
  H.equal(opened, target, "the file opened")
  local html = H.read_file(target)
  H.matches(html, "^<!DOCTYPE html>", "the page")
  H.matches(html, "Checkout v2 %(unsaved%)", "the unsaved title")
  H.matches(html, '<svg xmlns="http://www.w3.org/2000/svg" class="gantt"', "the Gantt chart")
  H.matches(html, 'data%-milestone="public_beta"', "a milestone row")

  -- The command itself, with the default opener left out by a stub.
  local stubbed = planls.opener
  planls.opener = function()
    return function(path) opened = "command:" .. path end
  end
  local second = vim.fn.tempname() .. "/second.html"
  vim.cmd("PlanlsReport " .. vim.fn.fnameescape(second))
  vim.wait(15000, function()
    return opened == "command:" .. second
  end, 50)
  planls.opener = stubbed
  H.equal(opened, "command:" .. second, "the command opened its file")
  H.check(vim.fn.filereadable(second) == 1, "the command wrote " .. second)
end)

for _, client in ipairs(H.clients()) do
  vim.lsp.stop_client(client.id)
end
vim.fn.delete(vim.fn.fnamemodify(root, ":h"), "rf")
H.finish("tests/nvim/report.lua")
