-- test_text_lib.lua: checks of pqx.text (white space, splitting, numbers,
-- case mapping, accents, slugs).
local T = require("harness")
local text = require("pqx.text")

local NBSP, NNBSP, EMSP, IDSP = "\xC2\xA0", "\xE2\x80\xAF", "\xE2\x80\x83", "\xE3\x80\x80"
local SHY, ZWSP, ZWJ, BOM = "\xC2\xAD", "\xE2\x80\x8B", "\xE2\x80\x8D", "\xEF\xBB\xBF"

-- trim / squish
T.eq(text.trim("  a b \n"), "a b", "trim ASCII")
T.eq(text.trim(NBSP .. " x" .. IDSP .. NBSP), "x", "trim Unicode spaces")
T.eq(text.trim(""), "", "trim empty")
T.eq(text.squish("  a \t\n b  "), "a b", "squish ASCII")
T.eq(text.squish("a" .. NBSP .. NBSP .. "b" .. NNBSP .. "c" .. EMSP .. "d" .. IDSP .. "e"),
  "a b c d e", "squish Unicode spaces")
T.eq(text.squish("ge" .. SHY .. "ëvalueerd" .. ZWSP .. "!" .. ZWJ .. BOM), "geëvalueerd!",
  "squish drops soft hyphen and zero-width")
T.eq(text.squish(NBSP .. " "), "", "squish all-space")
T.eq(text.squish("potenti\xC5\xBDle"), "potentiŽle", "squish keeps other letters")
T.raises(function() text.squish(nil) end, "bad argument #1 to 'squish'", "squish nil raises")
T.raises(function() text.trim(3) end, "string expected, got number", "trim number raises")

-- split
T.same(text.split("a,b,,c", ","), {"a", "b", "c"}, "split drops empty")
T.same(text.split("a,b,,c", ",", {keep_empty = true}), {"a", "b", "", "c"}, "split keep_empty")
T.same(text.split(" a | b |  ", "|", {trim = true}), {"a", "b"}, "split trim")
T.same(text.split(" a | b |  ", "|", {trim = true, keep_empty = true}), {"a", "b", ""},
  "split trim keep_empty")
T.same(text.split("a.b.c", "."), {"a", "b", "c"}, "split plain dot")
T.same(text.split("a1b22c", "%d+", {pattern = true}), {"a", "b", "c"}, "split pattern")
T.same(text.split("", ","), {}, "split empty string")
T.same(text.split("abc", ","), {"abc"}, "split no separator found")
T.raises(function() text.split("a", "") end, "empty separator", "split empty sep raises")
T.raises(function() text.split("a", "%d*", {pattern = true}) end, "empty string",
  "split empty-matching pattern raises")
T.raises(function() text.split("a", ",", "x") end, "table expected", "split bad opts raises")

-- lines
T.same(text.lines("  one \r\n\n two" .. NBSP .. "\rthree\n \n"), {"one", "two", "three"},
  "lines trims and drops empty")
T.same(text.lines(""), {}, "lines of empty")

-- starts_with / ends_with
T.ok(text.starts_with("Vraag nr. 5", "Vraag"), "starts_with yes")
T.ok(not text.starts_with("Vraag", "Vraag nr."), "starts_with longer prefix")
T.ok(text.starts_with("x", ""), "starts_with empty prefix")
T.ok(text.ends_with("a.lua", ".lua"), "ends_with yes")
T.ok(not text.ends_with("a.lua", ".lux"), "ends_with no")
T.ok(text.ends_with("x", ""), "ends_with empty suffix")
T.ok(not text.starts_with("a.b", "%a"), "starts_with is plain")

-- number
local function num(s, opts, want, name)
  local got, reason = text.number(s, opts)
  T.ok(got == want and math.type(got) == math.type(want), name,
    "got " .. tostring(got) .. " (" .. tostring(reason) .. "), want " .. tostring(want))
end
num("12", nil, 12, "number 12 integer")
num("-3", nil, -3, "number -3")
num("+7", nil, 7, "number +7")
num("\xE2\x88\x92" .. "4", nil, -4, "number U+2212 minus")
num("1.234,56", nil, 1234.56, "number NL/DE 1.234,56")
num("1 234,56", nil, 1234.56, "number FR 1 234,56")
num("1" .. NBSP .. "234,56", nil, 1234.56, "number FR NBSP")
num("1" .. NNBSP .. "234" .. NNBSP .. "567", nil, 1234567, "number narrow NBSP groups")
num("1,234.56", nil, 1234.56, "number EN 1,234.56")
num("1.234.567", nil, 1234567, "number repeated dots are thousands")
num("1,234,567", nil, 1234567, "number repeated commas are thousands")
num("1.234.567,89", nil, 1234567.89, "number NL millions")
num("1'234'567", nil, 1234567, "number Swiss apostrophes")
num("1,5", nil, 1.5, "number 1,5")
num("3.14", nil, 3.14, "number 3.14")
num("0,123", nil, 0.123, "number 0,123 (leading zero: decimal)")
num("1234,567", nil, 1234.567, "number 1234,567 (four digits before: decimal)")
num("1 234,567", nil, 1234.567, "number spaces group, comma decimal")
num(",5", nil, 0.5, "number ,5")
num("  42 ", nil, 42, "number trims")
num("1.234", {decimal = ","}, 1234, "number 1.234 with decimal=,")
num("1.234", {decimal = "."}, 1.234, "number 1.234 with decimal=.")
num("1,234", {decimal = "."}, 1234, "number 1,234 with decimal=.")
num("1,234", {decimal = ","}, 1.234, "number 1,234 with decimal=,")
num("12,0", nil, 12.0, "number 12,0 is a float")
local n, why = text.number("1.234")
T.eq(n, nil, "number 1.234 ambiguous")
T.ok(why and why:find("ambiguous", 1, true), "number 1.234 reason says ambiguous", why)
n, why = text.number("1,234")
T.ok(n == nil and why:find("ambiguous", 1, true), "number 1,234 ambiguous", why)
n, why = text.number("5-8916")
T.eq(n, nil, "number 5-8916 nil")
T.eq(why, "not a number: '5-8916'", "number 5-8916 reason")
T.eq(select(2, text.number("")), "empty string", "number empty")
T.eq(text.number("abc"), nil, "number letters")
T.eq(text.number("."), nil, "number lone dot")
T.eq(text.number("-"), nil, "number lone minus")
T.eq(select(2, text.number("1.23.4")), "bad digit grouping in '1.23.4'", "number bad grouping")
T.eq(text.number("12.34.567"), nil, "number two-digit middle group")
T.eq(text.number("1.234.56"), nil, "number dots then short group")
T.eq(text.number("1,234.567,8"), nil, "number mixed repeated")
T.eq(text.number("1.234,5", {decimal = "."}), nil, "number decimal=. contradicted")
T.eq(text.number("1,5,6", {decimal = ","}), nil, "number two decimal marks")
T.eq(text.number("1 234.567 8"), nil, "number junk grouping")
T.raises(function() text.number("1", {decimal = ";"}) end, "decimal", "number bad decimal option")

-- integer
T.eq(text.integer("8916"), 8916, "integer digits")
T.eq(math.type(text.integer("8916")), "integer", "integer is a Lua integer")
T.eq(text.integer(" 007 "), 7, "integer leading zeros, trimmed")
T.eq(text.integer("1.234"), nil, "integer separators not allowed by default")
T.eq(text.integer("1.234", {thousands = "."}), 1234, "integer thousands .")
T.eq(text.integer("1 234 567", {thousands = " "}), 1234567, "integer thousands space")
T.eq(text.integer("1" .. NBSP .. "234", {thousands = " "}), 1234, "integer thousands NBSP")
T.eq(text.integer("1.234", {thousands = ". "}), 1234, "integer thousands set")
T.eq(text.integer("1.23", {thousands = "."}), nil, "integer bad grouping")
T.eq(text.integer("1.234 567", {thousands = ". "}), nil, "integer mixed separators")
T.eq(text.integer("-5"), nil, "integer sign not allowed by default")
T.eq(text.integer("-5", {signed = true}), -5, "integer signed")
T.eq(text.integer("5-8916"), nil, "integer 5-8916")
T.eq(text.integer("12a"), nil, "integer letters")
T.eq(select(2, text.integer("")), "empty string", "integer empty")
T.eq(text.integer("1234567890123456789"), nil, "integer too large")
T.raises(function() text.integer("1", {thousands = 3}) end, "thousands", "integer bad option")

-- lower / upper / fold_case
T.eq(text.lower("ÉÈÊËÀÂÄÇÎÏÔÖÙÛÜŸŒÆ ABC"), "éèêëàâäçîïôöùûüÿœæ abc", "lower Latin-1 and OE")
T.eq(text.upper("éèêëàâäçîïôöùûüÿœæ abc"), "ÉÈÊËÀÂÄÇÎÏÔÖÙÛÜŸŒÆ ABC", "upper Latin-1 and OE")
T.eq(text.lower("ĄĆĘŁŃŚŹŻ ČĎĚŇŘŠŤŮŽ ŐŰ ĞŞ"), "ąćęłńśźż čďěňřšťůž őű ğş", "lower Extended-A")
T.eq(text.upper("ąćęłńśźż čďěňřšťůž őű ğş ĳ"), "ĄĆĘŁŃŚŹŻ ČĎĚŇŘŠŤŮŽ ŐŰ ĞŞ Ĳ", "upper Extended-A")
T.eq(text.lower("İ"), "i", "lower dotted capital I")
T.eq(text.upper("ı"), "I", "upper dotless i")
T.eq(text.upper("ß×÷"), "ß×÷", "upper leaves ß, × and ÷")
T.eq(text.lower("×÷€"), "×÷€", "lower leaves non-letters")
T.eq(text.fold_case("STRASSE"), text.fold_case("Straße"), "fold_case ß = ss")
T.eq(text.fold_case("ÉCOLE"), "école", "fold_case accents kept")
T.eq(text.fold_case("PÄDOPHIL"), text.fold_case("pädophil"), "fold_case German Ä")
T.eq(text.fold_case("GRÖẞE"), "grösse", "fold_case capital ẞ -> ß -> ss")
T.eq(text.fold_case("ÉLÈVES, SŒUR, NOËL"), "élèves, sœur, noël", "fold_case French")
T.eq(text.fold_case("IJSSELMEER ĲSSEL BIËN"), "ijsselmeer ĳssel biën", "fold_case Dutch")
T.eq(text.fold_case("ΒΟΥΛΉ ΤΩΝ ΕΛΛΉΝΩΝ"), "βουλή των ελλήνων", "fold_case Greek beyond lower()")
T.eq(text.fold_case("ГОСУДАРСТВЕННАЯ ДУМА"), "государственная дума", "fold_case Cyrillic")
T.eq(text.fold_case("İSTANBUL ſ"), "istanbul s", "fold_case İ -> i, long s -> s")
T.eq(text.fold_case("ğð\xFFA"), "ğð\xFFa", "fold_case keeps ğ, ð and invalid bytes")
local core = require("pqx.core")
T.eq(core.fold_case("STRASSE / Straße"), "strasse / straße", "core.fold_case: simple folding keeps ß")
T.eq(core.fold_case("ẞ İ"), "ß İ", "core.fold_case: ẞ -> ß, İ has no simple folding")
T.eq(core.fold_case("A\0B"), "a\0b", "core.fold_case keeps an embedded NUL")
T.raises(function() core.fold_case({}) end, "string expected", "core.fold_case needs a string")
T.eq(text.lower("\xFFabc"), "\xFFabc", "lower passes invalid UTF-8")

-- strip_accents
T.eq(text.strip_accents("é ë è ê à ç ñ ö ü ï"), "e e e e a c n o u i", "strip_accents vowels")
T.eq(text.strip_accents("Straße Æsir Œuvre œ ø Ø"), "Strasse AEsir OEuvre oe o O",
  "strip_accents ligatures and ø")
T.eq(text.strip_accents("Łódź Dvořák Ĳssel potentiŽle"), "Lodz Dvorak IJssel potentiZle",
  "strip_accents Extended-A")
T.eq(text.strip_accents("× ÷ € «»"), "× ÷ € «»", "strip_accents keeps symbols")
T.same(text._strip_counts, {64, 128}, "strip_accents tables are complete")

-- slug
T.eq(text.slug("Commissariaat-Generaal voor de Vluchtelingen (CGVS)"),
  "commissariaat-generaal-voor-de-vluchtelingen-cgvs", "slug heading")
T.eq(text.slug("  Été à Zürich!  "), "ete-a-zurich", "slug accents")
T.eq(text.slug("---"), "", "slug nothing left")

os.exit(T.failed == 0 and 0 or 1, true) -- close the state: valgrind sees no leak
