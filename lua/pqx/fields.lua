-- pqx.fields: label/value pairs from the layouts parliament pages use for
-- metadata: <dl><dt>Label</dt><dd>value</dd></dl>, two-column table rows
-- (<tr><th>Label</th><td>value</td></tr>), "<b>Label:</b> value" and plain
-- "Label: value" lines. Labels are normalised into keys, so that
-- "Date de publication :" and "date de publication" meet as date_de_publication.
local text = require("pqx.text")
local core = require("pqx.core")

local M = {}

-- key("Datum der Antwort:") -> "datum_der_antwort"
function M.key(label)
  local k = text.fold_case(text.strip_accents(text.squish(label)))
  k = k:gsub("%s*:%s*$", ""):gsub("[^%w]+", "_"):gsub("^_+", ""):gsub("_+$", "")
  return k
end

local MAX_LABEL_WORDS = 6

local function add(out, list, label, value, node, source)
  label = text.squish(label):gsub("%s*:%s*$", "")
  value = text.trim(value)
  if label == "" or value == "" then return end
  local key = M.key(label)
  if key == "" then return end
  list[#list + 1] = {label = label, key = key, value = value, node = node, source = source}
  if out[key] == nil then out[key] = value end
end

-- fields(node [, opts]) -> map key -> value (first occurrence), list of
--   {label, key, value, node, source} in document order.
-- opts.lines = false skips the "Label: value" text lines.
function M.fields(node, opts)
  opts = opts or {}
  if not (core.is_node(node) or core.is_document(node)) then
    error("fields: expected a node, got " .. type(node), 2)
  end
  local out, list = {}, {}
  local covered = {}
  for _, dt in ipairs(node:select("dt")) do
    local dd = dt:next()
    if dd and dd.tag == "dd" then
      add(out, list, dt:text(), dd:text(), dd, "dl")
      covered[dt:text()] = true
    end
  end
  for _, tr in ipairs(node:select("tr")) do
    local cells = tr:children()
    if #cells == 2 and not tr:select1("table") then
      local l = cells[1]:text()
      if l ~= "" and #text.split(l, " ") <= MAX_LABEL_WORDS then
        add(out, list, l, cells[2]:text(), cells[2], "table")
        covered[l] = true
      end
    end
  end
  if opts.lines ~= false then
    for _, line in ipairs(text.lines(node:text())) do
      local l, v = line:match("^([^:]+):%s*(.+)$")
      if l and not covered[l] and not l:find("[%.;!?]") and #text.split(l, " ") <= MAX_LABEL_WORDS
        and not v:match("^//") then
        add(out, list, l, v, nil, "line")
      end
    end
  end
  return out, list
end

return setmetatable(M, {__call = function(_, ...) return M.fields(...) end})
