-- pqx.parts: numbered sub-questions and numbered answer items. It owns the
-- cutting of a text block into an intro and its numbered items, and the
-- check that the numbering runs 1, 2, 3 ... It never drops or rejects
-- text: irregular numbering is reported in warnings, and every line of the
-- input ends up in exactly one of intro, an item, or rest.
--
-- Rules of split(input, opts):
-- * input is a string (paragraphs separated by blank lines, lines by
--   newlines) or a list of paragraph strings. Each non-empty line is a unit;
--   white space in a line is collapsed (NBSP included).
-- * A unit is numbered when it starts with a marker followed by white space
--   or the end of the line. Markers: "1)", "1.", "1°" (or "1º"), "(1)" with
--   one to three digits; "a)", "a.", "(a)" with one lowercase letter;
--   "i)", "i.", "(i)" with a lowercase roman numeral. Markers are only
--   recognised at the start of a line.
-- * The first marker found fixes the list's style (its shape and its kind:
--   digits, letters or roman numerals), unless opts.style names it (one of
--   "1)", "1.", "1°", "(1)", "a)", "a.", "(a)", "i)", "i.", "(i)"). Only
--   units with a marker of that style start items; others (say "a)"
--   sub-items inside "1)" items) are ordinary text. "i" (and any
--   multi-letter numeral) as the first marker means roman numerals; in a
--   letter list "i)" after "h)" is a letter.
-- * Units before the first item form the intro. An unnumbered unit after an
--   item continues that item, unless opts.stop_at_unnumbered: then it and
--   everything after it form rest. (A marker alone on its line always takes
--   the next unit as its text.)
-- * Text is rejoined with "\n\n" where the input had a paragraph break and
--   "\n" where it had a line break; the marker itself is not part of the
--   item's text; number is the marker's label as printed ("1", "b", "iv").
-- * Numbering must start at 1 (a, i) and go up by one; each departure adds
--   a warning "item N is numbered 'X', expected 'Y'". The items are still
--   returned in document order.
-- Result: {intro = string or nil, parts = {{number=, text=}, ...},
-- warnings = {...}, style = "1)" or nil, rest = string or nil}.

local text = require("pqx.text")

local M = {}

local STYLES = {
  ["1)"] = {kind = "decimal", shape = "x)"}, ["1."] = {kind = "decimal", shape = "x."},
  ["1°"] = {kind = "decimal", shape = "x°"}, ["(1)"] = {kind = "decimal", shape = "(x)"},
  ["a)"] = {kind = "alpha", shape = "x)"}, ["a."] = {kind = "alpha", shape = "x."},
  ["(a)"] = {kind = "alpha", shape = "(x)"},
  ["i)"] = {kind = "roman", shape = "x)"}, ["i."] = {kind = "roman", shape = "x."},
  ["(i)"] = {kind = "roman", shape = "(x)"},
}
local STYLE_NAME = {}
for name, st in pairs(STYLES) do STYLE_NAME[st.kind .. st.shape] = name end

local ROMAN_DIGITS = {
  {1000, "m"}, {900, "cm"}, {500, "d"}, {400, "cd"}, {100, "c"}, {90, "xc"},
  {50, "l"}, {40, "xl"}, {10, "x"}, {9, "ix"}, {5, "v"}, {4, "iv"}, {1, "i"},
}

local function to_roman(n)
  local out = {}
  for _, rd in ipairs(ROMAN_DIGITS) do
    while n >= rd[1] do
      out[#out + 1] = rd[2]
      n = n - rd[1]
    end
  end
  return table.concat(out)
end

-- Value of a lowercase roman numeral, or nil when s is not a canonical one.
local function roman_value(s)
  if not s:match("^[ivxlcdm]+$") or #s > 12 then return nil end
  local value, pos = 0, 1
  for _, rd in ipairs(ROMAN_DIGITS) do
    while s:sub(pos, pos + #rd[2] - 1) == rd[2] do
      value = value + rd[1]
      pos = pos + #rd[2]
    end
  end
  if pos <= #s or to_roman(value) ~= s then return nil end
  return value
end

local function value_of(kind, label)
  if kind == "decimal" then
    return label:match("^%d+$") and tonumber(label) or nil
  elseif kind == "alpha" then
    return label:match("^[a-z]$") and (label:byte() - 96) or nil
  end
  return roman_value(label)
end

local function label_of(kind, n)
  if kind == "decimal" then return tostring(n) end
  if kind == "alpha" then
    return (n >= 1 and n <= 26) and string.char(96 + n) or "?"
  end
  return n >= 1 and to_roman(n) or "?"
end

-- The marker at the start of a line: shape, label, rest of the line.
local function marker(line)
  local label, rest = line:match("^%((%w+)%)(.*)$")
  local shape = "(x)"
  if not label then
    label, shape, rest = line:match("^(%w+)([.)])(.*)$")
    if label then
      shape = "x" .. shape
    else
      label, rest = line:match("^(%d+)\xC2[\xB0\xBA](.*)$")
      shape = "x°"
    end
  end
  if not label or not (rest == "" or rest:match("^%s")) then return nil end
  if not (label:match("^%d%d?%d?$") or label:match("^[a-z]+$")) then return nil end
  return shape, label, text.trim(rest)
end

-- The style a first marker implies.
local function style_of(shape, label)
  local kind
  if label:match("^%d") then
    kind = "decimal"
  elseif roman_value(label) and (label == "i" or #label > 1) then
    kind = "roman"
  elseif #label == 1 then
    kind = "alpha"
  else
    return nil
  end
  return STYLE_NAME[kind .. shape]
end

-- Units {text=, gap=} from the input.
local function units_of(input)
  local units, gap = {}, nil
  local s = input:gsub("\r\n?", "\n")
  for line in (s .. "\n"):gmatch("([^\n]*)\n") do
    line = text.squish(line)
    if line == "" then
      if gap then gap = "\n\n" end
    else
      units[#units + 1] = {text = line, gap = gap or ""}
      gap = "\n"
    end
  end
  return units
end

local function join(list)
  if #list == 0 then return nil end
  local out = {}
  for _, u in ipairs(list) do
    if u.text ~= "" then
      if #out > 0 then out[#out + 1] = u.gap end
      out[#out + 1] = u.text
    end
  end
  local s = table.concat(out)
  if s == "" then return nil end
  return s
end

function M.split(input, opts)
  if type(input) == "table" then
    for i, p in ipairs(input) do
      if type(p) ~= "string" then
        error(string.format("bad argument #1 to 'split' (paragraph %d is a %s, "
          .. "string expected)", i, type(p)), 2)
      end
    end
    input = table.concat(input, "\n\n")
  elseif type(input) ~= "string" then
    error(string.format("bad argument #1 to 'split' (string or list expected, got %s)",
      type(input)), 2)
  end
  if opts ~= nil and type(opts) ~= "table" then
    error(string.format("bad argument #2 to 'split' (table expected, got %s)", type(opts)), 2)
  end
  opts = opts or {}
  if opts.style ~= nil and not STYLES[opts.style] then
    error(string.format("bad option 'style' to 'split' (unknown style '%s')",
      tostring(opts.style)), 2)
  end

  local units = units_of(input)
  local style = opts.style
  if not style then
    for _, u in ipairs(units) do
      local shape, label = marker(u.text)
      if shape then
        style = style_of(shape, label)
        if style then break end
      end
    end
  end
  local st = style and STYLES[style]

  local intro, items, rest = {}, {}, {}
  local current, stopped = nil, false
  for _, u in ipairs(units) do
    local shape, label, body
    if st and not stopped then shape, label, body = marker(u.text) end
    if st and shape == st.shape and value_of(st.kind, label) then
      current = {number = label, units = {{text = body, gap = ""}}}
      items[#items + 1] = current
    elseif current and not stopped and #current.units == 1
        and current.units[1].text == "" then
      current.units[2] = u -- a marker alone on its line: the text follows
    elseif stopped or (current and opts.stop_at_unnumbered) then
      stopped = true
      rest[#rest + 1] = u
    elseif current then
      current.units[#current.units + 1] = u
    else
      intro[#intro + 1] = u
    end
  end

  local result = {intro = join(intro), parts = {}, warnings = {}, style = style,
    rest = join(rest)}
  local prev
  for n, item in ipairs(items) do
    local v = value_of(st.kind, item.number)
    local want = prev and prev + 1 or 1
    if v ~= want then
      result.warnings[#result.warnings + 1] = string.format(
        "item %d is numbered '%s', expected '%s'", n, item.number, label_of(st.kind, want))
    end
    prev = v
    result.parts[n] = {number = item.number, text = join(item.units) or ""}
  end
  return result
end

return M
