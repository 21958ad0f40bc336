-- A stand-in language server for the plugin tests: answers initialize and shutdown, and writes
-- every message it receives as one JSON line to <g:planls_fake_log_dir>/<pid>.jsonl.
-- Run as: nvim --headless -u NONE -n --cmd "let g:planls_fake_log_dir = '...'" --cmd "luafile fake_server.lua"
-- (from --cmd, before Neovim would read stdin as a buffer). It blocks on stdin; that is all it does.

local log_path = vim.g.planls_fake_log_dir .. "/" .. vim.fn.getpid() .. ".jsonl"
local log = assert(io.open(log_path, "a"))

local function send(message)
  local body = vim.fn.json_encode(message)
  io.stdout:write(string.format("Content-Length: %d\r\n\r\n%s", #body, body))
  io.stdout:flush()
end

local function read_message()
  local length
  while true do
    local header = io.stdin:read("*l")
    if header == nil then
      return nil
    end
    header = header:gsub("\r$", "")
    if header == "" then
      break
    end
    local value = header:match("^[Cc]ontent%-[Ll]ength:%s*(%d+)$")
    if value then
      length = tonumber(value)
    end
  end
  local body = io.stdin:read(length)
  log:write(body, "\n")
  log:flush()
  return vim.fn.json_decode(body)
end

while true do
  local message = read_message()
  if message == nil or message.method == "exit" then
    break
  end
  if message.id ~= nil and message.method ~= nil then
    local result = vim.NIL
    if message.method == "initialize" then
      result = {
        capabilities = { textDocumentSync = 1 },
        serverInfo = { name = "planls-fake", version = "0" },
      }
    end
    send({ jsonrpc = "2.0", id = message.id, result = result })
  end
end
log:close()
os.exit(0)
