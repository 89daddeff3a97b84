-- pqx.testing: comparison of expected and actual records for `pqx test`.
-- diff() walks both values together and reports each difference with the
-- path of the field, e.g. `answers[1].sections[3].heading: expected "Fedasil", got nil`.
local M = {}

local function show(v)
  if type(v) == "string" then
    if #v > 70 then v = v:sub(1, 67) .. "..." end
    return string.format("%q", v):gsub("\\\n", "\\n")
  elseif type(v) == "table" then
    local n = 0
    for _ in pairs(v) do n = n + 1 end
    if #v == n then return string.format("a list of %d", n) end
    return string.format("a table of %d fields", n)
  end
  return tostring(v)
end

local function is_list(t)
  local n = 0
  for _ in pairs(t) do n = n + 1 end
  return n == #t
end

local function sorted_keys(a, b)
  local keys, seen = {}, {}
  for _, t in ipairs({a, b}) do
    for k in pairs(t) do
      if not seen[k] then
        seen[k] = true
        keys[#keys + 1] = k
      end
    end
  end
  table.sort(keys, function(x, y) return tostring(x) < tostring(y) end)
  return keys
end

local function walk(path, want, got, out)
  if type(want) == "table" and type(got) == "table" then
    if is_list(want) and is_list(got) then
      local n = math.max(#want, #got)
      for i = 1, n do
        walk(path .. "[" .. i .. "]", want[i], got[i], out)
      end
      return
    end
    for _, k in ipairs(sorted_keys(want, got)) do
      walk(path == "" and tostring(k) or (path .. "." .. tostring(k)), want[k], got[k], out)
    end
    return
  end
  if want ~= got then
    out[#out + 1] = string.format("%s: expected %s, got %s", path == "" and "(value)" or path,
      show(want), show(got))
  end
end

-- diff(expected, actual [, path]) -> list of difference lines (empty when equal)
function M.diff(want, got, path)
  local out = {}
  walk(path or "", want, got, out)
  return out
end

return M
