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

-- pair(expected, actual) -> list of {label, want, got}: the records of a page matched by
-- their id, so that one inserted record does not shift every later one. The label is
-- "[<id>]" ("[be-senate:5-8916]"); a record without a string id, or whose id appears
-- twice on either side, is matched by its position ("[2]"). Expected records come first,
-- in their order, then the records only the page gives.
function M.pair(want, got)
  local function index(list)
    local by, count = {}, {}
    for _, r in ipairs(list) do
      local id = type(r) == "table" and r.id
      if type(id) == "string" then count[id] = (count[id] or 0) + 1 end
    end
    for i, r in ipairs(list) do
      local id = type(r) == "table" and r.id
      if type(id) == "string" and count[id] == 1 then by[id] = i end
    end
    return by
  end
  local wby, gby = index(want), index(got)
  local out, used = {}, {}
  local function key(list, by, i)
    local id = type(list[i]) == "table" and list[i].id
    return type(id) == "string" and by[id] and id or nil
  end
  for i, w in ipairs(want) do
    local id = key(want, wby, i)
    if id and gby[id] then
      out[#out + 1] = {"[" .. id .. "]", w, got[gby[id]]}
      used[gby[id]] = true
    elseif id then
      out[#out + 1] = {"[" .. id .. "]", w, nil}
    elseif got[i] ~= nil and not key(got, gby, i) then
      out[#out + 1] = {"[" .. i .. "]", w, got[i]}
      used[i] = true
    else
      out[#out + 1] = {"[" .. i .. "]", w, nil}
    end
  end
  for i, g in ipairs(got) do
    if not used[i] then
      local id = key(got, gby, i)
      out[#out + 1] = {"[" .. (id or tostring(i)) .. "]", nil, g}
    end
  end
  return out
end

-- diff_records(expected, actual) -> difference lines of two record lists, by id: a
-- missing or an extra record is one line naming its id.
function M.diff_records(want, got)
  local out = {}
  for _, p in ipairs(M.pair(want, got)) do
    if p[3] == nil then
      out[#out + 1] = p[1] .. ": expected this record, the page gives none"
    elseif p[2] == nil then
      out[#out + 1] = p[1] .. ": the page gives this record, none is expected"
    else
      walk(p[1], p[2], p[3], out)
    end
  end
  return out
end

-- diff(expected, actual [, path]) -> list of difference lines (empty when equal)
function M.diff(want, got, path)
  local out = {}
  walk(path or "", want, got, out)
  return out
end

return M
