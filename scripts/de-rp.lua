-- de-rp.lua: Kleine, Große and Mündliche Anfragen of the Landtag Rheinland-Pfalz, as its
-- documentation system OPAL (opal.rlp.de, starweb) shows them. One template serves the
-- document view ("Vollanzeige" of one Drucksache: the detail page) and the result lists
-- (Vorgänge or documents): each <tbody name="RecordRepeater"> is one Vorgang with
--   tr[name$=WHED]  the descriptor (thesaurus link) and, in lists, "ID 17D136"
--   tr[name$=WHET]  the title
--   tr[name$=HA]    an abstract (lists only)
--   tr[name$=Fund]  the Fundstellen, one <br>-separated line per document:
--     "Kleine Anfrage  Ralf Seekatz (CDU), Gabriele Wieland (CDU) 20.06.2016 Drucksache 17/181 (1 S.)"
--     "Antwort zu Drs 17/181  Ralf Seekatz (CDU), ..., Ministerium für Bildung 13.07.2016 Drucksache 17/435"
--     term 16 prints question and answer in one Drucksache, with the question's own
--     sequence number: "Kleine Anfrage 3005  Dorothea Schäfer (CDU) und Antwort Ministerium ... 13.02.2015
--     Drucksache 16/4608 (5 S.)"; a Große Anfrage names its Fraktionen only ("Große Anfrage  CDU ...");
--     then "Antwort (Ergänzung)", "Unterrichtung", "PlPr 16/67 20.02.2014 S. 4401-4407", "* Für erledigt erklärt".
-- number = the question's Drucksache (term 16 Kleine Anfragen: the joint one; its own
-- "Kleine Anfrage 3005" series is a documents entry of kind other; an oral question in a
-- Sammeldrucksache "17/180 ... (Nr. 1)" gets the id de-rp:17/180-1); every
-- Drucksache, Vorlage and Plenarprotokoll line goes to documents, every dated line to events.
-- A page with one record is the detail view; with several it is a list (source.kind "list").

local date, text, re, de = pqx.date, pqx.text, pqx.re, pqx.de

local DATE = [[(\d\d\.\d\d\.\d{4})]]
-- "<head> 13.07.2016 Drucksache 17/435" (or "Vorlage 16/5237"); "<head> in PlPr 17/5 23.06.2016"
local DOC_LINE = re.compile([[^(.*?)\s*]] .. DATE .. [[\s+(Drucksache|Vorlage)\s+(\d+/\d+)]])
local PLPR_LINE = re.compile([[^(.*?)\s*\b(PlPr|APr)\b.*?(\d+/\d+)(?:\s*\([^)]*\))?\s+]] .. DATE)
-- where one answering body ends and the next begins
local BODY_START = [[,\s*(?=Ministerium|Staatskanzlei|Landesregierung|Minister)]]

local function fail(fmt, ...) error(string.format(fmt, ...), 2) end


-- "Ralf Seekatz (CDU), Ministerium für Bildung" -> "Ministerium für Bildung": drop the askers
local function answering(who)
  return (re.gsub(who, [[^(?:[^,()]+\([^()]*\),\s*)+]], ""))
end

local function parse_fund(cell, rec)
  local urls = {}
  for _, a in ipairs(cell:select("a[href]")) do urls[text.squish(a:text())] = a:url() end
  local question
  for _, line in ipairs(text.lines(cell:text())) do
    local head, when, series, drs = DOC_LINE:match(line)
    local doc_kind = "other"
    if not head then
      head, series, drs, when = PLPR_LINE:match(line)
    end
    local iso = when and assert(date.parse(when, "de"))
    if iso then
      rec.events[#rec.events + 1] = {date = iso, label = line}
    else -- "* Für erledigt erklärt", "Überw: SozialA",
      -- "* Tritt an die Stelle der Mündlichen Anfrage Drs 17/180 (Nr. 9)"
      local t, n, nr = re.match(line, [[Stelle der Mündlichen Anfrage Drs\.?\s*(\d+)/(\d+)\s*\(Nr\.\s*(\d+)\)]])
      if t then rec.related = {{id = string.format("de-rp:%s/%s-%s", t, n, nr), relation = "replaces"}} end
      rec.extra.notes = rec.extra.notes or {}
      table.insert(rec.extra.notes, line)
    end
    head = head and head:gsub("^dazu:%s*", "") or ""
    local qtype = re.match(head, [[^(Kleine Anfrage|Große Anfrage|Mündliche Anfrage)\b]])
    if qtype and not question and drs then
      -- oral questions share a Sammeldrucksache: "17/180 (4 S.) (Nr. 1)"
      question = {type = qtype, date = iso, drs = drs, nr = re.match(line, [[\(Nr\.\s*(\d+)\)]])}
      local ka, who, by = re.match(head, [[^Kleine Anfrage (\d+)\s+(.+?) und Antwort (.+)$]])
      if ka then -- term 16: question and answer in one Drucksache
        question.ka = ka
        rec.answers[#rec.answers + 1] = {kind = "answer", date = iso, by = by}
        doc_kind = "answer"
      else
        who = head:sub(#qtype + 2):gsub("%s+in:.*$", "")
        doc_kind = "question"
      end
      question.authors = assert(de.authors(text.trim(who)))
    elseif head:find("^Antwort") and question then
      local supplement = head:find("^Antwort %(Ergänzung%)")
      local who = re.gsub(head, [[^Antwort(?:\s*\(Ergänzung\))?(?:\s+zu Drs\.?\s*\d+/\d+)?\s*]], "")
      rec.answers[#rec.answers + 1] = {kind = supplement and "supplementary" or "answer",
        date = iso, by = answering(who:gsub("%s+in$", ""))}
      doc_kind = "answer"
    end
    if drs then
      rec.documents[#rec.documents + 1] = {number = drs, kind = doc_kind, date = iso,
        url = urls[drs] or urls[re.match(line, [[S\.\s*(\d+)]]) or ""],
        title = series ~= "Drucksache" and series or nil}
    end
  end
  return question
end

local function record(body, list, ctx)
  local title = body:select_text("tr[name$=WHET] > td[colspan]")
  local opal_id = re.match(body:select_text("tr[name$=WHED] .rechtsbuendig") or "", [[ID\s+(\S+)]])
  local cell = body:select1("tr[name$=Fund] > td:last-child")
  if not cell then -- OPAL lists some Vorgänge without any document: nothing to number them by
    if not (list and title) then fail("OPAL record %q has no Fundstellen row (tr[name$=Fund])", title or "?") end
    ctx.warn(string.format("Vorgang %s %q lists no Fundstellen (no Drucksache): skipped", opal_id or "?", title))
    return nil
  end
  local rec = {
    schema = "pqx.question/1", parliament = "de-rp", lang = "de", page_lang = "de", title = title,
    dates = {}, answers = {}, documents = {}, events = {}, extra = {}, warnings = {},
    source = list and {kind = "list"} or nil,
  }
  local q = parse_fund(cell, rec)
  if not q then
    fail("OPAL record %q: no Kleine, Große or Mündliche Anfrage among its Fundstellen: %q",
      title or "?", text.squish(cell:text()))
  end
  rec.term, rec.number = q.drs:match("^(%d+)/"), q.drs
  rec.id = "de-rp:" .. q.drs .. (q.nr and "-" .. q.nr or "")
  rec.extra.sammeldrucksache_nr = q.nr
  rec.type, rec.extra.doc_type, rec.authors = de.question_type(q.type), q.type, q.authors
  if q.ka then -- term 16: question and answer in one Drucksache, the question numbered in its own series
    rec.documents[#rec.documents + 1] = {number = q.ka, kind = "other", title = "Kleine Anfrage " .. q.ka}
    rec.extra.doc_type = "Kleine Anfrage und Antwort"
    rec.warnings[#rec.warnings + 1] = "dates.asked: the page prints only the date of the "
      .. "Drucksache that holds both question and answer"
  else
    rec.dates.asked = q.date
  end
  local kw = body:select_text("tr[name$=WHED] b")
  rec.keywords = kw and {{label = kw, scheme = "opal-thesaurus", lang = "de"}} or nil
  rec.extra.opal_id = opal_id
  rec.summary = body:select_text("tr[name$=_HA] > td[colspan]")
  local first = rec.answers[1]
  rec.status = first and "answered" or "unanswered"
  rec.dates.answered = first and first.date
  local bodies = first and re.split(first.by, BODY_START)
  if bodies and #bodies > 1 then rec.extra.ministries = bodies end
  for _, k in ipairs({"answers", "warnings"}) do
    if #rec[k] == 0 then rec[k] = nil end
  end
  return rec
end

local function extract(doc, ctx)
  local bodies = doc:select("tbody[name=RecordRepeater]", {min = 1})
  local out = {}
  for _, body in ipairs(bodies) do
    if body:select1("tr[name$=Fund]") or body:select1("tr[name$=WHET]") then
      out[#out + 1] = record(body, #bodies > 1, ctx)
    end
  end
  return out
end

return {
  name = "de-rp",
  version = "1.0.0",
  description = "Landtag Rheinland-Pfalz Kleine/Große/Mündliche Anfragen (OPAL detail and result lists)",
  extract = extract,
}
