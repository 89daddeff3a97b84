-- de-hb.lua: Kleine and Große Anfragen of the Bremische Bürgerschaft (Landtag), as the
-- PARiS documentation system (paris.bremische-buergerschaft.de, starweb) shows them in
-- its "Vorgänge" report: one <tbody name="RecordRepeater"> per procedure in
-- table.liste, with rows named by the site:
--   Repeat_WP    "19. Wahlperiode" (first procedure only)
--   Repeat_WHET  <h2> title
--   Repeat_WHED  descriptors (a[name=ThesaurusLink]) and div.rechtsbuendig "ID 47"
--   Repeat_HA    the documentalists' abstract (-> summary)
--   Repeat_Fund  one line per Drucksache: "Drs <a><b>19/96</b></a> Mitteilung des Senats
--                (Antwort auf Große Anfrage) vom 06.10.2015, Urheber:Senat"
-- A Kleine Anfrage is printed once, with its answer ("Kleine Anfrage und Antwort des
-- Senats"): one number, one document of kind "answer", and no date of the question.
-- A Große Anfrage has its own paper and the Senate's answer ("Mitteilung des Senats")
-- another one. The same report serves the number search (the peer's "detail") and
-- result lists: a search for one "Dokument-Nummer" gives detail records, any other
-- search list records (they carry the same fields). Papers of the Stadtbürgerschaft
-- ("19/47 S") have a number series of their own; they fail loudly rather than collide.

local de, text, re = pqx.de, pqx.text, pqx.re

local function fail(msg, ...) error(string.format(msg, ...), 2) end

-- "Drs 19/96 Mitteilung des Senats (...) vom 06.10.2015, Urheber:Senat" -> document
local function drucksache(line, links)
  local num, label, when, urheber =
    re.match(line, [[^Drs\s+(\d+/\d+)\s+(.+?)\s+vom\s+(\d\d\.\d\d\.\d{4}),\s*Urheber:\s*(.+)$]])
  if not num then fail("unrecognised Drucksache line %q", line) end
  return {number = num, label = label, date = pqx.date.parse(when, "de"), urheber = urheber,
    url = links[num], answer = label:find("Antwort") ~= nil, question = de.question_type(label)}
end

local function procedure(tbody, listed, wp)
  local row = function(name, req)
    local css = "> tr[name=" .. name .. "] > td:last-child"
    return req and tbody:one(css) or tbody:select1(css)
  end
  local links = {}
  for _, a in ipairs(row("Repeat_Fund", true):select("a[href]")) do links[a:text()] = a:url() end
  local docs, question, answer = {}, nil, nil
  for _, line in ipairs(text.lines(row("Repeat_Fund", true):text())) do
    if re.find(line, [[^Drs\s+\d+/\d+\s*S\b]]) then
      fail("Stadtbürgerschaft paper %q: its numbers would collide with the Landtag's", line)
    end
    local d = drucksache(line, links)
    if d.answer then answer = answer or d else question = question or d end
    docs[#docs + 1] = {number = d.number, kind = d.answer and "answer" or "question",
      date = d.date, url = d.url, title = d.label}
  end
  local first = question or answer
  if not first or not first.question then fail("no Kleine or Große Anfrage among %d Drucksachen", #docs) end
  local term, serial = first.number:match("^(%d+)/(%d+)$")
  if wp ~= term then fail("Wahlperiode %s but Drucksache %s", tostring(wp), first.number) end
  local id_box = row("Repeat_WHED")
  local rec = {
    schema = "pqx.question/1", id = "de-hb:" .. first.number, parliament = "de-hb",
    term = term, number = first.number, type = first.question, lang = "de", page_lang = "de",
    title = tbody:one("> tr[name=Repeat_WHET] h2"):text(),
    summary = row("Repeat_HA") and row("Repeat_HA"):text() or nil,
    authors = assert(de.authors(first.urheber)),
    dates = {asked = question and question.date, answered = answer and answer.date},
    documents = docs,
    keywords = id_box and id_box:select("a[name=ThesaurusLink]"):map(function(a)
      return {label = a:text(), scheme = "paris-thesaurus", lang = "de"} end) or nil,
    status = answer and "answered" or "unanswered",
    source = {kind = listed and "list" or "detail", view = "vorgaenge"},
    extra = {doc_type = select(2, de.question_type(first.label)),
      vorgang_id = id_box and re.match(id_box:text(), [[\bID\s+(\d+)\s*$]]) or nil},
    warnings = {},
  }
  if answer then
    -- a separate answer names its Urheber ("Senat"); a combined paper says "Antwort des Senats"
    local by = question and answer.urheber or answer.label:find("Antwort des Senats") and "Senat" or nil
    rec.answers = {{kind = "answer", date = answer.date, by = by}}
  end
  if not rec.dates.asked and not listed then
    rec.warnings[1] = "dates.asked: the Kleine Anfrage is printed only with its answer, dated "
      .. tostring(answer and answer.date)
  end
  if #rec.warnings == 0 then rec.warnings = nil end
  return rec
end

local function extract(doc)
  local search = doc:one("#container_searchtext"):text()
  local listed = not search:find("Dokument%-Nummer:")
  local out, term = {}, nil
  for _, tbody in ipairs(doc:select("table.liste > tbody[name=RecordRepeater]", {min = 1})) do
    local wp = tbody:select1("> tr[name=Repeat_WP]") -- printed when the Wahlperiode changes
    term = wp and (re.match(wp:text(), [[^(\d+)\.\s*Wahlperiode$]]) or fail("bad %q", wp:text())) or term
    out[#out + 1] = procedure(tbody, listed, term)
  end
  return out
end

return {
  name = "de-hb",
  version = "1.0.0",
  description = "Bremische Bürgerschaft (Landtag): Kleine/Große Anfragen from the PARiS Vorgänge report",
  base_url = "https://paris.bremische-buergerschaft.de/starweb/paris/servlet.starweb",
  extract = extract,
}
