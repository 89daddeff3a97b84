-- pqx.text: small string helpers for text as parliament pages print it.
-- It owns white-space normalisation (ASCII, NBSP and the other Unicode
-- spaces; soft hyphens and zero-width characters vanish), splitting, the
-- parsing of numbers as printed in Dutch, French, German and English, case
-- mapping and accent stripping for the Latin-1 and Latin Extended-A ranges
-- (fold_case: all of Unicode, through pqx.core), and slugs. Everything works
-- on UTF-8 byte strings without a locale: bytes outside the mapped ranges pass through unchanged,
-- so invalid UTF-8 never raises. A wrong argument type raises; text that
-- cannot be read (an ambiguous number) returns nil plus a reason.

local core = require("pqx.core")

local M = {}

local function check_string(fname, n, v)
  if type(v) ~= "string" then
    error(string.format("bad argument #%d to '%s' (string expected, got %s)",
      n, fname, type(v)), 3)
  end
end

local function check_opts(fname, n, v)
  if v ~= nil and type(v) ~= "table" then
    error(string.format("bad argument #%d to '%s' (table expected, got %s)",
      n, fname, type(v)), 3)
  end
  return v or {}
end

-- shared with the other pqx modules (not part of the public API)
M._check_string = check_string
M._check_opts = check_opts

-- Leading/trailing white space, ASCII and Unicode spaces alike (NBSP U+00A0,
-- U+1680, U+2000-U+200A, U+2028, U+2029, U+202F, U+205F, U+3000). One pass in
-- C (pqx_text_trim): fields go through here often, and the pattern-based
-- version took a dozen passes over any text with a non-ASCII character;
-- tests/lua/test_squish.lua holds it equal to that definition.
local core_trim = core.trim
function M.trim(s)
  check_string("trim", 1, s)
  return core_trim(s)
end

-- All runs of white space (any kind) become one ASCII space; soft hyphens
-- and zero-width characters are removed; the result is trimmed. Every field a
-- script reads goes through here, so it is one pass in C (pqx_text_squish)
-- rather than a dozen gsub passes; tests/lua/test_squish.lua holds it equal
-- to the pattern-based definition.
local core_squish = require("pqx.core").squish
function M.squish(s)
  check_string("squish", 1, s)
  return core_squish(s)
end

-- split(s, sep, opts): pieces of s between occurrences of sep. sep is plain
-- text unless opts.pattern; opts.trim trims each piece; empty pieces
-- (after trimming) are dropped unless opts.keep_empty.
function M.split(s, sep, opts)
  check_string("split", 1, s)
  check_string("split", 2, sep)
  opts = check_opts("split", 3, opts)
  if sep == "" then error("bad argument #2 to 'split' (empty separator)", 2) end
  local plain = not opts.pattern
  local out, pos = {}, 1
  local function add(piece)
    if opts.trim then piece = M.trim(piece) end
    if piece ~= "" or opts.keep_empty then out[#out + 1] = piece end
  end
  while true do
    local a, b = s:find(sep, pos, plain)
    if not a then break end
    if b < a then
      error("bad argument #2 to 'split' (pattern matches the empty string)", 2)
    end
    add(s:sub(pos, a - 1))
    pos = b + 1
  end
  add(s:sub(pos))
  return out
end

-- Non-empty lines of s, each squished (so trimmed); "\r\n" and "\r" end lines
-- too. One pass in C (pqx.core.squish_lines): the gsub/gmatch version cost
-- tens of instructions per byte of every cell a script splits into lines.
local core_squish_lines = core.squish_lines
function M.lines(s)
  check_string("lines", 1, s)
  return core_squish_lines(s)
end

function M.starts_with(s, prefix)
  check_string("starts_with", 1, s)
  check_string("starts_with", 2, prefix)
  return s:sub(1, #prefix) == prefix
end

function M.ends_with(s, suffix)
  check_string("ends_with", 1, s)
  check_string("ends_with", 2, suffix)
  return suffix == "" or s:sub(-#suffix) == suffix
end

---------------------------------------------------------------------------
-- Numbers

-- True when groups (a list of digit strings) form a thousands grouping:
-- the first group one to three digits, every later one exactly three.
local function good_grouping(groups)
  if #groups[1] < 1 or #groups[1] > 3 then return false end
  for i = 2, #groups do
    if #groups[i] ~= 3 then return false end
  end
  return true
end

local function to_number(sign, int_digits, frac_digits)
  if int_digits == "" then int_digits = "0" end
  if frac_digits then
    return tonumber(sign .. int_digits .. "." .. frac_digits)
  end
  if #int_digits > 18 then return tonumber(sign .. int_digits .. ".0") end
  return math.tointeger(tonumber(sign .. int_digits))
end

-- number(s, opts): a number as printed: "12", "-3", "1,5", "3.14",
-- "1.234,56", "1 234,56", "1,234.56", "1.234.567", "1'234". The last of "."
-- or "," is the decimal mark when both occur; a single "." or "," followed
-- by exactly three digits could be either, so "1.234" and "1,234" are
-- ambiguous unless opts.decimal ("," or ".") says which mark is decimal.
-- Spaces (any Unicode space) and "'" only ever group thousands, and groups
-- must be of three digits. Returns an integer when there is no decimal
-- part, else a float; nil plus a reason otherwise.
function M.number(s, opts)
  check_string("number", 1, s)
  opts = check_opts("number", 2, opts)
  local dec = opts.decimal
  if dec ~= nil and dec ~= "," and dec ~= "." then
    error("bad option 'decimal' to 'number' (\",\" or \".\" expected)", 2)
  end
  local t = M.squish(s)
  if t == "" then return nil, "empty string" end
  local sign = ""
  local first = t:sub(1, 1)
  if first == "-" or first == "+" then
    sign, t = (first == "-") and "-" or "", t:sub(2)
  elseif t:sub(1, 3) == "\xE2\x88\x92" then -- U+2212 MINUS SIGN
    sign, t = "-", t:sub(4)
  end
  if not t:match("^[%d., ']+$") or not t:match("%d") then
    return nil, string.format("not a number: '%s'", s)
  end
  local last_dot, last_comma = t:match(".*()%."), t:match(".*(),")
  local decimal_at -- position of the decimal mark, if any
  if dec then
    local other = (dec == ",") and "." or ","
    local n_dec = select(2, t:gsub("%" .. dec, ""))
    if n_dec > 1 then
      return nil, string.format("more than one decimal mark '%s' in '%s'", dec, s)
    end
    if n_dec == 1 then decimal_at = t:find(dec, 1, true) end
    if decimal_at and t:find(other, decimal_at, true) then
      return nil, string.format("thousands separator after the decimal mark in '%s'", s)
    end
  elseif last_dot and last_comma then
    decimal_at = math.max(last_dot, last_comma)
    local mark = t:sub(decimal_at, decimal_at)
    if select(2, t:gsub("%" .. mark, "")) > 1 then
      return nil, string.format("mixed separators in '%s'", s)
    end
  elseif last_dot or last_comma then
    local mark = last_dot and "." or ","
    local count = select(2, t:gsub("%" .. mark, ""))
    if count == 1 then
      local before, after = t:match("^(.-)%" .. mark .. "(.*)$")
      local digits_before = before:gsub("[ ']", "")
      if after:match("^%d%d%d$") and digits_before:match("^[1-9]%d?%d?$")
          and not before:find("[ ']") then
        return nil, string.format(
          "ambiguous number '%s': '%s' may be a decimal mark or a thousands "
          .. "separator; pass opts.decimal", s, mark)
      end
      if not after:find("[ ']") then decimal_at = last_dot or last_comma end
    end
  end
  local int_part, frac_part = t, nil
  if decimal_at then
    int_part, frac_part = t:sub(1, decimal_at - 1), t:sub(decimal_at + 1)
    if not frac_part:match("^%d+$") then
      return nil, string.format("bad decimal part in '%s'", s)
    end
  end
  local int_digits = int_part:gsub("[., ']", "")
  if int_part:find("[., ']") then
    local groups = {}
    for g in (int_part .. "."):gmatch("(%d*)[., ']") do groups[#groups + 1] = g end
    local seps = int_part:gsub("%d", "")
    if not seps:match("^" .. "%" .. seps:sub(1, 1) .. "*$") then
      return nil, string.format("mixed thousands separators in '%s'", s)
    end
    if not good_grouping(groups) then
      return nil, string.format("bad digit grouping in '%s'", s)
    end
  elseif int_part == "" and not frac_part then
    return nil, string.format("not a number: '%s'", s)
  end
  return to_number(sign, int_digits, frac_part)
end

-- integer(s, opts): a whole number written with digits only. Thousands
-- separators are allowed only when opts.thousands names them (a string of
-- separator characters, e.g. "." or ". ", where " " stands for any space),
-- and then the groups must be of three digits. A leading sign is accepted
-- only with opts.signed. Returns a Lua integer, or nil plus a reason.
function M.integer(s, opts)
  check_string("integer", 1, s)
  opts = check_opts("integer", 2, opts)
  local seps = opts.thousands or ""
  if type(seps) ~= "string" then
    error("bad option 'thousands' to 'integer' (string expected)", 2)
  end
  local t = M.squish(s)
  if t == "" then return nil, "empty string" end
  local sign = ""
  if opts.signed and (t:sub(1, 1) == "-" or t:sub(1, 1) == "+") then
    sign = (t:sub(1, 1) == "-") and "-" or ""
    t = t:sub(2)
  end
  if t:match("^%d+$") then
    if #t > 18 then return nil, string.format("integer too large: '%s'", s) end
    return math.tointeger(tonumber(sign .. t))
  end
  local class = seps:gsub("[%%%]%^%-]", "%%%0")
  if class == "" or not t:match("^[%d" .. class .. "]+$") then
    return nil, string.format("not an integer: '%s'", s)
  end
  local used = t:gsub("%d", "")
  if not used:match("^" .. "%" .. used:sub(1, 1) .. "*$") then
    return nil, string.format("mixed thousands separators in '%s'", s)
  end
  local groups = {}
  for g in (t .. used:sub(1, 1)):gmatch("(%d*)[^%d]") do groups[#groups + 1] = g end
  if not good_grouping(groups) then
    return nil, string.format("bad digit grouping in '%s'", s)
  end
  local digits = t:gsub("%D", "")
  if #digits > 18 then return nil, string.format("integer too large: '%s'", s) end
  return math.tointeger(tonumber(sign .. digits))
end

---------------------------------------------------------------------------
-- Case and accents (ASCII, Latin-1 Supplement, Latin Extended-A)

local function utf8_2(cp) return utf8.char(cp) end

local LOWER, UPPER = {}, {}  -- two-byte UTF-8 -> UTF-8
local function pair(up, low)
  LOWER[utf8_2(up)] = utf8.char(low)
  UPPER[utf8_2(low)] = utf8.char(up)
end
for cp = 0xC0, 0xDE do
  if cp ~= 0xD7 then pair(cp, cp + 0x20) end
end
for cp = 0x100, 0x17E, 2 do
  if cp < 0x130 or (cp > 0x131 and cp < 0x138) or (cp >= 0x14A and cp < 0x178) then
    pair(cp, cp + 1)
  end
end
for cp = 0x139, 0x147, 2 do pair(cp, cp + 1) end
for cp = 0x179, 0x17D, 2 do pair(cp, cp + 1) end
pair(0x178, 0xFF)                 -- Ÿ ÿ
LOWER[utf8.char(0x130)] = "i"     -- İ: simple lowercase is ASCII i
UPPER[utf8.char(0x131)] = "I"     -- ı: simple uppercase is ASCII I
UPPER[utf8.char(0x17F)] = "S"     -- ſ (long s)

local ASCII_LOWER, ASCII_UPPER = {}, {}
for b = 65, 90 do
  ASCII_LOWER[string.char(b)] = string.char(b + 32)
  ASCII_UPPER[string.char(b + 32)] = string.char(b)
end

local TWO_BYTE = "[\xC3-\xC5][\x80-\xBF]"

function M.lower(s)
  check_string("lower", 1, s)
  return (s:gsub("[A-Z]", ASCII_LOWER):gsub(TWO_BYTE, LOWER))
end

function M.upper(s)
  check_string("upper", 1, s)
  return (s:gsub("[a-z]", ASCII_UPPER):gsub(TWO_BYTE, UPPER))
end

-- fold_case(s): the C side's Unicode simple case folding (the one behind
-- :pqx-contains(... i) and the REPL's .find, every script with case), plus
-- the full foldings that matter for comparing words: ß (and ẞ, which simple
-- folding makes ß) becomes "ss", so "Straße" and "STRASSE" fold alike, and
-- İ becomes "i" as lower() does.
local FOLD_EXTRA = {[utf8.char(0xDF)] = "ss", [utf8.char(0x130)] = "i"}
function M.fold_case(s)
  check_string("fold_case", 1, s)
  return (core.fold_case(s):gsub("[\xC3\xC4][\x9F\xB0]", FOLD_EXTRA))
end

-- ASCII spellings of U+00C0-U+00FF and U+0100-U+017F, in code point order;
-- "=" keeps the character (× and ÷ are not letters).
local LATIN1 = "A A A A A A AE C E E E E I I I I D N O O O O O = O U U U U Y Th ss "
  .. "a a a a a a ae c e e e e i i i i d n o o o o o = o u u u u y th y"
local EXT_A = "A a A a A a C c C c C c C c D d D d E e E e E e E e E e G g G g G g "
  .. "G g H h H h I i I i I i I i I i IJ ij J j K k k L l L l L l L l L l N n "
  .. "N n N n 'n N n O o O o O o OE oe R r R r R r S s S s S s S s T t T t T t "
  .. "U u U u U u U u U u U u W w Y y Y Z z Z z Z z s"

local STRIP = {}
local function load_strip(list, base)
  local cp = base
  for word in list:gmatch("%S+") do
    if word ~= "=" then STRIP[utf8.char(cp)] = word end
    cp = cp + 1
  end
  return cp - base
end
M._strip_counts = {load_strip(LATIN1, 0xC0), load_strip(EXT_A, 0x100)}

-- strip_accents(s): é -> e, Ë -> E, ß -> ss, Æ -> AE, Ł -> L, œ -> oe ...
-- for Latin-1 and Latin Extended-A letters; everything else is kept.
function M.strip_accents(s)
  check_string("strip_accents", 1, s)
  return (s:gsub(TWO_BYTE, STRIP))
end

-- slug(s): lowercase ASCII letters and digits joined by single hyphens,
-- accents stripped first ("Commissariaat-Generaal (CGVS)" ->
-- "commissariaat-generaal-cgvs"). Other characters separate words.
function M.slug(s)
  check_string("slug", 1, s)
  local t = M.lower(M.strip_accents(M.squish(s)))
  t = t:gsub("[^a-z0-9]+", "-")
  return (t:gsub("^%-+", ""):gsub("%-+$", ""))
end

return M
