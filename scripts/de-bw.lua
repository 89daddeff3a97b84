-- de-bw.lua: Kleine and Große Anfragen of the Landtag von Baden-Württemberg, from three
-- kinds of page of its documentation (PARLIS, parlis.landtag-bw.de, and the Landtag's
-- own site):
--   the number search (suchergebnis-dokumentnummer.tt.html, the detail): the paper's link
--     "Drucksache 16/4581  09.08.2018 (26 S.)" and under "Vorgänge" one
--     div.efxRecordRepeater per procedure: the title (.drucksache-liste-betreff) and the
--     type line (.drucksache-liste-urheber .typ) "Große Anfrage Fraktion GRÜNE 09.08.2018
--     und Antwort Landesregierung": type, originator, date, answering body;
--   the result list of the site's document search: per paper a.doclist__item-link (title,
--     PDF) and ul.doclist__item-meta "16/5196 | Datum: 21.12.2018 | Art: Kleine Anfrage |
--     Urheber: FDP/DVP" (list records);
--   the old start page of the Parlamentsdokumentation, a choice of Wahlperioden: no papers,
--     a page warning with the terms.
-- A paper that prints question and answer ("... und Antwort ...") is one document of kind
-- "answer"; its date is the paper's (dates.published), not the question's.

local de, re, date = pqx.de, pqx.re, pqx.date

local function fail(msg, ...) error(string.format(msg, ...), 2) end

local function record(number, title, qtype, doc_type, source)
  local term = number:match("^(%d+)/")
  return {schema = "pqx.question/1", id = "de-bw:" .. number, parliament = "de-bw",
    term = term, number = number, type = qtype, lang = "de", page_lang = "de", title = title,
    source = {kind = source}, extra = {doc_type = doc_type}, dates = {}}
end

-- "Große Anfrage Fraktion GRÜNE 09.08.2018 und Antwort Landesregierung"
local function procedure(box, paper)
  local typ = box:one(".drucksache-liste-urheber .typ"):text()
  local qtype, doc_type = de.question_type(typ)
  if not qtype then fail("not a question: %q", typ) end
  local who, when, by = re.match(typ, [[^.*?Anfrage\s+(.+?)\s+(\d\d\.\d\d\.\d{4})(?:\s+und\s+Antwort\s+(.+))?$]])
  if not who then fail("type line not understood: %q", typ) end
  local rec = record(paper.number, box:one(".drucksache-liste-betreff"):text(), qtype, doc_type, "detail")
  rec.authors = assert(de.authors(who))
  rec.dates.published = date.parse(when, "de")
  rec.documents = {{number = paper.number, kind = by and "answer" or "question", date = paper.date,
    url = paper.url, title = paper.raw}}
  rec.status = by and "answered" or "unanswered"
  rec.answers = by and {{kind = "answer", by = by}} or nil
  rec.warnings = {"dates.asked: the page gives one date, the Drucksache's ("
    .. tostring(rec.dates.published) .. "), not when the question was asked"}
  return rec
end

local function detail(doc)
  local link = doc:one("#div-suchergebnis > section > .dokumentLink a.fundstellenLinks")
  local ref = assert(de.drucksache(link:text()))
  local paper = {number = ref.number, date = date.find(link:text(), "de"), url = link:url(), raw = link:text()}
  local out = {}
  for _, box in ipairs(doc:select(".efxRecordRepeater", {min = 1})) do out[#out + 1] = procedure(box, paper) end
  return out
end

local function list(doc)
  local out = {}
  for _, a in ipairs(doc:select("a.doclist__item-link", {min = 1})) do
    local meta = a:next()
    if not (meta and meta:matches("ul.doclist__item-meta")) then fail("no item list after %q", a:text()) end
    local f = {}
    for _, li in ipairs(meta:select("> li", {min = 4})) do
      local k, v = re.match(li:text(), [[^(\w+):\s*(.*)$]])
      f[k or "number"] = v or li:text()
    end
    if not re.find(f.number, [[^\d+/\d+$]]) then fail("no Drucksache number in %q", meta:text()) end
    local qtype, doc_type = de.question_type(f.Art or "")
    if not qtype then fail("paper %s: Art %q is not a question", f.number, tostring(f.Art)) end
    local rec = record(f.number, a:text(), qtype, doc_type, "list")
    local when = date.parse(f.Datum or "", "de") or fail("paper %s: no Datum", f.number)
    rec.dates.published = when
    rec.authors = assert(de.authors(f.Urheber or fail("paper %s: no Urheber", f.number)))
    rec.documents = {{number = f.number, kind = f.Art:find("Antwort") and "answer" or "question",
      date = when, url = a:url(), title = f.Art}}
    out[#out + 1] = rec
  end
  return out
end

local function extract(doc, ctx)
  if doc:select1("#div-suchergebnis") then return detail(doc) end
  if doc:select1("a.doclist__item-link") then return list(doc) end
  local terms = doc:select("select option"):map(function(o) return o:text() end)
  if #terms > 0 and re.find(terms[1], [[^\d+\. Wahlperiode \(]]) then
    ctx.warn("a choice of Wahlperioden, no papers: " .. table.concat(terms, "; "))
    return {}
  end
  fail("neither a number search, a result list nor the Wahlperioden page")
end

return {
  name = "de-bw",
  version = "1.0.0",
  description = "Landtag von Baden-Württemberg: Kleine/Große Anfragen from PARLIS number searches and result lists",
  base_url = "https://www.landtag-bw.de/",
  extract = extract,
}
