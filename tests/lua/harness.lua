-- harness.lua: the assertion helpers of pqx's Lua tests. Each check prints one
-- line, "ok - NAME" or "not ok - NAME" plus a diagnostic, which tests/run.sh counts.
local M = {failed = 0}

local function show(v)
  if type(v) == "string" then return string.format("%q", v) end
  return tostring(v)
end

function M.ok(cond, name, diag)
  if cond then
    print("ok - " .. name)
  else
    M.failed = M.failed + 1
    print("not ok - " .. name)
    if diag then print("#   " .. tostring(diag)) end
  end
  return cond
end

function M.eq(got, want, name)
  return M.ok(got == want, name, "got " .. show(got) .. ", want " .. show(want))
end

-- deep equality of plain tables
local function deq(a, b)
  if type(a) ~= type(b) then return false end
  if type(a) ~= "table" then return a == b end
  for k, v in pairs(a) do if not deq(v, b[k]) then return false end end
  for k in pairs(b) do if a[k] == nil then return false end end
  return true
end
M.deep_equal = deq

function M.same(got, want, name)
  return M.ok(deq(got, want), name)
end

-- expects fn to raise an error whose message contains `pattern` (plain text)
function M.raises(fn, pattern, name)
  local ok, err = pcall(fn)
  if ok then return M.ok(false, name, "no error raised") end
  return M.ok(tostring(err):find(pattern, 1, true) ~= nil, name, "error was: " .. tostring(err))
end

return M
