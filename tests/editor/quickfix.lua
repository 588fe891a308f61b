-- Run by tests/it/editor.rs in `nvim --headless -u NONE -i NONE -n`:
-- attaches `wslint server` to a broken configuration, waits for its WS001
-- diagnostic, applies that diagnostic's quick fix as the editor would,
-- writes the file and waits for WS001 to go away. Written against the
-- Neovim 0.7 API (Debian bookworm's nvim).
--
-- Environment:
--   WSLINT_BIN            the wslint binary
--   WSLINT_NGINX_VERSION  the nginx version the server assumes
--   WSLINT_EDITOR_FILE    the configuration to open, fix and write
--   WSLINT_EDITOR_LOG     where each step is logged; a line "done" means
--                         every step passed
--
-- Any failure logs its reason and exits with status 3, so the test sees
-- both the status and why.

local log_path = os.getenv('WSLINT_EDITOR_LOG')

-- Appends and closes at once, so the log is complete even when the test
-- kills nvim at its timeout.
local function log(line)
  local f = assert(io.open(log_path, 'a'))
  f:write(line, '\n')
  f:close()
end

local function fail(reason)
  log('FAIL: ' .. reason)
  vim.cmd('cquit 3')
end

-- Each of the three waits is bounded, and together they stay under the
-- test's 60 s limit, so a stuck step is logged here rather than killed there.
local WAIT_MS = 15000

local function codes(bufnr)
  local out = {}
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    table.insert(out, tostring(d.code))
  end
  table.sort(out)
  return table.concat(out, ' ')
end

local function has_code(bufnr, code)
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    if d.code == code then
      return d
    end
  end
  return nil
end

-- The buffer's diagnostics in LSP form, for the code action context.
-- Neovim 0.7 keeps only byte columns; the file is ASCII, so they are the
-- UTF-16 columns the server expects.
local function lsp_diagnostics(bufnr)
  local out = {}
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    table.insert(out, {
      range = {
        start = { line = d.lnum, character = d.col },
        ['end'] = { line = d.end_lnum, character = d.end_col },
      },
      severity = d.severity,
      message = d.message,
      source = d.source,
      code = d.code,
    })
  end
  return out
end

local function main()
  local bin = os.getenv('WSLINT_BIN')
  local version = os.getenv('WSLINT_NGINX_VERSION')
  local path = os.getenv('WSLINT_EDITOR_FILE')
  if not (bin and version and path) then
    return fail('WSLINT_BIN, WSLINT_NGINX_VERSION and WSLINT_EDITOR_FILE must be set')
  end
  log('nvim ' .. tostring(vim.version().major) .. '.' .. tostring(vim.version().minor)
    .. '.' .. tostring(vim.version().patch))

  vim.cmd('edit ' .. vim.fn.fnameescape(path))
  local bufnr = vim.api.nvim_get_current_buf()
  vim.bo[bufnr].filetype = 'nginx'

  local client_id = vim.lsp.start_client({
    name = 'wslint',
    cmd = { bin, 'server', '--nginx-version', version },
    root_dir = vim.fn.fnamemodify(path, ':h'),
    on_exit = function(code, signal)
      log('server exited: code ' .. tostring(code) .. ', signal ' .. tostring(signal))
    end,
  })
  if not client_id then
    return fail('vim.lsp.start_client returned nil')
  end
  if not vim.lsp.buf_attach_client(bufnr, client_id) then
    return fail('vim.lsp.buf_attach_client failed')
  end
  log('attached client ' .. client_id)

  if not vim.wait(WAIT_MS, function() return has_code(bufnr, 'WS001') ~= nil end, 20) then
    return fail('no WS001 diagnostic within ' .. WAIT_MS .. ' ms; diagnostics: [' .. codes(bufnr) .. ']')
  end
  log('diagnostics: ' .. codes(bufnr))
  local ws001 = has_code(bufnr, 'WS001')

  local params = {
    textDocument = { uri = vim.uri_from_bufnr(bufnr) },
    range = {
      start = { line = ws001.lnum, character = ws001.col },
      ['end'] = { line = ws001.end_lnum, character = ws001.end_col },
    },
    context = { diagnostics = lsp_diagnostics(bufnr), only = { 'quickfix' } },
  }
  local responses, err = vim.lsp.buf_request_sync(bufnr, 'textDocument/codeAction', params, WAIT_MS)
  if not responses then
    return fail('textDocument/codeAction: ' .. tostring(err))
  end
  local response = responses[client_id]
  if not response then
    return fail('no codeAction response from client ' .. client_id)
  end
  if response.error then
    return fail('textDocument/codeAction error: ' .. vim.inspect(response.error))
  end

  local chosen
  for _, action in ipairs(response.result or {}) do
    log('action: [' .. tostring(action.kind) .. '] ' .. tostring(action.title))
    if not chosen and action.kind == 'quickfix' and vim.startswith(action.title or '', 'WS001:') then
      chosen = action
    end
  end
  if not chosen then
    return fail('no quickfix action titled "WS001: ..."')
  end
  if not chosen.edit then
    return fail('the WS001 action has no edit: ' .. vim.inspect(chosen))
  end
  log('applying: ' .. chosen.title)
  vim.lsp.util.apply_workspace_edit(chosen.edit, 'utf-16')
  vim.cmd('write')
  log('written')

  -- The edit reaches the server as didChange and the write as didSave;
  -- either must bring fresh diagnostics without WS001.
  if not vim.wait(WAIT_MS, function() return has_code(bufnr, 'WS001') == nil end, 20) then
    return fail('WS001 is still reported ' .. WAIT_MS .. ' ms after the fix; diagnostics: [' .. codes(bufnr) .. ']')
  end
  log('diagnostics after the fix: ' .. codes(bufnr))
  log('done')
  vim.cmd('qa!')
end

local ok, err = xpcall(main, debug.traceback)
if not ok then
  fail('error: ' .. tostring(err))
end
