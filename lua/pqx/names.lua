-- pqx.names: people as parliament pages print them. It owns the reading of
-- "Name (Party)" and "Name, Party" strings and the splitting of printed
-- lists of people ("A, B en C"). It only cuts text apart: it never
-- normalises, reorders or completes a name, and it returns nil plus a
-- reason when the text cannot be cut with certainty (empty input, no name,
-- unbalanced parentheses, text after the party). White space of any kind
-- (NBSP included) is collapsed first.

local text = require("pqx.text")

local M = {}

local check_string = text._check_string

local check_opts = text._check_opts

local function nonempty(s)
  if s == "" then return nil end
  return s
end

-- Position of the "(" that matches the ")" ending t, or nil.
local function opening_paren(t)
  local depth = 0
  for i = #t, 1, -1 do
    local c = t:sub(i, i)
    if c == ")" then
      depth = depth + 1
    elseif c == "(" then
      depth = depth - 1
      if depth == 0 then return i end
    end
  end
  return nil
end

local function balanced(t)
  local depth = 0
  for c in t:gmatch("[()]") do
    depth = depth + (c == "(" and 1 or -1)
    if depth < 0 then return false end
  end
  return depth == 0
end

-- name_party(s, opts) -> {name=, party=, raw=} or nil, reason.
-- Default form "Martine Taelman (Open Vld)": the party is the last,
-- balanced parenthesised group, which must end the string; parentheses
-- inside it are kept ("Jan Peeters (sp.a (Vooruit))" -> party
-- "sp.a (Vooruit)"). With opts.sep (e.g. ",") the form is "Name<sep>Party",
-- cut at the last sep. No party gives party = nil; "()" too. raw is the
-- input with white space collapsed, as a reader sees it printed.
function M.name_party(s, opts)
  check_string("name_party", 1, s)
  opts = check_opts("name_party", 2, opts)
  if opts.sep ~= nil and (type(opts.sep) ~= "string" or opts.sep == "") then
    error("bad option 'sep' to 'name_party' (non-empty string expected)", 2)
  end
  local t = text.squish(s)
  if t == "" then return nil, "empty name" end
  local name, party
  if opts.sep then
    local at, last = nil, 0
    while true do
      local a, b = t:find(opts.sep, last + 1, true)
      if not a then break end
      at, last = a, b
    end
    if at then
      name, party = text.trim(t:sub(1, at - 1)), text.trim(t:sub(last + 1))
    else
      name = t
    end
  elseif t:sub(-1) == ")" then
    local open = opening_paren(t)
    if not open then
      return nil, string.format("unbalanced parentheses in '%s'", t)
    end
    name, party = text.trim(t:sub(1, open - 1)), text.trim(t:sub(open + 1, -2))
  elseif t:find("[()]") then
    if balanced(t) then
      return nil, string.format("text after the party in '%s'", t)
    end
    return nil, string.format("unbalanced parentheses in '%s'", t)
  else
    name = t
  end
  if name == "" then return nil, string.format("no name in '%s'", t) end
  return {name = name, party = nonempty(party or ""), raw = t}
end

local DEFAULT_WORDS = {"and", "en", "et", "und", "&"}

-- split_list(s, opts) -> list of strings, or nil, reason when empty.
-- "A, B and C", "A, B en C", "A, B et C", "A, B und C", "A; B", "A, B, and
-- C" all give {"A", "B", "C"}. Splits at "," and ";", at line breaks (a
-- list printed one name per line, <br> in node:text()), at the joining
-- words (opts.words, default and/en/et/und/&, matched case-insensitively as
-- whole words between spaces), and between a name's party and the next
-- name when that name has a party too ("Anna Muster (SPD) Bernd Beispiel
-- (CDU)"); never inside parentheses or brackets, so "Jan (CD&V), Piet (N-VA)
-- en Kees" keeps its parties, and "Taelman (Open Vld) d.d." stays whole
-- (the text after the party has none). opts.parties = true gives
-- name_party() of each piece ({name=, party=, raw=}) instead of strings, or
-- nil plus the reason of the first piece it cannot read.
local BREAK = "\1" -- stands for a line break until the cutting is done

function M.split_list(s, opts)
  check_string("split_list", 1, s)
  opts = check_opts("split_list", 2, opts)
  local words = opts.words or DEFAULT_WORDS
  if type(words) ~= "table" then
    error("bad option 'words' to 'split_list' (list of strings expected)", 2)
  end
  local t = s:gsub(BREAK, " "):gsub("\r?\n", BREAK):gsub("\r", BREAK)
    :gsub("\xE2\x80[\xA8\xA9]", BREAK)
  t = text.squish(t)
  if t == "" then return nil, "empty list" end
  local folded = t:gsub("[A-Z]", function(c) return string.char(c:byte() + 32) end)
  local seps = {}
  for _, w in ipairs(words) do
    seps[#seps + 1] = " " .. w:gsub("[A-Z]", function(c)
      return string.char(c:byte() + 32)
    end) .. " "
  end
  local out, depth, start, i = {}, 0, 1, 1
  local after_party -- where a top-level party group ended, followed by a space
  local function cut(a, resume)
    local piece = text.squish((t:sub(start, a - 1):gsub(BREAK, " ")))
    if piece ~= "" then out[#out + 1] = piece end
    start, i, after_party = resume, resume, nil
  end
  while i <= #t do
    local c = t:sub(i, i)
    if c == "(" or c == "[" then
      if depth == 0 and c == "(" and after_party and t:sub(after_party, i - 1):find("[^%s\1]") then
        local save = i
        cut(after_party, after_party) -- the next name has a party too
        i = save
      end
      depth, i = depth + 1, i + 1
    elseif (c == ")" or c == "]") and depth > 0 then
      depth, i = depth - 1, i + 1
      if depth == 0 and c == ")" and t:sub(i, i) == " " then after_party = i end
    elseif depth == 0 and (c == "," or c == ";" or c == BREAK) then
      cut(i, i + 1)
    else
      local hit
      if depth == 0 and c == " " then
        for _, sep in ipairs(seps) do
          if folded:sub(i, i + #sep - 1) == sep then hit = sep break end
        end
      end
      if hit then cut(i, i + #hit - 1) else i = i + 1 end
    end
  end
  cut(#t + 1, #t + 1)
  if #out == 0 then return nil, "empty list" end
  if opts.parties then
    for k, piece in ipairs(out) do
      local who, why = M.name_party(piece)
      if not who then return nil, why end
      out[k] = who
    end
  end
  return out
end

return M
