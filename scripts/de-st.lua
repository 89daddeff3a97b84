-- de-st.lua: Kleine and Große Anfragen of the Landtag von Sachsen-Anhalt, as its
-- documentation system PADOKA (padoka.landtag.sachsen-anhalt.de, starweb) shows them.
-- Both views are lists of <li name="RecordRepeater">, each with a title <h1>, a descriptor
-- (strong.descriptor) and a PDF link (a.download):
-- 1. "Dokumente" (the overview): one line p.info per document, "Bezug: Kleine Anfrage und
--    Antwort  Sebastian Striegel (BÜNDNIS 90/DIE GRÜNEN) und Antwort Ministerium für Inneres
--    und Sport 24.04.2015 Drucksache 6/4015 (KA 6/8720) (4 S.)", "Bezug: Antwort
--    Landesregierung 09.02.2015 Drucksache 6/3801 (79 S.)" (the answer to a Große Anfrage:
--    the line does not say to which question) or "Bezug: Plenarprotokoll 6/89 24.04.2015"
--    (a question answered in a sitting: no number of its own, skipped with a page warning).
-- 2. "Vorgänge" (a search by number): an abstract (div.abstract), the descriptors
--    (li[name=Repeat_NE]) and the Fundstellen (div[name=Repeat_Fund] p), e.g. "Kleine Anfrage
--    ohne Antwort Christina Buchheim (DIE LINKE) 19.02.2018 KA 7/1525 (1 S.)".
-- Two number series: a Kleine Anfrage is numbered "KA 7/1525" when it is asked; the answer is
-- printed with it in a Drucksache of the general series ("Drucksache 7/1525 (KA 7/837)").
-- The id uses the Drucksache when there is one (de-st:7/1525), else the KA number
-- (de-st:KA7/1525), so that the two series never collide; both go to documents. The
-- Drucksache "Kleine Anfrage und Antwort" exists only once the answer is in: it is answered.

local date, text, re, de = pqx.date, pqx.text, pqx.re, pqx.de

local DATE = [[(\d\d\.\d\d\.\d{4})]]
local KA_DRS = re.compile([[^Kleine Anfrage und Antwort\s+(.+?)(?:\s+und Antwort\s+(.+?))?\s+]] .. DATE
  .. [[\s+Drucksache\s+(\d+/\d+)(\s+neu)?(?:\s+\(KA\s+(\d+/\d+)\))?]])
local KA_ONLY = re.compile([[^Kleine Anfrage ohne Antwort\s+(.+?)\s+]] .. DATE .. [[\s+KA\s+(\d+/\d+)]])
local OTHER = re.compile([[^(Antwort|Große Anfrage)\s+(.+?)\s+]] .. DATE .. [[\s+Drucksache\s+(\d+/\d+)(\s+neu)?]])

local function fail(fmt, ...) error(string.format(fmt, ...), 2) end


-- one Fundstelle line into rec; false for a plenary reference, error for anything else
local function fundstelle(line, rec, pdf)
  line = line:gsub("^Bezug:%s*", "")
  local who, by, when, drs, neu, ka = KA_DRS:match(line)
  by, neu, ka = by or nil, neu or nil, ka or nil -- groups that did not take part are false
  local kind
  if who then
    kind, rec.type, rec.status, rec.extra.doc_type = "answer", "written", "answered", "Kleine Anfrage und Antwort"
    local unterrichtung = who:match("^%(Unterrichtung%)%s*(.+)$")
    if unterrichtung then -- a question of the last term answered by an Unterrichtung: no asker named
      by, rec.authors, rec.extra.unterrichtung = unterrichtung, {}, true
      rec.warnings[#rec.warnings + 1] = "authors: the line names no asker, only the Unterrichtung by " .. unterrichtung
    else
      rec.authors = assert(de.authors(who))
    end
  else
    who, when, ka = KA_ONLY:match(line)
    if who then
      rec.type, rec.status, rec.extra.doc_type = "written", "unanswered", "Kleine Anfrage"
      rec.authors = assert(de.authors(who))
      rec.dates.asked = assert(date.parse(when, "de"))
    else
      local what
      what, who, when, drs, neu = OTHER:match(line)
      neu = neu or nil
      if not what then
        if line:find("^Plenarprotokoll") then return false end
        fail("unknown PADOKA Fundstelle %q", line)
      end
      rec.extra.doc_type = what
      if what == "Antwort" then
        kind, by, rec.status = "answer", who, "answered"
      else
        kind, rec.type, rec.authors = "question", "interpellation", assert(de.authors(who))
        rec.dates.asked = assert(date.parse(when, "de"))
      end
    end
  end
  local iso = assert(date.parse(when, "de"))
  if kind == "answer" then
    rec.answers = {{kind = "answer", date = iso, by = by}}
    rec.dates.answered = iso
  end
  rec.number = drs or ("KA " .. ka)
  rec.id = "de-st:" .. (drs or "KA" .. ka)
  -- one Unterrichtung answers several old questions under one number: tell them apart by PADOKA's record id
  if rec.extra.unterrichtung then rec.id = rec.id .. "-" .. rec.extra.padoka_id:gsub("%-", "") end
  rec.term = rec.number:match("(%d+)/")
  if drs then
    rec.documents[#rec.documents + 1] = {number = drs .. (neu or ""), kind = kind, date = iso, url = pdf}
  end
  if ka then
    rec.documents[#rec.documents + 1] = {number = "KA " .. ka, kind = drs and "other" or "question",
      date = not drs and iso or nil, url = not drs and pdf or nil, title = drs and "Kleine Anfrage KA " .. ka or nil}
  end
  return true
end

local function record(li)
  local rec = {schema = "pqx.question/1", parliament = "de-st", lang = "de", page_lang = "de",
    source = {kind = "list"}, title = text.squish(li:one("h1:not([name=Repeat_WP])"):text()),
    summary = li:select_text("div.abstract"), dates = {}, documents = {}, warnings = {},
    extra = {padoka_id = re.match(li:one("input[type=hidden][name=SelectedRecords]"):attr("value"), [[ID=(D-\d+)]])}}
  local lines = li:select("p.info, div[name=Repeat_Fund] p:not(:has(a.download))")
  if #lines ~= 1 then fail("PADOKA record %q: expected one Fundstelle, found %d", rec.title, #lines) end
  local pdf = li:select1("a.download")
  if not fundstelle(lines[1]:text(), rec, pdf and pdf:url()) then return nil end
  local kw = li:select("strong.descriptor, li[name=Repeat_NE]"):texts()
  rec.keywords = kw:map(function(k) return {label = k, scheme = "padoka-thesaurus", lang = "de"} end)
  if #rec.warnings == 0 then rec.warnings = nil end
  return rec
end

local function extract(doc, ctx)
  local out, skipped = {}, 0
  for _, li in ipairs(doc:select("li[name=RecordRepeater]", {min = 1})) do
    local rec = record(li)
    if rec then out[#out + 1] = rec else skipped = skipped + 1 end
  end
  if skipped > 0 then
    ctx.warn(string.format("%d entries refer to a Plenarprotokoll only (answered in a sitting, "
      .. "no Drucksache or KA number): skipped", skipped))
  end
  return out
end

return {
  name = "de-st",
  version = "1.0.0",
  description = "Landtag von Sachsen-Anhalt Kleine/Große Anfragen (PADOKA document and Vorgang lists)",
  extract = extract,
}
