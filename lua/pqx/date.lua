-- pqx.date: dates as Dutch, French, German and English parliament pages
-- print them, turned into ISO "YYYY-MM-DD" strings, and calendar arithmetic.
-- It owns the month and weekday names of those four languages and the
-- rules below; it never guesses: anything it cannot read for certain gives
-- nil plus a reason.
--
-- Forms read by parse() (case, accents and a trailing "." on abbreviated
-- month names do not matter; white space may be any Unicode space):
--   long, day first  "30 april 2013", "1er mars 2012", "30. April 2013",
--                    "30th April 2013", "30th of April 2013", "30 apr. 2013",
--                    "30-Apr-2013", "4 juin 2013", "3 Mrz 2013", "fevrier"
--   long, month first (en only)  "April 30, 2013", "April 30th 2013"
--   numeric, day first  "30/4/2013", "30-04-2013", "30.04.2013" (the same
--                    separator twice; day-first in all four languages,
--                    English included: pages are British/Irish style, so
--                    "4/30/2013" gives nil, "month 30 out of range")
--   ISO, year first  "2013-04-30" (also "2013/04/30", "2013.04.30")
-- A weekday may come first ("dinsdag 30 april 2013", "Dienstag, 30. April
-- 2013"); it must be the date's real weekday, else nil plus a reason.
-- Years must have four digits: "30/4/13" gives "two-digit year '13' is
-- ambiguous". Days and months are checked against the calendar (leap years
-- included).
--
-- lang is "nl", "fr", "de", "en" or nil. With nil every language is tried;
-- if two languages read the text as different dates the answer is nil,
-- "ambiguous: ..." (with today's tables no two languages disagree; the check
-- keeps it so when names are added). When nothing reads the text, the
-- reason comes from the language that got furthest (e.g. the one that knew
-- the month name).

local text = require("pqx.text")

local M = {}

local LANGS = {"nl", "fr", "de", "en"}

local EN_MONTHS = {"january", "february", "march", "april", "may", "june", "july",
  "august", "september", "october", "november", "december"}
local EN_WEEKDAYS = {"monday", "tuesday", "wednesday", "thursday", "friday",
  "saturday", "sunday"}

-- Names are written in normalised form: lower case, accents stripped.
local NAMES = {
  nl = {
    months = {
      {"januari", "jan"}, {"februari", "feb", "febr"}, {"maart", "mrt", "maa"},
      {"april", "apr"}, {"mei"}, {"juni", "jun"}, {"juli", "jul"},
      {"augustus", "aug"}, {"september", "sep", "sept"}, {"oktober", "okt"},
      {"november", "nov"}, {"december", "dec"},
    },
    weekdays = {{"maandag"}, {"dinsdag"}, {"woensdag"}, {"donderdag"},
      {"vrijdag"}, {"zaterdag"}, {"zondag"}},
    ordinals = {"e", "ste", "de"},
  },
  fr = {
    months = {
      {"janvier", "janv", "jan"}, {"fevrier", "fevr", "fev"}, {"mars"},
      {"avril", "avr"}, {"mai"}, {"juin"}, {"juillet", "juil"}, {"aout"},
      {"septembre", "sept", "sep"}, {"octobre", "oct"}, {"novembre", "nov"},
      {"decembre", "dec"},
    },
    weekdays = {{"lundi"}, {"mardi"}, {"mercredi"}, {"jeudi"}, {"vendredi"},
      {"samedi"}, {"dimanche"}},
    ordinals = {"er"},
  },
  de = {
    months = {
      {"januar", "jan", "janner", "jann"}, {"februar", "feb", "feber", "febr"},
      {"marz", "maerz", "mrz", "mar"}, {"april", "apr"}, {"mai"},
      {"juni", "jun"}, {"juli", "jul"}, {"august", "aug"},
      {"september", "sep", "sept"}, {"oktober", "okt"}, {"november", "nov"},
      {"dezember", "dez"},
    },
    weekdays = {{"montag"}, {"dienstag"}, {"mittwoch"}, {"donnerstag"},
      {"freitag"}, {"samstag", "sonnabend"}, {"sonntag"}},
    ordinals = {},
  },
  en = {
    months = {
      {"january", "jan"}, {"february", "feb"}, {"march", "mar"},
      {"april", "apr"}, {"may"}, {"june", "jun"}, {"july", "jul"},
      {"august", "aug"}, {"september", "sep", "sept"}, {"october", "oct"},
      {"november", "nov"}, {"december", "dec"},
    },
    weekdays = {{"monday", "mon"}, {"tuesday", "tue", "tues"},
      {"wednesday", "wed"}, {"thursday", "thu", "thur", "thurs"},
      {"friday", "fri"}, {"saturday", "sat"}, {"sunday", "sun"}},
    ordinals = {"st", "nd", "rd", "th"},
    month_first = true,
    of = true,
  },
}

-- Turn the name lists into lookup tables: name -> number.
local TABLES = {}
for lang, spec in pairs(NAMES) do
  local t = {months = {}, weekdays = {}, ordinals = {},
    month_first = spec.month_first, of = spec.of}
  for n, names in ipairs(spec.months) do
    for _, name in ipairs(names) do t.months[name] = n end
  end
  for n, names in ipairs(spec.weekdays) do
    for _, name in ipairs(names) do t.weekdays[name] = n end
  end
  for _, o in ipairs(spec.ordinals) do t.ordinals[o] = true end
  TABLES[lang] = t
end

---------------------------------------------------------------------------
-- Calendar arithmetic (proleptic Gregorian, no os.time)

local DAYS_IN_MONTH = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}

local function is_leap(y)
  return (y % 4 == 0 and y % 100 ~= 0) or y % 400 == 0
end

local function days_in_month(y, m)
  if m == 2 and is_leap(y) then return 29 end
  return DAYS_IN_MONTH[m]
end

-- Days since 1970-01-01 (negative before it).
local function days_from_civil(y, m, d)
  if m <= 2 then y = y - 1 end
  local era = y // 400
  local yoe = y - era * 400
  local mp = (m + 9) % 12
  local doy = (153 * mp + 2) // 5 + d - 1
  local doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
  return era * 146097 + doe - 719468
end

-- 1 = Monday ... 7 = Sunday
local function weekday_of(y, m, d)
  return (days_from_civil(y, m, d) + 3) % 7 + 1
end

-- nil when the date exists, else the reason it does not.
local function calendar_problem(y, m, d)
  if m < 1 or m > 12 then return string.format("month %d out of range", m) end
  if d < 1 or d > days_in_month(y, m) then
    return string.format("day %d does not exist in %s %d", d, EN_MONTHS[m], y)
  end
  return nil
end

local check_string = text._check_string

local function split_iso(s)
  local y, m, d = s:match("^(%d%d%d%d)%-(%d%d)%-(%d%d)$")
  if not y then return nil, string.format("'%s' is not YYYY-MM-DD", s) end
  y, m, d = tonumber(y), tonumber(m), tonumber(d)
  local problem = calendar_problem(y, m, d)
  if problem then return nil, problem end
  return y, m, d
end

-- valid_iso(s): true when s is "YYYY-MM-DD" and that day exists, else
-- false plus the reason.
function M.valid_iso(s)
  check_string("valid_iso", 1, s)
  local y, reason = split_iso(s)
  if not y then return false, reason end
  return true
end

-- days_between(a, b): whole days from ISO date a to ISO date b (negative
-- when b is earlier); nil plus a reason when either is not a valid date.
function M.days_between(a, b)
  check_string("days_between", 1, a)
  check_string("days_between", 2, b)
  local y1, m1, d1 = split_iso(a)
  if not y1 then return nil, m1 end
  local y2, m2, d2 = split_iso(b)
  if not y2 then return nil, m2 end
  return days_from_civil(y2, m2, d2) - days_from_civil(y1, m1, d1)
end

-- diff(a, b): the same as days_between(a, b), under the short name.
function M.diff(a, b)
  check_string("diff", 1, a)
  check_string("diff", 2, b)
  return M.days_between(a, b)
end

-- The date of day number z (days since 1970-01-01), inverse of days_from_civil.
local function civil_from_days(z)
  z = z + 719468
  local era = z // 146097
  local doe = z - era * 146097
  local yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
  local doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
  local mp = (5 * doy + 2) // 153
  local d = doy - (153 * mp + 2) // 5 + 1
  local m = mp < 10 and mp + 3 or mp - 9
  local y = yoe + era * 400
  if m <= 2 then y = y + 1 end
  return y, m, d
end

local UNITS = {
  day = "day", days = "day", week = "week", weeks = "week",
  month = "month", months = "month", year = "year", years = "year",
}

-- add(iso, n [, unit]): the ISO date n days (weeks, months, years) after iso
-- (before it when n < 0). Months and years keep the day of the month, clamped
-- to the month's last day: 2024-01-31 + 1 month = 2024-02-29, 2024-02-29 + 1
-- year = 2025-02-28. nil plus a reason when iso is not a valid date or the
-- result leaves the years 0000-9999; a bad n or unit raises.
function M.add(iso, n, unit)
  check_string("add", 1, iso)
  if math.type(n) ~= "integer" and not (math.type(n) == "float" and n == math.floor(n)
      and n > -2^53 and n < 2^53) then
    error(string.format("bad argument #2 to 'add' (whole number expected, got %s)",
      math.type(n) or type(n)), 2)
  end
  n = math.tointeger(n)
  local u = UNITS[unit or "days"]
  if not u then
    error(string.format("bad argument #3 to 'add' (unit must be days, weeks, months "
      .. "or years, got %s)", type(unit) == "string" and "'" .. unit .. "'" or type(unit)), 2)
  end
  local y, m, d = split_iso(iso)
  if not y then return nil, m end
  if u == "day" or u == "week" then
    if math.abs(n) > 4000000 then return nil, string.format("%d %ss is beyond the years 0000-9999", n, u) end
    y, m, d = civil_from_days(days_from_civil(y, m, d) + (u == "week" and 7 * n or n))
  else
    if math.abs(n) > 200000 then return nil, string.format("%d %ss is beyond the years 0000-9999", n, u) end
    local months = (y * 12 + m - 1) + (u == "year" and 12 * n or n)
    y, m = months // 12, months % 12 + 1
    d = math.min(d, days_in_month(y, m))
  end
  if y < 0 or y > 9999 then
    return nil, string.format("%s plus %d %ss is year %d, beyond 0000-9999", iso, n, u, y)
  end
  return string.format("%04d-%02d-%02d", y, m, d)
end

---------------------------------------------------------------------------
-- Tokens: numbers, words (ASCII and Latin-1/Extended-A letters),
-- punctuation; each knows its byte span and whether white space precedes it.

local SPACE_SEQ = {"\xC2\xA0", "\xE2\x80[\x80-\x8A]", "\xE2\x80\xAF",
  "\xE2\x81\x9F", "\xE3\x80\x80", "\xE2\x80[\x8B-\x8D]", "\xC2\xAD",
  "\xE2\x81\xA0", "\xEF\xBB\xBF"}

local function space_at(s, pos)
  local e = s:match("^%s+()", pos)
  if e then return e end
  if not s:find("^[\xC2\xE2\xE3\xEF]", pos) then return nil end -- no sequence starts here
  for _, p in ipairs(SPACE_SEQ) do
    e = s:match("^" .. p .. "()", pos)
    if e then return e end
  end
  return nil
end

local function letter_at(s, pos)
  if s:find("^[A-Za-z]", pos) then return pos + 1 end
  local c = s:match("^[\xC3-\xC5][\x80-\xBF]", pos)
  if c and c ~= "\xC3\x97" and c ~= "\xC3\xB7" then return pos + 2 end
  return nil
end

local function tokenize(s)
  local toks, pos, space = {}, 1, false
  while pos <= #s do
    local nxt = space_at(s, pos)
    if nxt then
      pos, space = nxt, true
    else
      local tok = {s = pos, space = space}
      local e = s:match("^%d+()", pos)
      if e then
        tok.kind = "num"
      elseif letter_at(s, pos) then
        tok.kind = "word"
        e = pos
        while true do
          local n = letter_at(s, e)
          if not n then break end
          e = n
        end
      else
        e = s:match("^[\xC0-\xFF][\x80-\xBF]*()", pos) or pos + 1
        tok.kind = (e == pos + 1) and "punct" or "other"
      end
      tok.e = e - 1
      tok.text = s:sub(pos, e - 1)
      if tok.kind == "word" then
        tok.norm = text.lower(text.strip_accents(tok.text))
      end
      toks[#toks + 1] = tok
      pos, space = e, false
    end
  end
  return toks
end

---------------------------------------------------------------------------
-- Matching. A matcher returns {iso=, last=} on success or {rank=, reason=}
-- on failure; rank says how far the reading got (1 nothing date-like,
-- 2 unknown month name, 3 a date with a bad part, 4 contradicting weekday).

local function fail(rank, fmt, ...)
  return {rank = rank, reason = string.format(fmt, ...)}
end

local function is_punct(tok, ch)
  return tok ~= nil and tok.kind == "punct" and tok.text == ch
end

local function year_of(tok)
  if tok == nil or tok.kind ~= "num" then return nil, fail(3, "no year") end
  if #tok.text == 4 then return tonumber(tok.text) end
  if #tok.text == 2 then
    return nil, fail(3, "two-digit year '%s' is ambiguous", tok.text)
  end
  return nil, fail(3, "bad year '%s'", tok.text)
end

local function small(tok)
  return tok ~= nil and tok.kind == "num" and #tok.text <= 2
end

local function finish(y, m, d, last)
  local problem = calendar_problem(y, m, d)
  if problem then return fail(3, "%s", problem) end
  return {iso = string.format("%04d-%02d-%02d", y, m, d), last = last,
    y = y, m = m, d = d}
end

-- "30/4/2013", "2013-04-30": toks[j] is the first number, toks[j+1] the
-- separator.
local function numeric(toks, j)
  local a, sep, b, sep2, c = toks[j], toks[j + 1], toks[j + 2], toks[j + 3], toks[j + 4]
  if not (b and b.kind == "num") then return nil end
  if not (sep2 and sep2.kind == "punct" and sep2.text == sep.text) then
    if #a.text <= 2 and #b.text <= 2 then return fail(3, "no year") end
    return nil
  end
  if not (c and c.kind == "num") then
    if #a.text <= 2 and #b.text <= 2 then return fail(3, "no year") end
    return nil
  end
  if #a.text == 4 then
    if not (small(b) and small(c)) then return fail(1, "not a date") end
    return finish(tonumber(a.text), tonumber(b.text), tonumber(c.text), j + 4)
  end
  if not (small(a) and small(b)) then return fail(1, "not a date") end
  local y, err = year_of(c)
  if not y then return err end
  return finish(y, tonumber(b.text), tonumber(a.text), j + 4)
end

-- "30 april 2013" and friends; toks[j] is the day number.
local function day_first(toks, j, L)
  local day = toks[j]
  j = j + 1
  local t = toks[j]
  local ordinal = false
  if t and t.kind == "word" and not t.space and L.ordinals[t.norm] then
    ordinal, j = true, j + 1
    t = toks[j]
  end
  if not ordinal and t and t.kind == "punct"
      and (t.text == "/" or t.text == "-" or t.text == ".") then
    local r = numeric(toks, j - 1)
    if r then return r end
  end
  if #day.text > 2 then return fail(1, "'%s' is not a day of the month", day.text) end
  local sep
  if is_punct(t, ".") then
    j = j + 1
  elseif is_punct(t, "-") then
    sep, j = "-", j + 1
  end
  t = toks[j]
  if L.of and t and t.kind == "word" and t.norm == "of" then
    j = j + 1
    t = toks[j]
  end
  if t == nil then return fail(1, "no month") end
  if t.kind ~= "word" then return fail(1, "no month name after the day") end
  local month = L.months[t.norm]
  if not month then return fail(2, "unknown month name '%s'", t.text) end
  j = j + 1
  t = toks[j]
  if is_punct(t, ".") then
    j = j + 1
    t = toks[j]
  end
  if sep then
    if not is_punct(t, sep) then return fail(3, "no year") end
    j = j + 1
    t = toks[j]
  elseif is_punct(t, ",") then
    j = j + 1
    t = toks[j]
  end
  local y, err = year_of(t)
  if not y then return err end
  return finish(y, month, tonumber(day.text), j)
end

-- "April 30, 2013" (English only); toks[j] is the month name.
local function month_first(toks, j, L)
  local month = L.months[toks[j].norm]
  j = j + 1
  if is_punct(toks[j], ".") then j = j + 1 end
  local day = toks[j]
  if not small(day) then
    if day and day.kind == "num" and #day.text == 4 then return fail(3, "no day") end
    return fail(1, "no day after the month name")
  end
  j = j + 1
  local t = toks[j]
  if t and t.kind == "word" and not t.space and L.ordinals[t.norm] then j = j + 1 end
  if is_punct(toks[j], ",") then j = j + 1 end
  local y, err = year_of(toks[j])
  if not y then return err end
  return finish(y, month, tonumber(day.text), j)
end

local function match_at(toks, i, lang)
  local L = TABLES[lang]
  local j = i
  local t = toks[j]
  local weekday, wd_tok
  if t and t.kind == "word" and L.weekdays[t.norm] then
    weekday, wd_tok = L.weekdays[t.norm], t
    j = j + 1
    if is_punct(toks[j], ".") then j = j + 1 end
    if is_punct(toks[j], ",") then j = j + 1 end
    t = toks[j]
  end
  local r
  if t == nil then
    r = fail(1, "no date")
  elseif t.kind == "num" then
    r = day_first(toks, j, L)
  elseif t.kind == "word" and L.month_first then
    if L.months[t.norm] then
      r = month_first(toks, j, L)
    elseif small(toks[j + 1]) then
      r = fail(2, "unknown month name '%s'", t.text)
    else
      r = fail(1, "unexpected word '%s'", t.text)
    end
  elseif t.kind == "word" then
    r = fail(1, "unexpected word '%s'", t.text)
  else
    r = fail(1, "not a date")
  end
  if r.iso and weekday then
    local real = weekday_of(r.y, r.m, r.d)
    if real ~= weekday then
      return fail(4, "weekday '%s' does not match %s, which is a %s",
        wd_tok.text, r.iso, EN_WEEKDAYS[real])
    end
  end
  return r
end

local function check_lang(fname, lang)
  if lang ~= nil and not TABLES[lang] then
    error(string.format("bad argument #2 to '%s' (\"nl\", \"fr\", \"de\", \"en\" "
      .. "or nil expected, got %s)", fname, tostring(lang)), 3)
  end
end

-- Results of one match position for the requested language(s): the best
-- success (longest, then first language) or nil, and the best failure.
local function match_langs(toks, i, lang)
  local langs = lang and {lang} or LANGS
  local win, worst, disagree
  for _, l in ipairs(langs) do
    local r = match_at(toks, i, l)
    r.lang = l
    if r.iso then
      if win and win.iso ~= r.iso then
        disagree = string.format("ambiguous: %s (%s) or %s (%s)",
          win.iso, win.lang, r.iso, l)
      end
      if not win or r.last > win.last then win = r end
    elseif not worst or r.rank > worst.rank then
      worst = r
    end
  end
  if disagree then return nil, {rank = 5, reason = disagree} end
  return win, worst
end

-- parse(s, lang): the whole of s (trimmed) must be one date. Returns the
-- ISO string, or nil plus a reason.
function M.parse(s, lang)
  check_string("parse", 1, s)
  check_lang("parse", lang)
  local toks = tokenize(text.squish(s))
  if #toks == 0 then return nil, "empty string" end
  local langs = lang and {lang} or LANGS
  local results, best = {}, nil
  for _, l in ipairs(langs) do
    local r = match_at(toks, 1, l)
    if r.iso and r.last < #toks then
      local rest = toks[r.last + 1]
      r = fail(3, "unexpected text after the date: '%s'",
        text.squish(s):sub(rest.s))
    end
    if r.iso then
      for _, prev in ipairs(results) do
        if prev.iso ~= r.iso then
          return nil, string.format("ambiguous: %s (%s) or %s (%s)",
            prev.iso, prev.lang, r.iso, l)
        end
      end
      r.lang = l
      results[#results + 1] = r
    elseif not best or r.rank > best.rank then
      best = r
    end
  end
  if results[1] then return results[1].iso end
  return nil, best.reason
end

-- find(s, lang): the first date inside a longer text. Returns iso, start,
-- finish (byte positions of the date in s, weekday included), or nil plus
-- a reason. Date-like text that is not a date (31 april, a two-digit year)
-- is skipped; a weekday that contradicts its date is an error, not skipped.
function M.find(s, lang)
  check_string("find", 1, s)
  check_lang("find", lang)
  local toks = tokenize(s)
  for i, tok in ipairs(toks) do
    if tok.kind == "num" or tok.kind == "word" then
      local win, worst = match_langs(toks, i, lang)
      if win then return win.iso, tok.s, toks[win.last].e end
      if worst and worst.rank >= 4 then return nil, worst.reason end
    end
  end
  return nil, "no date found"
end

return M
