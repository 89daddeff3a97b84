-- test_record.lua: checks of pqx.record (validation rules, message text,
-- page-level checks).
local T = require("harness")
local record = require("pqx.record")

local function copy(v)
  if type(v) ~= "table" then return v end
  local out = {}
  for k, x in pairs(v) do out[k] = copy(x) end
  return out
end

local BASE = {
  schema = "pqx.question/1",
  id = "be-senate:5-8916",
  parliament = "be-senate",
  term = "5",
  number = "8916",
  type = "written",
  lang = "nl",
  page_lang = "nl",
  title = "Federale overheidsdiensten - Communicatie met burgers - Gebruik van sociale media",
  authors = {{name = "Martine Taelman", party = "Open Vld", raw = "Martine Taelman (Open Vld)"}},
  addressees = {{title = "staatssecretaris voor Asiel en Migratie"}},
  dates = {asked = "2013-04-30", answered = "2013-06-04"},
  question = {intro = "Graag kreeg ik...", parts = {{number = "1", text = "Maken de FOD's ..."}},
    body = "Bedrijven ..."},
  answers = {{date = "2013-06-04", kind = "answer", intro = "Het geachte lid ...",
    sections = {{heading = "Fedasil", items = {{number = "1", text = "Fedasil maakt ..."}}},
      {heading = "Dienst Vreemdelingenzaken (DVZ)", text = "De Dienst ..."}}}},
  keywords = {{label = "sociale media", scheme = "eurovoc", lang = "nl"}},
  events = {{date = "2013-04-30", label = "Verzending vraag"}, {date = "2013-06-04", label = "Antwoord"}},
  related = {{id = "be-senate:5-8900", relation = "also_asked"}},
  attachments = {{url = "http://example.org/a.pdf", title = "PDF", kind = "pdf"}},
  status = "answered",
  source_url = "http://example.org/5-8916",
  extra = {anything = {1, 2, 3}},
  warnings = {},
}

-- validate a changed copy of BASE and expect exactly these "field: message" lines
local function expect(change, want, name)
  local rec = copy(BASE)
  change(rec)
  local got = {}
  for i, p in ipairs(record.validate(rec)) do got[i] = p.field .. ": " .. p.message end
  T.ok(T.deep_equal(got, want), name, "got {" .. table.concat(got, " | ") .. "}")
end

T.eq(record.SCHEMA, "pqx.question/1", "SCHEMA")
T.same(record.validate(copy(BASE)), {}, "the Senate record is valid")
local minimal = {schema = "pqx.question/1", id = "fr-an:16-1234", parliament = "fr-an", number = "1234",
  type = "oral", authors = {{name = "X"}}, dates = {asked = "2023-01-02"}, status = "unanswered"}
T.same(record.validate(minimal), {}, "a minimal record is valid")
T.same(record.validate({title = "anything", foo = 1}), {}, "no schema: not validated")

-- the example message, exactly
local rec = copy(BASE)
rec.dates.asked = "30 april 2013"
local problems = record.validate(rec)
T.same(problems, {{field = "dates.asked", message = '"30 april 2013" is not YYYY-MM-DD'}},
  "problem table for a long-form date")
T.same(record.format(problems, "be-senate.lua", rec, 1),
  {'be-senate.lua: record be-senate:5-8916: dates.asked: "30 april 2013" is not YYYY-MM-DD'},
  "formatted message for a long-form date")

-- schema
expect(function(r) r.schema = "pqx.question/2" end,
  {'schema: unknown schema "pqx.question/2" (expected "pqx.question/1")'}, "unknown schema")
expect(function(r) r.schema = 1 end, {"schema: expected string, got number"}, "schema not a string")

-- required fields
for _, f in ipairs({"id", "parliament", "number", "type", "authors", "dates", "status"}) do
  expect(function(r) r[f] = nil end, {f .. ": missing (required)"}, "required " .. f)
end
expect(function(r) r.dates.asked = nil end, {"dates.asked: missing (required)"}, "required dates.asked")
expect(function(r) r.authors[1].name = nil end, {"authors[1].name: missing (required)"},
  "required authors[i].name")
expect(function(r) r.keywords[1].label = nil end, {"keywords[1].label: missing (required)"},
  "required keywords[i].label")
expect(function(r) r.related[1].id = nil end, {"related[1].id: missing (required)"},
  "required related[i].id")
expect(function(r) r.events[1].date = nil end, {"events[1].date: missing (required)"},
  "required events[i].date")
expect(function(r) r.attachments[1].url = nil end, {"attachments[1].url: missing (required)"},
  "required attachments[i].url")
expect(function(r) r.question.parts[1].text = nil end, {"question.parts[1].text: missing (required)"},
  "required question.parts[i].text")
expect(function(r) r.answers[1].sections[1].items[1].text = nil end,
  {"answers[1].sections[1].items[1].text: missing (required)"}, "required section item text")

-- authors may be empty only with a warning
expect(function(r) r.authors = {} end, {"authors: empty list; allowed only with a warning saying why"},
  "empty authors without warning")
expect(function(r) r.authors = {}; r.warnings = {"author not printed on the page"} end, {},
  "empty authors with a warning")
expect(function(r) r.authors = {}; r.warnings = {""} end,
  {"warnings[1]: empty string; leave the field out instead"}, "empty warning does not excuse")

-- types
expect(function(r) r.number = 8916 end, {"number: expected string, got number"}, "number as integer")
expect(function(r) r.term = 5 end, {"term: expected string, got number"}, "term as integer")
expect(function(r) r.title = {} end, {"title: expected string, got table"}, "title as table")
expect(function(r) r.source_url = true end, {"source_url: expected string, got boolean"}, "source_url type")
expect(function(r) r.authors = "Martine Taelman" end, {"authors: expected a list, got string"},
  "authors as string")
expect(function(r) r.authors = {name = "Martine Taelman"} end,
  {'authors: expected a list, got a table with key "name"'}, "authors as single table")
expect(function(r) r.authors = {"Martine Taelman"} end, {"authors[1]: expected a table, got string"},
  "authors entry as string")
expect(function(r) r.authors[1].party = 1 end, {"authors[1].party: expected string, got number"},
  "author party type")
expect(function(r) r.dates = "2013-04-30" end, {"dates: expected a table, got string"}, "dates type")
expect(function(r) r.question = "text" end, {"question: expected a table, got string"}, "question type")
expect(function(r) r.question.parts = {[2] = {text = "x"}} end,
  {"question.parts: expected a list, got a table with key 2"}, "question.parts with a hole")
expect(function(r) r.answers = {kind = "answer"} end,
  {'answers: expected a list, got a table with key "kind"'}, "answers not a list")
expect(function(r) r.answers[1].sections = "x" end, {"answers[1].sections: expected a list, got string"},
  "sections type")
expect(function(r) r.answers[1].sections[2].heading = 3 end,
  {"answers[1].sections[2].heading: expected string, got number"}, "section heading type")
expect(function(r) r.keywords = {"sociale media"} end, {"keywords[1]: expected a table, got string"},
  "keyword entry type")
expect(function(r) r.events = {} end, {}, "empty events list is fine")
expect(function(r) r.extra = "x" end, {"extra: expected a table, got string"}, "extra type")
expect(function(r) r.warnings = "x" end, {"warnings: expected a list, got string"}, "warnings type")
expect(function(r) r.warnings = {1} end, {"warnings[1]: expected string, got number"}, "warning entry type")
expect(function(r) r.addressees[1] = {raw = "aan de minister"} end,
  {"addressees[1]: needs a title or a person"}, "addressee without title or person")
expect(function(r) r.addressees[1] = {person = "Maggie De Block"} end, {}, "addressee with person only")

-- dates
expect(function(r) r.dates.answered = "2013-02-29" end,
  {'dates.answered: "2013-02-29" is not a date in the calendar (day 29 does not exist in february 2013)'},
  "date not in calendar")
expect(function(r) r.dates.asked = "2012-02-29" end, {}, "leap day is fine")
expect(function(r) r.dates.published = "2013-4-30" end, {'dates.published: "2013-4-30" is not YYYY-MM-DD'},
  "date with one-digit month")
expect(function(r) r.dates.due = "2013-13-01" end,
  {'dates.due: "2013-13-01" is not a date in the calendar (month 13 out of range)'}, "month 13")
expect(function(r) r.dates.withdrawn = 20130430 end, {"dates.withdrawn: expected string, got number"},
  "date as number")
expect(function(r) r.answers[1].date = "4 juni 2013" end, {'answers[1].date: "4 juni 2013" is not YYYY-MM-DD'},
  "answer date")
expect(function(r) r.events[2].date = "2013-06-31" end,
  {'events[2].date: "2013-06-31" is not a date in the calendar (day 31 does not exist in june 2013)'},
  "event date")

-- language codes
expect(function(r) r.lang = "NL" end, {'lang: "NL" is not a language code (two or three lowercase letters)'},
  "lang uppercase")
expect(function(r) r.page_lang = "dutch" end,
  {'page_lang: "dutch" is not a language code (two or three lowercase letters)'}, "page_lang word")
expect(function(r) r.keywords[1].lang = "n" end,
  {'keywords[1].lang: "n" is not a language code (two or three lowercase letters)'}, "keyword lang")
expect(function(r) r.lang = "gsw" end, {}, "three-letter code is fine")

-- id and parliament
expect(function(r) r.id = "5-8916" end,
  {'id: "5-8916" is not <parliament>:<native id> (like "be-senate:5-8916")'}, "id without prefix")
expect(function(r) r.id = "be-senate:" end,
  {'id: "be-senate:" is not <parliament>:<native id> (like "be-senate:5-8916")'}, "id without native part")
expect(function(r) r.id = "be-senate:5 8916" end,
  {'id: "be-senate:5 8916" is not <parliament>:<native id> (like "be-senate:5-8916")'}, "id with a space")
expect(function(r) r.id = "be-chamber:5-8916" end,
  {'id: prefix "be-chamber" does not match parliament "be-senate"'}, "id prefix mismatch")
expect(function(r) r.parliament = "Be Senate" end, {'parliament: "Be Senate" is not a slug ([a-z0-9-]+)'},
  "parliament not a slug")
expect(function(r) r.related[1].id = "5-8900" end,
  {'related[1].id: "5-8900" is not <parliament>:<native id> (like "be-senate:5-8916")'}, "related id format")
expect(function(r) r.related[1].id = "be-chamber:53-1" end, {}, "related id of another parliament is fine")

-- allowed values
expect(function(r) r.type = "writen" end,
  {'type: "writen" is not one of written, oral, interpellation, topical, priority, other'}, "type value")
expect(function(r) r.status = "open" end,
  {'status: "open" is not one of answered, unanswered, withdrawn, lapsed, transferred, partially_answered'},
  "status value")
expect(function(r) r.answers[1].kind = "reply" end,
  {'answers[1].kind: "reply" is not one of answer, holding, delay_notice, correction, supplementary'},
  "answer kind value")
for _, t in ipairs(record.TYPES) do expect(function(r) r.type = t end, {}, "type " .. t) end
for _, s in ipairs(record.STATUSES) do expect(function(r) r.status = s end, {}, "status " .. s) end
for _, k in ipairs(record.ANSWER_KINDS) do
  expect(function(r) r.answers[1].kind = k end, {}, "answer kind " .. k)
end

-- empty strings
local EMPTY = "empty string; leave the field out instead"
expect(function(r) r.title = "" end, {"title: " .. EMPTY}, "empty title")
expect(function(r) r.authors[1].name = "" end, {"authors[1].name: " .. EMPTY}, "empty author name")
expect(function(r) r.authors[1].party = "" end, {"authors[1].party: " .. EMPTY}, "empty party")
expect(function(r) r.keywords[1].label = "" end, {"keywords[1].label: " .. EMPTY}, "empty keyword label")
expect(function(r) r.dates.answered = "" end, {"dates.answered: " .. EMPTY}, "empty date")
expect(function(r) r.id = "" end, {"id: " .. EMPTY}, "empty id")
expect(function(r) r.answers[1].intro = "" end, {"answers[1].intro: " .. EMPTY}, "empty answer intro")

-- unknown fields
expect(function(r) r.committee = "Justitie"; r[1] = "x" end, {}, "unknown top-level fields are not errors")
T.same(record.unknown_fields({schema = "x", zeta = 1, alpha = 2, title = "t"}), {"alpha", "zeta"},
  "unknown_fields sorted")
T.same(record.unknown_fields(copy(BASE)), {}, "unknown_fields of the Senate record")

-- several problems come in field order
expect(function(r) r.status = nil; r.id = nil; r.dates.asked = "x" end,
  {"id: missing (required)", 'dates.asked: "x" is not YYYY-MM-DD', "status: missing (required)"},
  "problems in field order")

-- long values are cut in messages
local long = string.rep("é", 60)
expect(function(r) r.dates.asked = long end,
  {"dates.asked: \"" .. string.rep("é", 38) .. "...\" is not YYYY-MM-DD"}, "long value cut on a character")

-- format
local p = {{field = "id", message = "missing (required)"}}
T.same(record.format(p, "be-senate.lua", {}, 3), {"be-senate.lua: record #3: id: missing (required)"},
  "format without id uses the position")
T.same(record.format(p, "be-senate.lua", {id = "bad id"}, 2),
  {"be-senate.lua: record #2: id: missing (required)"}, "format with a malformed id uses the position")
T.same(record.format(p, nil, {id = "x:1"}), {"record x:1: id: missing (required)"}, "format without script")
T.same(record.format({}, "s.lua", {}, 1), {}, "format of no problems")
T.raises(function() record.format(nil, "s.lua") end, "bad argument #1 to 'format'", "format nil raises")

-- validate_page
local a, b = copy(BASE), copy(BASE)
T.same(record.validate_page({a}, "be-senate.lua"), {}, "page of one valid record")
T.same(record.validate_page({}, "be-senate.lua"), {}, "empty page")
T.same(record.validate_page({a, b}, "be-senate.lua"),
  {"be-senate.lua: record be-senate:5-8916: duplicate id (also record #1)"}, "duplicate id")
local c = copy(BASE)
c.id = "be-senate:5-8917"
local d = copy(BASE)
d.id = nil
local e = copy(BASE)
e.dates.asked = "30 april 2013"
e.id = "be-senate:5-8918"
T.same(record.validate_page({a, c, {note = "no schema"}, d, 42, e, copy(BASE)}, "be-senate.lua"), {
  "be-senate.lua: record #4: id: missing (required)",
  "be-senate.lua: record #5: expected a table, got number",
  'be-senate.lua: record be-senate:5-8918: dates.asked: "30 april 2013" is not YYYY-MM-DD',
  "be-senate.lua: record be-senate:5-8916: duplicate id (also record #1)",
}, "mixed page")
T.same(record.validate_page(copy(BASE), "be-senate.lua"), {}, "a single record counts as a page")
local bad = copy(BASE)
bad.schema = "other/1"
T.same(record.validate_page({bad}, "x.lua"),
  {'x.lua: record be-senate:5-8916: schema: unknown schema "other/1" (expected "pqx.question/1")'},
  "page with an unknown schema")
T.raises(function() record.validate_page("x", "s.lua") end, "bad argument #1 to 'validate_page'",
  "validate_page non-table raises")
T.raises(function() record.validate(nil) end, "bad argument #1 to 'validate'", "validate nil raises")

-- source: detail (default) or list; a list record is partial
do
  local list = {schema = "pqx.question/1", id = "de-by:18/1234", parliament = "de-by",
    number = "18/1234", source = {kind = "list"}}
  T.same(record.validate(list), {}, "a list record needs only schema, id, parliament, number")
  local full = copy(list)
  full.source = {kind = "list", view = "search_results"}
  full.type, full.title, full.status = "written", "Radwege", "answered"
  full.authors = {{name = "Fraktion BÜNDNIS 90/DIE GRÜNEN", kind = "group"}}
  full.dates = {published = "2019-05-02"}
  full.documents = {{number = "18/1234", kind = "question", url = "https://example.org/18_1234.pdf"}}
  T.same(record.validate(full), {}, "a list record may give what the list shows, dates without asked")
  local function expect_list(change, want, name)
    local r = copy(list)
    change(r)
    local got = {}
    for i, p in ipairs(record.validate(r)) do got[i] = p.field .. ": " .. p.message end
    T.ok(T.deep_equal(got, want), name, "got {" .. table.concat(got, " | ") .. "}")
  end
  for _, f in ipairs({"id", "parliament", "number"}) do
    expect_list(function(r) r[f] = nil end, {f .. ": missing (required)"}, "list record requires " .. f)
  end
  expect_list(function(r) r.type = "kleine" end,
    {'type: "kleine" is not one of written, oral, interpellation, topical, priority, other'},
    "a list record's type is still checked")
  expect_list(function(r) r.dates = {published = "02.05.2019"} end,
    {'dates.published: "02.05.2019" is not YYYY-MM-DD'}, "a list record's dates are still checked")
  expect_list(function(r) r.authors = {} end,
    {"authors: empty list; allowed only with a warning saying why"},
    "a list record that gives an empty author list still needs a warning")
  expect_list(function(r) r.authors = {{party = "SPD"}} end, {"authors[1].name: missing (required)"},
    "a list record's authors still need names")
  expect_list(function(r) r.status = "open" end,
    {'status: "open" is not one of answered, unanswered, withdrawn, lapsed, transferred, partially_answered'},
    "a list record's status is still checked")
  expect_list(function(r) r.source.kind = "lists" end, {
    'type: missing (required)', 'authors: missing (required)', 'dates: missing (required)',
    'status: missing (required)', 'source.kind: "lists" is not one of detail, list'},
    "a misspelt source kind is reported and the record held to the full rules")
end
expect(function(r) r.source = {kind = "detail", view = "basisinfo"} end, {}, "source detail with a view")
expect(function(r) r.source = {} end, {}, "an empty source means detail")
expect(function(r) r.source = {kind = "detail"}; r.type = nil end, {"type: missing (required)"},
  "a detail record still requires type")
expect(function(r) r.source = "list" end, {"source: expected a table, got string"}, "source as string")
expect(function(r) r.source = {kind = ""} end, {"source.kind: " .. "empty string; leave the field out instead"},
  "empty source kind")
expect(function(r) r.source = {view = "Basis Info"} end,
  {'source.view: "Basis Info" is not a view name ([a-z0-9_-]+)'}, "source view not a name")
expect(function(r) r.source = {view = 3} end, {"source.view: expected string, got number"}, "source view type")
expect(function(r) r.source = {knid = "list", url = "x"} end, {
  "source.knid: unknown field (source has only kind and view)",
  "source.url: unknown field (source has only kind and view)"}, "unknown keys in source")

-- authors[].kind
for _, k in ipairs(record.AUTHOR_KINDS) do
  expect(function(r) r.authors[1].kind = k end, {}, "author kind " .. k)
end
expect(function(r) r.authors[1].kind = "Fraktion" end,
  {'authors[1].kind: "Fraktion" is not one of person, group, party, committee, government, other'},
  "author kind value")
expect(function(r) r.authors[1].kind = 1 end, {"authors[1].kind: expected string, got number"},
  "author kind type")
expect(function(r) r.authors = {{kind = "group", party = "CDU"}} end, {"authors[1].name: missing (required)"},
  "a group author needs its name as printed")

-- documents[]
expect(function(r) r.documents = {
  {number = "15/1234", kind = "question", date = "2013-04-30", url = "https://example.org/15_1234.pdf",
    title = "Kleine Anfrage"},
  {number = "15/1234", kind = "answer", date = "2013-06-04"},
  {number = "Ds 15/88", kind = "other"}} end, {},
  "documents: question and answer may share a number; a second series is other")
expect(function(r) r.documents = {} end, {}, "empty documents list is fine")
expect(function(r) r.documents = {{kind = "question"}} end, {"documents[1].number: missing (required)"},
  "document number required")
expect(function(r) r.documents = {{number = "15/1"}} end, {"documents[1].kind: missing (required)"},
  "document kind required")
expect(function(r) r.documents = {{number = 1234, kind = "question"}} end,
  {"documents[1].number: expected string, got number"}, "document number type")
expect(function(r) r.documents = {{number = "15/1", kind = "Antwort"}} end,
  {'documents[1].kind: "Antwort" is not one of question, answer, other'}, "document kind value")
expect(function(r) r.documents = {{number = "15/1", kind = "answer", date = "04.06.2013"}} end,
  {'documents[1].date: "04.06.2013" is not YYYY-MM-DD'}, "document date format")
expect(function(r) r.documents = {{number = "15/1", kind = "answer", date = "2013-02-30"}} end,
  {'documents[1].date: "2013-02-30" is not a date in the calendar (day 30 does not exist in february 2013)'},
  "document date in the calendar")
expect(function(r) r.documents = {{number = "15/1", kind = "answer", url = "/dokumente/15_1.pdf"}} end,
  {'documents[1].url: "/dokumente/15_1.pdf" is not an absolute URL (resolve it with node:url or pqx.url.resolve)'},
  "document url relative")
expect(function(r) r.documents = {{number = "15/1", kind = "answer", url = "https://x.org/a b.pdf"}} end,
  {'documents[1].url: "https://x.org/a b.pdf" is not an absolute URL (resolve it with node:url or pqx.url.resolve)'},
  "document url with a space")
expect(function(r) r.documents = {{number = "15/1", kind = "answer", title = ""}} end,
  {"documents[1].title: empty string; leave the field out instead"}, "document empty title")
expect(function(r) r.documents = {{number = "15/1", kind = "question"}, {number = "15/1", kind = "question"}} end,
  {'documents[2]: duplicate of documents[1] (number "15/1", kind "question")'}, "document listed twice")
expect(function(r) r.documents = {number = "15/1"} end,
  {'documents: expected a list, got a table with key "number"'}, "documents as one table")
expect(function(r) r.documents = {"15/1"} end, {"documents[1]: expected a table, got string"},
  "document entry as string")

-- summary
expect(function(r) r.summary = "Die Staatsregierung wird gefragt ..." end, {}, "summary string")
expect(function(r) r.summary = "" end, {"summary: empty string; leave the field out instead"}, "empty summary")
expect(function(r) r.summary = {"x"} end, {"summary: expected string, got table"}, "summary type")
T.same(record.unknown_fields({schema = "x", source = {}, documents = {}, summary = "s"}), {},
  "source, documents and summary are known fields")

-- a required date that the page does not print: absent plus a warning naming it
do
  local r = copy(BASE)
  r.dates.asked = nil
  local probs = record.validate(r)
  T.eq(#probs, 1, "dates.asked absent without a warning is a problem")
  T.eq(probs[1] and probs[1].message, "missing (required)", "and says it is required")
  r.warnings = {"dates.asked: the page prints no tabled date"}
  T.eq(#record.validate(r), 0, "dates.asked absent with a warning naming it is valid")
  r.warnings = {"some other note"}
  T.eq(#record.validate(r), 1, "a warning that does not name dates.asked does not excuse it")
end

os.exit(T.failed == 0 and 0 or 1, true) -- close the state: valgrind sees no leak
