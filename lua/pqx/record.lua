-- pqx.record: the question record "pqx.question/1" (docs/record.md is the
-- authority) and its validation. It owns the rules a record must meet
-- before the engine stores it and the wording of the messages that report
-- a violation, each naming the field by its path ("authors[2].name",
-- "answers[1].sections[3].heading"). It never changes a record: it only
-- reads it and reports. A record without `schema` is not a question record
-- and is not checked (it passes through to JSON output); unknown top-level
-- fields are not errors (the store keeps them in `extra`, see
-- unknown_fields). Rules checked, beyond each known field's type:
-- required fields, ISO dates that exist in the calendar, language codes,
-- the id format and its prefix, the parliament slug, the allowed values of
-- type, status, answer, author, document and source kind, absolute document
-- URLs, no paper listed twice in documents, and no empty strings (an empty string is
-- not "absent": leave the field out instead). A record read from a list
-- page (`source.kind = "list"`) is partial: only schema, id, parliament and
-- number are required, and whatever else it gives is checked as usual.

local date = require("pqx.date")

local M = {}

M.SCHEMA = "pqx.question/1"
M.TYPES = {"written", "oral", "interpellation", "topical", "priority", "other"}
M.STATUSES = {"answered", "unanswered", "withdrawn", "lapsed", "transferred",
  "partially_answered"}
M.ANSWER_KINDS = {"answer", "holding", "delay_notice", "correction", "supplementary"}
M.DATE_FIELDS = {"asked", "answered", "published", "due", "withdrawn"}
M.SOURCE_KINDS = {"detail", "list"}
M.AUTHOR_KINDS = {"person", "group", "party", "committee", "government", "other"}
M.DOCUMENT_KINDS = {"question", "answer", "other"}
-- Top-level fields of docs/record.md, in its order.
M.FIELDS = {"schema", "id", "parliament", "term", "number", "type", "lang",
  "page_lang", "title", "summary", "authors", "addressees", "dates", "question",
  "answers", "documents", "keywords", "events", "related", "attachments", "status",
  "source", "source_url", "extra", "warnings"}

local KNOWN = {}
for _, f in ipairs(M.FIELDS) do KNOWN[f] = true end

local ID_PATTERN = "^([a-z0-9%-]+):(%S+)$"

-- A value as messages show it: strings in double quotes, long ones cut.
local function show(v)
  if type(v) ~= "string" then return tostring(v) end
  if #v > 80 then
    local cut = 77
    while cut > 1 and v:byte(cut + 1) and v:byte(cut + 1) >= 0x80
        and v:byte(cut + 1) < 0xC0 do
      cut = cut - 1
    end
    v = v:sub(1, cut) .. "..."
  end
  v = v:gsub('[\\"]', "\\%0"):gsub("\n", "\\n"):gsub("\t", "\\t")
  return '"' .. v .. '"'
end

local function is_list(t)
  local n = #t
  for k in pairs(t) do
    if math.type(k) ~= "integer" or k < 1 or k > n then return false, k end
  end
  return true
end

local function type_name(v)
  return type(v)
end

local function one_of(list, v)
  for _, x in ipairs(list) do
    if x == v then return true end
  end
  return false
end

---------------------------------------------------------------------------
-- A checker collects problems; each check_* returns the value when it is
-- usable (right type, non-empty), else nil.

local Checker = {}
Checker.__index = Checker

local function new_checker()
  return setmetatable({problems = {}}, Checker)
end

function Checker:add(field, fmt, ...)
  self.problems[#self.problems + 1] = {field = field, message = string.format(fmt, ...)}
end

function Checker:string(path, v, required)
  if v == nil then
    if required then self:add(path, "missing (required)") end
    return nil
  end
  if type(v) ~= "string" then
    self:add(path, "expected string, got %s", type_name(v))
    return nil
  end
  if v == "" then
    self:add(path, "empty string; leave the field out instead")
    return nil
  end
  return v
end

function Checker:enum(path, v, required, allowed)
  v = self:string(path, v, required)
  if v and not one_of(allowed, v) then
    self:add(path, "%s is not one of %s", show(v), table.concat(allowed, ", "))
    return nil
  end
  return v
end

function Checker:date(path, v, required)
  v = self:string(path, v, required)
  if not v then return nil end
  if not v:match("^%d%d%d%d%-%d%d%-%d%d$") then
    self:add(path, "%s is not YYYY-MM-DD", show(v))
    return nil
  end
  local ok, reason = date.valid_iso(v)
  if not ok then
    self:add(path, "%s is not a date in the calendar (%s)", show(v), reason)
    return nil
  end
  return v
end

function Checker:lang(path, v)
  v = self:string(path, v, false)
  if v and not (v:match("^%l%l$") or v:match("^%l%l%l$")) then
    self:add(path, "%s is not a language code (two or three lowercase letters)", show(v))
    return nil
  end
  return v
end

function Checker:id(path, v, required)
  v = self:string(path, v, required)
  if v and not v:match(ID_PATTERN) then
    self:add(path, "%s is not <parliament>:<native id> (like \"be-senate:5-8916\")", show(v))
    return nil
  end
  return v
end

function Checker:table(path, v, required)
  if v == nil then
    if required then self:add(path, "missing (required)") end
    return nil
  end
  if type(v) ~= "table" then
    self:add(path, "expected a table, got %s", type_name(v))
    return nil
  end
  return v
end

function Checker:list(path, v, required)
  if v == nil then
    if required then self:add(path, "missing (required)") end
    return nil
  end
  if type(v) ~= "table" then
    self:add(path, "expected a list, got %s", type_name(v))
    return nil
  end
  local ok, key = is_list(v)
  if not ok then
    self:add(path, "expected a list, got a table with key %s", show(key))
    return nil
  end
  return v
end

-- Calls fn(path_i, entry) for each table entry of a list.
function Checker:each(path, list, fn)
  if not list then return end
  for i, entry in ipairs(list) do
    local p = string.format("%s[%d]", path, i)
    if type(entry) ~= "table" then
      self:add(p, "expected a table, got %s", type_name(entry))
    else
      fn(p, entry)
    end
  end
end

---------------------------------------------------------------------------
-- The record's parts

-- A list record (source.kind = "list") is partial; an unusable source
-- counts as detail, so the record is held to the full rules.
local function check_source(c, rec)
  local src = c:table("source", rec.source, false)
  if not src then return false end
  local kind = c:enum("source.kind", src.kind, false, M.SOURCE_KINDS)
  local view = c:string("source.view", src.view, false)
  if view and not view:match("^[a-z0-9_%-]+$") then
    c:add("source.view", "%s is not a view name ([a-z0-9_-]+)", show(view))
  end
  local extra = {}
  for k in pairs(src) do
    if k ~= "kind" and k ~= "view" then extra[#extra + 1] = tostring(k) end
  end
  table.sort(extra)
  for _, k in ipairs(extra) do
    c:add("source." .. k, "unknown field (source has only kind and view)")
  end
  return kind == "list"
end

local function check_authors(c, rec, has_warnings, partial)
  local authors = c:list("authors", rec.authors, not partial)
  if authors and #authors == 0 and not has_warnings then
    c:add("authors", "empty list; allowed only with a warning saying why")
  end
  c:each("authors", authors, function(p, a)
    c:string(p .. ".name", a.name, true)
    c:enum(p .. ".kind", a.kind, false, M.AUTHOR_KINDS)
    for _, f in ipairs({"party", "raw", "constituency", "ref"}) do
      c:string(p .. "." .. f, a[f], false)
    end
  end)
end

-- An absolute URL: a scheme, "://", and no white space (node:url and
-- pqx.url.resolve give this form).
function Checker:url(path, v, required)
  v = self:string(path, v, required)
  if v and not v:match("^[%a][%w+.%-]*://[^%s]+$") then
    self:add(path, "%s is not an absolute URL (resolve it with node:url or pqx.url.resolve)",
      show(v))
    return nil
  end
  return v
end

-- Printed papers: each needs a number and a kind; the same paper (number
-- and kind) listed twice is a script error, while a question and its answer
-- may share a number (several Landtage print both under one Drucksache).
local function check_documents(c, rec)
  local seen = {}
  c:each("documents", c:list("documents", rec.documents, false), function(p, d)
    local number = c:string(p .. ".number", d.number, true)
    local kind = c:enum(p .. ".kind", d.kind, true, M.DOCUMENT_KINDS)
    c:date(p .. ".date", d.date, false)
    c:url(p .. ".url", d.url, false)
    c:string(p .. ".title", d.title, false)
    if number and kind then
      local key = kind .. "\0" .. number
      if seen[key] then
        c:add(p, "duplicate of %s (number %s, kind %s)", seen[key], show(number), show(kind))
      else
        seen[key] = p
      end
    end
  end)
end

local function check_addressees(c, rec)
  c:each("addressees", c:list("addressees", rec.addressees, false), function(p, a)
    local title = c:string(p .. ".title", a.title, false)
    local person = c:string(p .. ".person", a.person, false)
    c:string(p .. ".raw", a.raw, false)
    if title == nil and person == nil and a.title == nil and a.person == nil then
      c:add(p, "needs a title or a person")
    end
  end)
end

-- Is the absence of a required field explained by a warning that names it
-- ("dates.asked: the page prints no tabled date")? Unknown values are absent
-- plus a warning; the record is then still valid, never given an invented value.
local function explained(rec, field)
  if type(rec.warnings) ~= "table" then return false end
  for _, w in ipairs(rec.warnings) do
    if type(w) == "string" and w:sub(1, #field + 1) == field .. ":" then return true end
  end
  return false
end

local function check_dates(c, rec, partial)
  local dates = c:table("dates", rec.dates, not partial)
  if not dates then return end
  for _, f in ipairs(M.DATE_FIELDS) do
    c:date("dates." .. f, dates[f],
      f == "asked" and not partial and not explained(rec, "dates.asked"))
  end
end

local function check_items(c, path, v, what)
  c:each(path, c:list(path, v, false), function(p, item)
    c:string(p .. ".number", item.number, false)
    c:string(p .. "." .. what, item[what], true)
  end)
end

local function check_question(c, rec)
  local q = c:table("question", rec.question, false)
  if not q then return end
  c:string("question.intro", q.intro, false)
  c:string("question.body", q.body, false)
  check_items(c, "question.parts", q.parts, "text")
end

local function check_answers(c, rec)
  c:each("answers", c:list("answers", rec.answers, false), function(p, a)
    c:date(p .. ".date", a.date, false)
    c:enum(p .. ".kind", a.kind, false, M.ANSWER_KINDS)
    for _, f in ipairs({"by", "intro", "body"}) do
      c:string(p .. "." .. f, a[f], false)
    end
    local sp = p .. ".sections"
    c:each(sp, c:list(sp, a.sections, false), function(q, s)
      for _, f in ipairs({"heading", "number", "text"}) do
        c:string(q .. "." .. f, s[f], false)
      end
      check_items(c, q .. ".items", s.items, "text")
    end)
  end)
end

local function check_lists(c, rec)
  c:each("keywords", c:list("keywords", rec.keywords, false), function(p, k)
    c:string(p .. ".label", k.label, true)
    c:string(p .. ".scheme", k.scheme, false)
    c:lang(p .. ".lang", k.lang)
  end)
  c:each("events", c:list("events", rec.events, false), function(p, e)
    c:date(p .. ".date", e.date, true)
    c:string(p .. ".label", e.label, false)
  end)
  c:each("related", c:list("related", rec.related, false), function(p, r)
    c:id(p .. ".id", r.id, true)
    c:string(p .. ".relation", r.relation, false)
  end)
  c:each("attachments", c:list("attachments", rec.attachments, false), function(p, a)
    c:string(p .. ".url", a.url, true)
    c:string(p .. ".title", a.title, false)
    c:string(p .. ".kind", a.kind, false)
  end)
end

-- The warnings list; returns true when it holds at least one warning.
local function check_warnings(c, rec)
  local w = c:list("warnings", rec.warnings, false)
  if not w then return false end
  for i, s in ipairs(w) do
    c:string(string.format("warnings[%d]", i), s, true)
  end
  return #w > 0
end

-- validate(rec) -> list of problems {field=, message=}; empty when valid
-- or when rec has no schema (not a question record).
function M.validate(rec)
  if type(rec) ~= "table" then
    error(string.format("bad argument #1 to 'validate' (table expected, got %s)",
      type(rec)), 2)
  end
  local c = new_checker()
  if rec.schema == nil then return c.problems end
  if type(rec.schema) ~= "string" then
    c:add("schema", "expected string, got %s", type_name(rec.schema))
    return c.problems
  end
  if rec.schema ~= M.SCHEMA then
    c:add("schema", "unknown schema %s (expected %s)", show(rec.schema), show(M.SCHEMA))
    return c.problems
  end
  local id = c:id("id", rec.id, true)
  local parliament = c:string("parliament", rec.parliament, true)
  if parliament and not parliament:match("^[a-z0-9%-]+$") then
    c:add("parliament", "%s is not a slug ([a-z0-9-]+)", show(parliament))
    parliament = nil
  end
  if id and parliament then
    local prefix = id:match(ID_PATTERN)
    if prefix ~= parliament then
      c:add("id", "prefix %s does not match parliament %s", show(prefix), show(parliament))
    end
  end
  -- source is checked first (it decides what is required) but reported in
  -- its place among the fields, like warnings
  local sc = new_checker()
  local partial = check_source(sc, rec)
  c:string("term", rec.term, false)
  c:string("number", rec.number, true)
  c:enum("type", rec.type, not partial, M.TYPES)
  c:lang("lang", rec.lang)
  c:lang("page_lang", rec.page_lang)
  c:string("title", rec.title, false)
  c:string("summary", rec.summary, false)
  -- warnings are checked first (authors depends on them) but reported last
  local wc = new_checker()
  local has_warnings = check_warnings(wc, rec)
  check_authors(c, rec, has_warnings, partial)
  check_addressees(c, rec)
  check_dates(c, rec, partial)
  check_question(c, rec)
  check_answers(c, rec)
  check_documents(c, rec)
  check_lists(c, rec)
  c:enum("status", rec.status, not partial, M.STATUSES)
  for _, p in ipairs(sc.problems) do c.problems[#c.problems + 1] = p end
  c:string("source_url", rec.source_url, false)
  c:table("extra", rec.extra, false)
  for _, p in ipairs(wc.problems) do c.problems[#c.problems + 1] = p end
  return c.problems
end

-- Top-level field names the record format does not know, sorted (the
-- store keeps them in `extra` and adds a warning for each).
function M.unknown_fields(rec)
  if type(rec) ~= "table" then
    error(string.format("bad argument #1 to 'unknown_fields' (table expected, got %s)",
      type(rec)), 2)
  end
  local out = {}
  for k in pairs(rec) do
    if type(k) == "string" and not KNOWN[k] then out[#out + 1] = k end
  end
  table.sort(out)
  return out
end

local function record_label(rec, index)
  if type(rec) == "table" and type(rec.id) == "string" and rec.id:match(ID_PATTERN) then
    return "record " .. rec.id
  end
  if index then return "record #" .. index end
  return "record (no id)"
end

local function prefix_of(script_name)
  if script_name == nil then return "" end
  if type(script_name) ~= "string" then
    error(string.format("bad script name (string expected, got %s)", type(script_name)), 3)
  end
  return script_name .. ": "
end

-- format(problems, script_name, rec, index) -> list of lines
-- "be-senate.lua: record be-senate:5-8916: dates.asked: ...". The record is
-- named by its id, or "record #index" when the id is missing or malformed.
function M.format(problems, script_name, rec, index)
  if type(problems) ~= "table" then
    error(string.format("bad argument #1 to 'format' (table expected, got %s)",
      type(problems)), 2)
  end
  local head = prefix_of(script_name) .. record_label(rec, index) .. ": "
  local lines = {}
  for _, p in ipairs(problems) do
    if p.field and p.field ~= "" then
      lines[#lines + 1] = head .. p.field .. ": " .. p.message
    else
      lines[#lines + 1] = head .. p.message
    end
  end
  return lines
end

-- validate_page(records, script_name) -> list of message lines (empty when
-- the page is fine): every question record's problems, records that are
-- not tables, and ids used twice on the page. A single record (a table with
-- a `schema` field) counts as a page of one.
-- Fields of a question record that are JSON objects even when empty: an empty
-- Lua table is ambiguous, and the engine writes it as [] unless told otherwise.
M.OBJECT_FIELDS = {"dates", "question", "extra"}

local OBJECT_MT = {__jsontype = "object"}

-- canonicalise(records): marks the object fields of each pqx.question/1 record
-- so that an empty one is written as {} in JSON; returns records. The engine
-- calls it after validation, before encoding.
function M.canonicalise(records)
  if type(records) ~= "table" then
    error(string.format("bad argument #1 to 'canonicalise' (table expected, got %s)",
      type(records)), 2)
  end
  for _, rec in ipairs(records) do
    if type(rec) == "table" and rec.schema ~= nil then
      for _, f in ipairs(M.OBJECT_FIELDS) do
        local v = rec[f]
        if type(v) == "table" and next(v) == nil and getmetatable(v) == nil then
          setmetatable(v, OBJECT_MT)
        end
      end
    end
  end
  return records
end

function M.validate_page(records, script_name)
  if type(records) ~= "table" then
    error(string.format("bad argument #1 to 'validate_page' (table expected, got %s)",
      type(records)), 2)
  end
  local head = prefix_of(script_name)
  if records.schema ~= nil then records = {records} end
  local lines, seen = {}, {}
  for i = 1, #records do
    local rec = records[i]
    if type(rec) ~= "table" then
      lines[#lines + 1] = string.format("%srecord #%d: expected a table, got %s",
        head, i, type_name(rec))
    elseif rec.schema ~= nil then
      for _, line in ipairs(M.format(M.validate(rec), script_name, rec, i)) do
        lines[#lines + 1] = line
      end
      local id = rec.id
      if type(id) == "string" and id:match(ID_PATTERN) then
        if seen[id] then
          lines[#lines + 1] = string.format("%srecord %s: duplicate id (also record #%d)",
            head, id, seen[id])
        else
          seen[id] = i
        end
      end
    end
  end
  return lines
end

return M
