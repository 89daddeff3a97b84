-- pqx.de: the conventions German parliaments share, for the scripts of the
-- Bundestag and the 16 Landtage. It owns the reading of Drucksache references
-- ("Drucksache Nr. 17/4838 vom 09.02.2015", "Drs 19/113", "BT-Drs 18/13575"),
-- the mapping of the German question types onto pqx.question/1 `type`
-- (docs/record.md, "German parliaments"), and the reading of author strings:
-- a member "Susanne Graf (Piraten)", a parliamentary group "Fraktion der CDU",
-- a party named alone "BÜNDNIS 90/DIE GRÜNEN", the government, a committee.
-- Like pqx.names it only cuts text apart and classifies it: it never
-- completes or reorders a name, and returns nil plus a reason when the text
-- cannot be read with certainty.

local text = require("pqx.text")
local names = require("pqx.names")
local date = require("pqx.date")
local pqx_is_node = require("pqx.core").is_node

local M = {}

local check_string = text._check_string
local check_opts = text._check_opts

-- The question types, by their folded name (text.fold_case: "große" ->
-- "grosse"). The longest name found in a label wins, so "Kleine Anfrage zur
-- schriftlichen Beantwortung" is not read as "Kleine Anfrage", and a bare
-- "Anfrage" (Saarland) only counts when nothing longer matches.
M.QUESTION_TYPES = {
  {name = "Kleine Anfrage zur schriftlichen Beantwortung", type = "written"},
  {name = "Dringliche Kleine Anfrage", type = "written"},
  {name = "Kleine Anfrage", type = "written"},
  {name = "Schriftliche Anfrage", type = "written"},
  {name = "Große Anfrage", type = "interpellation"},
  {name = "Mündliche Anfrage", type = "oral"},
  {name = "Dringliche Anfrage", type = "topical"},
  {name = "Anfrage", type = "written"},
}
for _, t in ipairs(M.QUESTION_TYPES) do t.key = text.fold_case(t.name) end

-- Party names as German parliaments print them (folded for comparison). A
-- string that is one of these and nothing else is a party, not a person.
M.PARTIES = {
  "CDU", "CSU", "SPD", "FDP", "FDP/DVP", "GRÜNE", "DIE GRÜNEN", "Grüne",
  "BÜNDNIS 90/DIE GRÜNEN", "Bündnis 90/Die Grünen", "B90/GR", "B90/Grüne",
  "DIE LINKE", "LINKE", "Die Linke", "PDS", "Linke.PDS", "AfD", "Piraten",
  "PIRATEN", "Piratenpartei", "NPD", "DVU", "REP", "FREIE WÄHLER",
  "BVB/FREIE WÄHLER", "BVB/FW", "FW", "SSW", "BIW", "ALFA", "LKR", "Die PARTEI", "ÖDP",
}
local PARTY = {}
for _, p in ipairs(M.PARTIES) do PARTY[text.fold_case(p)] = p end

-- is_party(s) -> true when s (squished) is one of M.PARTIES, any case.
function M.is_party(s)
  check_string("is_party", 1, s)
  return PARTY[text.fold_case(text.squish(s))] ~= nil
end

-- drucksache(s [, opts]) -> {number=, term=, serial=, date=, pages=, raw=},
-- start, finish; or nil, reason. Finds the first Drucksache reference in s:
-- a prefix ("Drucksache", "Drucks.", "Drs.", "Drs", "Ds.", "BT-Drs.", "LT-Drs."
-- ...), an optional "Nr.", the number "<Wahlperiode>/<laufende Nummer>", then
-- optionally pages "S. 1 bis 29" and "vom DD.MM.YYYY". With opts.prefix =
-- false a bare "17/1234" counts too. A date that does not exist is an error,
-- never dropped: nil, reason.
local PREFIXES = {drucksache = true, drucksachen = true, ["drucks."] = true, drs = true,
  ["drs."] = true, ds = true, ["ds."] = true}
function M.drucksache(s, opts)
  check_string("drucksache", 1, s)
  opts = check_opts("drucksache", 2, opts)
  local t = text.squish(s)
  local a, b, term, serial
  if opts.prefix == false then
    a, b, term, serial = t:find("%f[%d](%d+)%s*/%s*(%d+)%f[%D]")
  else
    for pa, word, pb in t:gmatch("()(%a[%a%-]*%.?)()") do
      if PREFIXES[word:gsub("^%a+%-", ""):lower()] then
        local qa, qb, x, y = t:find("^%s*N?r?%.?%s*(%d+)%s*/%s*(%d+)%f[%D]", pb)
        if qa then a, b, term, serial = pa, qb, x, y break end
      end
    end
  end
  if not a then return nil, string.format("no Drucksache number in '%s'", t) end
  local out = {number = term .. "/" .. serial, term = term, serial = serial}
  local rest = t:sub(b + 1)
  local pa, pb, pages = rest:find("^%s*(S%.%s*%d+%s*[bis%-]*%s*%d*)")
  if pa then
    out.pages = text.trim(pages)
    rest, b = rest:sub(pb + 1), b + pb
  end
  local va, vb, when = rest:find("^%s*vom%s+(%d%d?%.%d%d?%.%d%d%d%d)")
  if va then
    local iso, why = date.parse(when, "de")
    if not iso then return nil, string.format("Drucksache %s: %s", out.number, why) end
    out.date, b = iso, b + vb
  end
  out.raw = t:sub(a, b)
  return out, a, b
end

-- question_type(label) -> type, name; or nil, reason. The pqx type of the
-- German question type named in label ("Kleine Anfrage und Antwort",
-- "Antwort auf Große Anfrage", "KLEINE ANFRAGE"), and the canonical German
-- name that matched. The longest known name in label wins.
function M.question_type(label)
  check_string("question_type", 1, label)
  local folded = text.fold_case(text.squish(label))
  local best
  for _, t in ipairs(M.QUESTION_TYPES) do
    if folded:find("%f[%w]" .. t.key:gsub("%p", "%%%0") .. "%f[%W]")
        and (not best or #t.key > #best.key) then
      best = t
    end
  end
  if not best then return nil, string.format("no German question type in '%s'", text.squish(label)) end
  return best.type, best.name
end

local GOVERNMENT = {
  "^Bundesregierung", "^Landesregierung", "^Staatsregierung", "^Senat%f[%W]",
  "^Senatsverwaltung", "^Staatskanzlei", "^Senatskanzlei", "^Bundesministerium",
  "^Ministerium", "^Staatsministerium", "^Ministerpräsident", "^Regierende[rn]? Bürgermeister",
}

-- author(s [, opts]) -> {name=, kind=, party=, raw=} or nil, reason. Reads
-- one author as printed; "Urheber:" in front is dropped.
--   "Susanne Graf (Piraten)"      -> person, party "Piraten" (kind left out)
--   "Fraktion der CDU", "Fraktion DIE LINKE", "CDU-Fraktion", "Gruppe X"
--                                  -> kind "group", party "CDU" / "DIE LINKE"
--   "BÜNDNIS 90/DIE GRÜNEN"       -> kind "party" (one of M.PARTIES, or of
--                                     opts.parties, a list of extra names)
--   "Landesregierung", "Senat", "Ministerium für ..." -> kind "government"
--   "Ausschuss für ..."           -> kind "committee"
-- Anything else is a person as names.name_party reads it.
function M.author(s, opts)
  check_string("author", 1, s)
  opts = check_opts("author", 2, opts)
  local t = text.squish(s):gsub("^Urheber%s*:%s*", "")
  if t == "" then return nil, "empty author" end
  local extra = {}
  for _, p in ipairs(opts.parties or {}) do extra[text.fold_case(p)] = p end
  local function party_of(x)
    local k = text.fold_case(text.trim(x))
    return PARTY[k] and text.trim(x) or extra[k] and text.trim(x) or nil
  end
  if party_of(t) then return {name = t, kind = "party", party = t, raw = t} end
  local g = t:match("^Fraktion%s+der%s+(.+)$") or t:match("^Fraktion%s+des%s+(.+)$")
    or t:match("^Fraktion%s+(.+)$") or t:match("^(.-)%s*%-%s*Landtagsfraktion$")
    or t:match("^(.-)%s*%-%s*Fraktion$") or t:match("^Gruppe%s+der%s+(.+)$")
    or t:match("^Gruppe%s+(.+)$")
  if g then return {name = t, kind = "group", party = g, raw = t} end
  for _, p in ipairs(GOVERNMENT) do
    if t:find(p) then return {name = t, kind = "government", raw = t} end
  end
  if t:find("^%a*[Aa]usschuss%f[%A]") then return {name = t, kind = "committee", raw = t} end
  return names.name_party(t)
end

-- authors(s [, opts]) -> list of author tables, or nil, reason. A printed
-- list "Thomas Jung (AfD), Andreas Kalbitz (AfD)", "A (SPD) und B (SPD)",
-- cut with names.split_list (joining words "und", "u.", "&"), each read
-- with author(s, opts). A leading "Kleine Anfrage des Abgeordneten",
-- "der Abgeordneten", "Abg." is dropped.
function M.authors(s, opts)
  check_string("authors", 1, s)
  opts = check_opts("authors", 2, opts)
  local t = text.squish(s)
  t = t:gsub("^.-[Aa]nfrage%s+", ""):gsub("^de[rs]%s+Abgeordneten%s+", "")
    :gsub("^Abg%.%s*", "")
  local list, why = names.split_list(t, {words = {"und", "u.", "&"}})
  if not list then return nil, why end
  local out = {}
  for i, piece in ipairs(list) do
    local a, err = M.author(piece, opts)
    if not a then return nil, string.format("author %d: %s", i, err) end
    out[i] = a
  end
  return out
end

-- lines(node) -> list of {text=, urls={...}}: the node's content cut at <br>,
-- the layout of the starweb pages many Landtage use (PARDOK, PARLDOK, PARiS):
-- "Susanne Graf (Piraten)<br><a href=..>Drucksache 17/14146</a> vom 03.07.2014<br>".
-- Each line's text is squished; urls are its links as absolute URLs (node:url), in
-- order, leaving out "javascript:" and same-page "#" links (starweb's action
-- triggers). Empty lines are kept: "<br><br>" separates blocks. Comments are skipped.
-- Inline elements join the line as their text stands ("<a>A</a>nlagen" is one word);
-- a block element child is a line of its own per line of its text. With opts.base
-- (a URL), links resolve against it instead of the document's base URL: a PARLDOK
-- page names the server it came from only in its form's action.
local BLOCK = {}
for t in ("div p table ul ol li dl h1 h2 h3 h4 h5 h6 hr"):gmatch("%a+%d?") do BLOCK[t] = true end

function M.lines(node, opts)
  if not (pqx_is_node(node)) then
    error(string.format("bad argument #1 to 'lines' (Node expected, got %s)", type(node)), 2)
  end
  opts = check_opts("lines", 2, opts)
  for k in pairs(opts) do
    if k ~= "base" then
      error(string.format("bad argument #2 to 'lines' (unknown option '%s'; known: base)", tostring(k)), 2)
    end
  end
  if opts.base ~= nil and type(opts.base) ~= "string" then
    error(string.format("bad argument #2 to 'lines' (opts.base must be a string, got %s)", type(opts.base)), 2)
  end
  local out, cur = {}, {text = "", urls = {}}
  local function flush()
    cur.text = text.squish(cur.text)
    out[#out + 1] = cur
    cur = {text = "", urls = {}}
  end
  local function link(a)
    local href = a:attr("href") or ""
    if href ~= "" and not href:find("^%s*#") and not href:lower():find("^%s*javascript:") then
      cur.urls[#cur.urls + 1] = opts.base and require("pqx.core").url.resolve(opts.base, href) or a:url()
    end
  end
  for _, n in ipairs(node:child_nodes()) do
    if n.tag == "br" then
      flush()
    elseif n.type == "text" or n.type == "whitespace" or n.type == "cdata" then
      cur.text = cur.text .. n:raw_text()
    elseif n.type == "element" and BLOCK[n.tag] then
      flush()
      for _, l in ipairs(text.lines(n:text())) do cur.text = l flush() end
    elseif n.type == "element" then
      -- inline: its text as it stands, so "<a>A</a>nlagen" stays one word
      cur.text = cur.text .. n:raw_text()
      if n.tag == "a" then link(n) end
      for _, a in ipairs(n:select("a[href]")) do link(a) end
    end
  end
  flush()
  return out
end

return M
