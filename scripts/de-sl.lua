-- de-sl.lua: Anfragen (written questions) and Antworten of the Landtag des Saarlandes.
-- 1. The Drucksachen page (landtag-saar.de/dokumente/drucksachen, SharePoint 2013) carries
--    its whole list as JSON in one hidden input (name ending "$documentListInput"): per paper
--    Titel, Autor (" Neyses, Michael (PIRATEN)"; several joined by ";"; "Landesregierung"
--    for answers), Dokumentname (the PDF: "Af15_1217.pdf", "Aw15_1284.pdf"), URL
--    ("/Drucksache/Af15_1217.pdf"), Dokumentdatum ("15.01.2015") and Dokumentnummer ("15/1217").
--    The file name's prefix is the kind of paper: Af = Anfrage, Aw = Antwort; Ag, Ab, Gs, So
--    (motions, amendments, bills, other papers) are not questions and are skipped. A handful
--    of the input's entities are broken ("&quoquot;" for "&quot;"): repaired, and counted in
--    a page warning.
-- 2. Rows of the older site's table (<tr><td class=ms-vb2>...: file link, date, number,
--    title, asker "Neyses (PIRATEN)"), also when saved as a bare <tr> fragment: pqx parses
--    such a page inside <tbody> (ctx.fragment, with a page warning), so its cells are kept.
-- Two number series: the file name numbers the paper too, and now and then differently from
-- the printed Dokumentnummer (Af15_1299.pdf says 15/1296, the number of Af15_1296.pdf). The
-- id is taken from the file name, which is unique; number is the Dokumentnummer as printed;
-- both are kept in documents. A list shows the answer apart from its question and does not
-- say which question it answers (the PDF does: "Drucksache 15/1284 (15/1217)"), so an answer
-- is its own list record under its own number, without a type.

local date, text, re, de = pqx.date, pqx.text, pqx.re, pqx.de

local KINDS = {Af = "question", Aw = "answer"}
local NOT_QUESTIONS = {Ag = "Antrag", Ab = "Abänderungsantrag", Gs = "Gesetz", So = "Sonstiges"}

local function fail(fmt, ...) error(string.format(fmt, ...), 2) end

-- {title, author, file, url, date, number} -> a list record, or nil for papers that are not questions
local function record(e, base)
  local prefix, term, num, suffix = re.match(e.file, [[^(A[fw])(?:(\d*)_)?0*(\d+)(.*)\.pdf$]])
  if not prefix then
    if NOT_QUESTIONS[e.file:sub(1, 2)] then return nil end
    fail("paper %q: unknown kind of file name %q", e.number, e.file)
  end
  local printed = text.squish(e.number)
  local pterm, pnum = re.match(printed, [[^(\d+)/0*(\d+)]])
  if not pterm then fail("paper %q: Dokumentnummer %q is not <term>/<number>", e.file, printed) end
  term = (term and term ~= "") and term or pterm
  suffix = text.slug(suffix)
  local key = term .. "/" .. num .. (suffix ~= "" and "-" .. suffix or "")
  local kind = KINDS[prefix]
  local when = assert(date.parse(e.date, "de"))
  local rec = {
    schema = "pqx.question/1", id = "de-sl:" .. key, parliament = "de-sl", term = term,
    number = printed, lang = "de", page_lang = "de", title = text.squish(e.title),
    source = {kind = "list"}, dates = {},
    extra = {doc_type = kind == "answer" and "Antwort" or "Anfrage", file = e.file},
    documents = {{number = printed, kind = kind, date = when, url = pqx.url.resolve(base, e.url)}},
    warnings = {},
  }
  if term ~= pterm or num ~= pnum then -- the second series disagrees with the first
    rec.documents[2] = {number = term .. "/" .. num, kind = "other", title = "file name " .. e.file}
    rec.warnings[1] = string.format("number: the list prints Drucksache %s, the file name %s", printed, e.file)
  end
  local author = text.squish(e.author)
  if kind == "question" then
    rec.type, rec.dates.asked = "written", when
  else
    rec.status, rec.dates.answered = "answered", when
    if author == "Landesregierung" then
      rec.answers, author = {{kind = "answer", date = when, by = author}}, ""
    else -- the older table names the asker on the answer's row
      rec.answers = {{kind = "answer", date = when}}
    end
  end
  if author ~= "" then
    rec.authors = {}
    for _, item in ipairs(text.split(author, ";", {trim = true})) do
      rec.authors[#rec.authors + 1] = assert(de.author(item)) -- "Neyses, Michael (PIRATEN)", "B90/Grüne"
    end
  end
  if #rec.warnings == 0 then rec.warnings = nil end
  return rec
end

local function extract(doc, ctx)
  local entries = {}
  local input = doc:select1("input[type=hidden][name$='$documentListInput']")
  if input then
    local json, broken = input:attr("value"):gsub("&q[uot]*quot;", '"')
    if broken > 0 then ctx.warn(string.format("repaired %d broken &quot; entities in the document list", broken)) end
    local list, err = require("pqx.core").json_decode(json)
    if not list then fail("the document list in %s is not JSON: %s", input:attr("name"), err) end
    for _, e in ipairs(list) do
      entries[#entries + 1] = {title = e.Titel, author = e.Autor, file = e.Dokumentname,
        url = e.URL, date = e.Dokumentdatum, number = e.Dokumentnummer}
    end
  else
    for _, tr in ipairs(doc:select("tr:has(> td.ms-vb2)", {min = 1})) do
      local td = tr:select("> td", {min = 5, max = 5})
      local a = td[1]:one("a[href]")
      entries[#entries + 1] = {title = td[4]:text(), author = td[5]:text(), file = a:text() .. ".pdf",
        url = a:attr("href"), date = td[2]:text(), number = td[3]:text()}
    end
  end
  local out = {}
  for _, e in ipairs(entries) do
    local rec = record(e, doc.base_url)
    if rec then out[#out + 1] = rec end
  end
  if #out < #entries then
    ctx.warn(string.format("%d of %d papers are not questions (Antrag, Gesetz, Sonstiges ...): skipped",
      #entries - #out, #entries))
  end
  return out
end

return {
  name = "de-sl",
  version = "1.1.0",
  description = "Landtag des Saarlandes Anfragen and Antworten (Drucksachen list and its table rows)",
  base_url = "https://www.landtag-saar.de/",
  extract = extract,
}
