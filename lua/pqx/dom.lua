-- pqx.dom: methods that the Lua side adds to the tables the C core creates:
-- List helpers (what node:select returns) and a few node conveniences.
-- Lists are plain Lua sequences with a metatable, so #list, ipairs and
-- list[i] work as usual.
local core = require("pqx.core")

local L = core.list_methods
local N = core.node_methods
local D = core.document_methods

local new_list = core.list

-- list:first() / list:last(): the first / last item or nil
function L.first(self) return self[1] end
function L.last(self) return self[#self] end

-- list:texts(): the text of each item (strings stay as they are)
function L.texts(self)
  local out = {}
  for i, v in ipairs(self) do
    out[i] = type(v) == "string" and v or v:text()
  end
  return new_list(out)
end

-- list:attrs(name): the attribute of each node that has it
function L.attrs(self, name)
  local out = {}
  for _, v in ipairs(self) do
    local a = v:attr(name)
    if a ~= nil then out[#out + 1] = a end
  end
  return new_list(out)
end

-- list:map(fn): a new list of fn(item, index), skipping nil results
function L.map(self, fn)
  local out = {}
  for i, v in ipairs(self) do
    local r = fn(v, i)
    if r ~= nil then out[#out + 1] = r end
  end
  return new_list(out)
end

-- list:filter(fn): the items for which fn(item, index) is true
function L.filter(self, fn)
  local out = {}
  for i, v in ipairs(self) do
    if fn(v, i) then out[#out + 1] = v end
  end
  return new_list(out)
end

-- list:join(sep): the texts joined with sep (default " ")
function L.join(self, sep)
  local t = L.texts(self)
  return table.concat(t, sep or " ")
end

-- list:select(css): the union of each node's selection, in list order
function L.select(self, css)
  local out, seen = {}, {}
  for _, v in ipairs(self) do
    for _, m in ipairs(v:select(css)) do
      if not seen[m] then
        seen[m] = true
        out[#out + 1] = m
      end
    end
  end
  return new_list(out)
end

-- node:select_text(css): the text of the first match of css, or nil
function N.select_text(self, css)
  local n = self:select1(css)
  if n == nil then return nil end
  return type(n) == "string" and n or n:text()
end

D.select_text = N.select_text

return {list_methods = L, node_methods = N, new_list = new_list}
