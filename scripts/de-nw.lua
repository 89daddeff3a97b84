-- de-nw.lua: Kleine and Große Anfragen of the Landtag Nordrhein-Westfalen, from the result
-- lists of its Parlamentsdatenbank (landtag.nrw.de, Suchergebnisse_Ladok.jsp). The pages
-- declare iso-8859-1 but are UTF-8; pqx reads them as UTF-8 and warns.
--
-- table > tr > td:nth-child(3), one per hit:
--   p.kurzansicht <b>          the title (p.detailansicht repeats it, hidden)
--   the formal line            "Antwort MSW zu KlAnfr 3349 Drs 16/8498 <a>Drucksache 16/8774</a>
--                              2. Neudruck 27.05.2015 7 S." (a list of answers), or
--                              "Große Anfrage 11 SPD, GRÜNE<br>Römer, Norbert; Herter, Marc u.a.
--                              SPD , Priggen, Reiner; ... GRÜNE <a>Drucksache 16/6049</a> 10.06.2014 13 S."
--   span.detailansicht         hidden until "Details" is clicked, read with text{hidden = true}:
--                              "Anlage: ...", the abstract, "Systematik: A * B", "Schlagworte: ...",
--                              "Region: ...", and the later papers of the Beratungsverlauf
--                              ("Antwort MKULNV <a>Drucksache 16/7576</a> 11.12.2014 191 S.",
--                              "Beratung (öffentlich) <a>Plenarprotokoll 16/85</a> 20.05.2015 ...")
-- The Kurzansicht is a list (source.kind "list"); the Beratungsverlauf of a question (no
-- active tab) shows its whole procedure (a detail record). Kleine and Große Anfragen carry a
-- number of their own ("KlAnfr 3349", "Große Anfrage 11"), kept in documents as kind "other".

local text, re, date, de = pqx.text, pqx.re, pqx.date, pqx.de

local TYPES = {KlAnfr = "Kleine Anfrage", GrAnfr = "Große Anfrage"}
local DRS = [[Drucksache (\d+/\d+)(?: (.+?))? (\d\d\.\d\d\.\d{4}) \d+ S\.$]]
local SCHEMES = {Systematik = "nrw-systematik", Schlagworte = "nrw-schlagwort", Region = "nrw-region"}

-- the text between two nodes, <br> as a line break
local function span_text(from, to)
  local out, n = {}, from:next_node()
  while n and n ~= to do
    out[#out + 1] = n.tag == "br" and "\n" or (n.type ~= "comment" and n:raw_text() or "")
    n = n:next_node()
  end
  return text.lines(table.concat(out))
end

-- a printed paper (title false when the page gives none)
local function doc(rec, kind, number, when, url, title)
  rec.documents[#rec.documents + 1] = {number = number, kind = kind, url = url,
    date = when and date.parse(when, "de"), title = title or nil}
end

-- "Römer, Norbert; Herter, Marc u.a. SPD , Priggen, Reiner; Beer, Sigrid u.a. GRÜNE"
local function signatories(rec, line, parties)
  for i, group in ipairs(text.split(line, " , ", {trim = true})) do
    local party = parties[i] or error("no Fraktion for the signatories " .. group)
    if not text.ends_with(group, " " .. party) then error("signatories " .. group .. " without " .. party) end
    group = group:sub(1, -#party - 2)
    if group:find("%s+u%.a%.$") then
      group = group:gsub("%s+u%.a%.$", "")
      rec.warnings = {"authors: the page names only the first signatories (\"u.a.\")"}
    end
    for _, raw in ipairs(text.split(group, ";", {trim = true})) do
      local surname, given = raw:match("^(.-),%s*(.+)$")
      if not surname then error("signatory " .. raw .. " is not 'Surname, Given'") end
      rec.authors[#rec.authors + 1] = {name = given .. " " .. surname, party = party, raw = raw}
    end
  end
end

local function hit(td, list, ctx)
  local title_p = td:one("p.kurzansicht")
  local details = td:one("span.detailansicht")
  local lines = span_text(title_p, details)
  local rec = {schema = "pqx.question/1", parliament = "de-nw", lang = "de", page_lang = "de",
    title = title_p:text(), documents = {}, keywords = {}, dates = {}, source_url = ctx.url,
    source = list and {kind = "list", view = "kurzansicht"} or {kind = "detail", view = "beratungsverlauf"}}
  local urls = {}
  for _, a in ipairs(td:select("a[href*='dokumentenarchiv/Dokument']")) do
    local number = re.match(a:text(), [[(\d+/\d+)$]])
    if number then urls[number] = a:url() end
  end
  local by, series, n, q, a, note, when = re.match(lines[1] or "",
    [[^Antwort (\S+) zu (KlAnfr|GrAnfr) (\d+) Drs (\d+/\d+) ]] .. DRS)
  local doc_type
  if by then
    doc_type, rec.number = TYPES[series], q
    doc(rec, "question", q)
    doc(rec, "answer", a, when, urls[a], note and "Drucksache " .. a .. ", " .. note)
    rec.answers = {{kind = "answer", by = by, date = date.parse(when, "de")}}
    rec.dates.answered = rec.answers[1].date
  else
    local parties
    doc_type, n, parties = re.match(lines[1] or "", [[^(Kleine Anfrage|Große Anfrage) (\d+) (.+)$]])
    if not doc_type then error("unrecognised formal line: " .. tostring(lines[1])) end
    local who, number, note2, asked = re.match(lines[2] or "", [[^(.*) ]] .. DRS)
    if not who then error("unrecognised signatory line: " .. tostring(lines[2])) end
    rec.number, rec.authors = number, {}
    parties = text.split(parties, ",", {trim = true})
    signatories(rec, who, parties)
    for _, p in ipairs(parties) do rec.authors[#rec.authors + 1] = assert(de.author(p)) end
    rec.dates.asked = date.parse(asked, "de")
    doc(rec, "question", number, asked, urls[number], note2 and "Drucksache " .. number .. ", " .. note2)
  end
  rec.type, rec.extra = assert(de.question_type(doc_type)), {doc_type = doc_type}
  rec.documents[#rec.documents + 1] = {number = n, kind = "other", title = doc_type .. " " .. n}
  rec.term = re.match(rec.number, [[^(\d+)/]])
  rec.id = "de-nw:" .. rec.number
  for _, line in ipairs(text.lines(details:text{hidden = true})) do
    local label, value = line:match("^(%S+):%s*(.+)$")
    local a_by, a_n, a_note, a_when = re.match(line, [[^Antwort (.+?) ]] .. DRS)
    local pl, pl_when = re.match(line, [[Plenarprotokoll (\d+/\d+) (\d\d\.\d\d\.\d{4})]])
    if SCHEMES[label] then
      for _, k in ipairs(text.split(value, "*", {trim = true})) do
        rec.keywords[#rec.keywords + 1] = {label = k, scheme = SCHEMES[label], lang = "de"}
      end
    elseif a_by then
      rec.answers = {{kind = "answer", by = a_by, date = date.parse(a_when, "de")}}
      rec.dates.answered = rec.answers[1].date
      doc(rec, "answer", a_n, a_when, urls[a_n], a_note and "Drucksache " .. a_n .. ", " .. a_note)
    elseif pl then
      doc(rec, "other", pl, pl_when, urls[pl], "Plenarprotokoll " .. pl)
      rec.events = rec.events or {}
      rec.events[#rec.events + 1] = {date = date.parse(pl_when, "de"), label = line}
    elseif re.match(line, DRS) then
      local what, o_n, o_note, o_when = re.match(line, [[^(.+?) ]] .. DRS)
      doc(rec, "other", o_n, o_when, urls[o_n], o_note and (what .. ", " .. o_note) or what)
    elseif label == "Anlage" or label == "Beschluss" then
      rec.extra[text.lower(label)] = value
    elseif not rec.summary then
      rec.summary = line
    else
      error("unrecognised line in the details of " .. rec.number .. ": " .. line)
    end
  end
  rec.status = rec.answers and "answered" or (not list and "unanswered" or nil)
  return rec
end

return {
  name = "de-nw",
  version = "1.0.0",
  description = "Landtag Nordrhein-Westfalen: Kleine and Große Anfragen (Parlamentsdatenbank result lists)",
  base_url = "https://www.landtag.nrw.de/portal/WWW/",
  extract = function(d, ctx)
    local list = d:select1("#ergebnisnavlist li#active") ~= nil
    local records = {}
    for _, td in ipairs(d:select("#content table tr > td:nth-child(3)", {min = 1})) do
      records[#records + 1] = hit(td, list, ctx)
    end
    return records
  end,
}
