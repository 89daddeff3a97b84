-- nz.lua: New Zealand House of Representatives, questions for written answer
-- (parliament.nz, /en-NZ/PB/Debates/QWA/..., the CMS template of about 2009).
-- One page is one question:
--   td.information > dl        "Date:" (the document's date) and "Subject" (optional)
--   div.qandaset > div.question
--     <span class="label">1 (2009). </span>          number (year)
--     <span class="personname Member">Clare Curran</span> to the
--     <strong>Minister for ...</strong> (10 Feb 2009): question text
--   div.qandaset > div.answer                          (absent when withdrawn)
--     <span class="personname Minister">Hon Steven Joyce</span>
--     (Minister for ...) replied: answer text          or "replied: Reply due: 17 Apr 2009"
-- A withdrawn question keeps only its label and <strong>Question Withdrawn</strong>.
--
-- Numbers restart every year, so the id is "nz:<year>-<number>" (nz:2009-1).
-- What the template does not print: the date of the answer (left out, with a
-- warning); for a withdrawn question the asker, the addressee, the text and the date
-- (dates.asked then comes from the "Date:" panel, which on answered and unanswered
-- pages equals the date printed with the question; a warning says so).

local date, re, text = pqx.date, pqx.re, pqx.text

local SITE = "http://www.parliament.nz"

local function fail(msg, ...)
  error(string.format(msg, ...), 2)
end

local function parse_date(s, what, warnings)
  local iso, why = date.parse(s, "en")
  if not iso then
    warnings[#warnings + 1] = string.format("%s: %q is not a date (%s)", what, s, why)
  end
  return iso
end

local function answer(div, rec)
  local minister = div:one("span.personname")
  local who = text.squish(minister:text())
  local t = div:text()
  -- everything after "<name> (Minister for ...) replied:"
  local office, body = re.match(t, [[^.*?\((.+?)\)\s*replied:\s*(.*)$]], "s")
  if not office then fail("answer %q has no \"(office) replied:\"", t:sub(1, 80)) end
  local due = re.match(body, [[^Reply due:\s*(.+)$]])
  if due then
    rec.status = "unanswered"
    rec.dates.due = parse_date(due, "dates.due", rec.warnings)
    rec.addressees[1].person = who
    return
  end
  rec.status = "answered"
  rec.answers = {{kind = "answer", by = who, body = body}}
  rec.extra.answered_as = office
  rec.warnings[#rec.warnings + 1] = "answers[1].date: the page does not say when the answer was given"
end

local function extract(doc)
  local q = doc:one("div.qandaset > div.question")
  local label = q:one("span.label"):text()
  local number, year = re.match(label, [[^(\d+)\s*\((\d{4})\)]])
  if not number then fail("question label %q is not \"<number> (<year>)\"", label) end
  local info = pqx.fields(doc:one("td.information"))

  local rec = {
    schema = "pqx.question/1",
    id = "nz:" .. year .. "-" .. number,
    parliament = "nz",
    number = number,
    type = "written",
    page_lang = doc.root:attr("lang"),
    title = info.subject,
    authors = {},
    dates = {},
    extra = {year = year},
    warnings = {},
  }
  local form = doc:select1("form#aspnetForm")
  local path = form and form:attr("action")
  if path and path:match("^/") then rec.source_url = SITE .. path end

  local strong = q:select1("strong")
  if strong and strong:text():lower() == "question withdrawn" then
    rec.status = "withdrawn"
    rec.warnings[#rec.warnings + 1] =
      "authors: the page of a withdrawn question does not name the member who asked it"
    local panel = info.date
    if not panel then fail("withdrawn question without a \"Date:\" panel") end
    rec.dates.asked = parse_date(panel, "dates.asked", rec.warnings)
    rec.warnings[#rec.warnings + 1] = string.format("dates.asked: the question prints no "
      .. "date; taken from the page's \"Date:\" panel (%s), which on answered and "
      .. "unanswered pages is the date printed with the question", panel)
    rec.warnings[#rec.warnings + 1] = "question: no text; the page only says \"Question Withdrawn\""
    return {rec}
  end

  local member = text.squish(q:one("span.personname"):text())
  rec.authors = {{name = member}}
  rec.addressees = {{title = strong and strong:text() or fail("no addressee in <strong>")}}
  local asked, body = re.match(q:text(), [[\((\d{1,2} \w+ \d{4})\):\s*(.*)$]], "s")
  if not asked then fail("question %q has no \"(date):\" before its text", q:text():sub(1, 80)) end
  rec.dates.asked = parse_date(asked, "dates.asked", rec.warnings)
  rec.question = {body = body}

  local a = doc:select1("div.qandaset > div.answer")
  if a then
    answer(a, rec)
  else
    rec.status = "unanswered"
  end
  if #rec.warnings == 0 then rec.warnings = nil end
  return {rec}
end

return {
  name = "nz",
  version = "1.0.0",
  description = "New Zealand Parliament questions for written answer (parliament.nz, ~2009)",
  extract = extract,
}
