-- de-hh.lua: Schriftliche Kleine Anfragen and Große Anfragen of the Hamburgische
-- Bürgerschaft, from the result lists of its ParlDok database (buergerschaft-hh.de/ParlDok;
-- a "Formalkriterien" search and a "Dokumentennummer" look-up print the same list).
--
-- table#parldokresult holds one entry per printed paper, in three rows:
--   td.title           the title, linked to the PDF of the Drucksache
--   Nummer Typ Datum   "21/159" | "Schriftliche Kleine Anfrage" | "31.03.2015"
--   Vorgang Urheber    (a Vorgang button, often empty) |
--                      "Birgit Stöver (CDU), Karin Prien (CDU)" or
--                      "Sabine Boeddinghaus (Fraktion DIE LINKE), ..., Fraktion DIE LINKE"
-- A list prints neither the question nor the answer, so each record is partial
-- (source.kind "list"). The Senat answers a Schriftliche Kleine Anfrage in the same
-- Drucksache, but the list does not say so: no `answers`, no status, no addressee.

local text, re, de, date = pqx.text, pqx.re, pqx.de, pqx.date

local function extract(doc)
  local view = re.match(doc:select_text("title") or "", [[:\s*(\S+)$]])
  local records = {}
  for _, cell in ipairs(doc:select("table#parldokresult td.title", {min = 1})) do
    local row = cell:parent():next()
    local number, kind, when = row:select_text("td[headers=result-nummer]"),
      row:select_text("td[headers=result-typ]"), row:select_text("td[headers=result-datum]")
    if not (number and kind and when) then error("no Nummer/Typ/Datum under " .. cell:text()) end
    local drs = assert(de.drucksache(number, {prefix = false}))
    local qtype = assert(de.question_type(kind))
    local rec = {
      schema = "pqx.question/1", id = "de-hh:" .. drs.number, parliament = "de-hh",
      term = drs.term, number = drs.number, type = qtype, lang = "de", page_lang = "de",
      title = cell:text(), dates = {published = date.parse(when, "de")},
      documents = {{number = drs.number, kind = "question", date = date.parse(when, "de"),
        url = cell:one("a[href]"):url()}},
      source = {kind = "list", view = view and text.lower(view)},
      extra = {doc_type = kind},
    }
    -- "Cansu Özdemir (Fraktion DIE LINKE)": the member's party is the Fraktion's
    rec.authors = assert(de.authors(row:next():one("td[headers=result-urheber]"):text()))
    for _, a in ipairs(rec.authors) do a.party = a.party and a.party:gsub("^Fraktion%s+", "") end
    records[#records + 1] = rec
  end
  return records
end

return {
  name = "de-hh",
  version = "1.0.0",
  description = "Hamburgische Bürgerschaft: Kleine and Große Anfragen from ParlDok result lists",
  base_url = "https://www.buergerschaft-hh.de/ParlDok/",
  extract = extract,
}
