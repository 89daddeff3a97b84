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
local ANSWER = [[^(Antwort|Ergänzung \(Antwort\)|Berichtigung \(Antwort\))\s*(.*)$]]
local ANSWER_KINDS = {Antwort = "answer", ["Ergänzung (Antwort)"] = "supplementary",
  ["Berichtigung (Antwort)"] = "correction"}

local function vorgang(tbl, list, ctx)
  local urls = {}
  for _, a in ipairs(tbl:select("a[href*='.pdf']")) do urls[a:text()] = urls[a:text()] or a:url() end
  local rec = {schema = "pqx.question/1", parliament = "de-ni", lang = "de", page_lang = "de",
    documents = {}, keywords = {}, dates = {}, answers = {}, source_url = ctx.url,
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
    elseif t ~= "" then
      if rec.title then error("unrecognised row in the Vorgang " .. rec.title .. ": " .. t) end
      rec.title = t
    end
  end
  local question
  for _, line in ipairs(lines) do
    local head, when, n = re.match(line, [[^(.*?)\s*(\d\d\.\d\d\.\d{4})\s*(?:Drucksache\s+(\d+/\d+))?]])
    head, when, n = head or line, when and date.parse(when, "de"), n or nil
    local doc_type, combined, who = re.match(head, QUESTION)
    local label, by = re.match(head, ANSWER)
    if combined then label, by = "Antwort", who end
    local akind = ANSWER_KINDS[label or ""]
    if doc_type and not combined and not question then
      question = {number = n, date = when}
      rec.type, rec.extra.doc_type = assert(de.question_type(doc_type)), doc_type
      rec.dates.asked = when
      -- "Dr. Thela Wernstedt, (SPD)": a stray comma before the party
      rec.authors = assert(de.authors((who:gsub(",%s*%(", " ("))))
    elseif akind then
      rec.answers[#rec.answers + 1] = {kind = akind, date = when, by = by}
      if akind == "answer" then rec.dates.answered = rec.dates.answered or when end
    elseif when and not n then                -- "Besprechung Plenarprotokoll 17/76 14.10.2015 S. 7540 ff"
      local pl = re.match(head, [[Plenarprotokoll\s+(\d+/\d+)$]])
      if pl then rec.documents[#rec.documents + 1] =
        {number = pl, kind = "other", date = when, title = "Plenarprotokoll " .. pl, url = urls[pl]} end
      rec.events = rec.events or {}
      rec.events[#rec.events + 1] = {date = when, label = head}
    else
      error("unrecognised Fundstelle in the Vorgang " .. tostring(rec.title) .. ": " .. line)
    end
    if n then
      local kind = akind == "answer" and "answer" or (akind and "other" or "question")
      rec.documents[#rec.documents + 1] = {number = n, kind = kind, date = when, url = urls[n],
        title = kind == "other" and label or nil}
    end
  end
  if not question then error("no Kleine/Große Anfrage among the Fundstellen of " .. tostring(rec.title)) end
  rec.number = question.number or (rec.documents[1] or error("no Drucksache in " .. rec.title)).number
  rec.term, rec.id = rec.number:match("^(%d+)/"), "de-ni:" .. rec.number
  local w = {}
  if not question.date then w[#w + 1] = "dates.asked: the Fundstelle of the question prints no date" end
  if not question.number then w[#w + 1] = "number: the question prints no Drucksache; the answer's is used" end
  rec.warnings = #w > 0 and w or nil
  rec.status = #rec.answers > 0 and "answered" or "unanswered"
  if #rec.answers == 0 then rec.answers = nil end
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
