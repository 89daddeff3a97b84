-- de-bundestag.lua: "Kleine Anfrage" (and "Große Anfrage") procedures of the German
-- Bundestag, as the old DIP21 system shows them (dipbt.bundestag.de). These pages hold
-- metadata only: the question and the answer are PDF Drucksachen, kept as attachments.
--
-- Two templates share the same blocks, each a <fieldset> named by its <h1>:
--   "Basisinformationen über den Vorgang"  <dl> of dt/dd pairs:
--        dd "[ID: 18-83903]" (Wahlperiode-Vorgang), the bookmark link (static URL),
--        dt "18. Wahlperiode", "Vorgangstyp:", an unlabelled dd with the title in <b>,
--        "Initiative:" (one group per line), "Aktueller Stand:", "Wichtige Drucksachen:"
--        ("BT-Drs 18/13575 (Kleine Anfrage)" per line, a.linkDokument to the PDF when
--        there is one), "Sachgebiete:" ("A;<br>B")
--   "Inhalt"          the documentalists' abstract (the record's summary)
--   "Schlagwörter"    "A; B; <i>C</i>; D"
--   "Vorgangsablauf"  one <dl class=vorgangsablaufTitel> per step ("Kleine Anfrage,
--        Urheber: Fraktion DIE LINKE") followed by <dl class=vorgangsablauf>: the
--        Fundstelle "13.09.2017 - BT-Drucksache 18/13575" and, in dd.normal, the
--        signatories "Martina Renner, MdB, DIE LINKE, Kleine Anfrage" and "und andere".
-- Three views of one Vorgang, each a source of its own (source.view), which the store
-- merges into one question (docs/schema.md, "A question is made of pages"):
-- 1. "extract": the static page (extrakt/ba/WP18/839/83903.html, "DIP21 Extrakt") has
--    all four blocks.
-- 2. "basisinfo": the search application's "Basis-Info" tab
--    (dip21.web/.../simple_search_detail.do) has no Vorgangsablauf (it is another tab),
--    hence no dates, no signatories and no answering ministry; and it may show the
--    Schlagwörter collapsed (an "aufklappen" link, showAllDesc=all). Its record leaves
--    dates.asked out with a warning that says why: we do not guess a date.
-- 3. "ablauf": the "Vorgangsablauf" tab (.../simple_search_detail_vp.do) has no
--    Basisinformationen: only the Wahlperiode, the Vorgangstyp and the title, then the
--    steps. The Vorgang number is in the hidden form field vorgangId (and the tab links);
--    the status follows from the steps (an "Antwort" step means answered). It has the
--    PDF of every step, also of an answer the extract lists without one.
-- Each page also hides a <VORGANG> XML record in an HTML comment (read with the comment
-- node's raw_text()). We read it for ONE thing the visible page lacks: the full
-- Schlagwörter list when the visible one is collapsed (extra.from_xml then says so). On the Basis-Info tab the XML's
-- VORGANGSABLAUF is an empty placeholder, so it cannot supply the dates either.
--
-- Choices: id = "de-bundestag:<Wahlperiode>-<Vorgang>" as the page prints it in
-- "[ID: 18-83903]": the site's own key of the procedure (question and answer together),
-- also in its static URL, present from the start. number = the question's Drucksache
-- ("18/13575"), how a Kleine Anfrage is cited. authors = the signatories (party = their
-- Fraktion) followed by the Initiative (the Fraktion, party = its name without
-- "Fraktion"). answers[1].by = the lead ministry of the answer's Urheber; the question
-- is addressed to the Bundesregierung by rule, which the page does not print, so
-- addressees is left out. Keyword schemes: "dip-sachgebiet" (Sachgebiete, the subject
-- areas) and "dip-schlagwort" (Schlagwörter, the descriptors).

local date, text, re, de = pqx.date, pqx.text, pqx.re, pqx.de

local TYPES = {["Kleine Anfrage"] = "written", ["Große Anfrage"] = "interpellation"}
-- "Aktueller Stand" of a procedure without an answer Drucksache
local STANDS = {
  ["Noch nicht beantwortet"] = "unanswered",
  ["Erledigt durch Ablauf der Wahlperiode"] = "lapsed",
  ["Zurückgezogen"] = "withdrawn",
}

local function fail(msg, ...)
  error(string.format(msg, ...), 2)
end

-- the <fieldset> whose own <h1> says heading
local function block(doc, heading, required)
  local css = string.format("fieldset:has(> h1:pqx-contains(%q))", heading)
  return required and doc:one(css) or doc:select1(css)
end

-- non-empty lines of a node's text, each cut at ";" too
local function items(node)
  local out = {}
  for _, line in ipairs(text.lines(node:text())) do
    for piece in line:gmatch("[^;]+") do
      piece = text.trim(piece)
      if piece ~= "" then out[#out + 1] = piece end
    end
  end
  return out
end

-- the "Label:" dd nodes of the Basisinformationen block, by normalised label
local function labelled(basis)
  local out = {}
  for _, f in ipairs(select(2, pqx.fields(basis, {lines = false}))) do
    out[f.key] = f.node
  end
  return out
end

-- "BT-Drs 18/13575 (Kleine Anfrage)" lines, with the PDF of the linked ones
local function drucksachen(dd)
  local urls = {}
  for _, a in ipairs(dd:select("a[href]")) do
    local n = re.match(a:text(), [[(\d+/\d+)]])
    if n then urls[n] = {url = a:url(), title = text.squish(a:text())} end
  end
  local out = {}
  for _, line in ipairs(text.lines(dd:text())) do
    local n, kind = re.match(line, [[^\S+-Drs\s+(\d+/\d+)\s*\((.+)\)$]])
    if not n then fail("unrecognised line under 'Wichtige Drucksachen': %q", line) end
    local link = urls[n] or {}
    out[#out + 1] = {number = n, type = kind, url = link.url, title = link.title}
  end
  return out
end

-- the steps of the Vorgangsablauf: {label, date, drucksache, persons, others}
local function steps(block_, warnings)
  local out = {}
  for _, head in ipairs(block_:select("dl.vorgangsablaufTitel", {min = 1})) do
    local body = head:next()
    if not (body and body:matches("dl.vorgangsablauf")) then
      fail("Vorgangsablauf step %q has no dl.vorgangsablauf after it", head:text())
    end
    local fundstelle = text.lines(body:one("> dd"):text())[1] or ""
    local when, ref = re.match(fundstelle, [[^(\d\d?\.\d\d?\.\d{4})\s*-\s*(.+)$]])
    local step = {label = head:one("> dd"):text(), persons = {}, others = false}
    local pdf = body:select1("> dd > a.linkDokument[href]")
    step.url = pdf and pdf:url() or nil
    if when then
      step.date = date.parse(when, "de")
      step.drucksache = re.match(ref, [[Drucksache\s+(\d+/\d+)]])
    else
      warnings[#warnings + 1] = "Vorgangsablauf: no date in " .. string.format("%q", fundstelle)
    end
    for _, line in ipairs(body:select("dd.normal"):map(function(dd) return dd:text() end)) do
      for _, who in ipairs(text.lines(line)) do
        if who:find("^und andere") then
          step.others = true
        else
          step.persons[#step.persons + 1] = who
        end
      end
    end
    out[#out + 1] = step
  end
  return out
end

-- "Dr. André Hahn, MdB, DIE LINKE, Kleine Anfrage": name, function, Fraktion, activity
local function person(raw)
  local f = text.split(raw, ",")
  for i, v in ipairs(f) do f[i] = text.trim(v) end
  return {name = f[1], party = #f >= 4 and f[#f - 1] or nil, raw = raw}
end

-- the <VORGANG> XML record in a comment before the block: its SCHLAGWORT values
local function xml_keywords(basis)
  local node = basis:prev_node()
  while node do
    if node.type == "comment" and node:raw_text():find("<VORGANG>", 1, true) then
      local out = {}
      for kw in node:raw_text():gmatch("<SCHLAGWORT[^>]*><!%[CDATA%[(.-)%]%]></SCHLAGWORT>") do
        out[#out + 1] = text.squish(kw)
      end
      return out
    end
    node = node:prev_node()
  end
end

local function keywords(doc, basis, fields, rec)
  local out = {}
  if fields.sachgebiete then
    for _, s in ipairs(items(fields.sachgebiete)) do
      out[#out + 1] = {label = s, scheme = "dip-sachgebiet", lang = "de"}
    end
  end
  local sw = block(doc, "Schlagwörter", false)
  if not sw then return out end
  local labels = items(sw:one("dd"))
  if sw:select1("a[href*=showAllDesc]") then -- collapsed: the page shows only a part
    local all = xml_keywords(basis)
    if all then
      local known = {}
      for _, k in ipairs(all) do known[k] = true end
      for _, k in ipairs(labels) do
        if not known[k] then
          rec.warnings[#rec.warnings + 1] = "keywords: " .. k .. " is shown but not in the XML record"
        end
      end
      labels = all
      rec.extra.from_xml = {"keywords (dip-schlagwort): the visible list is collapsed"}
    else
      rec.warnings[#rec.warnings + 1] = "keywords: the page shows only part of the Schlagwörter"
    end
  end
  for _, k in ipairs(labels) do
    out[#out + 1] = {label = k, scheme = "dip-schlagwort", lang = "de"}
  end
  return out
end

-- the answer of a step list: {kind, date, by} and the Urheber, or nil
local function answer_of(step, rec)
  local a = {kind = "answer", date = step and step.date}
  local urheber = step and step.label:match("Urheber:%s*(.+)$")
  if urheber then
    rec.extra.answer_originator = urheber
    local who = urheber:gsub("^Bundesregierung,%s*", "")
    a.by = who:match("^(.-)%s*%(federführend%)") or who
  end
  return a
end

-- signatories of the question's step, with the "und andere" warning
local function signatories(qstep, rec)
  if not qstep then return end
  for _, raw in ipairs(qstep.persons) do rec.authors[#rec.authors + 1] = person(raw) end
  if qstep.others then
    rec.warnings[#rec.warnings + 1] = "authors: the page names only the first signatories (\"und andere\")"
  end
end

-- "Fraktion DIE LINKE": kind "group", party "DIE LINKE"
local function group_author(group)
  return assert(de.author(group))
end

-- a Drucksache of the procedure as a documents entry: the question's, the answer's, or other
local function document(d, vtyp)
  return {number = d.number, kind = d.type == vtyp and "question" or d.type == "Antwort" and "answer" or "other",
    date = d.date, url = d.url, title = d.type}
end

-- term, Vorgangstyp, type and title from a block with "NN. Wahlperiode" and "Vorgangstyp:"
local function heading(node, fields)
  local wp = re.match(node:one("dt:pqx-contains('Wahlperiode')"):text(), [[(\d+)\.]])
  if not fields.vorgangstyp then fail("no 'Vorgangstyp:' on the page") end
  local vtyp = fields.vorgangstyp:text()
  local qtype = TYPES[vtyp]
  if not qtype then fail("Vorgangstyp %q is not a question procedure", vtyp) end
  local titles = node:select("dd > b"):filter(function(b) return not b:text():find("^%[ID") end)
  if #titles ~= 1 then fail("expected one title (dd > b), found %d", #titles) end
  return wp, vtyp, qtype, titles[1]:text()
end

local function new_record(view, term, vorgang, vtyp, qtype, title)
  return {
    schema = "pqx.question/1",
    source = {view = view},
    id = "de-bundestag:" .. term .. "-" .. vorgang,
    parliament = "de-bundestag",
    term = term,
    type = qtype,
    lang = "de",
    page_lang = "de",
    title = title,
    authors = {},
    dates = {},
    extra = {vorgangstyp = vtyp},
    warnings = {},
  }
end

local function finish(rec)
  if #rec.authors == 0 then rec.warnings[#rec.warnings + 1] = "authors: none on the page" end
  if #rec.warnings == 0 then rec.warnings = nil end
  return {rec}
end

-- the Vorgangsablauf tab: heading block, then the steps
local function ablauf_view(doc)
  local head = doc:one("fieldset:has(> dl > dt:pqx-contains('Vorgangstyp'))")
  local fields = labelled(head)
  local term, vtyp, qtype, title = heading(head, fields)
  local vorgang = doc:one("input[name=vorgangId]"):attr("value")
  if not (term and vorgang and vorgang:find("^%d+$")) then
    fail("no Wahlperiode and vorgangId on the Vorgangsablauf page")
  end
  local rec = new_record("ablauf", term, vorgang, vtyp, qtype, title)
  rec.events = {}
  local question, answer
  rec.documents = {}
  rec.attachments = {}
  for _, s in ipairs(steps(doc, rec.warnings)) do
    if s.date then rec.events[#rec.events + 1] = {date = s.date, label = s.label} end
    local kind = s.label:match("^(.-),%s*Urheber") or s.label
    if s.drucksache then
      rec.documents[#rec.documents + 1] =
        document({number = s.drucksache, type = kind, date = s.date, url = s.url}, vtyp)
      if s.url then
        rec.attachments[#rec.attachments + 1] =
          {title = "BT-Drucksache " .. s.drucksache, url = s.url, kind = "pdf"}
      end
    end
    if kind == vtyp and not question then question = s end
    if kind == "Antwort" and not answer then answer = s end
  end
  if not (question and question.drucksache) then fail("no %s step with a Drucksache", vtyp) end
  rec.number = question.drucksache
  rec.dates.asked = question.date
  if not rec.dates.asked then
    rec.warnings[#rec.warnings + 1] = "dates.asked: the page gives no date for Drucksache " .. rec.number
  end
  signatories(question, rec)
  local group = question.label:match("Urheber:%s*(.-)%s*$")
  if group and group ~= "" then rec.authors[#rec.authors + 1] = group_author(group) end
  if answer then
    rec.answers = {answer_of(answer, rec)}
    rec.dates.answered = answer.date
    rec.status = "answered"
  else
    rec.status = "unanswered"
    rec.warnings[#rec.warnings + 1] = "status: the Vorgangsablauf lists no answer (the page prints no Stand)"
  end
  if #rec.attachments == 0 then rec.attachments = nil end
  return finish(rec)
end

local function extract(doc, ctx)
  local basis = block(doc, "Basisinformationen", false)
  if not basis then return ablauf_view(doc, ctx) end
  local fields = labelled(basis)
  local term, vorgang = re.match(basis:text(), [=[\[ID:\s*(\d+)-(\d+)\]]=])
  if not term then fail("no [ID: <Wahlperiode>-<Vorgang>] in the Basisinformationen") end
  local wp, vtyp, qtype, title = heading(basis, fields)
  if wp ~= term then fail("Wahlperiode %s does not match the ID %s-%s", wp, term, vorgang) end

  -- the Vorgangsablauf (static page only): dates, signatories, answering ministry
  local ablauf = block(doc, "Vorgangsablauf", false)
  local rec = new_record(ablauf and "extract" or "basisinfo", term, vorgang, vtyp, qtype, title)
  local link = basis:select1("a[href*='/extrakt/']")
  rec.source_url = link and link:url() or nil

  -- Drucksachen: the question's (same type as the procedure) and the answer
  if not fields.wichtige_drucksachen then fail("no 'Wichtige Drucksachen:' on the page") end
  local drs = drucksachen(fields.wichtige_drucksachen)
  local question, answer
  for _, d in ipairs(drs) do
    if d.type == vtyp and not question then question = d end
    if d.type == "Antwort" and not answer then answer = d end
  end
  if not question then fail("no %s among the Wichtige Drucksachen", vtyp) end
  rec.number = question.number

  local by_drs = {}
  if ablauf then
    rec.events = {}
    for _, s in ipairs(steps(ablauf, rec.warnings)) do
      if s.date then rec.events[#rec.events + 1] = {date = s.date, label = s.label} end
      if s.drucksache then by_drs[s.drucksache] = s end
    end
  else
    rec.warnings[#rec.warnings + 1] = "no Vorgangsablauf on this page (the DIP21 Basis-Info tab): "
      .. "no dates, signatories or answering ministry; the static page has them"
  end
  for _, d in ipairs(drs) do
    d.date = by_drs[d.number] and by_drs[d.number].date
  end

  rec.dates.asked = question.date
  if not rec.dates.asked then
    rec.warnings[#rec.warnings + 1] = "dates.asked: the page gives no date for Drucksache " .. question.number
  end
  signatories(by_drs[question.number], rec)
  if fields.initiative then
    for _, group in ipairs(text.lines(fields.initiative:text())) do
      rec.authors[#rec.authors + 1] = group_author(group)
    end
  end

  if answer then
    rec.answers = {answer_of(by_drs[answer.number], rec)}
    rec.dates.answered = answer.date
  end

  local stand = fields.aktueller_stand and fields.aktueller_stand:text()
  rec.extra.stand = stand
  if answer then
    rec.status = "answered"
  else
    rec.status = STANDS[stand or ""]
    if not rec.status then fail("unknown 'Aktueller Stand' %q and no answer Drucksache", stand) end
  end

  rec.keywords = keywords(doc, basis, fields, rec)
  local inhalt = block(doc, "Inhalt", false)
  rec.summary = inhalt and inhalt:one("dd"):text() or nil

  rec.attachments = {}
  rec.documents = {}
  for _, d in ipairs(drs) do
    rec.documents[#rec.documents + 1] = document(d, vtyp)
    if d.url then rec.attachments[#rec.attachments + 1] = {title = d.title, url = d.url, kind = "pdf"} end
  end
  return finish(rec)
end

return {
  name = "de-bundestag",
  version = "1.2.0",
  description = "German Bundestag Kleine/Große Anfrage procedures (DIP21 procedure pages, metadata and PDF links)",
  extract = extract,
}
