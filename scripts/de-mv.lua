-- de-mv.lua: Kleine and Große Anfragen of the Landtag Mecklenburg-Vorpommern, from the
-- result lists of its ParlDok database (dokumentation.landtag-mv.de/Parldok; a
-- "Formalkriterien" search and a "Dokumentennummer" look-up print the same list).
--
-- table#parldokresult holds one entry per printed paper, in three rows:
--   td.title           the title, linked to the PDF of the Drucksache
--   Nummer Typ Datum   "6/1596" | "Kleine Anfrage und Antwort" | "13.03.2013"
--   Vorgang Urheber    a button to the Vorgang | the Urheber of the paper, comma-separated:
--                      members "Silke Gajek (B90/GR)", a Fraktion printed as its party
--                      ("NPD"), and the answerer "Landesregierung (Justizministerium)".
-- The Urheber list does not mark what an entry is: a member has "(Party)", a Fraktion is
-- printed as its party ("NPD"), "Landesregierung (Ministry)" is the answerer, and
-- "Ausschuss ..." a committee (its name may hold commas; kept with a warning, since a
-- committee does not ask Kleine Anfragen). "... und Antwort" papers hold the question and
-- the answer: the paper is the answer's Drucksache, its date the answer's.

local text, re, de, date = pqx.text, pqx.re, pqx.de, pqx.date

-- "Silke Gajek (B90/GR), Landesregierung (Justizministerium)"
local function urheber(rec, line)
  local who, tail = re.match(line, [[^(.*?),?\s*((?:Landesregierung|Ausschuss)\b.*)?$]])
  rec.authors = who ~= "" and assert(de.authors(who)) or {}
  local by = tail and (re.match(tail, [[^Landesregierung(?:\s*\((.+)\))?$]]) or tail:match("^Landesregierung$"))
  if by then
    rec.answers = {{kind = "answer", by = by}}
  elseif tail then
    rec.authors[#rec.authors + 1] = assert(de.author(tail))
    rec.warnings = {"authors: ParlDok lists the committee '" .. tail .. "' as an Urheber"}
  end
end

local function extract(doc)
  local view = re.match(doc:select_text("title") or "", [[[-:]\s*(\S+)$]])
  local records = {}
  for _, cell in ipairs(doc:select("table#parldokresult td.title", {min = 1})) do
    local row = cell:parent():next()
    local number, kind, when = row:select_text("td[headers=result-nummer]"),
      row:select_text("td[headers=result-typ]"), row:select_text("td[headers=result-datum]")
    if not (number and kind and when) then error("no Nummer/Typ/Datum under " .. cell:text()) end
    local drs = assert(de.drucksache(number, {prefix = false}))
    local answered = kind:find("und Antwort$") ~= nil
    local rec = {
      schema = "pqx.question/1", id = "de-mv:" .. drs.number, parliament = "de-mv",
      term = drs.term, number = drs.number, type = assert(de.question_type(kind)),
      lang = "de", page_lang = "de", title = cell:text(),
      documents = {{number = drs.number, kind = answered and "answer" or "question",
        date = date.parse(when, "de"), url = cell:one("a[href]"):url()}},
      source = {kind = "list", view = view and text.lower(view)},
      extra = {doc_type = kind},
    }
    local meta = row:next()
    local vorgang = re.match(meta:select1("button[onclick]::attr(onclick)") or "",
      [[location\.href='([^']+)']])
    if vorgang then rec.extra.vorgang_url = pqx.url.resolve(doc.base_url, vorgang) end
    urheber(rec, meta:one("td[headers=result-urheber]"):text())
    if answered then
      rec.status = "answered"
      rec.answers = rec.answers or {{kind = "answer"}}
      rec.answers[1].date = rec.documents[1].date
      rec.dates = {answered = rec.documents[1].date}
    else
      rec.dates = {asked = rec.documents[1].date}
    end
    records[#records + 1] = rec
  end
  return records
end

return {
  name = "de-mv",
  version = "1.0.0",
  description = "Landtag Mecklenburg-Vorpommern: Kleine and Große Anfragen from ParlDok result lists",
  base_url = "http://www.dokumentation.landtag-mv.de/Parldok/",
  extract = extract,
}
