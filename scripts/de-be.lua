-- de-be.lua: Schriftliche and Große Anfragen of the Abgeordnetenhaus Berlin, as PARDOK
-- (pardok.parlament-berlin.de, starweb) shows procedures: in a result list
-- (lisshdisplay), in the one-procedure "fastlink" page (lisshdisplayfl: the detail) and in
-- fragments of one list entry. Each procedure is a run of rows in table.tabcol, ended by a
-- row holding an <hr>; the second cell of each row holds, in this order:
--   <b>title</b> | the type ("Schriftliche Anfrage") | "Schlagwort: A, B" |
--   optional: a place ("Spandau") and/or a one-line abstract | the data cell:
--   "<!--XX-->Susanne Graf (Piraten)<br><a>Drucksache 17/14146</a> vom 03.07.2014" and per
--   step "<u>Folge 1</u><br>Antwort<br>SenBildJugWiss<br><a>Drucksache 17/14146</a> vom
--   14.07.2014", with "Behandlung im Plenum" steps (Plenarprotokoll), "Kommentar:" and
--   "Weitere Dokumente:" lines.
-- The place and the abstract are unlabelled: two rows are place then abstract; a single
-- row is a place when it looks like a place name (at most three capitalised words, no
-- digits or punctuation but "-"), else the abstract. Ministries as printed ("RBm - Skzl -",
-- "SenBildJugWiss, SenBildJugWiss") are split and de-duplicated into extra.ministries;
-- answers[1].by joins them. A Schriftliche Anfrage and its answer share a number (two
-- documents: question, answer); a Große Anfrage's answer has its own Drucksache.

local de, text, re, date = pqx.de, pqx.text, pqx.re, pqx.date

local function fail(msg, ...) error(string.format(msg, ...), 2) end

-- "Drucksache 17/1469 vom 11.02.2014", "Plenarprotokoll 17/38 S. 3831 vom 07.11.2013",
-- "Ausschussprotokoll 17/13768 vom 22.05.2014" -> paper, or nil for any other line
local function paper(line)
  local what, num, when = re.match(line.text,
    [[^(Drucksache|Plenarprotokoll|Ausschussprotokoll)\s+(\d+/\d+)\b.*?(?:\svom\s+(\S+))?$]])
  if not what then return nil end
  return {number = num, title = text.trim(line.text:gsub("%s+vom%s+%S+$", "")), url = line.urls[1],
    date = when and (date.parse(when, "de") or fail("bad date in %q", line.text)), what = what}
end

local function ministries(s, into)
  for m in (s .. " - "):gsub(",%s*", " - "):gmatch("(.-)%s+%-%s*") do
    m = text.trim(m)
    local seen = false
    for _, x in ipairs(into) do seen = seen or x == m end
    if m ~= "" and not seen then into[#into + 1] = m end
  end
end

local function procedure(cells, term, detail)
  if #cells < 4 then fail("procedure with %d rows; expected title, type, keywords, data", #cells) end
  local title, label, data = cells[1]:one("> b"), cells[2]:text(), cells[#cells]
  local qtype, doc_type = de.question_type(label)
  if not qtype then fail("%q is not a question type", label) end
  local kw = re.match(cells[3]:text(), [[^Schlagwort:\s*(.*)$]]) or fail("no 'Schlagwort:' row: %q", cells[3]:text())
  local rest = {}
  for i = 4, #cells - 1 do rest[#rest + 1] = cells[i]:text() end
  local place = #rest == 2 and rest[1] or #rest == 1
    and re.find(rest[1], [[^\p{Lu}[\p{L}-]*(\s\p{Lu}[\p{L}-]*){0,2}$]]) and rest[1] or nil
  local summary = rest[#rest] ~= place and rest[#rest] or nil
  if #rest > 2 then fail("%d unlabelled rows after the keywords; expected at most 2", #rest) end
  local ls = de.lines(data)
  local rec = {
    schema = "pqx.question/1", parliament = "de-be", type = qtype, lang = "de",
    page_lang = "de", title = text.squish(title:text()), summary = summary,
    keywords = {}, documents = {}, events = {}, dates = {}, status = "unanswered",
    source = {kind = detail and "detail" or "list"},
    extra = {doc_type = doc_type, place = place, ministries = {}},
  }
  for _, k in ipairs(kw ~= "" and pqx.names.split_list(kw, {words = {}}) or {}) do
    rec.keywords[#rec.keywords + 1] = {label = k, scheme = "pardok-schlagwort", lang = "de"}
  end
  rec.authors = assert(de.authors(ls[1].text))
  local q = paper(ls[2] or {text = ""}) or fail("no Drucksache after the authors: %q", tostring(ls[2] and ls[2].text))
  q.kind = "question"
  rec.number, rec.id, rec.dates.asked = q.number, "de-be:" .. q.number, q.date
  rec.term = q.number:match("^%d+") -- fragments have no Wahlperiode heading
  if term and term ~= rec.term then fail("Drucksache %s under the heading of Wahlperiode %s", q.number, term) end
  local step, i = {label = doc_type}, 2
  local function add(p)
    rec.documents[#rec.documents + 1] = {number = p.number, kind = p.kind, date = p.date, url = p.url, title = p.title}
    if p.date then rec.events[#rec.events + 1] = {date = p.date, label = step.label} end
  end
  add(q)
  while i < #ls do
    i = i + 1
    local l = ls[i]
    local folge = re.match(l.text, [[^Folge\s+(\d+)$]])
    if folge then
      step = {label = ls[i + 1] and ls[i + 1].text or fail("step %s without a label", folge)}
      i = i + 1
      if step.label == "Antwort" then rec.status, rec.answers = "answered", {{kind = "answer"}} end
    elseif l.text ~= "" then
      local p = paper(l)
      local extra_docs = re.match(l.text, [[^Weitere Dokumente:\s*(.+)$]])
      if p then
        p.kind = step.label == "Antwort" and p.what ~= "Plenarprotokoll" and "answer" or "other"
        if p.kind == "answer" then rec.dates.answered, rec.answers[1].date = p.date, p.date end
        add(p)
      elseif extra_docs then
        rec.attachments = rec.attachments or {}
        for _, u in ipairs(l.urls) do
          local seen = false
          for _, a in ipairs(rec.attachments) do seen = seen or a.url == u end
          if not seen then rec.attachments[#rec.attachments + 1] = {url = u, title = extra_docs, kind = "pdf"} end
        end
      elseif re.find(l.text, [[^Kommentar:]]) or step.label ~= "Antwort" then
        rec.extra.notes = rec.extra.notes or {}
        rec.extra.notes[#rec.extra.notes + 1] = l.text
      else
        ministries(l.text, rec.extra.ministries)
      end
    end
  end
  if rec.answers and #rec.extra.ministries > 0 then rec.answers[1].by = table.concat(rec.extra.ministries, ", ") end
  if #rec.events == 0 then rec.events = nil end
  if #rec.extra.ministries == 0 then rec.extra.ministries = nil end
  return rec
end

local function extract(doc)
  local detail = doc:select1("input[name=__ReportId][value^=Fastlink]") ~= nil
  local out, term, cells = {}, nil, {}
  for _, tr in ipairs(doc:select("table.tabcol tr", {min = 1})) do
    local wp = tr:select1("> th")
    if wp then
      term = re.match(wp:text(), [[^(\d+)\.\s*Wahlperiode$]]) or fail("bad Wahlperiode %q", wp:text())
    elseif tr:select1("hr") then
      if #cells > 0 then out[#out + 1] = procedure(cells, term, detail) end
      cells = {}
    else
      local td = tr:select1("> td:nth-child(2)")
      if td and td:text() ~= "" then cells[#cells + 1] = td end
    end
  end
  if #cells > 0 then fail("%d rows after the last <hr>", #cells) end
  return out
end

return {
  name = "de-be",
  version = "1.0.0",
  description = "Abgeordnetenhaus Berlin: Schriftliche/Große Anfragen from PARDOK procedure lists and pages",
  base_url = "http://pardok.parlament-berlin.de/starweb/AHAB/servlet.starweb",
  extract = extract,
}
