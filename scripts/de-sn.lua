-- de-sn.lua: Kleine and Große Anfragen of the Sächsischer Landtag, as its documentation
-- system EDAS (edas.landtag.sachsen.de, ASP.NET with DevExpress controls) shows them.
-- 1. Result lists (trefferliste.aspx: an overview or a search by number): one
--    <td class=dxdvItem_EDAS> per paper holding a table: the link "Drs 6/1231" (to
--    treffer.aspx?ID=...), "Frist SReg 01.01.2020" beside it while the Staatsregierung's
--    answer is due, the title in <b>, and the Fundstelle "KlAnfr Uta-Verena Meiwald DIE LINKE,
--    Juliane Nagel DIE LINKE 23.03.2015 Drs 6/1231" ("GrAnfr DIE LINKE ..." for a Große
--    Anfrage). The list shows no answer, so status is given only when a Frist is printed.
-- 2. The Vorgang view (treffer_vorgang.aspx): Vorgangs-Nr., descriptors (a list box), the
--    title in <b> and one Fundstelle per document, "KlAnfr ..." and "Antw SMS 06.08.2015 Drs
--    6/2180": in Sachsen the answer is filed under the question's Drucksache number.
-- Names and Fraktionen are printed without a separator ("Petra Zais GRÜNE"): the Fraktion
-- is cut off by the list of the Landtag's Fraktionen below; an unknown one fails the page.

local date, text, re = pqx.date, pqx.text, pqx.re

local TYPES = {KlAnfr = {"written", "Kleine Anfrage"}, GrAnfr = {"interpellation", "Große Anfrage"}}
local FUNDSTELLE = re.compile([[^(KlAnfr|GrAnfr|Antw)\s+(.+?)\s+(\d\d\.\d\d\.\d{4})\s+Drs\s+(\d+/\d+)$]])

local function fail(fmt, ...) error(string.format(fmt, ...), 2) end

-- "Uta-Verena Meiwald DIE LINKE" -> {name, party}: the longest known party ending the text
local function member(s)
  local best
  for _, p in ipairs(pqx.de.PARTIES) do
    if text.ends_with(s, " " .. p) and #p > #(best or "") then best = p end
  end
  if not best then fail("no party of pqx.de.PARTIES at the end of %q", s) end
  return {name = text.trim(s:sub(1, #s - #best - 1)), party = best, raw = s}
end

-- "KlAnfr <who> 23.03.2015 Drs 6/1231" -> fields of the record
local function question(line, rec)
  local kind, who, when, drs = FUNDSTELLE:match(line)
  if not kind or kind == "Antw" then fail("not a KlAnfr/GrAnfr Fundstelle: %q", line) end
  rec.id, rec.number, rec.term = "de-sn:" .. drs, drs, drs:match("^(%d+)/")
  rec.type, rec.extra.doc_type = TYPES[kind][1], TYPES[kind][2]
  rec.dates = {asked = assert(date.parse(when, "de"))}
  rec.authors = {}
  for _, item in ipairs(text.split(who, ",", {trim = true})) do
    rec.authors[#rec.authors + 1] = kind == "GrAnfr" and assert(pqx.de.author(item)) or member(item)
  end
  rec.documents = {{number = drs, kind = "question", date = rec.dates.asked}}
end

local function new_record(title)
  return {schema = "pqx.question/1", parliament = "de-sn", lang = "de", page_lang = "de",
    title = title and text.squish(title), extra = {}}
end

local function list_item(item)
  local rec = new_record(item:select_text("b"))
  rec.source = {kind = "list"}
  local line
  for _, l in ipairs(text.lines(item:text())) do
    if re.match(l, [[^(KlAnfr|GrAnfr)\s]]) then line = l end
  end
  if not line then fail("EDAS list item %q has no KlAnfr/GrAnfr Fundstelle", text.squish(item:text())) end
  question(line, rec)
  local link = item:one("a[href*='treffer.aspx']")
  rec.extra.detail_url = link:url()
  local due = re.match(item:text(), [[Frist SReg\s+(\d\d\.\d\d\.\d{4})]])
  if due then rec.status, rec.dates.due = "unanswered", assert(date.parse(due, "de")) end
  return rec
end

local function vorgang(doc)
  local box = doc:one("td.text:has(> b)")
  local rec = new_record(box:select_text("> b"))
  local lines = box:select("td.text > a"):texts()
  question(lines[1] or "", rec)
  rec.extra.vorgang = re.match(doc:select_text("li.dxtc-activeTab") or "", [[Vorgangs-Nr\.\s*(\d+)]])
  rec.status = "unanswered"
  for i = 2, #lines do
    local kind, by, when, drs = FUNDSTELLE:match(lines[i])
    if kind ~= "Antw" then fail("Vorgang %s: unknown Fundstelle %q", rec.number, lines[i]) end
    local iso = assert(date.parse(when, "de"))
    rec.answers = rec.answers or {}
    rec.answers[#rec.answers + 1] = {kind = "answer", date = iso, by = by}
    rec.documents[#rec.documents + 1] = {number = drs, kind = "answer", date = iso}
    rec.status, rec.dates.answered = "answered", rec.dates.answered or iso
  end
  rec.keywords = doc:select("td.dxeListBoxItem_EDAS"):map(function(td)
    local label = td:text()
    return label ~= "" and {label = label, scheme = "edas-schlagwort", lang = "de"} or nil
  end)
  return rec
end

local function extract(doc)
  if doc:select1("form[action^='treffer_vorgang.aspx']") then return {vorgang(doc)} end
  local items = doc:select("td.dxdvItem_EDAS > table")
  if #items == 0 then
    fail("neither an EDAS result list (td.dxdvItem_EDAS) nor a Vorgang page (treffer_vorgang.aspx)")
  end
  return items:map(list_item)
end

return {
  name = "de-sn",
  version = "1.0.0",
  description = "Sächsischer Landtag Kleine/Große Anfragen (EDAS result lists and Vorgang pages)",
  base_url = "http://edas.landtag.sachsen.de/parlamentsdokumentation/parlamentsarchiv/",
  extract = extract,
}
