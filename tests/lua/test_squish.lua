-- test_squish.lua: pqx.text.squish and pqx.text.trim (one pass in C each) give exactly what their
-- definition in Lua patterns gives: Unicode spaces become spaces, invisible
-- characters vanish, runs of %s collapse to one space, the ends are trimmed.
-- Checked on every text of every example page and on generated strings.
local T = require("harness")
local text = require("pqx.text")

local UNICODE_SPACES = {
  "\xC2\xA0", "\xE1\x9A\x80", "\xE2\x80[\x80-\x8A]", "\xE2\x80[\xA8\xA9]",
  "\xE2\x80\xAF", "\xE2\x81\x9F", "\xE3\x80\x80",
}
local INVISIBLE = {"\xC2\xAD", "\xE2\x80[\x8B-\x8D]", "\xE2\x81\xA0", "\xEF\xBB\xBF"}

local function reference(s)
  for _, p in ipairs(INVISIBLE) do s = s:gsub(p, "") end
  for _, p in ipairs(UNICODE_SPACES) do s = s:gsub(p, " ") end
  s = s:gsub("%s+", " ")
  return (s:match("^ ?(.-) ?$"))
end

-- trim: the same Unicode spaces, at the ends only; its definition in patterns is
-- what pqx.text.trim was before it became one pass in C
local function trim_reference(s)
  local changed = true
  while changed do
    changed = false
    s = s:match("^%s*(.-)%s*$")
    for _, p in ipairs(UNICODE_SPACES) do
      local a = s:gsub("^" .. p, "")
      local b = a:gsub(p .. "$", "")
      if b ~= s then s, changed = b, true end
    end
  end
  return s
end
-- pieces that meet at every boundary: ASCII white space (VT included), each
-- Unicode space, each invisible character, letters, accented letters, € and
-- a NUL byte
local PIECES = {
  " ", "\t", "\n", "\v", "\f", "\r", "a", "Z", "0", ".", "\0", "é", "€", "’", "Ž",
  "\xC2\xA0", "\xE1\x9A\x80", "\xE2\x80\x80", "\xE2\x80\x85", "\xE2\x80\x8A", "\xE2\x80\xA8",
  "\xE2\x80\xA9", "\xE2\x80\xAF", "\xE2\x81\x9F", "\xE3\x80\x80",
  "\xC2\xAD", "\xE2\x80\x8B", "\xE2\x80\x8C", "\xE2\x80\x8D", "\xE2\x81\xA0", "\xEF\xBB\xBF",
  "\xE2\x80\x8E", "\xE2\x80\x90", "\xE3\x80\x81", "\xE1\x9A\x81", "\xC2\xA1",
}

local seed = 12345
local function rnd(n)
  seed = (seed * 1103515245 + 12345) % 2147483648
  return seed % n + 1
end

local bad, first = 0, nil
for _ = 1, 20000 do
  local parts = {}
  for i = 1, rnd(12) - 1 do parts[i] = PIECES[rnd(#PIECES)] end
  local s = table.concat(parts)
  if text.squish(s) ~= reference(s) then
    bad = bad + 1
    first = first or s
  end
end
T.ok(bad == 0, "squish equals its pattern definition on 20,000 generated strings",
  first and string.format("first difference on %q: got %q, want %q", first, text.squish(first), reference(first)))

-- every text run, attribute and element text of the example pages
local checked, differ, tdiffer = 0, nil, nil
local files = {}
for line in io.popen("ls examples/*/*.html"):lines() do files[#files + 1] = line end
for _, path in ipairs(files) do
  local f = assert(io.open(path, "rb"))
  local doc = assert(pqx.parse(f:read("a"), {path = path}))
  f:close()
  for _, n in ipairs(doc:descendants()) do
    for _, s in ipairs({n:raw_text(), n:text()}) do
      checked = checked + 1
      if text.squish(s) ~= reference(s) and not differ then differ = {path, s} end
      if text.trim(s) ~= trim_reference(s) and not tdiffer then tdiffer = {path, s} end
    end
  end
  doc:close()
end
T.ok(checked > 1000 and not differ, string.format("squish equals its definition on %d texts of the example pages", checked),
  differ and string.format("%s: %q", differ[1], differ[2]))
T.ok(checked > 1000 and not tdiffer, string.format("trim equals its definition on %d texts of the example pages", checked),
  tdiffer and string.format("%s: %q", tdiffer[1], tdiffer[2]))

local tbad, tfirst = 0, nil
for _ = 1, 20000 do
  local parts = {}
  for i = 1, rnd(12) - 1 do parts[i] = PIECES[rnd(#PIECES)] end
  local s = table.concat(parts)
  if text.trim(s) ~= trim_reference(s) then
    tbad = tbad + 1
    tfirst = tfirst or s
  end
end
T.ok(tbad == 0, "trim equals its pattern definition on 20,000 generated strings",
  tfirst and string.format("first difference on %q: got %q, want %q", tfirst, text.trim(tfirst), trim_reference(tfirst)))
T.eq(text.trim(" \xC2\xA0 a \xE2\x80\x89b\xE3\x80\x80\t"), "a \xE2\x80\x89b", "trim: Unicode spaces at both ends, kept inside")
T.eq(text.trim("\xE2\x80"), "\xE2\x80", "trim: a cut-off sequence is not white space")
T.eq(text.trim("\xC2\xAD x"), "\xC2\xAD x", "trim: a soft hyphen is not white space")

T.eq(text.squish(""), "", "empty stays empty")
T.eq(text.squish(" \v "), "", "vertical tab is white space")
T.eq(text.squish("a\xC2\xADb"), "ab", "a soft hyphen joins its neighbours")
T.eq(text.squish("a \xE2\x80\x8B b"), "a b", "an invisible character does not break a run of spaces")
T.eq(text.squish("x\0y"), "x\0y", "NUL bytes pass through")
T.eq(text.squish("\xFF \xFE"), "\xFF \xFE", "bytes that are not UTF-8 pass through")
-- lines (one pass in C, pqx.core.squish_lines) equals what it was in patterns:
-- CR LF and lone CR become LF, the text is cut at LF, each line squished, and
-- empty lines dropped (kept by squish_lines(s, true), as pqx.parts needs them)
local function lines_reference(s, keep_empty)
  local out = {}
  s = s:gsub("\r\n?", "\n")
  for line in (s .. "\n"):gmatch("([^\n]*)\n") do
    line = reference(line)
    if line ~= "" or keep_empty then out[#out + 1] = line end
  end
  return out
end
local squish_lines = require("pqx.core").squish_lines
local LINE_PIECES = {"\n", "\r", "\r\n", "\n\n", " \n ", "\r\r"}
local lbad, lfirst = 0, nil
for _ = 1, 20000 do
  local parts = {}
  for i = 1, rnd(16) - 1 do
    parts[i] = rnd(3) == 1 and LINE_PIECES[rnd(#LINE_PIECES)] or PIECES[rnd(#PIECES)]
  end
  local s = table.concat(parts)
  if not (T.deep_equal(text.lines(s), lines_reference(s, false))
      and T.deep_equal(squish_lines(s, true), lines_reference(s, true))) then
    lbad = lbad + 1
    lfirst = lfirst or s
  end
end
T.ok(lbad == 0, "lines and squish_lines equal their pattern definition on 20,000 generated strings",
  lfirst and string.format("first difference on %q", lfirst))
T.same(squish_lines("", true), {""}, "squish_lines: the empty text is one empty line")
T.same(squish_lines("a\r\n\rb\n", true), {"a", "", "b", ""}, "squish_lines: CR LF, CR and LF each end a line")
T.same(text.lines(" a \n\n b\r"), {"a", "b"}, "lines: empty lines go")
os.exit(T.failed == 0 and 0 or 1)
