-- de-th.lua: Kleine and Große Anfragen of the Thüringer Landtag, as its documentation
-- system ParlDok (parldok.thueringen.de) shows them.
-- 1. Result lists (table#parldokresult): three rows per document whose cells name their
--    column in headers="result-...": titel (a link to the PDF), nummer ("6/517"), typ
--    ("Antwort auf Kleine Anfrage"), datum, vorgang (a button to the Vorgang page) and
--    urheber ("Landesregierung"). Lists of answers show the answer's Drucksache only, so
--    that is the record's number there; documents of other kinds are skipped.
-- 2. The Vorgang page ("Parlamentarischer Ablauf"): label/value rows (td.elementlabel):
--    Schlagwort, Titel, Kurzreferat, Vorgangsnummer ("5/7341Dr"), Beratungsstand and the
--    Vorgangsablauf, one line per document: "• Große Anfrage DIE LINKE Drucksache 5/7341
--    11.02.2014, 13 S.", "• Antwort auf Große Anfrage Ministerium für ... Drucksache 5/8041
--    16.07.2014, 255 S.".

local date, text, re, de = pqx.date, pqx.text, pqx.re, pqx.de

local STEP = re.compile([[^•?\s*(Antwort auf )?(Kleine Anfrage|Große Anfrage)\s+(.*?)\s*]]
  .. [[Drucksache\s+(\d+/\d+)\s+(\d\d\.\d\d\.\d{4})]])

local function fail(fmt, ...) error(string.format(fmt, ...), 2) end

local function new_record(drs, kind, title)
  return {schema = "pqx.question/1", id = "de-th:" .. drs, parliament = "de-th", term = drs:match("^(%d+)/"),
    number = drs, type = de.question_type(kind), lang = "de", page_lang = "de", title = title, dates = {},
    documents = {}, extra = {}}
end


-- the three rows of one document in a result list
local function list_row(title_cell, doc)
  local row = title_cell:parent():next()
  local function cell(tr, name) return tr and tr:select_text("td[headers=result-" .. name .. "]") end
  local drs, typ, when = cell(row, "nummer"), cell(row, "typ"), cell(row, "datum")
  if not (drs and typ and when) then
    fail("ParlDok result %q: no nummer/typ/datum row after the title", title_cell:text())
  end
  local answer, kind = re.match(typ, [[^(Antwort auf )?(Kleine Anfrage|Große Anfrage)$]])
  if not kind then return nil end
  local rec = new_record(drs, kind, title_cell:text())
  rec.source, rec.extra.doc_type = {kind = "list"}, typ
  local iso = assert(date.parse(when, "de"))
  local by = cell(row:next(), "urheber")
  rec.documents[1] = {number = drs, kind = answer and "answer" or "question", date = iso,
    url = title_cell:one("a"):url()}
  if answer then
    rec.status, rec.dates.answered, rec.answers = "answered", iso, {{kind = "answer", date = iso, by = by}}
  else
    rec.dates.asked, rec.authors = iso, by and assert(de.authors(by))
  end
  local button = row:next() and row:next():select1("button[onclick*='location.href']")
  local path = button and button:attr("onclick"):match("location%.href='([^']+)'")
  rec.extra.detail_url = path and pqx.url.resolve(doc.base_url, path)
  return rec
end

local function vorgang(doc)
  local table_ = doc:one("table.element-process")
  local f = pqx.fields(table_, {lines = false})
  local rec
  for _, li in ipairs(table_:select("div.element-vorgang")) do
    local line = li:text()
    local answer, kind, who, drs, when = STEP:match(line)
    local iso = when and assert(date.parse(when, "de"))
    local url = li:select1("a[href]")
    url = url and url:url()
    if kind and not answer and not rec then
      rec = new_record(drs, kind, f.titel)
      rec.extra.doc_type, rec.authors, rec.dates.asked = kind, assert(de.authors(who)), iso
      rec.documents[1] = {number = drs, kind = "question", date = iso, url = url}
      rec.events = {}
    elseif kind and answer and rec then
      rec.answers = rec.answers or {}
      rec.answers[#rec.answers + 1] = {kind = "answer", date = iso, by = who}
      rec.documents[#rec.documents + 1] = {number = drs, kind = "answer", date = iso, url = url}
      rec.dates.answered = rec.dates.answered or iso
    elseif not rec then
      fail("Vorgangsablauf starts with %q, not with a Kleine or Große Anfrage", line)
    end
    if iso then rec.events[#rec.events + 1] = {date = iso, label = text.squish(line:gsub("^•", ""))} end
  end
  if not rec then fail("no Vorgangsablauf on the page") end
  rec.status = rec.answers and "answered" or "unanswered"
  rec.summary, rec.extra.vorgang, rec.extra.stand = f.kurzreferat, f.vorgangsnummer, f.beratungsstand
  rec.keywords = f.schlagwort and {{label = f.schlagwort, scheme = "parldok-schlagwort", lang = "de"}}
  return rec
end

local function extract(doc, ctx)
  if doc:select1("table.element-process") then return {vorgang(doc)} end
  local titles = doc:select("table#parldokresult td.title[headers=result-titel]", {min = 1})
  local out = titles:map(function(td) return list_row(td, doc) end)
  if #out < #titles then
    ctx.warn(string.format("%d of %d results are not questions or answers to them: skipped", #titles - #out, #titles))
  end
  return out
end

return {
  name = "de-th",
  version = "1.0.0",
  description = "Thüringer Landtag Kleine/Große Anfragen (ParlDok result lists and Vorgang pages)",
  base_url = "http://www.parldok.thueringen.de/ParlDok/",
  extract = extract,
}
