-- test_date.lua: checks of pqx.date (parse in four languages, find,
-- calendar checks, arithmetic).
local T = require("harness")
local date = require("pqx.date")

local function parses(s, lang, want)
  local got, reason = date.parse(s, lang)
  T.ok(got == want, string.format("parse '%s' (%s) = %s", s:gsub("\n", "\\n"), tostring(lang), want),
    "got " .. tostring(got) .. " (" .. tostring(reason) .. ")")
end

local function fails(s, lang, want_reason)
  local got, reason = date.parse(s, lang)
  T.ok(got == nil and reason == want_reason,
    string.format("parse %q (%s) fails: %s", s, tostring(lang), want_reason),
    "got " .. tostring(got) .. ", reason " .. tostring(reason))
end

-- Dutch
for _, lang in ipairs({"nl", false}) do
  local l = lang or nil
  parses("30 april 2013", l, "2013-04-30")
  parses("4 juni 2013", l, "2013-06-04")
  parses("1 januari 2014", l, "2014-01-01")
  parses("15 februari 2012", l, "2012-02-15")
  parses("3 maart 2011", l, "2011-03-03")
  parses("3 mrt. 2011", l, "2011-03-03")
  parses("9 mei 2013", l, "2013-05-09")
  parses("10 juli 2013", l, "2013-07-10")
  parses("11 augustus 2013", l, "2013-08-11")
  parses("12 sept. 2013", l, "2013-09-12")
  parses("13 oktober 2013", l, "2013-10-13")
  parses("14 okt 2013", l, "2013-10-14")
  parses("15 november 2013", l, "2013-11-15")
  parses("16 december 2013", l, "2013-12-16")
  parses("30 apr. 2013", l, "2013-04-30")
  parses("dinsdag 30 april 2013", l, "2013-04-30")
  parses("Dinsdag 30 April 2013", l, "2013-04-30")
end
-- French
for _, lang in ipairs({"fr", false}) do
  local l = lang or nil
  parses("1er mars 2012", l, "2012-03-01")
  parses("1 mars 2012", l, "2012-03-01")
  parses("30 avril 2013", l, "2013-04-30")
  parses("4 juin 2013", l, "2013-06-04")
  parses("2 janvier 2013", l, "2013-01-02")
  parses("2 janv. 2013", l, "2013-01-02")
  parses("3 février 2013", l, "2013-02-03")
  parses("3 fevrier 2013", l, "2013-02-03")
  parses("3 févr. 2013", l, "2013-02-03")
  parses("3 FÉVRIER 2013", l, "2013-02-03")
  parses("8 mai 2013", l, "2013-05-08")
  parses("14 juillet 2013", l, "2013-07-14")
  parses("14 juil. 2013", l, "2013-07-14")
  parses("15 août 2013", l, "2013-08-15")
  parses("15 aout 2013", l, "2013-08-15")
  parses("16 septembre 2013", l, "2013-09-16")
  parses("17 octobre 2013", l, "2013-10-17")
  parses("11 novembre 2013", l, "2013-11-11")
  parses("24 décembre 2013", l, "2013-12-24")
  parses("24 decembre 2013", l, "2013-12-24")
  parses("24 déc. 2013", l, "2013-12-24")
  parses("mardi 30 avril 2013", l, "2013-04-30")
  parses("Mardi 30 avril 2013", l, "2013-04-30")
  parses("vendredi 1er mars 2013", l, "2013-03-01")
end
-- German
for _, lang in ipairs({"de", false}) do
  local l = lang or nil
  parses("30. April 2013", l, "2013-04-30")
  parses("30 April 2013", l, "2013-04-30")
  parses("1. Januar 2013", l, "2013-01-01")
  parses("3. März 2013", l, "2013-03-03")
  parses("3. Maerz 2013", l, "2013-03-03")
  parses("3. Mrz 2013", l, "2013-03-03")
  parses("3. Mrz. 2013", l, "2013-03-03")
  parses("1. Mai 2013", l, "2013-05-01")
  parses("3. Oktober 2013", l, "2013-10-03")
  parses("24. Dezember 2013", l, "2013-12-24")
  parses("24. Dez. 2013", l, "2013-12-24")
  parses("Dienstag, 30. April 2013", l, "2013-04-30")
  parses("Dienstag 30. April 2013", l, "2013-04-30")
end
-- English
for _, lang in ipairs({"en", false}) do
  local l = lang or nil
  parses("30 April 2013", l, "2013-04-30")
  parses("April 30, 2013", l, "2013-04-30")
  parses("April 30 2013", l, "2013-04-30")
  parses("April 30th, 2013", l, "2013-04-30")
  parses("Apr. 30, 2013", l, "2013-04-30")
  parses("30th April 2013", l, "2013-04-30")
  parses("1st May 2013", l, "2013-05-01")
  parses("2nd June 2013", l, "2013-06-02")
  parses("3rd July 2013", l, "2013-07-03")
  parses("30th of April 2013", l, "2013-04-30")
  parses("30-Apr-2013", l, "2013-04-30")
  parses("Tuesday 30 April 2013", l, "2013-04-30")
  parses("Tuesday, 30 April 2013", l, "2013-04-30")
  parses("Tue 30 Apr 2013", l, "2013-04-30")
  parses("Tuesday, April 30, 2013", l, "2013-04-30")
  parses("4 March 2013", l, "2013-03-04")
  parses("9 September 2013", l, "2013-09-09")
  parses("December 25, 2012", l, "2012-12-25")
end
-- numeric and ISO, every language
for _, lang in ipairs({"nl", "fr", "de", "en", false}) do
  local l = lang or nil
  parses("30/4/2013", l, "2013-04-30")
  parses("30-04-2013", l, "2013-04-30")
  parses("30.04.2013", l, "2013-04-30")
  parses("4/6/2013", l, "2013-06-04")
  parses("2013-04-30", l, "2013-04-30")
  parses("2013/04/30", l, "2013-04-30")
  parses("  30/4/2013\n", l, "2013-04-30")
  fails("4/30/2013", l, "month 30 out of range")
  fails("30/4/13", l, "two-digit year '13' is ambiguous")
  fails("2013-02-29", l, "day 29 does not exist in february 2013")
  fails("30/4", l, "no year")
end
parses("29/2/2012", nil, "2012-02-29")
parses("29/2/2000", nil, "2000-02-29")
fails("29/2/1900", nil, "day 29 does not exist in february 1900")
parses("30\xC2\xA0april\xC2\xA02013", "nl", "2013-04-30")
parses("30  april   2013", "nl", "2013-04-30")

-- failures, with reasons
fails("31 april 2013", "nl", "day 31 does not exist in april 2013")
fails("31 april 2013", nil, "day 31 does not exist in april 2013")
fails("29 februari 2013", "nl", "day 29 does not exist in february 2013")
parses("29 februari 2012", "nl", "2012-02-29")
fails("29 février 2013", nil, "day 29 does not exist in february 2013")
fails("0 mai 2013", "fr", "day 0 does not exist in may 2013")
fails("32 mai 2013", "fr", "day 32 does not exist in may 2013")
fails("13/13/2013", nil, "month 13 out of range")
fails("30 foo 2013", "nl", "unknown month name 'foo'")
fails("30 foo 2013", nil, "unknown month name 'foo'")
fails("30 avril 2013", "nl", "unknown month name 'avril'")
fails("30 april", "nl", "no year")
fails("30 april", nil, "no year")
fails("April 2013", "en", "no day")
fails("30 april 13", "nl", "two-digit year '13' is ambiguous")
fails("30 april 213", "nl", "bad year '213'")
fails("", nil, "empty string")
fails("   ", "nl", "empty string")
fails("30", "nl", "no month")
fails("30 april 2013 :", "nl", "unexpected text after the date: ':'")
fails("d.d. 30 april 2013", "nl", "unexpected word 'd'")
fails("van 30 april 2013", "nl", "unexpected word 'van'")
fails("van 30 april 2013", nil, "unknown month name 'van'") -- en reads "van 30" as month-first
fails("Antwoord ontvangen op 4 juni 2013", "nl", "unexpected word 'Antwoord'")
fails("maandag 30 april 2013", "nl",
  "weekday 'maandag' does not match 2013-04-30, which is a tuesday")
fails("Monday 30 April 2013", nil,
  "weekday 'Monday' does not match 2013-04-30, which is a tuesday")
fails("mardi 30 april 2013", "nl", "unexpected word 'mardi'")
fails("30 April 2013", "fr", "unknown month name 'April'")
fails("April 30, 2013", "nl", "unexpected word 'April'")
fails("2er mars 2013", "nl", "unknown month name 'er'")

local ok, reason = date.parse("30 april 2013", nil)
T.eq(ok, "2013-04-30", "nil lang agrees across nl, de, en")
T.eq(reason, nil, "no reason on success")

T.raises(function() date.parse(nil) end, "bad argument #1 to 'parse'", "parse nil raises")
T.raises(function() date.parse("30/4/2013", "es") end, "bad argument #2 to 'parse'",
  "parse unknown language raises")

-- find
local function found(s, lang, want, ws, we, name)
  local iso, a, b = date.find(s, lang)
  T.ok(iso == want and a == ws and b == we, name,
    string.format("got %s %s %s", tostring(iso), tostring(a), tostring(b)))
  if iso then T.eq(s:sub(a, b) ~= "", true, name .. " (span non-empty)") end
end
found("van Martine Taelman (Open Vld) d.d. 30 april 2013", "nl", "2013-04-30", 37, 49,
  "find author line")
found("Vraag nr. 5-8916 d.d. 30 april 2013 : (Vraag gesteld in het Nederlands)", nil,
  "2013-04-30", 23, 35, "find skips 5-8916")
found("30/4/2013Verzending vraag", "nl", "2013-04-30", 1, 9, "find glued chronology")
found("4/6/2013Antwoord", nil, "2013-06-04", 1, 8, "find glued answer line")
found("Antwoord ontvangen op 4 juni 2013 :", "nl", "2013-06-04", 23, 33, "find answer date")
found("Réponse reçue le 4 juin 2013 :", "fr", "2013-06-04", 20, 30, "find French answer")
found("Berlin, Dienstag, 30. April 2013, 10 Uhr", "de", "2013-04-30", 9, 32,
  "find includes the weekday")
found("Answered on April 30, 2013.", nil, "2013-04-30", 13, 26, "find month-first")
found("sent 31 april 2013, then 2 mei 2013", "nl", "2013-05-02", 26, 35,
  "find skips a date that does not exist")
found("on 30/4/13 or 1/5/2013", nil, "2013-05-01", 15, 22, "find skips two-digit year")
local iso, why = date.find("geen datum hier, alleen 5-8916", "nl")
T.eq(iso, nil, "find nothing")
T.eq(why, "no date found", "find nothing reason")
iso, why = date.find("op maandag 30 april 2013", "nl")
T.eq(iso, nil, "find contradicting weekday")
T.eq(why, "weekday 'maandag' does not match 2013-04-30, which is a tuesday",
  "find contradicting weekday reason")
T.raises(function() date.find(5) end, "bad argument #1 to 'find'", "find non-string raises")

-- valid_iso
T.eq(date.valid_iso("2013-04-30"), true, "valid_iso ok")
T.eq(date.valid_iso("2012-02-29"), true, "valid_iso leap day")
local v, r = date.valid_iso("2013-02-29")
T.ok(v == false and r == "day 29 does not exist in february 2013", "valid_iso not leap", r)
v, r = date.valid_iso("2013-13-01")
T.ok(v == false and r == "month 13 out of range", "valid_iso month 13", r)
v, r = date.valid_iso("2013-04-31")
T.ok(v == false and r == "day 31 does not exist in april 2013", "valid_iso 31 april", r)
v, r = date.valid_iso("30 april 2013")
T.ok(v == false and r == "'30 april 2013' is not YYYY-MM-DD", "valid_iso long form", r)
T.eq(date.valid_iso("2013-4-30"), false, "valid_iso needs two-digit month")
T.eq(date.valid_iso(" 2013-04-30"), false, "valid_iso no spaces")
T.eq(date.valid_iso("2013-00-10"), false, "valid_iso month 0")
T.eq(date.valid_iso("2013-01-00"), false, "valid_iso day 0")
T.raises(function() date.valid_iso(nil) end, "bad argument #1 to 'valid_iso'",
  "valid_iso nil raises")

-- days_between
T.eq(date.days_between("2013-04-30", "2013-06-04"), 35, "days_between question to answer")
T.eq(date.days_between("2013-06-04", "2013-04-30"), -35, "days_between negative")
T.eq(date.days_between("2013-04-30", "2013-04-30"), 0, "days_between same day")
T.eq(date.days_between("2012-02-28", "2012-03-01"), 2, "days_between leap year")
T.eq(date.days_between("2013-02-28", "2013-03-01"), 1, "days_between common year")
T.eq(date.days_between("1999-12-31", "2000-01-01"), 1, "days_between new year")
T.eq(date.days_between("2000-01-01", "2001-01-01"), 366, "days_between leap 2000")
T.eq(date.days_between("1900-01-01", "1901-01-01"), 365, "days_between 1900 not leap")
T.eq(date.days_between("1970-01-01", "2013-04-30"), 15825, "days_between epoch")
T.eq(date.days_between("1600-03-01", "2400-03-01"), 292194, "days_between four eras")
local d, dr = date.days_between("2013-02-30", "2013-03-01")
T.ok(d == nil and dr == "day 30 does not exist in february 2013", "days_between invalid", dr)
T.raises(function() date.days_between("2013-01-01") end, "bad argument #2 to 'days_between'",
  "days_between missing argument raises")

os.exit(T.failed == 0 and 0 or 1, true) -- close the state: valgrind sees no leak

-- diff: days_between under its short name
T.eq(date.diff("2024-01-01", "2024-02-15"), 45, "diff counts days from a to b")
T.eq(date.diff("2024-02-15", "2024-01-01"), -45, "diff is negative when b is earlier")
T.eq(date.diff("2024-02-28", "2024-03-01"), 2, "diff over a leap day")
local dd, ddr = date.diff("2024-02-30", "2024-03-01")
T.ok(dd == nil and ddr == "day 30 does not exist in february 2024", "diff invalid date", ddr)
T.raises(function() date.diff("2024-01-01", 5) end, "bad argument #2 to 'diff'", "diff needs strings")

-- add: days, weeks, months (clamped to the month's end), years
T.eq(date.add("2024-03-10", 45), "2024-04-24", "add 45 days (a due date 'within 45 days')")
T.eq(date.add("2024-03-10", 45, "days"), "2024-04-24", "add with unit days")
T.eq(date.add("2024-03-10", 1, "day"), "2024-03-11", "add unit day (singular)")
T.eq(date.add("2024-12-31", 1), "2025-01-01", "add over the new year")
T.eq(date.add("2024-02-28", 1), "2024-02-29", "add onto a leap day")
T.eq(date.add("2023-02-28", 1), "2023-03-01", "add in a common year")
T.eq(date.add("2024-03-01", -1), "2024-02-29", "add negative days")
T.eq(date.add("2024-03-01", 0), "2024-03-01", "add zero")
T.eq(date.add("1970-01-01", -1), "1969-12-31", "add before the epoch")
T.eq(date.add("2013-04-30", 2, "weeks"), "2013-05-14", "add weeks")
T.eq(date.add("2024-01-15", 1, "month"), "2024-02-15", "add a month keeps the day")
T.eq(date.add("2024-01-31", 1, "months"), "2024-02-29", "add a month clamps to February's end (leap)")
T.eq(date.add("2023-01-31", 1, "months"), "2023-02-28", "add a month clamps (common year)")
T.eq(date.add("2024-03-31", 1, "month"), "2024-04-30", "add a month clamps to 30 days")
T.eq(date.add("2024-03-31", -1, "month"), "2024-02-29", "subtract a month clamps")
T.eq(date.add("2024-11-30", 3, "months"), "2025-02-28", "add months over the year end")
T.eq(date.add("2024-01-31", -13, "months"), "2022-12-31", "subtract more than a year of months")
T.eq(date.add("2024-02-29", 1, "year"), "2025-02-28", "add a year from a leap day clamps")
T.eq(date.add("2024-02-29", 4, "years"), "2028-02-29", "add four years keeps the leap day")
T.eq(date.add("2024-01-31", 2.0, "months"), "2024-03-31", "a whole float counts as a whole number")
for _, z in ipairs({-800000, -1, 0, 59, 60, 365, 10957, 100000, 2932896}) do
  local iso = date.add("1970-01-01", z)
  T.eq(date.diff("1970-01-01", iso), z, "add and diff are inverse at " .. z .. " days")
end
local ad, adr = date.add("2024-02-30", 1)
T.ok(ad == nil and adr == "day 30 does not exist in february 2024", "add: invalid date", adr)
ad, adr = date.add("30 april 2013", 1)
T.ok(ad == nil and adr == "'30 april 2013' is not YYYY-MM-DD", "add: not ISO", adr)
ad, adr = date.add("9999-12-31", 1)
T.ok(ad == nil and adr == "9999-12-31 plus 1 days is year 10000, beyond 0000-9999", "add: past 9999", adr)
ad, adr = date.add("0000-01-31", -1, "month")
T.ok(ad == nil and adr == "0000-01-31 plus -1 months is year -1, beyond 0000-9999", "add: before 0000", adr)
ad, adr = date.add("2024-01-01", math.maxinteger)
T.ok(ad == nil and adr:find("beyond the years 0000-9999", 1, true), "add: a huge n", adr)
T.raises(function() date.add("2024-01-01", 1.5) end,
  "bad argument #2 to 'add' (whole number expected, got float)", "add: a fraction raises")
T.raises(function() date.add("2024-01-01", "45") end,
  "bad argument #2 to 'add' (whole number expected, got string)", "add: a string count raises")
T.raises(function() date.add("2024-01-01", 1, "fortnight") end,
  "unit must be days, weeks, months or years, got 'fortnight'", "add: unknown unit raises")
T.raises(function() date.add(20240101, 1) end, "bad argument #1 to 'add'", "add: iso must be a string")
