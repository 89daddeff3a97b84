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
-- The Urheber list does not mark what an entry is. An entry with "(Party)" is a member;
-- "Landesregierung" is the answerer; "Ausschuss ..." a committee (kept with a warning:
-- ParlDok lists it although a committee does not ask Kleine Anfragen); any other entry
-- is the Fraktion of a Große Anfrage (printed as its party) or the member who asked a
-- Kleine Anfrage (a member without a party, "Barbara Borchardt").
-- "... und Antwort" papers hold the question and the answer: the paper is the answer's
-- Drucksache. A list prints no dates of asking or answering: each record is partial.

local text, re, names, date = pqx.text, pqx.re, pqx.names, pqx.date

local TYPES = {
  ["Kleine Anfrage"] = "written", ["Kleine Anfrage und Antwort"] = "written",
  ["Große Anfrage"] = "interpellation", ["Große Anfrage und Antwort"] = "interpellation",
}

-- "Silke Gajek (B90/GR), Landesregierung (Justizministerium)": members or the Fraktion,
-- then the answerer or a committee (whose name may hold commas)
local function urheber(rec, line, major)
  local who, tail = re.match(line, [[^(.*?),?\s*((?:Landesregierung|Ausschuss)\b.*)?$]])
  local by = tail and (re.match(tail, [[^Landesregierung(?:\s*\((.+)\))?$]]) or tail:match("^Landesregierung$"))
  if by then
    rec.answers = {{kind = "answer", by = by}}
  elseif tail then
    rec.warnings = {"authors: ParlDok lists the committee '" .. tail .. "' as an Urheber"}
  end
  rec.authors = {}
  for _, raw in ipairs(who ~= "" and names.split_list(who, {words = {}}) or {}) do
    if raw:find("%)$") then
      rec.authors[#rec.authors + 1] = assert(names.name_party(raw))
    elseif major then
      rec.authors[#rec.authors + 1] = {name = raw, kind = "party", party = raw, raw = raw}
    else
      rec.authors[#rec.authors + 1] = {name = raw, raw = raw}
    end
  end
  if tail and not by then rec.authors[#rec.authors + 1] = {name = tail, kind = "committee", raw = tail} end
end

local function extract(doc)
  local view = re.match(doc:select_text("title") or "", [[[-:]\s*(\S+)$]])
  local records = {}
  for _, cell in ipairs(doc:select("table#parldokresult td.title", {min = 1})) do
    local title = cell:text()
    local row = cell:parent():next()
    local number, kind, when = row:select_text("td[headers=result-nummer]"),
      row:select_text("td[headers=result-typ]"), row:select_text("td[headers=result-datum]")
    if not (number and kind and when) then error("no Nummer/Typ/Datum under " .. title) end
    local term = re.match(number, [[^(\d+)/\d+$]])
    if not term then error("Nummer " .. number .. " is not a Drucksache number") end
    if not TYPES[kind] then error("Typ " .. kind .. " of " .. number .. " is not a question") end
    local url = cell:one("a[href]"):url()
    local answered = kind:find("und Antwort$") ~= nil
    local rec = {
      schema = "pqx.question/1", id = "de-mv:" .. number, parliament = "de-mv",
      term = term, number = number, type = TYPES[kind], lang = "de", page_lang = "de",
      title = title,
      documents = {{number = number, kind = answered and "answer" or "question",
        date = date.parse(when, "de"), url = url}},
      source = {kind = "list", view = view and text.lower(view)},
      extra = {doc_type = kind},
    }
    local meta = row:next()
    local vorgang = re.match(meta:select1("button[onclick]::attr(onclick)") or "",
      [[location\.href='([^']+)']])
    if vorgang then rec.extra.vorgang_url = pqx.url.resolve(doc.base_url, vorgang) end
    urheber(rec, meta:one("td[headers=result-urheber]"):text(), rec.type == "interpellation")
    -- the paper of a "... und Antwort" is the answer's: its date is the answer's
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
