-- generic.lua: the fuzz pipeline's script for any page (fuzz/fuzz_page.c).
-- It reads whatever the page has through as much of the pqx API as it can
-- (selectors of every kind, text views, attributes, URLs, the text, date,
-- names, parts, sections and re helpers) and returns a pqx.question/1 record
-- built from it, so that every page goes through validation and JSON. Helpers
-- that are allowed to raise on odd input are called under pcall; a helper that
-- gives nil explains why in the record's warnings. It never fails on purpose.

local text, date, names, parts, re = pqx.text, pqx.date, pqx.names, pqx.parts, pqx.re

local function try(f, ...)
  local ok, a, b = pcall(f, ...)
  if ok then return a, b end
  return nil, tostring(a)
end

-- the first n items of a List (or fewer)
local function take(list, n)
  local out = {}
  for i = 1, math.min(#list, n) do out[i] = list[i] end
  return out
end

local function nonempty(s)
  if s == nil or s == "" then return nil end
  return s
end

local function first_text(doc, css)
  local n = doc:select1(css)
  return n and n:text() or nil
end

local function extract(doc, ctx)
  local warnings = {}
  local function warn(s) warnings[#warnings + 1] = s end

  local title = first_text(doc, "title") or first_text(doc, "h1, h2, h3") or ""
  title = text.squish(title)
  local body = doc.body and doc.body:text() or doc:text()
  local number = re.match(title .. " " .. body:sub(1, 2000), [[(\d+(?:[-/.]\d+)*)]]) or "0"

  -- authors from anything that looks like "Name (Party)"
  local authors = {}
  for _, n in ipairs(take(doc:select("b, strong, a[href]"), 20)) do
    local s = text.squish(n:text())
    if s ~= "" and #authors < 3 then
      local a, why = names.name_party(s)
      if a and a.name and a.name ~= "" then
        authors[#authors + 1] = a
      elseif why then
        warn("authors: " .. tostring(why))
      end
    end
  end
  if #authors == 0 then warn("authors: none on the page") end

  -- dates: the first one the text gives, in a few languages
  local asked
  for _, lang in ipairs({"nl", "fr", "de", "en"}) do
    asked = date.find(body:sub(1, 4000), lang)
    if asked then break end
  end
  local dates = {}
  if asked and date.valid_iso(asked) then
    dates.asked = asked
    local later = date.add(asked, 30)
    if later and date.days_between(asked, later) == 30 then dates.due = later end
  else
    warn("dates.asked: no date on the page")
  end

  -- paragraphs into numbered parts
  local paras = {}
  for _, p in ipairs(take(doc:select("p, li, td, dd"), 40)) do
    local s = p:text()
    if s ~= "" then paras[#paras + 1] = s end
  end
  local split = paras[1] and try(parts.split, paras) or nil
  local question = {body = table.concat(paras, "\n\n")}
  if question.body == "" then question.body = nil end
  if split and split.parts and #split.parts > 0 then
    question.parts = split.parts
    question.intro = split.intro
  end

  -- sections under headings
  local answers = {}
  if doc.body then
    local blocks = try(pqx.sections, doc.body, "h1, h2, h3, h4, p:has(> b)")
    for _, b in ipairs(blocks or {}) do
      if b.heading and b.text and b.text ~= "" and #answers < 3 then
        answers[#answers + 1] = {kind = "answer", body = b.text,
          sections = {{heading = b.title ~= "" and b.title or nil, text = b.text}}}
      end
    end
  end

  -- links, resolved; keywords from classes and attributes
  local attachments, keywords = {}, {}
  for _, a in ipairs(take(doc:select("a[href], area[href]"), 10)) do
    local u = a:url()
    if u then attachments[#attachments + 1] = {title = nonempty(text.squish(a:text())), url = u, kind = "link"} end
  end
  for _, n in ipairs(take(doc:select("[class]:not(:empty), [lang], [title]"), 10)) do
    local label = n:attr("title") or n:attr("lang") or n:attr("class")
    label = text.squish(label or "")
    if label ~= "" then keywords[#keywords + 1] = {label = label, scheme = "fuzz"} end
  end

  -- the rest of the API, for coverage; results go to extra
  local extra = {}
  extra.texts = doc:select("h1, h2, h3"):texts()
  extra.cells = doc:select_text("td:nth-child(2n+1), th:first-child")
  extra.own = {}
  for _, n in ipairs(take(doc:select("div:has(> span), p:pqx-contains('a' i), li:last-of-type"), 5)) do
    extra.own[#extra.own + 1] = n:own_text()
    local c = n:closest("table, section, body")
    if c then extra.own[#extra.own + 1] = c.tag end
    local nx = n:next()
    if nx then extra.own[#extra.own + 1] = nx:raw_text():sub(1, 80) end
    extra.own[#extra.own + 1] = #n:ancestors() .. ":" .. n:index()
  end
  local hits = try(function() return take(doc:select("p:pqx-matches(/\\d{2,}/), b:pqx-contains-own('n')"), 5) end)
  if hits then extra.matches = #hits end
  extra.html_bytes = #(doc.body and doc.body:inner_html() or "")
  extra.folded = text.fold_case(title)
  extra.slug = text.slug(title)
  extra.accents = text.strip_accents(title)
  extra.num = text.number(number)
  extra.split = text.split(title, " ")
  extra.lines = #text.lines(body)
  extra.words = #re.all(body:sub(1, 2000), [[\p{L}+]])
  extra.gsub = re.gsub(title, [[\s+]], "_")
  if #paras > 1 then
    local list = try(names.split_list, paras[2])
    if list then extra.people = #list end
  end
  extra.encoding = ctx.encoding
  extra.replaced = ctx.replaced

  local rec = {
    schema = "pqx.question/1",
    id = "fuzz:" .. number,
    parliament = "fuzz",
    number = number,
    type = "written",
    title = title ~= "" and title or nil,
    authors = authors,
    dates = dates,
    question = question,
    answers = #answers > 0 and answers or nil,
    attachments = #attachments > 0 and attachments or nil,
    keywords = #keywords > 0 and keywords or nil,
    status = #answers > 0 and "answered" or "unanswered",
    extra = extra,
    warnings = #warnings > 0 and warnings or nil,
  }
  return rec
end

return {
  name = "fuzz-generic",
  version = "0.1.0",
  description = "Any page through as much of the pqx API as possible (fuzzing)",
  base_url = "https://example.org/questions/",
  extract = extract,
}
