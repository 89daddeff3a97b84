-- de-he.lua: Kleine and Große Anfragen of the Hessischer Landtag, from its
-- Parlamentsdatenbank (starweb.hessen.de, STARWeb LIS).
--
-- Vollanzeige (detail): one <pre> in table#listTable, laid out like a card index:
--   <b>- Evaluation der Lehrerbildung in Hessen</b>     the title (may wrap)
--   Fragenkatalog zu ...                                 an abstract, on some (may wrap)
--   GrAnfr   Degen, Christoph, SPD; ...; Fraktion der SPD   type and Initiator (may wrap)
--   15.10.2014 Drs 19/1017                               the question's Drucksache
--   Antw 15.04.2015 Drs 19/1829                          the answer's (Große Anfrage)
--   19.02.2015 und Antw 13.04.2015 Drs 19/1616           both in one (Kleine Anfrage)
--   PlPr 19/47  28.05.2015                               the plenary debate
--   von Tagesordnung abgesetzt                           remarks (kept in extra.notes)
-- Kurzanzeige (overview, search): one tbody[name=RecordRepeatStart] per paper with spans
-- OFR_Drs (the question's Drucksache), OFR_Vorgtyp ("Drucksache/Kleine Anfrage"),
-- OFR_Betreff (title, linked to the Vollanzeige, or a JavaScript action), OFR_Initiator
-- and OFR_PIPr (Plenarprotokoll).
-- Initiators are "Surname, Given[, Dr.][, van], Party" separated by ";" or " und ", then
-- "u.a." when the list is cut; names are put in reading order ("Dr. Daniela Sommer").

local text, re, date, de = pqx.text, pqx.re, pqx.date, pqx.de

local TYPES = {KlAnfr = "Kleine Anfrage", GrAnfr = "Große Anfrage"}
local TYPE_LINE = [[^(KlAnfr|GrAnfr|Kleine Anfrage|Große Anfrage)\s+(.+)$]]

-- "Sommer, Daniela, Dr., SPD" -> {name = "Dr. Daniela Sommer", party = "SPD"}
local function person(raw)
  local f = text.split(raw, ",", {trim = true})
  if #f < 3 then error("Initiator " .. raw .. " is not 'Surname, Given, Party'") end
  local titles, particles = {}, {}
  for i = 3, #f - 1 do
    local into = (f[i]:find("^Dr") or f[i]:find("^Prof")) and titles or particles
    into[#into + 1] = f[i]
  end
  local parts = {table.concat(titles, " "), f[2], table.concat(particles, " "), f[1]}
  local name = text.squish(table.concat(parts, " "))
  return {name = name, party = f[#f], raw = raw}
end

local function authors(rec, line)
  rec.authors = {}
  for _, raw in ipairs(re.split(text.squish(line), [[\s*;\s*|\s+und\s+(?=Fraktion)]])) do
    if raw:find("%s+u%.a%.$") then
      raw = raw:gsub("%s+u%.a%.$", "")
      rec.warnings = {"authors: the page names only the first initiators (\"u.a.\")"}
    end
    rec.authors[#rec.authors + 1] = raw:find("^Fraktion") and assert(de.author(raw)) or person(raw)
  end
end

local function new_record(number, doc_type, title, ctx)
  local drs = assert(de.drucksache(number, {prefix = false}))
  return {
    schema = "pqx.question/1", id = "de-he:" .. drs.number, parliament = "de-he", term = drs.term,
    number = drs.number, type = assert(de.question_type(doc_type)), lang = "de", page_lang = "de", title = title,
    documents = {}, source_url = ctx.url, extra = {doc_type = doc_type},
  }
end

local function drucksache(rec, kind, number, when, url, title)
  rec.documents[#rec.documents + 1] =
    {number = number, kind = kind, date = when and date.parse(when, "de"), url = url, title = title}
end

-- "15.10.2014 Drs 19/1017", "Antw 15.04.2015 Drs 19/1829", "19.02.2015 und Antw 13.04.2015 Drs 19/1616"
local DATE = [[(\d\d\.\d\d\.\d{4})]]
local DRS_LINE = "^(?:" .. DATE .. " )?(?:(?:und )?Antw(?:ort)? " .. DATE .. " )?(?:Drs|Drucksache) (\\d+/\\d+)$"

local function detail(doc, ctx)
  local pre, urls = doc:one("#listTable pre"), {}
  for _, a in ipairs(pre:select("a")) do urls[a:text()] = a:url() end
  local head = pre:one("> b"):text()
  local title = text.squish(head):gsub("^%-%s*", "")
  local rec, summary, notes, kind, who = nil, {}, {}, nil, nil
  for _, l in ipairs(text.lines(pre:text():sub(#head + 1))) do
    local asked, answered, n = re.match(l, DRS_LINE)
    local pl_n, pl_date = re.match(l, [[^PlPr (\d+/\d+)(?:\s+]] .. DATE .. ")?$")
    local k, w = re.match(l, TYPE_LINE)
    if not kind then
      if k then kind, who = TYPES[k] or k, w else summary[#summary + 1] = l end
    elseif not (rec or n) then
      who = who .. " " .. l                   -- the Initiator wraps
    elseif asked then
      rec = new_record(n, kind, title, ctx)
      rec.dates = {asked = date.parse(asked, "de")}
      if not answered then drucksache(rec, "question", n, asked, urls[n]) end
    elseif pl_n then
      drucksache(rec, "other", pl_n, pl_date, urls[pl_n], "Plenarprotokoll " .. pl_n)
    elseif not (rec and answered) then
      if l:find("Drs") or l:find("^%d") or not rec then error("unrecognised line in the Vollanzeige: " .. l) end
      notes[#notes + 1] = l
    end
    if rec and answered then
      drucksache(rec, "answer", n, answered, urls[n])
      rec.dates.answered = date.parse(answered, "de")
      rec.answers = {{kind = "answer", date = rec.dates.answered}}
    end
  end
  if not rec then error("no Drucksache of the question in the Vollanzeige of " .. title) end
  rec.status = rec.answers and "answered" or "unanswered"
  rec.summary = #summary > 0 and table.concat(summary, " ") or nil
  rec.extra.notes = #notes > 0 and notes or nil
  authors(rec, who)
  return {rec}
end

local function list(doc, ctx)
  local records = {}
  for _, row in ipairs(doc:select("tbody[name=RecordRepeatStart]", {min = 1})) do
    local number = row:one("span[name=OFR_Drs]"):text()
    local doc_type = text.lines(row:one("span[name=OFR_Vorgtyp]"):text())
    if doc_type[1] ~= "Drucksache/" then error(number .. ": not a Drucksache: " .. doc_type[1]) end
    local link = row:one("span[name=OFR_Betreff] a")
    local rec = new_record(number, doc_type[2], link:text(), ctx)
    rec.source = {kind = "list", view = "kurzanzeige"}
    drucksache(rec, "question", number)
    local plpr = row:select_text("span[name=OFR_PIPr]")
    if plpr then drucksache(rec, "other", plpr, nil, nil, "Plenarprotokoll " .. plpr) end
    if link:attr("href") ~= "#?" then rec.extra.detail_url = link:url() end
    authors(rec, row:one("span[name=OFR_Initiator]"):text())
    records[#records + 1] = rec
  end
  return records
end

return {
  name = "de-he",
  version = "1.0.0",
  description = "Hessischer Landtag: Kleine and Große Anfragen (STARWeb Vollanzeige and Kurzanzeige)",
  base_url = "http://starweb.hessen.de/starweb/LIS/",
  extract = function(doc, ctx)
    if doc:select1("#listTable pre") then return detail(doc, ctx) end
    return list(doc, ctx)
  end,
}
