-- de-bb.lua: Kleine and Große Anfragen of the Landtag Brandenburg, in both templates of its
-- documentation system (starweb):
-- 1. ELVIS (parlamentsdokumentation.brandenburg.de, since 2015), "Kurzanzeige" result lists:
--    one div[name=RecordRepeater] per Vorgang below div[name=ReportGenerated], with the
--    keyword (a.theslink), the title (h4), the type and its own number (OFR_BASIS2 "Kleine
--    Anfrage 1315"), askers, date and Drucksache (OFR_BASIS3 " Thomas Jung (AfD), Andreas
--    Kalbitz (AfD)  07.12.2015 Drucksache 6/3143 Neudruck (1 S.)"), the PDF, and in
--    Repeat_DBE the later papers ("Antwort (LReg)  30.12.2015 Drucksache 6/3264 (2 S.)").
--    A search for one number gives the same layout with one entry (the peer's "detail").
-- 2. PARLDOK-BB (parldok.brandenburg.de, until 2015), the "Vollanzeige" of one paper: the
--    keyword and title rows, then the Vorgang cut at <br>: "GrAnfr 1 (CDU) 12.11.2014 Drs
--    6/114 (8 S.)", "Antw (LReg) 12.02.2015 Drs 6/614 (54 S.) Anlagen (2)", motions
--    (EntschlAntr, a title line may follow), "Aussprache PlPr 6/8 18.03.2015 (S. 443-450) ,
--    BePr 6/8", the decision "(Beschl: ...)" and the speakers ("Redner:").
-- Two number series: Kleine and Große Anfragen are counted per type ("Kleine Anfrage 1315",
-- "GrAnfr 1") beside the Drucksachen. The id uses the question's Drucksache (de-bb:6/3143),
-- the per-type number is a documents entry of kind "other". Links resolve against the page's
-- URL (--base-url), else the servlet URL the page posts back to (its form action).

local date, text, re, de = pqx.date, pqx.text, pqx.re, pqx.de

local ABBR = {GrAnfr = "Große Anfrage", KlAnfr = "Kleine Anfrage", DringlAnfr = "Dringliche Anfrage",
  Antw = "Antwort", EntschlAntr = "Entschließungsantrag"}
-- "<who> DD.MM.YYYY Drucksache 6/3143 Neudruck (1 S.)", in PARLDOK "<who> DD.MM.YYYY Drs 6/114 (8 S.)"
local PAPER = re.compile([[^(.*?)\s*(\d\d\.\d\d\.\d{4})\s+(?:Drucksache|Drs)\s+(\d+/\d+)\s*(Neudruck)?]]
  .. [[(?:.*Anlagen \((\d+)\))?]])

local function fail(fmt, ...) error(string.format(fmt, ...), 2) end

-- "Thomas Jung (AfD), Andreas Kalbitz (AfD)" (members) or "(SPD,DIE LINKE)" (groups, by party only):
-- a record with the question's paper first and the per-type number ("Kleine Anfrage 1315") second
local function new_record(kind, series, p, title, url)
  local qtype, name = de.question_type(kind)
  if not qtype then fail("%q (%s) is not a Kleine or Große Anfrage", kind, p.number) end
  local parties = p.who:match("^%((.+)%)$")
  return {schema = "pqx.question/1", id = "de-bb:" .. p.number, parliament = "de-bb", term = p.number:match("^%d+"),
    number = p.number, type = qtype, lang = "de", page_lang = "de", title = text.squish(title),
    authors = assert(de.authors(parties and parties:gsub(",%s*", ", ") or p.who)), dates = {asked = p.date},
    documents = {{number = p.number, kind = "question", date = p.date, url = url, title = p.reprint},
      series and {number = series, kind = "other", title = name .. " " .. series} or nil},
    extra = {doc_type = name, anlagen = p.anlagen and {[p.number] = p.anlagen}}, status = "unanswered"}
end

local function paper(s, where)
  local who, when, number, reprint, anlagen = PAPER:match(text.squish(s))
  if not who then fail("%s: no 'DD.MM.YYYY Drucksache N/N' in %q", where, text.squish(s)) end
  return {who = who, date = date.parse(when, "de") or fail("%s: bad date %q", where, when), number = number,
    reprint = reprint or nil, anlagen = anlagen and tonumber(anlagen) or nil}
end

-- a later paper; "Antwort (LReg)" is the answer. "Anlagen (2)" is a JavaScript link: only the count is kept
local function later(rec, p, doc)
  local by = re.match(p.who, [[^(?:Antwort\s+)?\((.+)\)$]])
  if p.anlagen then rec.extra.anlagen = rec.extra.anlagen or {} rec.extra.anlagen[p.number] = p.anlagen end
  doc.number, doc.date, doc.kind = p.number, p.date, doc.kind or "other"
  if doc.kind == "answer" then
    rec.status, rec.dates.answered = "answered", rec.dates.answered or p.date
    rec.answers = rec.answers or {}
    rec.answers[#rec.answers + 1] = {kind = "answer", date = p.date, by = by or p.who}
  end
  rec.documents[#rec.documents + 1] = doc
  return doc
end

-- ELVIS: one Vorgang of a result list
local function elvis(item, base)
  local head, basis = item:one("div[name=Repeat_TYP]"), item:one("span[name=OFR_BASIS2]"):text()
  local kind, series = re.match(basis, [[^(.+?)\s+(\d+)$]]) -- "Kleine Anfrage 1315", or no number
  if not de.question_type(kind or basis) then return nil, basis end
  local function pdf(node) -- the PDF link in node
    local a = node and node:select1("a[href$='.pdf']")
    return a and pqx.url.resolve(base, a:attr("href"))
  end
  local q = paper(head:one("span[name=OFR_BASIS3]"):text(), basis)
  local rec = new_record(kind or basis, series, q, head:one("h4"):text(), pdf(head))
  rec.source, rec.status = {kind = "list"}, nil -- a list without an answer row does not say there is none
  rec.keywords = head:select("a.theslink"):texts()
    :map(function(k) return {label = k, scheme = "elvis-thesaurus", lang = "de"} end)
  rec.extra.elvis_id = re.match(head:one("a[name=MoreLink]"):attr("onclick") or "", [['ID=(D-\d+)']])
  for _, row in ipairs(item:select("div[name=Repeat_DBE] div.topic2")) do
    local p = paper(row:text(), rec.number)
    local answer = re.find(p.who, [[^Antwort\s+\(]])
    later(rec, p, {url = pdf(row:next()), kind = answer and "answer", title = not answer and p.who or p.reprint})
  end
  return rec
end

-- PARLDOK: the Vorgang lines of a Vollanzeige
local function parldok(doc, base)
  local cell = doc:one([[td:not(:has(table)):pqx-matches(/^(GrAnfr|KlAnfr|DringlAnfr)\s/)]])
  local title_row = cell:closest("table"):closest("tr"):prev()
  local rec, last
  for _, l in ipairs(de.lines(cell, {base = base})) do
    if l.text == "" then goto next_line end -- a blank line between steps
    local step, series, rest = re.match(l.text, [[^(\w+)\s+(\d+)?\s*(.*)$]])
    local label, when = step and ABBR[step], date.find(l.text)
    if not rec then
      if not label then fail("the Vorgang starts with %q, not with an Anfrage", l.text) end
      rec = new_record(label, series or nil, paper(rest, l.text), title_row:one("> td:nth-child(2)"):text(), l.urls[1])
      rec.events = {}
    elseif label == "Antwort" or label == "Entschließungsantrag" then
      local p = paper(rest, l.text)
      local kind = label == "Antwort" and "answer"
      last = later(rec, p, {url = l.urls[1], kind = kind, title = text.trim(label .. " " .. p.who)})
    elseif step == "Aussprache" then -- "PlPr 6/8  18.03.2015 (S. 443-450) , BePr 6/8": protocols
      for i, m in ipairs(re.all(rest, [[(PlPr|BePr)\s+(\d+/\d+)]])) do
        rec.documents[#rec.documents + 1] = {number = m[2], kind = "other", url = l.urls[i],
          title = m[1] == "PlPr" and "Plenarprotokoll" or "Beschlussprotokoll", date = m[1] == "PlPr" and when or nil}
      end
      last = nil
    elseif l.text:find("^%(Beschl:") then
      rec.extra.decision = l.text:match("^%(Beschl:%s*(.-)%)?$")
    elseif last and last.kind == "other" then -- a motion's own title
      last.title, last = last.title .. ": " .. l.text, nil
    else
      fail("unknown PARLDOK Vorgang line %q", l.text)
    end
    if when then rec.events[#rec.events + 1] = {date = when, label = l.text} end
    ::next_line::
  end
  -- "Redner:", one line per protocol: "PlPr 6/8: Schier, Roswitha (CDU) S. 443-444; Lehmann, Sylvia (SPD) ..."
  rec.extra.speakers = re.all(doc:select_text("td.klein") or "", [[PlPr \d+/\d+:[^\n]+]])
  rec.keywords = title_row:prev():select("b a"):map(function(a) return {label = text.squish(a:parent():text()),
    scheme = "parldok-thesaurus", lang = "de"} end)
  rec.extra.stand = date.parse(re.match(doc:select_text("td.quelle") or "", [[Stand:\s*(\S+)]]) or "", "de")
  return rec
end

local function extract(doc, ctx)
  local form = doc:select1("form[name=__form][action]")
  local base = ctx.url or (form and form:url()) or doc.base_url
  local out, skipped = {}, {}
  if doc:select1("div[name=ReportGenerated]") then
    for _, item in ipairs(doc:select("[name=RecordRepeater]:has(> [name=Repeat_TYP])", {min = 1})) do
      out[#out + 1], skipped[#skipped + 1] = elvis(item, base) -- a record, or nil and the type of a paper skipped
    end
  elseif doc:select1("div[name=IfReportGenerated] h2:pqx-contains('Vollanzeige')") then
    out[1] = parldok(doc, base)
  else
    fail("neither an ELVIS result list (div[name=ReportGenerated]) nor a PARLDOK Vollanzeige")
  end
  local n = #skipped
  if n > 0 then ctx.warn(("not a Kleine or Große Anfrage, skipped (%d): %s"):format(n, table.concat(skipped, ", "))) end
  for _, rec in ipairs(out) do rec.source_url = ctx.url end
  return out
end

return {
  name = "de-bb",
  version = "1.0.0",
  description = "Landtag Brandenburg Kleine/Große Anfragen (ELVIS result lists, PARLDOK Vollanzeige)",
  base_url = "https://www.parlamentsdokumentation.brandenburg.de/starweb/LBB/ELVIS/servlet.starweb",
  extract = extract,
}
