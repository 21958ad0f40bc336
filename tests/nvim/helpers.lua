-- Shared by the headless Neovim tests: where the repository is, and checks that collect every
-- failure and exit non-zero with what differed.

local H = {}

H.repo = vim.fn.fnamemodify(debug.getinfo(1, "S").source:sub(2), ":p:h:h:h")
H.failures = {}
H.checked = 0

function H.check(condition, message)
  H.checked = H.checked + 1
  if not condition then
    table.insert(H.failures, message)
  end
  return condition
end

function H.equal(actual, expected, what)
  return H.check(
    vim.deep_equal(actual, expected),
    string.format("%s\n    expected: %s\n    actual:   %s", what, vim.inspect(expected), vim.inspect(actual))
  )
end

function H.matches(text, pattern, what)
  return H.check(
    type(text) == "string" and text:find(pattern) ~= nil,
    string.format("%s\n    expected to match: %s\n    actual: %s", what, pattern, vim.inspect(text))
  )
end

--- Runs `fn`, turning an error into a failure instead of a crash of the whole test.
function H.run(name, fn)
  local ok, err = xpcall(fn, debug.traceback)
  H.check(ok, name .. " raised an error:\n" .. tostring(err))
end

function H.read_file(path)
  local file = assert(io.open(path, "rb"))
  local text = file:read("*a")
  file:close()
  return text
end

function H.write_file(path, text)
  vim.fn.mkdir(vim.fn.fnamemodify(path, ":h"), "p")
  local file = assert(io.open(path, "wb"))
  file:write(text)
  file:close()
end

--- The clients attached to a buffer (all clients without one), on any Neovim from 0.7.
function H.clients(bufnr)
  if vim.lsp.get_clients then
    return vim.lsp.get_clients(bufnr and { bufnr = bufnr } or nil)
  end
  return bufnr and vim.tbl_values(vim.lsp.buf_get_clients(bufnr)) or vim.lsp.get_active_clients()
end

--- Calls a client method: `client.name(...)` before Neovim 0.11, `client:name(...)` from 0.11.
function H.call(client, name, ...)
  if vim.fn.has("nvim-0.11") == 1 then
    return client[name](client, ...)
  end
  return client[name](...)
end

--- Prints the result and exits: 0 when every check held, 1 with each failure otherwise.
function H.finish(name)
  if #H.failures == 0 then
    io.stdout:write(string.format("%s: %d checks passed (Neovim %s)\n", name, H.checked, tostring(vim.version and vim.version() and string.format("%d.%d.%d", vim.version().major, vim.version().minor, vim.version().patch))))
    io.stdout:flush()
    os.exit(0)
  end
  io.stderr:write(string.format("%s: %d of %d checks failed\n", name, #H.failures, H.checked))
  for i, failure in ipairs(H.failures) do
    io.stderr:write(string.format("%d. %s\n", i, failure))
  end
  io.stderr:flush()
  os.exit(1)
end

return H
