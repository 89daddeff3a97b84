-- de-hh.lua: Schriftliche Kleine Anfragen and Große Anfragen of the Hamburgische
-- Bürgerschaft, from the result lists of its ParlDok database (buergerschaft-hh.de/ParlDok;
-- a "Formalkriterien" search and a "Dokumentennummer" look-up print the same list).
--
-- table#parldokresult holds one entry per printed paper, in three rows:
--   td.title           the title, linked to the PDF of the Drucksache
--   Nummer Typ Datum   "21/159" | "Schriftliche Kleine Anfrage" | "31.03.2015"
--   Vorgang Urheber    (a Vorgang button, often empty) |
--                      "Birgit Stöver (CDU), Karin Prien (CDU)" or
--                      "Sabine Boeddinghaus (Fraktion DIE LINKE), ..., Fraktion DIE LINKE"
-- A list prints neither the question nor the answer, so each record is partial
-- (source.kind "list"). The Senat answers a Schriftliche Kleine Anfrage in the same
-- Drucksache, but the list does not say so: no `answers`, no status, no addressee.

local text, re, names = pqx.text, pqx.re, pqx.names

local TYPES = {["Schriftliche Kleine Anfrage"] = "written", ["Große Anfrage"] = "interpellation"}

-- "Birgit Stöver (CDU)", "Cansu Özdemir (Fraktion DIE LINKE)", "Fraktion DIE LINKE"
local function author(raw)
  local group = raw:match("^Fraktion%s+(.+)$")
  if group then return {name = raw, kind = "group", party = group, raw = raw} end
  local a = assert(names.name_party(raw))
  if not a.party then error("Urheber without a party: " .. raw) end
  a.party = a.party:gsub("^Fraktion%s+", "")
  return a
end

local function extract(doc)
  local view = re.match(doc:select_text("title") or "", [[:\s*(\S+)$]])
  local records = {}
  for _, cell in ipairs(doc:select("table#parldokresult td.title", {min = 1})) do
    local title = cell:text()
    local row = cell:parent():next()
    local number, kind, when = row:select_text("td[headers=result-nummer]"),
      row:select_text("td[headers=result-typ]"), row:select_text("td[headers=result-datum]")
    if not (number and kind and when) then error("no Nummer/Typ/Datum under " .. title) end
    local term = re.match(number, [[^(\d+)/\d+$]])
    if not term then error("Nummer " .. number .. " is not a Drucksache number") end
    if not TYPES[kind] then error("Typ " .. kind .. " of " .. number .. " is not a question") end
    local url = cell:one("a[href]"):url()
    local rec = {
      schema = "pqx.question/1", id = "de-hh:" .. number, parliament = "de-hh",
      term = term, number = number, type = TYPES[kind], lang = "de", page_lang = "de",
      title = title, authors = {},
      dates = {published = pqx.date.parse(when, "de")},
      documents = {{number = number, kind = "question", date = pqx.date.parse(when, "de"), url = url}},
      source = {kind = "list", view = view and text.lower(view)},
      extra = {doc_type = kind},
    }
    local who = row:next():one("td[headers=result-urheber]"):text()
    for _, raw in ipairs(names.split_list(who, {words = {}})) do
      rec.authors[#rec.authors + 1] = author(raw)
    end
    records[#records + 1] = rec
  end
  return records
end

return {
  name = "de-hh",
  version = "1.0.0",
  description = "Hamburgische Bürgerschaft: Kleine and Große Anfragen from ParlDok result lists",
  base_url = "https://www.buergerschaft-hh.de/ParlDok/",
  extract = extract,
}
