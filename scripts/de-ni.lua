-- de-ni.lua: Kleine Anfragen zur schriftlichen Beantwortung and Große Anfragen of the
-- Niedersächsischer Landtag, from the "Vollanzeige" of its documentation system NILAS
-- (nilas.niedersachsen.de, STARWeb). A look-up by number shows one hit, a search many
-- (each with a checkbox "SelectedItems"); both print every fact, block by block:
--   table.tabcol   the hit: "Kleine Anfrage ... mit Antwort 22.07.2014 Drucksache 17/1892
--                  (3 S.)", "Zugang: öffentlich", "Gehört zum Vorgang:"
--   next table     the Vorgang, one row each: the descriptor (a thesaurus link), the title,
--                  the abstract ("- ... -"), the Fundstellen (one per <br> or <li>), and
--                  "Redner:" with the speakers of a debate
-- Fundstellen: "<label> <who> <DD.MM.YYYY> Drucksache <n> (S.1)" where label is
--   "Kleine Anfrage zur schriftlichen Beantwortung" (who: "Name (Party), ..."),
--   "Große Anfrage" (who: the Fraktion, printed as its party), "Antwort" or
--   "... mit Antwort" (who: the ministry), "Ergänzung (Antwort)", "Berichtigung (Antwort)";
--   and "Besprechung Plenarprotokoll 17/76 14.10.2015 S. 7540 ff" for the debate.
-- The question's paper may be the answer's too (17/1892, pages S.1 and S.1-3) or its own
-- (17/2588, answered in 17/2819); `number` is always the question's Drucksache.

local text, re, date, de = pqx.text, pqx.re, pqx.date, pqx.de

local QUESTION = [[^(Kleine Anfrage(?: zur schriftlichen Beantwortung)?|Große Anfrage)(?: (mit Antwort))?\s+(.*)$]]
local ANSWER_KINDS = {Antwort = "answer", ["Ergänzung (Antwort)"] = "supplementary",
  ["Berichtigung (Antwort)"] = "correction"}
local LINE = [[^(.*?)\s*(\d\d\.\d\d\.\d{4})\s*(?:Drucksache\s+(\d+/\d+)|(.*))]]

-- one Fundstelle: label and who, date, Drucksache (or the rest of the line), its link
local function fundstelle(line, urls)
  local head, when, n, rest = re.match(line, LINE)
  if not head then head = line end
  local doc_type, combined, who = re.match(head, QUESTION)
  return {head = head, doc_type = doc_type, combined = combined, who = who,
    date = when and date.parse(when, "de"), number = n or nil, rest = rest or nil,
    url = n and urls[n]}
end

local function vorgang(tbl, list, ctx)
  local urls = {}
  for _, a in ipairs(tbl:select("a[href$='.pdf'], a[href*='.pdf?']")) do
    urls[a:text()] = urls[a:text()] or a:url()
  end
  local rec = {schema = "pqx.question/1", parliament = "de-ni", lang = "de", page_lang = "de",
    documents = {}, keywords = {}, dates = {}, warnings = {}, source_url = ctx.url,
    source = list and {kind = "list", view = "vollanzeige"} or nil, extra = {}}
  local lines = {}
  for _, td in ipairs(tbl:select("> tbody > tr > td:nth-child(2)")) do
    local t = td:text()
    if td:select1("td.klein") then
      rec.extra.redner = text.squish(t:gsub("^Redner:%s*", ""))
    elseif td:select1("table") then
      lines = td:select1("ul.fundstelle") and td:select("li"):texts() or text.lines(t)
    elseif td:select1("> b") then
      rec.keywords[#rec.keywords + 1] = {label = t, scheme = "nilas-deskriptor", lang = "de"}
    elseif t:find("^%-") then
      rec.summary = text.squish(t:gsub("^%-%s*", ""):gsub("%s*%-$", ""))
    elseif t ~= "" and not rec.title then
      rec.title = t
    elseif t ~= "" then
      error("unrecognised row in the Vorgang " .. (rec.title or "?") .. ": " .. t)
    end
  end
  local question
  for _, line in ipairs(lines) do
    local f = fundstelle(line, urls)
    local akind = f.combined and "answer" or ANSWER_KINDS[f.head:match("^(%S+ %(Antwort%))") or
      f.head:match("^Antwort")]
    if f.doc_type and not f.combined and not question then
      question = f
      rec.type, rec.extra.doc_type = assert(de.question_type(f.doc_type)), f.doc_type
      rec.dates.asked = f.date
      -- "Dr. Thela Wernstedt, (SPD)": a stray comma before the party
      rec.authors = assert(de.authors((f.who:gsub(",%s*%(", " ("))))
    elseif akind then
      local by = f.who or f.head:gsub("^%S+ %(Antwort%)", ""):gsub("^Antwort", "")
      rec.answers = rec.answers or {}
      rec.answers[#rec.answers + 1] = {kind = akind, date = f.date, by = text.trim(by)}
      if akind == "answer" then rec.dates.answered = rec.dates.answered or f.date end
    elseif f.head:find("Plenarprotokoll") then
      local n = re.match(f.head, [[Plenarprotokoll\s+(\d+/\d+)$]])
      rec.documents[#rec.documents + 1] = {number = n, kind = "other", date = f.date,
        title = "Plenarprotokoll " .. n, url = urls[n]}
      rec.events = {{date = f.date, label = text.squish(f.head:gsub("%s*Plenarprotokoll.*$", ""))}}
    elseif f.date and not f.number then
      rec.events = rec.events or {}
      rec.events[#rec.events + 1] = {date = f.date, label = f.head}
    else
      error("unrecognised Fundstelle in the Vorgang " .. (rec.title or "?") .. ": " .. line)
    end
    if f.number then
      local kind = akind == "answer" and "answer" or (akind and "other" or "question")
      rec.documents[#rec.documents + 1] = {number = f.number, kind = kind, date = f.date, url = f.url,
        title = kind == "other" and f.head:match("^%S+ %(Antwort%)") or nil}
    end
  end
  if not question then error("no Kleine/Große Anfrage among the Fundstellen of " .. tostring(rec.title)) end
  rec.number = question.number or (rec.documents[1] or {}).number
  if not rec.number then error("no Drucksache number in the Vorgang " .. rec.title) end
  rec.term = re.match(rec.number, [[^(\d+)/]])
  rec.id = "de-ni:" .. rec.number
  if not question.date then
    rec.warnings[#rec.warnings + 1] = "dates.asked: the Fundstelle of the question prints no date"
  end
  if not question.number then
    rec.warnings[#rec.warnings + 1] = "number: the question prints no Drucksache; the answer's is used"
  end
  rec.status = rec.answers and "answered" or "unanswered"
  if #rec.warnings == 0 then rec.warnings = nil end
  return rec
end

local function extract(doc, ctx)
  local list = doc:select1("input[name=SelectedItems]") ~= nil
  local records = {}
  for _, hit in ipairs(doc:select("table.tabcol:has(> tbody > tr > td:pqx-matches(/^Gehört zum Vorgang:/))",
      {min = 1})) do
    local tbl = hit:next()
    if not (tbl and tbl.tag == "table") then error("no Vorgang table after 'Gehört zum Vorgang:'") end
    records[#records + 1] = vorgang(tbl, list, ctx)
  end
  return records
end

return {
  name = "de-ni",
  version = "1.0.0",
  description = "Niedersächsischer Landtag: Kleine and Große Anfragen (NILAS Vollanzeige, one hit or a list)",
  base_url = "http://www.nilas.niedersachsen.de/starweb/NILAS/",
  extract = extract,
}
