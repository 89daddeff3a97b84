-- pqx.parts: numbered sub-questions and numbered answer items. It owns the
-- cutting of a text block into an intro and its numbered items, and the
-- check that the numbering runs 1, 2, 3 ... It never drops or rejects
-- text: irregular numbering is reported in warnings, and every line of the
-- input ends up in exactly one of intro, an item, or rest. Only the markers
-- go (and, with opts.inline, the list punctuation before them: "; and").
--
-- Rules of split(input, opts):
-- * input is a string (paragraphs separated by blank lines, lines by
--   newlines) or a list of paragraph strings. Each non-empty line is a unit;
--   white space in a line is collapsed (NBSP included).
-- * A unit is numbered when it starts with a marker followed by white space
--   or the end of the line. Markers: "1)", "1.", "1°" (or "1º"), "(1)" with
--   one to three digits; "a)", "a.", "(a)" with one lowercase letter;
--   "i)", "i.", "(i)" with a lowercase roman numeral; "A)", "A.", "(A)"
--   and "I)", "I.", "(I)", the same in capitals. Markers are only
--   recognised at the start of a line (but see opts.inline).
-- * The first marker found fixes the list's style (its shape and its kind:
--   digits, letters or roman numerals), unless opts.style names it (one of
--   "1)", "1.", "1°", "(1)", "a)", "a.", "(a)", "i)", "i.", "(i)", "A)",
--   "A.", "(A)", "I)", "I.", "(I)"). A capital first marker sets the style
--   only when it is "A" or "I" and a later line has "B" or "II" of the same
--   shape (so an initial, "A. Peeters zegt.", starts no list). Only
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
-- * opts.inline: items marked inside running text, as order papers print
--   them ("With regard to X: (a) how many ...; (b) what ...; and (c) for
--   each contract in (a), ..."). A marker starts an item when it is at the
--   start of the text or a line, or follows list punctuation: after ";",
--   ":", ".", "?" or "!" (a conjunction between them and the marker
--   allowed: "; and (c)") it may skip ahead (with a warning); after "," or
--   a conjunction alone ("and", "or", "et", "ou", "en", "und", "oder") it
--   must be the next number. Any other marker is a cross-reference and
--   stays in the text: "mentioned in (g)", "the grants in (c)", "(i)
--   vendor, (ii) value" sub-items inside item (e). The first item must be
--   numbered 1 (a, i). The list punctuation before a marker ("; and") is
--   not part of the previous item's text, as the marker is not part of its
--   own. Line structure is kept inside items.
-- Result: {intro = string or nil, parts = {{number=, text=}, ...},
-- warnings = {...}, style = "1)" or nil, rest = string or nil}.


local M = {}

local STYLES = {
  ["1)"] = {kind = "decimal", shape = "x)"}, ["1."] = {kind = "decimal", shape = "x."},
  ["1°"] = {kind = "decimal", shape = "x°"}, ["(1)"] = {kind = "decimal", shape = "(x)"},
  ["a)"] = {kind = "alpha", shape = "x)"}, ["a."] = {kind = "alpha", shape = "x."},
  ["(a)"] = {kind = "alpha", shape = "(x)"},
  ["i)"] = {kind = "roman", shape = "x)"}, ["i."] = {kind = "roman", shape = "x."},
  ["(i)"] = {kind = "roman", shape = "(x)"},
  ["A)"] = {kind = "ALPHA", shape = "x)"}, ["A."] = {kind = "ALPHA", shape = "x."},
  ["(A)"] = {kind = "ALPHA", shape = "(x)"},
  ["I)"] = {kind = "ROMAN", shape = "x)"}, ["I."] = {kind = "ROMAN", shape = "x."},
  ["(I)"] = {kind = "ROMAN", shape = "(x)"},
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
  elseif kind == "ALPHA" then
    return label:match("^[A-Z]$") and (label:byte() - 64) or nil
  elseif kind == "ROMAN" then
    return label:match("^[IVXLCDM]+$") and roman_value(label:lower()) or nil
  end
  return roman_value(label)
end

local function label_of(kind, n)
  if kind == "decimal" then return tostring(n) end
  if kind == "alpha" or kind == "ALPHA" then
    local base = kind == "alpha" and 96 or 64
    return (n >= 1 and n <= 26) and string.char(base + n) or "?"
  end
  local r = n >= 1 and to_roman(n) or "?"
  return kind == "ROMAN" and r:upper() or r
end

-- The marker at the start of a line: shape, label, rest of the line (trimmed).
-- In C (pqx.core.list_marker), as it runs on every line of every list. It is
-- what this did, and tests/lua/test_parts.lua holds the two equal:
--   label, rest = line:match("^%((%w+)%)(.*)$") with shape "(x)"; else
--   line:match("^(%w+)([.)])(.*)$") with shape "x." or "x)"; else
--   line:match("^(%d+)\xC2[\xB0\xBA](.*)$") with shape "x°"; then nil unless
--   rest is "" or starts with %s and the label is %d%d?%d?, [a-z]+ or [A-Z]+.
local marker = require("pqx.core").list_marker

-- The style a first marker implies.
local function style_of(shape, label)
  local kind
  if label:match("^%d") then
    kind = "decimal"
  elseif label:match("^%u") then
    -- capitals start a list only at its first number: "J. Smith" is a name
    if label == "I" then kind = "ROMAN" elseif label == "A" then kind = "ALPHA" else return nil end
  elseif roman_value(label) and (label == "i" or #label > 1) then
    kind = "roman"
  elseif #label == 1 then
    kind = "alpha"
  else
    return nil
  end
  return STYLE_NAME[kind .. shape]
end

-- ---- inline items (opts.inline) -------------------------------------------

local CONJUNCTIONS = {["and"] = true, ["or"] = true, ["et"] = true, ["ou"] = true,
  ["en"] = true, ["und"] = true, ["oder"] = true}

-- Candidate markers in running text t: {s=, e=, shape=, label=} in order.
-- "(x)" anywhere; "x)", "x.", "x°" after white space or at the start; each
-- followed by white space or the end of the text.
local INLINE_PATTERNS = {
  {"%((%w+)%)", "(x)"}, {"%f[%w](%w+)([.)])"}, {"%f[%w](%d+)\xC2[\xB0\xBA]", "x°"},
}

local function inline_markers(t)
  local out, pos = {}, 1
  local next_hit = {} -- per pattern: its next match at or after pos (false: none left)
  while true do
    local best
    for k, pat in ipairs(INLINE_PATTERNS) do
      local h = next_hit[k]
      if h == nil or (h and h[1] < pos) then
        local s, e, label, sh = t:find(pat[1], pos)
        h = s and {s, e, label, pat[2] or ("x" .. sh)} or false
        next_hit[k] = h
      end
      if h and (not best or h[1] < best[1]) then best = h end
    end
    if not best then break end
    local bs, be, bl, bsh = best[1], best[2], best[3], best[4]
    local after = t:sub(be + 1, be + 1)
    local before = bs > 1 and t:sub(bs - 1, bs - 1) or ""
    local ok_after = after == "" or after:match("%s")
    local ok_before = bsh == "(x)" or before == "" or before:match("%s")
    local ok_label = bl:match("^%d%d?%d?$") or bl:match("^[a-z]+$") or bl:match("^[A-Z]+$")
    if ok_after and ok_before and ok_label then
      out[#out + 1] = {s = bs, e = be, shape = bsh, label = bl}
    end
    pos = bs + 1
  end
  return out
end

-- What precedes a marker at s: "start", "strong" (after ";", ":", ".",
-- "?", "!" or a line break, a conjunction between allowed), "weak" (after
-- "," or a conjunction alone) or nil (a word: a cross-reference); and where
-- the previous item's text ends (cut - 1): ";", ":", "," and the conjunction
-- are list punctuation and go, ".", "?" and "!" end the item's sentence and stay.
local function boundary_before(t, s, from)
  local i, newline = s - 1, false
  local function skip_space()
    while i >= from and t:sub(i, i):match("%s") do
      if t:sub(i, i) == "\n" then newline = true end
      i = i - 1
    end
  end
  skip_space()
  if i < from then return "start", from end
  local cut, conj = i + 1, false
  local ws = i
  while ws >= from and t:sub(ws, ws):match("%a") do ws = ws - 1 end
  local word = t:sub(ws + 1, i)
  if word ~= "" and CONJUNCTIONS[word:lower()] and (ws < from or t:sub(ws, ws):match("[%s%p]")) then
    conj, i = true, ws
    skip_space()
    cut = i + 1
    if i < from then return "weak", from end
  end
  local c = t:sub(i, i)
  if c == ";" or c == ":" then return "strong", i end
  if c == "." or c == "?" or c == "!" then return "strong", i + 1 end
  if c == "," then return "weak", i end
  if newline then return "strong", cut end
  if conj then return "weak", cut end
  return nil
end

-- {intro=, items={{number=, s=, e=}}, warnings=, style=} for running text t.
local function split_inline(t, style)
  local st = style and STYLES[style]
  local cands = inline_markers(t)
  local items, warnings = {}, {}
  local prev, from = nil, 1
  for _, m in ipairs(cands) do
    local kind_ok = st and m.shape == st.shape and value_of(st.kind, m.label)
    local v = kind_ok and value_of(st.kind, m.label)
    if not st or v then
      local where, cut = boundary_before(t, m.s, from)
      if not st then
        -- the first item sets the style: it must be numbered 1 (a, i, A, I)
        local sty = where and style_of(m.shape, m.label)
        if sty and where ~= "weak" and value_of(STYLES[sty].kind, m.label) == 1 then
          style, st, v = sty, STYLES[sty], 1
        end
      end
      if st and v and where then
        local want = prev and prev + 1 or 1
        local take = (v == want) or (where ~= "weak" and prev and v > prev)
        if take then
          if v ~= want then
            warnings[#warnings + 1] = string.format("item %d is numbered '%s', expected '%s'",
              #items + 1, m.label, label_of(st.kind, want))
          end
          if items[#items] then items[#items].e = cut - 1 end
          items[#items + 1] = {number = m.label, s = m.e + 1, e = #t, marker = m.s}
          prev, from = v, m.e + 1
        end
      end
    end
  end
  return items, warnings, style
end

local function inline_result(t, style)
  local items, warnings, sty = split_inline(t, style)
  local function clean(x)
    x = x:gsub("^[ \t]+", ""):gsub("[ \t]+$", "")
    x = x:gsub("^\n+", ""):gsub("\n+$", "")
    return x
  end
  local intro = clean(t:sub(1, items[1] and items[1].marker - 1 or #t))
  local result = {intro = intro ~= "" and intro or nil, parts = {}, warnings = warnings,
    style = items[1] and sty or nil}
  for n, it in ipairs(items) do
    result.parts[n] = {number = it.number, text = clean(t:sub(it.s, it.e))}
  end
  return result
end

-- Units {text=, gap=} from the input. The lines come squished from C, empty
-- ones included (they mark the paragraph breaks).
local squish_lines = require("pqx.core").squish_lines

local function units_of(input)
  local units, gap = {}, nil
  for _, line in ipairs(squish_lines(input, true)) do
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

-- 1 when a unit after units[k] has a marker of style st numbered 2 ("B", "II").
local function has_second(units, k, st)
  for j = k + 1, #units do
    local shape, label = marker(units[j].text)
    if shape == st.shape and value_of(st.kind, label) == 2 then return true end
  end
  return false
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
  if opts.inline then
    return inline_result(join(units) or "", opts.style)
  end
  local style = opts.style
  if not style then
    for k, u in ipairs(units) do
      local shape, label = marker(u.text)
      if shape then
        style = style_of(shape, label)
        if style and label:match("^%u") and not has_second(units, k, STYLES[style]) then
          style = nil -- "A. Peeters zegt.": an initial, not a list
        end
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
