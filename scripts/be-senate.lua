-- be-senate.lua: written questions of the Belgian Senate (senate.be, legislatures
-- 1-5, the 1995-2014 site), Dutch and French pages.
--
-- The question sits in a table of class "vraag", one row per block:
--   1 heading        "Schriftelijke vraag nr. 5-8916" / "Question écrite n° 5-8916"
--   2 author line    "van <a>Name</a> (Party) d.d. 30 april 2013", addressee, title in <b>
--   3 keywords       one per line, in <i>
--   4 chronology     "Chronologie" and a table of date / event rows
--   5 related        "Ook gesteld aan : <a>schriftelijke vraag 5-8900</a>" lines (optional)
--   6 question       "<b>Vraag nr. ... d.d. ... : </b>(Vraag gesteld in het Nederlands)", paragraphs
--   7 answer         "<b>Antwoord ontvangen op 4 juni 2013 :</b>" then <p> blocks, with
--                    section headings in <p><b><u> (optional: absent until answered)
-- Rows are recognised by what they say, not by their position, so a missing block
-- (no related questions, no answer yet) does not shift the others.

local date, names, parts, text = pqx.date, pqx.names, pqx.parts, pqx.text
local re = pqx.re

-- the words the two page languages use
local LANGS = {
  nl = {
    heading = "^Schriftelijke vraag nr%.", author_intro = "^van%s+", date_intro = "d%.d%.",
    addressee_intro = "^aan%s+", chronology = "Chronologie", related = "Ook gesteld aan",
    question = "^Vraag nr%.", answer = "^Antwoord ontvangen op",
    asked_in = "Vraag gesteld in het ([%a\128-\255]+)",
    languages = {Nederlands = "nl", Frans = "fr", Duits = "de", Engels = "en"},
  },
  fr = {
    heading = "^Question écrite n°", author_intro = "^de%s+", date_intro = "du",
    addressee_intro = "^au?x?%s+", chronology = "Chronologie", related = "Aussi posée à",
    question = "^Question n°", answer = "^Réponse reçue le",
    asked_in = "Question posée en ([%a\128-\255]+)",
    languages = {["néerlandais"] = "nl", ["français"] = "fr", allemand = "de", anglais = "en"},
  },
}

local function fail(msg, ...)
  error(string.format(msg, ...), 2)
end

-- the cells of the question table, one per block
local function rows_of(doc)
  local tbl = doc:one("table.vraag")
  return tbl:select("> tbody > tr > td, > tr > td")
end

local function page_language(heading)
  for code, words in pairs(LANGS) do
    if heading:find(words.heading) then return code end
  end
  fail("unknown page heading %q (expected a Dutch or French written question)", heading)
end

local function parse_date(s, lang, what, warnings)
  local iso, why = date.parse(s, lang)
  if not iso then
    warnings[#warnings + 1] = string.format("%s: %q is not a date (%s)", what, s, why)
  end
  return iso
end

-- "van <a>Martine Taelman</a> (Open Vld) d.d. 30 april 2013"
local function author_line(cell, W, lang, rec)
  local lines = text.lines(cell:text())
  local first = lines[1] or ""
  local who, when = first:match(W.author_intro .. "(.-)%s+" .. W.date_intro .. "%s+(.+)$")
  if not who then fail("author line %q has no date", first) end
  local a = names.name_party(who)
  local link = cell:select1("a[href*=showSenator]")
  rec.authors = {{
    name = a.name, party = a.party, raw = a.raw,
    ref = link and link:attr("href"):match("ID=(%d+)") or nil,
  }}
  rec.dates.asked = parse_date(when, lang, "dates.asked", rec.warnings)
  -- the addressee: the line after the author, without its preposition
  local addressee = lines[2]
  if addressee then
    local title = addressee:gsub(W.addressee_intro, "", 1)
    rec.addressees = {{title = title, raw = addressee}}
  end
  local b = cell:select1("b")
  rec.title = b and b:text() or nil
end

local function keywords(cell, lang)
  local out = {}
  for _, line in ipairs(text.lines(cell:text())) do
    out[#out + 1] = {label = line, scheme = "senate.be", lang = lang}
  end
  return out
end

local function chronology(cell, lang, warnings)
  local events = {}
  for _, tr in ipairs(cell:select("table tr")) do
    local tds = tr:select("td")
    if #tds >= 2 then
      local when = tds[1]:text()
      events[#events + 1] = {
        date = parse_date(when, lang, "events", warnings), label = tds[2]:text(),
      }
    end
  end
  return events
end

local function related(cell, term, number)
  local out = {}
  for _, a in ipairs(cell:select("a[href*='NR=']")) do
    local t, n = re.match(a:text(), [[(\d+)-(\d+)\s*$]])
    if t and not (t == term and n == number) then
      out[#out + 1] = {id = "be-senate:" .. t .. "-" .. n, relation = "also_asked"}
    end
  end
  return out
end

-- the paragraphs of a cell: text split at blank lines
local function paragraphs(s)
  local out = {}
  for p in (s .. "\n\n"):gmatch("(.-)\n%s*\n") do
    p = text.squish(p)
    if p ~= "" then out[#out + 1] = p end
  end
  return out
end

local function question(cell, W, rec)
  local paras = paragraphs(cell:text())
  local head = table.remove(paras, 1) or ""
  local asked_in = head:match(W.asked_in)
  if asked_in then
    rec.lang = W.languages[asked_in:lower()] or W.languages[asked_in]
    if not rec.lang then
      rec.warnings[#rec.warnings + 1] = "unknown language of the question: " .. asked_in
    end
  end
  local split = parts.split(paras)
  rec.question = {
    intro = split.intro,
    parts = #split.parts > 0 and split.parts or nil,
    body = table.concat(paras, "\n\n"),
  }
  for _, w in ipairs(split.warnings) do rec.warnings[#rec.warnings + 1] = "question: " .. w end
end

local function answer(cell, lang, rec)
  local label = cell:select1("b"):text()
  local when = label:gsub("^%S+%s+%S+%s+%S+%s+", ""):gsub("%s*:%s*$", "")
  local a = {kind = "answer", date = parse_date(when, lang, "answers[1].date", rec.warnings)}
  -- section headings are <p><b><u>; everything between two headings is a section
  local ps = cell:select("p")
  local intro, sections, current = {}, {}, nil
  for _, p in ipairs(ps) do
    if p:matches("p:has(> b > u)") and p:own_text() == "" then
      current = {heading = p:text(), paras = {}}
      sections[#sections + 1] = current
    elseif current then
      current.paras[#current.paras + 1] = p:text()
    else
      intro[#intro + 1] = p:text()
    end
  end
  a.intro = #intro > 0 and table.concat(intro, "\n\n") or nil
  a.sections = {}
  local body = {table.unpack(intro)}
  for _, s in ipairs(sections) do
    local split = parts.split(s.paras, {style = "1."})
    local sec = {heading = s.heading}
    if #split.parts > 0 then
      sec.items = split.parts
    else
      sec.text = table.concat(s.paras, "\n\n")
    end
    for _, w in ipairs(split.warnings) do
      rec.warnings[#rec.warnings + 1] = "answer section " .. s.heading .. ": " .. w
    end
    a.sections[#a.sections + 1] = sec
    body[#body + 1] = s.heading
    for _, p in ipairs(s.paras) do body[#body + 1] = p end
  end
  a.body = table.concat(body, "\n\n")
  rec.answers = {a}
  rec.dates.answered = a.date
end

local function extract(doc)
  local cells = rows_of(doc)
  local heading = cells[1]:text()
  local lang = page_language(heading)
  local W = LANGS[lang]
  local term, number = re.match(heading, [[(\d+)-(\d+)]])
  if not term then fail("no question number in heading %q", heading) end

  local rec = {
    schema = "pqx.question/1",
    id = "be-senate:" .. term .. "-" .. number,
    parliament = "be-senate",
    term = term,
    number = number,
    type = "written",
    page_lang = lang,
    dates = {},
    warnings = {},
    source_url = string.format(
      "https://www.senate.be/www/?MIval=/Vragen/SchriftelijkeVraag&LEG=%s&NR=%s&LANG=%s",
      term, number, lang),
  }
  local seen_question = false
  for i = 2, #cells do
    local cell = cells[i]
    local first_b = cell:select1("b")
    local b = first_b and first_b:text() or ""
    -- the question and the answer are known by their bold label, so their text
    -- (the page's longest) is not read here only to look for the related line
    if i == 2 then
      author_line(cell, W, lang, rec)
    elseif cell:select1("i") and not first_b then
      rec.keywords = keywords(cell, lang)
    elseif b == W.chronology then
      rec.events = chronology(cell, lang, rec.warnings)
    elseif b:find(W.question) then
      question(cell, W, rec)
      seen_question = true
    elseif b:find(W.answer) then
      answer(cell, lang, rec)
    else
      local t = cell:text()
      if t:find(W.related, 1, true) then
        rec.related = related(cell, term, number)
      else
        rec.warnings[#rec.warnings + 1] = "unrecognised block: " .. t:sub(1, 60)
      end
    end
  end
  if not seen_question then fail("no question text on the page") end
  rec.status = rec.answers and "answered" or "unanswered"
  if #rec.warnings == 0 then rec.warnings = nil end
  return {rec}
end

return {
  name = "be-senate",
  version = "1.0.0",
  description = "Belgian Senate written questions (senate.be, 1995-2014 site), NL and FR pages",
  encoding = nil, -- the pages declare windows-1252 in <meta>
  extract = extract,
}
