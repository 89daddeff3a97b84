-- de-by.lua: Schriftliche Anfragen of the Bayerischer Landtag, from the result list of its
-- document search (www1.bayern.landtag.de, webangebot1/dokumente.suche.maske.jsp). Each
-- paper is a run of rows in the result table:
--   1. <b>Schriftliche Anfrage Drucksache Nr. 17/4838 vom 09.02.2015</b> and the PDF link
--   2. a folder link and the kind of paper ("Antwort der Staatsregierung")
--   3. the title as the cell's own text, and in <p><i> a grey line that sums it up
--      (-> summary)
--   4. only when the paper's folder is open (the peer's "detail": a search for the number):
--      a table "09.02.2015 | BÜNDNIS 90/DIE GRÜNEN" (the Urheber, a party) and one line
--      per printed paper ("Antwort der Staatsregierung 17/4838" and its PDF), then the
--      keyword row ("Keine Schlagworte vorhanden").
-- Bayern prints a Schriftliche Anfrage once, together with the answer, as one Drucksache:
-- one document of kind "answer", dated as printed (dates.published). The page gives no date
-- of the question and no answering ministry beyond "Staatsregierung". A paper whose folder
-- is open gives a detail record, the others list records (no authors: the list has none).

local de, text, re = pqx.de, pqx.text, pqx.re

local function fail(msg, ...) error(string.format(msg, ...), 2) end

local HEAD = [[tr:has(> td > b:pqx-matches(/Drucksache\s+Nr\./))]]

-- the open folder's table: Urheber and printed papers
local function folder(tbl, rec)
  local first = tbl:one("tr:first-child")
  local who = first:select("> td", {min = 2, max = 2})[2]:text()
  rec.authors = assert(de.authors(who))
  rec.documents = {}
  for _, tr in ipairs(tbl:select("tr:has(a[href$='.pdf'])", {min = 1})) do
    local label, num = re.match(tr:text(), [[^(.+?)\s+(\d+/\d+)$]])
    if not label then fail("unrecognised paper line %q", tr:text()) end
    rec.documents[#rec.documents + 1] = {number = num, title = label,
      kind = label:find("^Antwort") and "answer" or "other",
      date = num == rec.number and rec.dates.published or nil, url = tr:one("a[href$='.pdf']"):url()}
  end
end

local function paper(head)
  local ref = assert(de.drucksache(head:one("b"):text()))
  local label = text.trim(head:one("b"):text():sub(1, (head:one("b"):text():find("Drucksache", 1, true)) - 1))
  local qtype, doc_type = de.question_type(label)
  if not qtype then fail("%q is not a question", head:one("b"):text()) end
  local rows = head:next_until(HEAD .. ", tr.clr_listhead")
  if #rows < 2 then fail("paper %s: expected its kind and title rows, found %d rows", ref.number, #rows) end
  local kind = rows[1]:one("> td:last-child"):text()
  local cell = rows[2]:one("> td:last-child")
  local rec = {
    schema = "pqx.question/1", id = "de-by:" .. ref.number, parliament = "de-by",
    term = ref.term, number = ref.number, type = qtype, lang = "de", page_lang = "de",
    title = cell:own_text(), summary = cell:select_text("p"),
    dates = {published = ref.date},
    documents = {{number = ref.number, kind = kind:find("^Antwort") and "answer" or "question",
      date = ref.date, url = head:one("a[href$='.pdf']"):url(), title = kind}},
    status = kind:find("^Antwort") and "answered" or "unanswered",
    source = {kind = "list"},
    extra = {doc_type = doc_type},
  }
  if kind:find("^Antwort") then rec.answers = {{kind = "answer", by = kind:match("^Antwort der (.+)$")}} end
  local open = rows[3] and rows[3]:select1("table")
  if open then
    folder(open, rec)
    rec.source.kind = "detail"
    rec.warnings = {"dates.asked: the page prints only the date of the Drucksache, "
      .. "which holds the question and the answer"}
    local kw = rows[4] and rows[4]:text()
    if kw and kw ~= "Keine Schlagworte vorhanden" then fail("keyword row not understood: %q", kw) end
  end
  return rec
end

local function extract(doc)
  local out = {}
  for _, head in ipairs(doc:select(HEAD, {min = 1})) do out[#out + 1] = paper(head) end
  return out
end

return {
  name = "de-by",
  version = "1.0.0",
  description = "Bayerischer Landtag: Schriftliche Anfragen from the document search result list",
  base_url = "https://www1.bayern.landtag.de/webangebot1/dokumente.suche.maske.jsp",
  extract = extract,
}
