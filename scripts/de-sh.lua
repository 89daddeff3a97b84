-- de-sh.lua: Kleine and Große Anfragen of the Schleswig-Holsteinischer Landtag, as its
-- documentation system LIS-SH (lissh.lvn.parlanet.de, starfinder) shows them. The pages
-- are Latin-1 and declare nothing: pqx's default (windows-1252, the same letters for these
-- bytes) reads them right.
-- 1. Result lists ("Kurzübersicht"): one <tr class="tabcol|tabcol3"> per document, a <b>
--    title, then one line: "Kleine Anfrage Hans-Jörn Arp (CDU), Johannes Callsen (CDU) und
--    Antwort Minister/in für Wirtschaft, ... 14.12.2214 Drucksache <a>18/2537</a>", or
--    "Kleine Anfrage und Antwort Uli König (PIRATEN) 29.10.2014 Drucksache 18/2380", with
--    "in Vorbereitung" while the answer is pending; "Antwort Landesregierung 15.02.2012
--    Drucksache 17/2295" for the answer to a Große Anfrage (the list does not say which kind
--    of question it answers, so that record has no type); other documents (Umdruck) are skipped.
-- 2. The document page with its Vorgang: a <td class=tabcol3> head (the document itself),
--    then the Vorgang: descriptor, title, abstract and the Fundstellen, one <br> line each
--    ("Große Anfrage  Anke Erdmann (BÜNDNIS 90/DIE GRÜNEN) 07.10.2011 Drucksache 17/1912",
--    "Antwort  LRg 15.02.2012 Drucksache 17/2295", "Plenarprotokoll 17/74 21.03.2012 S 6371").
-- A Kleine Anfrage and its answer are one Drucksache ("Kleine Anfrage und Antwort"): it is
-- the record's number; a Große Anfrage is numbered by its own Drucksache.

local date, text, re, de = pqx.date, pqx.text, pqx.re, pqx.de

local DATE = [[(\d\d\.\d\d\.\d{4})]]
local DOC_LINE = re.compile([[^(.*?)\s*(?:]] .. DATE .. [[\s+)?Drucksache\s+(\d+/\d+)\s*(.*)$]])
local PLPR_LINE = re.compile([[^Plenarprotokoll\s+(\d+/\d+)\s+]] .. DATE)

local function fail(fmt, ...) error(string.format(fmt, ...), 2) end

-- one "<what> [DATE] Drucksache N [rest]" line -> fields of the question it describes
local function parse_head(head)
  local who = re.match(head, [[^Kleine Anfrage und Antwort\s+(.+)$]])
  if who then return {type = "written", doc_type = "Kleine Anfrage und Antwort", who = who} end
  local by
  who, by = re.match(head, [[^Kleine Anfrage\s+(.*?)\s*und Antwort\s+(.+)$]])
  if who then return {type = "written", doc_type = "Kleine Anfrage", who = who, by = by} end
  who = re.match(head, [[^Große Anfrage\s+(.+)$]])
  if who then return {type = "interpellation", doc_type = "Große Anfrage", who = who} end
  by = re.match(head, [[^Antwort\s+(.+)$]])
  if by then return {doc_type = "Antwort", by = by} end
end

local function new_record(drs, title)
  return {schema = "pqx.question/1", id = "de-sh:" .. drs, parliament = "de-sh",
    term = drs:match("^(%d+)/"), number = drs, lang = "de", page_lang = "de", title = title,
    dates = {}, documents = {}, extra = {}, warnings = {}}
end

local function finish(rec, stand)
  for k, v in pairs(rec.dates) do
    if stand and v > stand then
      rec.warnings[#rec.warnings + 1] = string.format(
        "dates.%s: the page prints %s, later than its own 'Stand' date %s (kept as printed)", k, v, stand)
    end
  end
  if #rec.warnings == 0 then rec.warnings = nil end
  return rec
end

-- a result-list row
local function list_row(row, stand, ctx)
  local cell = row:one("> td:nth-child(2)")
  local title = text.squish(cell:one("> b"):text())
  local lines = text.lines(cell:text())
  local line = lines[#lines]
  local head, when, drs, rest = DOC_LINE:match(line)
  if not head then
    if line:find("^Umdruck") then
      ctx.warn(string.format("row %q is an Umdruck, not a question: skipped", title))
      return nil
    end
    fail("LIS-SH row %q: no 'Drucksache N/M' in %q", title, line)
  end
  local q = parse_head(head)
  if not q then fail("LIS-SH row %q: unknown document %q", title, head) end
  local rec = new_record(drs, title)
  rec.source, rec.type, rec.extra.doc_type = {kind = "list"}, q.type, q.doc_type
  rec.authors = q.who and assert(de.authors(q.who))
  local iso = when and assert(date.parse(when, "de")) or nil
  local pending = rest:find("in Vorbereitung")
  local a = cell:one("a[href*=drucks]")
  rec.documents[1] = {number = drs, kind = pending and "question" or "answer", date = iso, url = a:url()}
  rec.status = pending and "unanswered" or "answered"
  if not pending then
    rec.answers = {{kind = "answer", date = iso, by = q.by}}
    rec.dates.answered = iso
    if not iso then rec.warnings[#rec.warnings + 1] = "dates.answered: the list prints no date" end
  end
  local vorgang = row:select1("a.button1[href]")
  rec.extra.detail_url = vorgang and vorgang:url()
  return finish(rec, stand)
end

-- the document page with its Vorgang
local function detail(doc, stand)
  local fund = doc:one("table.tabcol table td:not(.klein):has(> br):has(> a)")
  local urls, q = {}, nil
  for _, a in ipairs(fund:select("a[href]")) do urls[text.squish(a:text())] = a:url() end
  local events, notes, docs, answers, by_drs = {}, {}, {}, {}, {}
  for _, line in ipairs(text.lines(fund:text())) do
    local head, when, drs = DOC_LINE:match(line)
    local kind = "other"
    if not head then
      drs, when = PLPR_LINE:match(line)
      head = drs and "Plenarprotokoll"
    end
    local iso = when and assert(date.parse(when, "de")) or nil
    if iso then events[#events + 1] = {date = iso, label = line} else notes[#notes + 1] = line end
    local h = head and parse_head(head)
    if h and h.type and not q then
      q = h
      q.drs, q.date, kind = drs, iso, h.by and "answer" or "question"
      if h.by or h.doc_type == "Kleine Anfrage und Antwort" then
        answers[1] = {kind = "answer", date = iso, by = h.by}
      end
    elseif h and h.doc_type == "Antwort" and q then
      answers[#answers + 1] = {kind = "answer", date = iso, by = h.by}
      kind = "answer"
    end
    if kind == "answer" then by_drs[drs] = answers[#answers] end
    if drs then
      docs[#docs + 1] = {number = drs, kind = kind, date = iso, url = urls[drs] or urls[line:match("S%s+(%d+)") or ""],
        title = head == "Plenarprotokoll" and head or nil}
    end
  end
  -- the page's own document, in its head: "Antwort Landesregierung 15.02.2012 Drucksache 17/2295";
  -- its answering body is spelt out there ("LRg" in the Fundstellen)
  for _, line in ipairs(text.lines(doc:one("td.tabcol3"):text())) do
    local head, _, drs = DOC_LINE:match(line)
    local h = head and parse_head(head)
    if h and h.by and by_drs[drs] then by_drs[drs].by = h.by end
  end
  if not q then
    fail("LIS-SH Vorgang: no Kleine or Große Anfrage among the Fundstellen: %q", text.squish(fund:text()))
  end
  local rows = doc:select("table.tabcol:has(table) > tbody > tr > td:nth-child(2)", {min = 3})
  local rec = new_record(q.drs, rows[2]:text())
  rec.type, rec.extra.doc_type, rec.authors = q.type, q.doc_type, assert(de.authors(q.who))
  rec.documents, rec.events, rec.answers = docs, events, answers[1] and answers or nil
  rec.status = answers[1] and "answered" or "unanswered"
  rec.dates.answered = answers[1] and answers[1].date
  if q.doc_type == "Kleine Anfrage und Antwort" then
    rec.warnings[#rec.warnings + 1] = "dates.asked: the page prints only the date of the joint Drucksache"
  else
    rec.dates.asked = q.date
  end
  rec.keywords = {{label = rows[1]:text(), scheme = "lissh-thesaurus", lang = "de"}}
  rec.summary = rows[3]:text():gsub("^%-%s*", ""):gsub("%s*%-$", "")
  rec.extra.notes = notes[1] and notes or nil
  return finish(rec, stand)
end

local function extract(doc, ctx)
  local stand = date.find(doc:select_text("td.quelle") or "", "de")
  if doc:select1("h2:pqx-contains('Kurzübersicht')") then
    local out = {}
    for _, row in ipairs(doc:select("table.tabcol tr.tabcol, table.tabcol tr.tabcol3")) do
      out[#out + 1] = list_row(row, stand, ctx)
    end
    return out
  elseif doc:select1("td:pqx-contains('Gehört zum Vorgang')") then
    return {detail(doc, stand)}
  end
  fail("not a LIS-SH result list (h2 'Kurzübersicht') or document page ('Gehört zum Vorgang')")
end

return {
  name = "de-sh",
  version = "1.0.0",
  description = "Schleswig-Holsteinischer Landtag Kleine/Große Anfragen (LIS-SH result lists and Vorgang pages)",
  extract = extract,
}
