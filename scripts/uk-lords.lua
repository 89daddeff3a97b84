-- uk-lords.lua: House of Lords Hansard, Written Answers (the daily pages of
-- publications.parliament.uk, ldhansrd/text/YMMDDwNNNN.htm, TSO template of the
-- 2000s). One page is one part of a day's Written Answers and holds many questions.
--
-- Everything sits flat inside div#maincontent1, between a navigation table and <hr>:
--   <h3>Written Answers</h3> <h2>Wednesday 23 April 2008</h2>   (first part only)
--   <h3>Armed Forces: War Pensions</h3>            subject heading, kept until the next
--   <p><b>Lord X</b> asked Her Majesty's Government:</p>        asker and addressee
--   <ul><p>Question text. [HL3048]</p></ul>        one <ul> (or <p>) per question; several
--                                                  numbers before one answer = a joint answer
--   <p><b>The Minister ..., Office (Lord Y):</b> Answer text</p>   speaker, then the answer
--   <p>more answer</p> <table>...</table>          until the next heading, "asked" or <hr>
-- Column breaks (<meta>, <notus-date>, <columnNum><b>23 Apr 2008 : Column WA300</b>)
-- fall between blocks or in the middle of a paragraph; they are not text.
-- A part may start in the middle of an answer that began in the previous part: those
-- paragraphs have no question on this page and are reported, not stored.
--
-- What the template does not print:
-- * when the question was tabled. dates.asked is left out (the record then fails
--   validation, on purpose: no date is invented); dates.answered is the page's date.
-- * the session. Lords UINs (HL2834) restart every session, so the id must carry more
--   than the number: it is "<answer day>-<UIN>", e.g. uk-lords:2008-04-23-HL3048, the day
--   being the page's own date. (A question answered again later, e.g. a correction,
--   would get a second id.)
-- * the page's URL (only its file name), so there is no source_url.

local date, re, text = pqx.date, pqx.re, pqx.text

local function fail(msg, ...)
  error(string.format(msg, ...), 2)
end

-- "23 Apr 2008 : Column WA300" printed at a column break, possibly mid-paragraph
local COLUMN = [[\s*\b\d{1,2} \w+ \d{4} : Column (WA\d+)\b\s*]]

local function clean(s)
  return text.trim((re.gsub(s, COLUMN, " ")))
end

-- a table as rows of tab-separated cells
local function table_text(tbl)
  local rows = {}
  for _, tr in ipairs(tbl:select("tr")) do
    local cells = tr:select("td, th"):map(function(td) return text.squish(clean(td:text())) end)
    rows[#rows + 1] = table.concat(cells, "\t")
  end
  return table.concat(rows, "\n")
end

-- The leading <b> of a paragraph and the text after it: {label, rest}, or nil.
local function labelled(p)
  local b = p:select1("> b")
  if not b then return nil end
  local t, label = clean(p:text()), clean(b:text())
  if label == "" or t:sub(1, #label) ~= label then return nil end
  return label, text.trim(t:sub(#label + 1))
end

-- "The Minister of State, Foreign and Commonwealth Office (Lord Malloch-Brown)" or
-- "Lord Rooker": the person and the office they answered as
local function speaker(label)
  label = text.trim((label:gsub(":%s*$", "")))
  local office, person = re.match(label, [[^(.+?)\s*\(([^()]+)\)$]])
  if office then return person, office end
  return label, nil
end

local function new_record(day, group, number, paras)
  local rec = {
    schema = "pqx.question/1",
    id = "uk-lords:" .. day .. "-" .. number,
    parliament = "uk-lords",
    number = number,
    type = "written",
    lang = "en",
    page_lang = "en",
    title = group.heading,
    authors = {{name = group.asker}},
    addressees = {{title = group.addressee}},
    dates = {answered = day},
    question = {body = table.concat(paras, "\n\n")},
    status = "answered",
    extra = {column = group.column},
    warnings = {"dates.asked: the page does not say when the question was tabled"},
  }
  if not group.heading then
    rec.warnings[#rec.warnings + 1] = "title: no subject heading before the question on this page"
  end
  return rec
end

local function extract(doc, ctx)
  local meta = doc.head:select1('meta[name="Date"]')
  if not meta then fail("no <meta name=\"Date\"> in the page head") end
  local day, why = date.parse(meta:attr("content") or "", "en")
  if not day then fail("page date %q: %s", meta:attr("content"), why) end

  local main = doc:one("#maincontent1")
  local records = {}
  local heading, column = nil, nil
  local group -- {asker, addressee, heading, column, questions = {{number, paras}}, answer}
  local pending -- question paragraphs not yet closed by an [HL...] number

  local function close()
    if not group then return end
    if #group.questions == 0 then
      ctx.warn("question by " .. group.asker .. " has no [HL...] number; skipped")
    elseif not group.answer then
      ctx.warn("no answer after " .. group.questions[1].number .. "; skipped")
    end
    if pending and #pending > 0 then
      ctx.warn("question text without an [HL...] number after " .. group.asker)
    end
    if group.answer and #group.questions > 0 then
      local a = group.answer
      local answer = {kind = "answer", date = day, by = a.by, body = table.concat(a.paras, "\n\n")}
      for _, q in ipairs(group.questions) do
        local rec = new_record(day, group, q.number, q.paras)
        rec.answers = {answer}
        rec.extra.answered_as = a.office
        if #group.questions > 1 then
          rec.related = {}
          for _, other in ipairs(group.questions) do
            if other ~= q then
              rec.related[#rec.related + 1] = {
                id = "uk-lords:" .. day .. "-" .. other.number, relation = "joint_answer"}
            end
          end
        end
        records[#records + 1] = rec
      end
    end
    group, pending = nil, nil
  end

  -- a question paragraph: its text, closed by "[HL3048]"
  local function question_para(p)
    local t = clean(p:text())
    if t == "" then return end
    local body, number = re.match(t, [[^(.*?)\s*\[(HL\d+)\]$]], "s")
    pending = pending or {}
    if number then
      if body ~= "" then pending[#pending + 1] = body end
      group.questions[#group.questions + 1] = {number = number, paras = pending}
      pending = nil
    else
      pending[#pending + 1] = t
    end
  end

  -- the content lies between the first <hr> and the next (navigation tables outside)
  local nodes, inside = {}, nil
  for _, n in ipairs(main:child_nodes()) do
    if n.type == "element" and n.tag == "hr" then
      if inside then break end
      inside = true
    elseif inside then
      nodes[#nodes + 1] = n
    end
  end
  if inside == nil then fail("no <hr> before the answers in #maincontent1") end

  for _, n in ipairs(nodes) do
    local tag = n.type == "element" and n.tag or nil
    local label, rest
    if tag == "p" then label, rest = labelled(n) end
    local asked = rest and rest:match("^asked%s+(.-):$")
    if tag == "h3" then
      close()
      heading = clean(n:text())
    elseif asked then
      close()
      group = {asker = label, addressee = asked:gsub("^the%s+", ""), heading = heading,
        column = column, questions = {}}
    elseif group and not group.answer and tag == "ul" then
      for _, p in ipairs(n:select("p")) do question_para(p) end
    elseif group and not group.answer and label and #group.questions > 0 then
      local by, office = speaker(label)
      group.answer = {by = by, office = office, paras = {}}
      rest = rest:gsub("^:%s*", "")
      if rest ~= "" then group.answer.paras[1] = rest end
    elseif group and not group.answer and tag == "p" then
      question_para(n)
    elseif group and group.answer and (tag == "p" or tag == "table"
        or (n.type == "text" and text.trim(n:text()) ~= "")) then
      local t = tag == "table" and table_text(n) or clean(n:text())
      if t ~= "" then group.answer.paras[#group.answer.paras + 1] = t end
    elseif tag == "p" or tag == "table" then
      if clean(n:text()) ~= "" then
        ctx.warn("text outside any question (an answer continued from the previous part?): "
          .. clean(n:text()):sub(1, 60))
      end
    end
    -- the column in force for the next question: the last break seen so far
    if n.type == "element" then
      local marks = n:matches("a[name^=column_]") and {n} or n:select("a[name^=column_]")
      if #marks > 0 then column = marks[#marks]:attr("name"):match("^column_(.+)$") end
    end
  end
  close()
  if #records == 0 then fail("no written answers found in #maincontent1") end
  return records
end

return {
  name = "uk-lords",
  version = "1.0.0",
  description = "House of Lords Hansard written answers (daily pages, TSO template of the 2000s)",
  extract = extract,
}
