-- Drives Neovim's built-in LSP client (Neovim 0.7 API) against a language server, for
-- test/e2e/neovim.mjs. Run as:
--   NVIM_LSP_E2E_CONFIG=/path/config.json nvim --headless --clean -u NONE -n -i NONE \
--     -c 'luafile test/e2e/neovim-lsp.lua'
--
-- The config (JSON) names the server command, the workspace root, the files to open and
-- what to do; the result is one JSON object written to config.output (or stdout). Steps:
--   1. start the server with vim.lsp.start_client (0.7 has no vim.lsp.start) and attach
--      every file's buffer (didOpen goes out once `initialize` is answered);
--   2. wait for push diagnostics (0.7 has no pull diagnostics) for every file;
--   3. ask for code actions on each diagnostic of one file, as a cursor on it would;
--   4. optionally apply one (its edit, or its command through workspace/executeCommand),
--      write all buffers, and wait for the diagnostics the server publishes after it;
--   5. stop the server and quit, with exit code 0 on success and 1 on any error.
-- Waiting uses vim.wait with a predicate: it returns as soon as the condition holds, and
-- it is also what lets Neovim's event loop process the server's messages meanwhile.

local json = vim.json
local config_path = assert(os.getenv('NVIM_LSP_E2E_CONFIG'), 'NVIM_LSP_E2E_CONFIG not set')
local config = json.decode(table.concat(vim.fn.readfile(config_path), '\n'))

local timeout = config.timeoutMs or 20000
local root = vim.fn.fnamemodify(config.rootDir, ':p'):gsub('/$', '')
-- Neovim names a buffer by its real path when the root is reached through a link, and the
-- server publishes under the name the buffer was opened with: both are the same file.
local real_root = vim.loop.fs_realpath(root) or root

local result = {
  ok = false,
  -- vim.empty_dict() so that maps still encode as JSON objects when nothing arrived.
  diagnostics = vim.empty_dict(),   -- relative path -> LSP diagnostics once the wait is over
  publishCounts = vim.empty_dict(), -- relative path -> how many publishDiagnostics arrived
  codeActions = {},           -- one entry per diagnostic of config.codeActionsFor
  applied = vim.NIL,          -- title of the applied action
  diagnosticsAfter = vim.NIL, -- relative path -> diagnostics after the action was applied
  files = vim.empty_dict(),   -- relative path -> file content on disk at the end
  messages = {},              -- window/showMessage
  logMessages = {},           -- window/logMessage
  messageRequests = {},       -- window/showMessageRequest (and the answer given)
  configurationRequests = {}, -- workspace/configuration items asked for
  registrations = {},         -- client/registerCapability registrations
}

-- Latest published diagnostics per file, updated as publishes arrive; `result` gets
-- snapshots of it at the points the steps above describe.
local live = vim.empty_dict()

local function rel(fname)
  fname = vim.fn.fnamemodify(fname, ':p')
  for _, prefix in ipairs({ root, real_root }) do
    if fname:sub(1, #prefix + 1) == prefix .. '/' then return fname:sub(#prefix + 2) end
  end
  return fname
end

local function abs(relpath)
  if relpath:sub(1, 1) == '/' then return relpath end
  return root .. '/' .. relpath
end

local function write_result()
  local text = json.encode(result)
  if config.output then
    vim.fn.writefile({ text }, config.output)
  else
    io.stdout:write(text, '\n')
  end
end

-- Handlers ------------------------------------------------------------------------------
local handlers = {}

-- Collect push diagnostics per file, and still hand them to the stock handler so
-- vim.diagnostic (signs, :lua vim.diagnostic.get()) sees them as a user would.
local stock_publish = vim.lsp.handlers['textDocument/publishDiagnostics']
handlers['textDocument/publishDiagnostics'] = function(err, params, ctx, cfg)
  local file = rel(vim.uri_to_fname(params.uri))
  live[file] = params.diagnostics
  result.publishCounts[file] = (result.publishCounts[file] or 0) + 1
  return stock_publish(err, params, ctx, cfg)
end

-- The stock handler calls inputlist() and waits for a key press, which hangs a headless
-- run. Answer with the configured action title, or the first action, or null.
handlers['window/showMessageRequest'] = function(_, params)
  local answer = vim.NIL
  for _, action in ipairs(params.actions or {}) do
    if config.messageRequestAnswer == nil or action.title == config.messageRequestAnswer then
      answer = action
      break
    end
  end
  table.insert(result.messageRequests, { type = params.type, message = params.message, answer = answer })
  return answer
end

-- The stock handler skips items without a section, so the answer array gets shorter than
-- the request and values land on the wrong items. Answer every item: a section is looked
-- up in config.settings (dotted path), and no section gets the whole settings object.
handlers['workspace/configuration'] = function(_, params)
  local response = {}
  for _, item in ipairs(params.items or {}) do
    table.insert(result.configurationRequests, {
      section = item.section or vim.NIL,
      scopeUri = item.scopeUri or vim.NIL,
    })
    local value = config.settings or vim.NIL
    if item.section and item.section ~= '' then
      value = vim.lsp.util.lookup_section(config.settings or {}, item.section)
    end
    table.insert(response, value == nil and vim.NIL or value)
  end
  return response
end

handlers['window/showMessage'] = function(_, params)
  table.insert(result.messages, { type = params.type, message = params.message })
end

handlers['window/logMessage'] = function(_, params)
  table.insert(result.logMessages, { type = params.type, message = params.message })
end

-- 0.7 claims no dynamic registration, but servers may still register (e.g. for
-- didChangeConfiguration); record it and accept, as the stock handler does.
handlers['client/registerCapability'] = function(_, params)
  for _, registration in ipairs(params.registrations or {}) do
    table.insert(result.registrations, registration.method)
  end
  return vim.NIL
end

-- Steps -----------------------------------------------------------------------------------
-- Waits until predicate() holds; fails at once if the server process has gone away
-- (a crash would otherwise look like a slow server until the timeout).
local client_id
local function wait_for(what, predicate)
  local stopped = false
  local ok = vim.wait(timeout, function()
    if predicate() then return true end
    -- get_client_by_id also finds a client still initializing (client_is_stopped would
    -- call that one stopped in 0.7), so nil here means the server process is gone.
    stopped = client_id ~= nil and vim.lsp.get_client_by_id(client_id) == nil
    return stopped
  end, 20)
  if stopped then error('language server exited while waiting for ' .. what) end
  if not ok then error(string.format('timed out after %d ms waiting for %s', timeout, what)) end
end

local function main()
  if config.logLevel then vim.lsp.set_log_level(config.logLevel) end
  result.lspLog = vim.lsp.get_log_path()

  client_id = vim.lsp.start_client({
    name = config.name or 'e2e-server',
    cmd = config.cmd,
    cmd_cwd = root,
    root_dir = root,
    workspace_folders = { { uri = vim.uri_from_fname(root), name = vim.fn.fnamemodify(root, ':t') } },
    settings = config.settings or {},
    init_options = config.initializationOptions,
    handlers = handlers,
    -- Send didChange right away instead of after 0.7's 150 ms debounce.
    flags = { debounce_text_changes = 0 },
  })
  assert(client_id, 'vim.lsp.start_client failed for ' .. vim.inspect(config.cmd))
  local client = vim.lsp.get_client_by_id(client_id)

  -- Open and attach every file. The filetype sets the LSP languageId; it is set
  -- explicitly because -u NONE leaves filetype detection off.
  local buffers = {}
  for _, file in ipairs(config.files) do
    vim.cmd('edit ' .. vim.fn.fnameescape(abs(file)))
    local bufnr = vim.api.nvim_get_current_buf()
    vim.bo[bufnr].filetype = config.filetype or 'yaml'
    assert(vim.lsp.buf_attach_client(bufnr, client_id), 'buf_attach_client failed for ' .. file)
    buffers[rel(abs(file))] = bufnr
  end

  wait_for('initialize', function() return client.initialized end)
  result.serverCapabilities = client.server_capabilities or client.resolved_capabilities

  -- Wait for diagnostics: by default until any publish arrived (a server may publish only
  -- files with findings, so a clean file may never get one); with waitForAllFiles until
  -- every opened file got one; and in any case until config.minDiagnostics[file] are there.
  local min = config.minDiagnostics or {}
  wait_for('diagnostics', function()
    if next(result.publishCounts) == nil then return false end
    if config.waitForAllFiles then
      for file in pairs(buffers) do
        if not result.publishCounts[file] then return false end
      end
    end
    for file, count in pairs(min) do
      if #(live[file] or {}) < count then return false end
    end
    return true
  end)
  result.diagnostics = vim.deepcopy(live)

  local target = rel(abs(config.codeActionsFor or config.files[1]))
  local bufnr = assert(buffers[target], 'codeActionsFor is not among files: ' .. target)
  vim.api.nvim_set_current_buf(bufnr)
  local chosen
  for _, diagnostic in ipairs(result.diagnostics[target] or {}) do
    local response, err = client.request_sync('textDocument/codeAction', {
      textDocument = { uri = vim.uri_from_bufnr(bufnr) },
      range = diagnostic.range,
      context = { diagnostics = { diagnostic } },
    }, timeout, bufnr)
    if not response then error('textDocument/codeAction failed: ' .. tostring(err)) end
    if response.err then error('textDocument/codeAction error: ' .. vim.inspect(response.err)) end
    local entry = { message = diagnostic.message, range = diagnostic.range, actions = {} }
    for _, action in ipairs(response.result or {}) do
      table.insert(entry.actions, {
        title = action.title,
        kind = action.kind or vim.NIL,
        isPreferred = action.isPreferred or false,
        hasEdit = action.edit ~= nil,
        hasCommand = action.command ~= nil,
      })
      if not chosen and config.apply and action.title == config.apply then chosen = action end
    end
    table.insert(result.codeActions, entry)
  end

  if config.apply then
    if not chosen then error('code action not offered: ' .. config.apply) end
    local counts_before = vim.deepcopy(result.publishCounts)
    -- A lazily resolved action carries neither edit nor command until codeAction/resolve.
    local can_resolve = vim.tbl_get(client.server_capabilities or {}, 'codeActionProvider', 'resolveProvider')
    if not chosen.edit and not chosen.command and can_resolve then
      local response = client.request_sync('codeAction/resolve', chosen, timeout, bufnr)
      chosen = assert(response and response.result, 'codeAction/resolve failed')
    end
    if chosen.edit then
      vim.lsp.util.apply_workspace_edit(chosen.edit, client.offset_encoding)
    end
    -- A Command is { title, command = string }; a CodeAction may carry { command = Command }.
    local command = type(chosen.command) == 'table' and chosen.command
      or (type(chosen.command) == 'string' and chosen) or nil
    if command then
      local response = client.request_sync('workspace/executeCommand',
        { command = command.command, arguments = command.arguments }, timeout, bufnr)
      if not response or response.err then
        error('workspace/executeCommand failed: ' .. vim.inspect(response))
      end
    end
    result.applied = chosen.title
    -- Write every changed buffer (an edit may touch other files) like :wall would.
    vim.cmd('silent! wall')
    -- Any new publish shows the server has seen the edit: a workspace-wide server may
    -- re-publish only the files whose diagnostics changed, which need not be `target`.
    -- config.countsAfter ({ [file] = n }) waits for exact counts, so a test does not
    -- snapshot between two publishes of one refresh.
    wait_for('diagnostics after the code action', function()
      for file, count in pairs(config.countsAfter or {}) do
        if #(live[file] or {}) ~= count then return false end
      end
      for file, count in pairs(result.publishCounts) do
        if count > (counts_before[file] or 0) then return true end
      end
      return false
    end)
    result.diagnosticsAfter = vim.deepcopy(live)
  end

  for _, b in ipairs(vim.api.nvim_list_bufs()) do
    local name = vim.api.nvim_buf_get_name(b)
    if name ~= '' and vim.fn.filereadable(name) == 1 then
      result.files[rel(name)] = table.concat(vim.fn.readfile(name, 'b'), '\n')
    end
  end

  -- Graceful shutdown (shutdown request + exit notification), then wait for the process.
  client.stop()
  local function gone() return vim.lsp.get_client_by_id(client_id) == nil end
  vim.wait(5000, gone, 20)
  if not gone() then client.stop(true) end
  result.ok = true
end

local ok, err = xpcall(main, debug.traceback)
if not ok then result.error = tostring(err) end
write_result()
vim.cmd(ok and 'qall!' or 'cquit! 1')
