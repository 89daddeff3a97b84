-- test_parts.lua: checks of pqx.parts (numbered sub-questions and answer
-- items), on the Belgian Senate question 5-8916 (paragraphs copied from
-- the seed text) and on constructed cases.
-- luacheck: no max line length
local T = require("harness")
local parts = require("pqx.parts")

local QUESTION = {
  [[Bedrijven en overheden hebben de afgelopen jaren de kracht van de sociale media ontdekt om op een vlotte en toegankelijke manier contact te onderhouden met (potentiŽle) klanten of burgers. Enkele federale overheidsdiensten maken intussen ook gebruik van sociale media, zo kan men via @FOD_Financien nieuws volgen over en contact opnemen met deze federale overheidsdienst via Twitter en worden via @belgiumbe de officiŽle persberichten verspreid via ditzelfde medium.]],
  [[Graag kreeg ik dan ook een antwoord op de volgende vragen:]],
  [[1) Maken de FOD's die onder uw bevoegdheid vallen gebruik van sociale media voor de communicatie met burgers? Zo ja, welke? Indien niet, zijn er plannen om dat in de toekomst te doen?]],
  [[2) Hoe evalueert u het gebruik van sociale media door de FOD's die onder uw bevoegdheid vallen? Welke reacties worden er van burgers ontvangen?]],
  [[3) Hoe wordt de informatie geselecteerd die via de sociale media wordt verspreid bij de FOD's die onder uw bevoegdheid vallen? Is hier een specifiek beleid voor?]],
  [[4) Zijn er bij de FOD's die onder uw bevoegdheid vallen, gevallen van misbruik bekend, waarbij foutieve informatie door derden verspreid wordt die ogenschijnlijk vanuit de federale overheid afkomstig zou zijn? Is er vanuit uw bevoegdheidsdomein hiervoor permanente aandacht ?]],
}

local CGVS = {
  [[Commissariaat-Generaal voor de Vluchtelingen en de Staatlozen (CGVS)]],
  [[1. Het Commissariaat-Generaal voor de Vluchtelingen en de Staatlozen (CGVS) plaatst berichten op de Facebook-pagina van de Federale Overheidsdienst (FOD) Binnenlandse Zaken (IBZ).]],
  [[2. De Facebook-pagina van de FOD IBZ genereert weinig reacties van burgers. De eventuele herwerking van de pagina wordt dan ook geëvalueerd.]],
  [[3. Het CGVS plaatst slechts occasioneel berichten en ziet dit als een ideaal testplatform om de beslissingen over de eventuele lancering van een eigen platform te evalueren.]],
  [[4. Er zijn geen gevallen van misbruik bekend.]],
}

-- the question, as a list of paragraphs and as one string
local function check_question(r, how)
  T.eq(r.intro, QUESTION[1] .. "\n\n" .. QUESTION[2], how .. ": intro is the two paragraphs")
  T.eq(#r.parts, 4, how .. ": four sub-questions")
  for i = 1, 4 do
    T.same(r.parts[i], {number = tostring(i), text = QUESTION[i + 2]:sub(4)},
      how .. ": sub-question " .. i)
  end
  T.same(r.warnings, {}, how .. ": no warnings")
  T.eq(r.style, "1)", how .. ": style 1)")
  T.eq(r.rest, nil, how .. ": no rest")
end
check_question(parts.split(QUESTION), "question list")
check_question(parts.split(table.concat(QUESTION, "\n\n")), "question string")
check_question(parts.split(table.concat(QUESTION, "\r\n\r\n") .. "\n"), "question CRLF string")
T.eq(parts.split(QUESTION).parts[1].text:sub(1, 40), "Maken de FOD's die onder uw bevoegdheid ",
  "question: marker removed from item text")

-- the answer's CGVS section
local function check_cgvs(r, how)
  T.eq(r.intro, CGVS[1], how .. ": heading is the intro")
  T.eq(#r.parts, 4, how .. ": four items")
  for i = 1, 4 do
    T.same(r.parts[i], {number = tostring(i), text = CGVS[i + 1]:sub(4)}, how .. ": item " .. i)
  end
  T.same(r.warnings, {}, how .. ": no warnings")
  T.eq(r.style, "1.", how .. ": style 1.")
end
check_cgvs(parts.split(CGVS), "CGVS list")
check_cgvs(parts.split(table.concat(CGVS, "\n")), "CGVS lines")
T.eq(parts.split(CGVS).parts[4].text, "Er zijn geen gevallen van misbruik bekend.", "CGVS item 4 text")

-- a section without numbers
local r = parts.split({"Dienst Vreemdelingenzaken (DVZ)", "De Dienst Vreemdelingenzaken maakt geen gebruik van sociale media."})
T.same(r.parts, {}, "unnumbered section: no parts")
T.eq(r.intro, "Dienst Vreemdelingenzaken (DVZ)\n\nDe Dienst Vreemdelingenzaken maakt geen gebruik van sociale media.",
  "unnumbered section: all intro")
T.same(r.warnings, {}, "unnumbered section: no warnings")
T.eq(r.style, nil, "unnumbered section: no style")
r = parts.split("")
T.ok(r.intro == nil and #r.parts == 0, "empty input")

-- every marker scheme
local schemes = {
  {"1) a\n2) b\n3) c", "1)", {"1", "2", "3"}},
  {"1. a\n2. b\n3. c", "1.", {"1", "2", "3"}},
  {"1° a\n2° b\n3° c", "1°", {"1", "2", "3"}},
  {"1º a\n2º b", "1°", {"1", "2"}},
  {"(1) a\n(2) b\n(3) c", "(1)", {"1", "2", "3"}},
  {"a) a\nb) b\nc) c", "a)", {"a", "b", "c"}},
  {"a. a\nb. b\nc. c", "a.", {"a", "b", "c"}},
  {"(a) a\n(b) b\n(c) c", "(a)", {"a", "b", "c"}},
  {"i) a\nii) b\niii) c\niv) d", "i)", {"i", "ii", "iii", "iv"}},
  {"i. a\nii. b", "i.", {"i", "ii"}},
  {"(i) a\n(ii) b\n(iii) c", "(i)", {"i", "ii", "iii"}},
}
for _, s in ipairs(schemes) do
  local res = parts.split(s[1])
  local numbers = {}
  for i, p in ipairs(res.parts) do numbers[i] = p.number end
  T.eq(res.style, s[2], "scheme " .. s[2] .. ": style")
  T.same(numbers, s[3], "scheme " .. s[2] .. ": numbers")
  T.same(res.warnings, {}, "scheme " .. s[2] .. ": no warnings")
  T.eq(res.parts[1].text, "a", "scheme " .. s[2] .. ": text")
end
r = parts.split("a) one\nb) two\nc) three\nd) four\ne) five\nf) six\ng) seven\nh) eight\ni) nine\nj) ten")
T.eq(#r.parts, 10, "letters: i) after h) is a letter")
T.same(r.warnings, {}, "letters a-j: no warnings")
T.eq(r.parts[9].number, "i", "letters: ninth is i")

-- not markers
r = parts.split("1.5 miljoen euro werd besteed.\n\n2013. Een jaar.\n\nA. Peeters zegt.\n\n12345) nee\n\n1)zonder spatie")
T.eq(#r.parts, 0, "decimal numbers, years, initials and glued markers are not items")

-- irregular numbering: parts kept, warnings given
r = parts.split("1) een\n2) twee\n2) drie\n4) vier")
T.eq(#r.parts, 4, "duplicate number: all parts kept")
T.same(r.warnings, {"item 3 is numbered '2', expected '3'", "item 4 is numbered '4', expected '3'"},
  "duplicate number warnings")
r = parts.split("1. een\n3. drie")
T.same(r.warnings, {"item 2 is numbered '3', expected '2'"}, "gap warning")
T.same({r.parts[1].number, r.parts[2].number}, {"1", "3"}, "gap: numbers as printed")
r = parts.split("2) twee\n3) drie")
T.same(r.warnings, {"item 1 is numbered '2', expected '1'"}, "start not at 1 warning")
r = parts.split("b) x\nc) y")
T.same(r.warnings, {"item 1 is numbered 'b', expected 'a'"}, "letters start not at a")
r = parts.split("i) x\niii) y")
T.same(r.warnings, {"item 2 is numbered 'iii', expected 'ii'"}, "roman gap")
r = parts.split("3) drie\n2) twee\n1) een")
T.eq(#r.parts, 3, "reversed numbering kept")
T.eq(r.parts[1].number, "3", "reversed numbering in document order")
T.eq(#r.warnings, 3, "reversed numbering: three warnings")

-- continuation paragraphs and nested sub-items
r = parts.split("Vragen:\n\n1) Eerste vraag.\n\nMet uitleg.\n\na) deel a\nb) deel b\n\n2) Tweede vraag.")
T.eq(r.style, "1)", "nested: outer style wins")
T.eq(#r.parts, 2, "nested: two items")
T.eq(r.parts[1].text, "Eerste vraag.\n\nMet uitleg.\n\na) deel a\nb) deel b", "nested: continuation and sub-items stay in item 1")
T.eq(r.parts[2].text, "Tweede vraag.", "nested: item 2")
T.eq(r.intro, "Vragen:", "nested: intro")
r = parts.split("1) Eerste\nregel twee\n2) Tweede")
T.eq(r.parts[1].text, "Eerste\nregel twee", "line continuation joined with newline")

-- stop_at_unnumbered
r = parts.split("Intro\n\n1) een\n2) twee\n\nSlotwoord.\n\n3) drie", {stop_at_unnumbered = true})
T.eq(#r.parts, 2, "stop_at_unnumbered: two items")
T.eq(r.parts[2].text, "twee", "stop_at_unnumbered: item text")
T.eq(r.rest, "Slotwoord.\n\n3) drie", "stop_at_unnumbered: rest keeps everything after")
T.eq(r.intro, "Intro", "stop_at_unnumbered: intro")
r = parts.split("1)\nTekst van een.\n2)\nTekst van twee.", {stop_at_unnumbered = true})
T.same(r.parts, {{number = "1", text = "Tekst van een."}, {number = "2", text = "Tekst van twee."}},
  "marker alone on its line takes the next line")

-- opts.style
r = parts.split("1. Inleiding met nummer.\n\na) een\nb) twee", {style = "a)"})
T.eq(r.intro, "1. Inleiding met nummer.", "style option: other markers are text")
T.eq(#r.parts, 2, "style option: items of that style")
T.raises(function() parts.split("x", {style = "A)"}) end, "unknown style", "bad style raises")

-- white space
r = parts.split("1)\xC2\xA0een   twee\n\n\n\n2)  drie  ")
T.same(r.parts, {{number = "1", text = "een twee"}, {number = "2", text = "drie"}}, "white space collapsed")

-- argument errors
T.raises(function() parts.split(nil) end, "bad argument #1 to 'split'", "nil input raises")
T.raises(function() parts.split({"a", 3}) end, "paragraph 2", "non-string paragraph raises")
T.raises(function() parts.split("a", "b") end, "bad argument #2 to 'split'", "bad opts raises")

os.exit(T.failed == 0 and 0 or 1, true) -- close the state: valgrind sees no leak
