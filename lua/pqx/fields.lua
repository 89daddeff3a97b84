-- pqx.fields: label/value pairs from the layouts parliament pages use for
-- metadata: <dl><dt>Label</dt><dd>value</dd></dl>, two-column table rows
-- (<tr><th>Label</th><td>value</td></tr>), "<b>Label:</b> value" and plain
-- "Label: value" lines, and (layout = "rows") a row of labels above rows of
-- values. Labels are normalised into keys, so that "Date de publication :" and
-- "date de publication" meet as date_de_publication. A label printed under
-- several headings ("Datum:" under "Anfrage" and under "Antwort") is kept
-- under each heading too, so that no occurrence is lost to the first one.
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
local MAX_COLSPAN = 100 -- a colspan beyond this is a page error, not a layout
-- what starts a group of fields: headings, table captions, fieldset legends and
-- header cells that span several columns
local HEADINGS = "h1, h2, h3, h4, h5, h6, caption, legend, th[colspan]:not([colspan='1'])"
local OWN_ROWS = ":scope > tr, :scope > thead > tr, :scope > tbody > tr, :scope > tfoot > tr"
local OPTIONS = {lines = "boolean", layout = "string", keep_empty = "boolean", text = "table"}
local LAYOUTS = {auto = true, rows = true}

local function check_opts(opts)
  if type(opts) ~= "table" then
    error("fields: options must be a table, got " .. type(opts), 3)
  end
  for k, v in pairs(opts) do
    local want = OPTIONS[k]
    if not want then
      error("fields: unknown option '" .. tostring(k) .. "' (known: keep_empty, layout, lines, text)", 3)
    end
    if type(v) ~= want then
      error("fields: option '" .. k .. "' must be a " .. want .. ", got " .. type(v), 3)
    end
  end
  if opts.layout and not LAYOUTS[opts.layout] then
    error("fields: layout must be \"auto\" or \"rows\", got \"" .. opts.layout .. "\"", 3)
  end
end

-- the headings below root in document order, each with its position and text
local function find_headings(root, order, tx, skip)
  local heads = {}
  for _, h in ipairs(root:select(HEADINGS)) do
    local t = text.squish(tx(h)):gsub("%s*:%s*$", "")
    if not skip[h] and t ~= "" and M.key(t) ~= "" then
      heads[#heads + 1] = {pos = order[h], text = t, key = M.key(t)}
    end
  end
  return heads
end

-- the last heading before document position pos (binary search)
local function heading_before(heads, pos)
  if not pos then return nil end
  local lo, hi, found = 1, #heads, nil
  while lo <= hi do
    local mid = (lo + hi) // 2
    if heads[mid].pos < pos then
      found = heads[mid]
      lo = mid + 1
    else
      hi = mid - 1
    end
  end
  return found
end

-- cells of a row, one entry per column (a colspan repeats the cell)
local function columns(tr)
  local cols = {}
  for _, c in ipairs(tr:children()) do
    if c.tag == "td" or c.tag == "th" then
      local span = math.tointeger(tonumber(c:attr("colspan") or "1")) or 1
      if span < 1 then span = 1 elseif span > MAX_COLSPAN then span = MAX_COLSPAN end
      for _ = 1, span do cols[#cols + 1] = c end
    end
  end
  return cols
end

-- fields(node [, opts]) -> map key -> value (first occurrence in document order,
--   plus one table per heading), list of {label, key, value, node, source,
--   heading, heading_key, row} in document order (text lines last), groups
--   heading_key -> {key -> value}.
function M.fields(node, opts)
  opts = opts or {}
  if not (core.is_node(node) or core.is_document(node)) then
    error("fields: expected a node, got " .. type(node), 2)
  end
  check_opts(opts)
  local topts = opts.text
  local function tx(n) return n:text(topts) end
  local keep_empty = opts.keep_empty

  local order = {}
  for i, d in ipairs(node:descendants()) do order[d] = i end
  local label_cells = {} -- cells of a label row are labels, not headings
  local out, list, groups, group_order = {}, {}, {}, {}

  local seq = 0
  local function add(label, value, vnode, source, heading, row)
    -- a word broken over two lines of a header cell ("Druck-<br>sache") is one word
    label = text.squish((label:gsub("(%a)%-\n(%l)", "%1%2"))):gsub("%s*:%s*$", "")
    value = text.trim(value)
    if label == "" or (value == "" and not keep_empty) then return end
    local key = M.key(label)
    if key == "" then return end
    local e = {label = label, key = key, value = value, node = vnode, source = source, row = row}
    if heading then e.heading, e.heading_key = heading.text, heading.key end
    seq = seq + 1
    -- document order; lines (no node) after the elements, in their own order
    e._pos, e._seq = vnode and order[vnode] or math.huge, seq
    list[#list + 1] = e
  end

  if opts.layout == "rows" then
    local tables = {}
    if node.tag == "table" then
      tables[1] = node
    else
      for _, t in ipairs(node:select("table")) do
        if not t:select1("table") then tables[#tables + 1] = t end
      end
    end
    local plan = {}
    for _, t in ipairs(tables) do
      local rows = t:select(OWN_ROWS)
      -- rows of one spanning cell above the labels are headings, not labels
      local first = 1
      while rows[first] and #rows[first]:children() < 2 do first = first + 1 end
      if rows[first] and rows[first + 1] then
        for _, c in ipairs(rows[first]:children()) do label_cells[c] = true end
        plan[#plan + 1] = {rows = rows, first = first}
      end
    end
    local heads = find_headings(node, order, tx, label_cells)
    for _, p in ipairs(plan) do
      local labels = columns(p.rows[p.first])
      local n = 0
      for r = p.first + 1, #p.rows do
        -- a row without text (a separator line) is no row of values
        if text.trim(tx(p.rows[r])) ~= "" then
          n = n + 1
          local vals = columns(p.rows[r])
          for col, lcell in ipairs(labels) do
            -- a label cell spanning columns labels each of them once
            if labels[col - 1] ~= lcell then
              local v = vals[col]
              add(tx(lcell), v and tx(v) or "", v, "rows", heading_before(heads, v and order[v]), n)
            end
          end
        end
      end
    end
  else
    local heads = find_headings(node, order, tx, label_cells)
    local covered = {}
    for _, dt in ipairs(node:select("dt")) do
      local dd = dt:next()
      if dd and dd.tag == "dd" then
        local l = tx(dt)
        add(l, tx(dd), dd, "dl", heading_before(heads, order[dd]))
        covered[l] = true
      end
    end
    for _, tr in ipairs(node:select("tr")) do
      local cells = tr:children()
      if #cells == 2 and not tr:select1("table") then
        local l = tx(cells[1])
        if l ~= "" and #text.split(l, " ") <= MAX_LABEL_WORDS then
          add(l, tx(cells[2]), cells[2], "table", heading_before(heads, order[cells[2]]))
          covered[l] = true
        end
      end
    end
    if opts.lines ~= false then
      -- headings are lines of their own: follow them through the text
      local h, current = 1, nil
      for _, line in ipairs(text.lines(tx(node))) do
        local sq = text.squish(line):gsub("%s*:%s*$", "")
        if heads[h] and sq == heads[h].text then
          current = heads[h]
          h = h + 1
        end
        local l, v = line:match("^([^:]+):%s*(.-)%s*$")
        if l and (v ~= "" or keep_empty) and not covered[l] and not l:find("[%.;!?]")
          and #text.split(l, " ") <= MAX_LABEL_WORDS and not v:match("^//") then
          add(l, v, nil, "line", current)
        end
      end
    end
  end

  table.sort(list, function(a, b)
    if a._pos ~= b._pos then return a._pos < b._pos end
    return a._seq < b._seq
  end)
  for _, e in ipairs(list) do
    e._pos, e._seq = nil, nil
    if out[e.key] == nil then out[e.key] = e.value end
    if e.heading_key then
      local g = groups[e.heading_key]
      if not g then
        g = {}
        groups[e.heading_key] = g
        group_order[#group_order + 1] = e.heading_key
      end
      if g[e.key] == nil then g[e.key] = e.value end
    end
  end
  -- one table per heading, where no field of the same key holds the place
  for _, hk in ipairs(group_order) do
    if out[hk] == nil then out[hk] = groups[hk] end
  end
  return out, list, groups
end

return setmetatable(M, {__call = function(_, ...) return M.fields(...) end})
