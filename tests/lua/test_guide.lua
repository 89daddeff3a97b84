-- test_guide.lua: keeps scripts/README.md (the script writer's guide) true to the code.
-- Every reference entry of the guide is a level-4 heading whose first code span is
-- the call form ("#### `node:select(css [, opts])`", "#### `doc.body`",
-- "#### `pqx.date.parse(text [, lang])`", "#### `ctx.emit(record)`"). Each entry is
-- checked against a real object (one check per entry); then every method, property
-- and library function pqx has must have an entry (one check per name), so nothing
-- documented is missing and nothing present is undocumented.
-- Run from the project root: build/pqx lua tests/lua/test_guide.lua
local T = require("harness")
local core = require("pqx.core")

local function read(path)
  local f = io.open(path, "rb")
  if not f then return nil end
  local s = f:read("a")
  f:close()
  return s
end

local guide = read("scripts/README.md")
local doc_c = read("src/doc.c")
local page_c = read("src/page.c")
local init_lua = read("lua/pqx/init.lua")
T.ok(guide and doc_c and page_c and init_lua, "guide: sources readable (run from the project root)")
if not (guide and doc_c and page_c and init_lua) then os.exit(1) end

---------------------------------------------------------------------------
-- The entries of the guide

local entries = {}      -- {form=, key=, line=}
local documented = {}   -- key -> entry ("node:select", "doc.body", "pqx.date.parse", "#list")
local bad, dups = {}, {}
local lineno = 0
for line in (guide .. "\n"):gmatch("([^\n]*)\n") do
  lineno = lineno + 1
  if line:match("^####%s") then
    local form = line:match("^#### `([^`]+)`")
    if not form then
      bad[#bad + 1] = "line " .. lineno .. ": " .. line
    else
      local key = form:match("^[^%s(%[]+")
      if documented[key] then
        dups[#dups + 1] = key
      else
        local e = {form = form, key = key, line = lineno}
        entries[#entries + 1] = e
        documented[key] = e
      end
    end
  end
end
T.ok(#bad == 0, "guide: every level-4 heading is an entry \"#### `call form`\"", table.concat(bad, "; "))
T.ok(#dups == 0, "guide: no entry documented twice", table.concat(dups, ", "))
T.ok(#entries >= 130, "guide: the reference has its entries (" .. #entries .. ")")

---------------------------------------------------------------------------
-- Real objects to check the entries on

local PAGE = '<!DOCTYPE html><meta charset="windows-1252"><title>T</title>'
  .. '<div id="a" class="x"><p>caf\xC3\xA9 <b>b</b></p><p>two</p></div>'
local doc = assert(pqx.parse(PAGE, {path = "guide.html", url = "https://www.landtag.example/guide.html"}))
local node = doc:select1("p")
local list = doc:select("p")
local sel = pqx.selector("p")
local regex = pqx.re.compile("x")
local receivers = {doc = doc, node = node, list = list, sel = sel, regex = regex}
-- properties that only some pages have, checked on such a page
local samples = {["doc.fragment"] = assert(pqx.parse("<tr><td>a</td></tr>", {path = "row.html"}))}

-- ctx fields: the names page.c sets on ctx ...
local ctx_src = page_c:match("/%* ctx %*/(.-)/%* extract%(doc, ctx%)")
T.ok(ctx_src ~= nil, "guide: the ctx block of src/page.c is found")
local ctx_c = {}
for name in (ctx_src or ""):gmatch('set_%a+%(L, "([%w_]+)"') do ctx_c[name] = true end
for name in (ctx_src or ""):gmatch('lua_setfield%(L, [^,]+, "([%w_]+)"%)') do ctx_c[name] = true end

-- ... and the fields a script really sees, from pqx run on a tiny script and a page
-- whose encoding gives a warning (so that every optional field is present), and on
-- the same page in a web archive (ctx.fetched)
local ctx_live
do
  local pqx_bin = os.getenv("PQX") or "build/pqx"
  local base = os.tmpname()
  local script, page, frag, warc = base .. "-ctx.lua", base .. "-ctx.html", base .. "-frag.html",
    base .. "-ctx.warc"
  local f1, f2, f3, f4 = io.open(script, "wb"), io.open(page, "wb"), io.open(frag, "wb"),
    io.open(warc, "wb")
  if f1 and f2 and f3 and f4 then
    f1:write([[
return {name = "ctx", version = "1", description = "ctx fields", extract = function(doc, ctx)
  local keys = {}
  for k in pairs(ctx) do keys[#keys + 1] = k end
  table.sort(keys)
  return {keys = keys}
end}
]])
    local html = '<meta charset="windows-1252"><p>caf\xC3\xA9</p>'
    f2:write(html)
    -- a bare table row: ctx.fragment is set only for such a page
    f3:write('<tr><td>a</td></tr>')
    local http = "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n" .. html
    f4:write("WARC/1.1\r\nWARC-Type: response\r\nWARC-Target-URI: https://www.landtag.example/q\r\n",
      "WARC-Date: 2024-05-06T07:08:09Z\r\nContent-Type: application/http; msgtype=response\r\n",
      "Content-Length: ", #http, "\r\n\r\n", http, "\r\n\r\n")
    f1:close()
    f2:close()
    f3:close()
    f4:close()
    local p = io.popen(string.format("'%s' run --base-url https://www.landtag.example/ '%s' '%s' '%s' '%s' 2>/dev/null",
      pqx_bin, script, page, frag, warc))
    local out = p and p:read("a") or ""
    if p then p:close() end
    for line in out:gmatch("[^\n]+") do
      local rec = core.json_decode(line)
      if type(rec) == "table" and type(rec.keys) == "table" then
        ctx_live = ctx_live or {}
        for _, k in ipairs(rec.keys) do ctx_live[k] = true end
      end
    end
  end
  os.remove(script)
  os.remove(page)
  os.remove(frag)
  os.remove(warc)
  os.remove(base)
end
T.ok(ctx_live ~= nil, "guide: pqx run reports the ctx fields of a real page")

-- walks a dotted path from pqx (or pqx.core); nil when a step is missing
local function walk(path)
  local v
  local rest
  if path:match("^pqx%.core%.") then
    v, rest = core, path:sub(#"pqx.core." + 1)
  elseif path == "pqx" then
    return pqx
  elseif path:match("^pqx%.") then
    v, rest = pqx, path:sub(#"pqx." + 1)
  else
    return nil
  end
  for step in rest:gmatch("[^.]+") do
    if type(v) ~= "table" then return nil end
    local ok, nxt = pcall(function() return v[step] end)  -- pqx raises on unknown fields
    if not ok then return nil end
    v = nxt
  end
  return v
end

local function callable(v)
  if type(v) == "function" then return true end
  local mt = type(v) == "table" and getmetatable(v)
  return mt and type(mt) == "table" and mt.__call ~= nil or false
end

---------------------------------------------------------------------------
-- Direction 1: each documented entry exists (one check per entry)

for _, e in ipairs(entries) do
  local name = string.format("documented %s exists", e.form)
  local key, form = e.key, e.form
  local recv, sep, member = key:match("^(%a+)([:.])([%w_]+)$")
  if key == "#list" then
    T.ok(#list == 2 and getmetatable(list) ~= nil, name, "#list on a List of 2")
  elseif recv == "ctx" then
    T.ok(ctx_c[member] and (ctx_live == nil or ctx_live[member]) or false, name,
      "not set on ctx in src/page.c, or not seen by a script run by pqx run")
  elseif receivers[recv] then
    local obj = samples[key] or receivers[recv]
    local ok, v = pcall(function() return obj[member] end)
    if sep == ":" then
      T.ok(ok and type(v) == "function", name, "no method '" .. member .. "' on a " .. recv)
    else
      -- a property: present on the sample object, not a method
      T.ok(ok and v ~= nil and type(v) ~= "function", name,
        "property '" .. member .. "' is nil or missing on a " .. recv)
    end
  elseif key:match("^pqx[%w_.]*$") then
    local v = walk(key)
    if form:find("(", 1, true) then
      T.ok(callable(v), name, key .. " is not a function")
    else
      T.ok(v ~= nil, name, key .. " is nil")
    end
  else
    T.ok(false, name, "entry not understood (line " .. e.line .. ")")
  end
end

---------------------------------------------------------------------------
-- Direction 2: everything pqx has is documented (one check per name)

local function need(key, what)
  T.ok(documented[key] ~= nil, string.format("%s %s is documented", what, key),
    "add a \"#### `" .. key .. "...`\" entry to scripts/README.md")
end

local function sorted_keys(t)
  local out = {}
  for k in pairs(t) do
    if type(k) == "string" and k:sub(1, 1) ~= "_" then out[#out + 1] = k end
  end
  table.sort(out)
  return out
end

for _, k in ipairs(sorted_keys(core.node_methods)) do need("node:" .. k, "node method") end
for _, k in ipairs(sorted_keys(core.document_methods)) do need("doc:" .. k, "document method") end
for _, k in ipairs(sorted_keys(core.list_methods)) do need("list:" .. k, "list method") end
for _, k in ipairs(sorted_keys(getmetatable(sel).__index)) do need("sel:" .. k, "selector method") end
for _, k in ipairs(sorted_keys(getmetatable(regex).__index)) do need("regex:" .. k, "regex method") end

-- properties are answered by C __index functions: take their names from src/doc.c
local function props(fn_name)
  local body = doc_c:match("static int " .. fn_name .. "%(lua_State %*L[^)]*%)%s*(%b{})")
  local out, seen = {}, {}
  for k in (body or ""):gmatch('strcmp%(key, "([%w_]+)"%)') do
    if not seen[k] then
      seen[k] = true
      out[#out + 1] = k
    end
  end
  return out
end
local node_props, doc_props = props("node_property"), props("doc_index_mm")
T.ok(#node_props > 0 and #doc_props > 0, "guide: node and document properties found in src/doc.c")
for _, k in ipairs(node_props) do need("node." .. k, "node property") end
for _, k in ipairs(doc_props) do need("doc." .. k, "document property") end

-- the library: pqx's own fields, its lazily loaded modules, and each module's contents
local lazy_src = init_lua:match("local lazy = (%b{})")
T.ok(lazy_src ~= nil, "guide: the lazy module table of lua/pqx/init.lua is found")
for k in (lazy_src or ""):gmatch('([%w_]+)%s*=%s*"pqx%.[%w_]+"') do
  local _ = pqx[k] -- load it, so that pairs(pqx) sees it
end
for _, k in ipairs(sorted_keys(pqx)) do
  local v = rawget(pqx, k)
  if type(v) == "table" then
    -- a module: its callable form (pqx.fields) and every field
    if callable(v) then need("pqx." .. k, "library function") end
    for _, f in ipairs(sorted_keys(v)) do need("pqx." .. k .. "." .. f, "library field") end
  else
    need("pqx." .. k, "library field")
  end
end
-- pqx.core: its own functions, or the same value as a documented pqx.* one
for _, k in ipairs(sorted_keys(core)) do
  local key = "pqx.core." .. k
  local alias = rawget(pqx, k) ~= nil and rawequal(rawget(pqx, k), core[k])
  local alias_documented = documented["pqx." .. k] ~= nil
  for dk in pairs(documented) do
    if dk:sub(1, #k + 5) == "pqx." .. k .. "." then alias_documented = true end
  end
  if documented[key] == nil and alias and alias_documented then
    T.ok(true, "library field " .. key .. " is documented (as pqx." .. k .. ")")
  else
    need(key, "library field")
  end
end

-- ctx: every field page.c sets, and every field a script sees
local ctx_names, seen = {}, {}
for k in pairs(ctx_c) do ctx_names[#ctx_names + 1] = k; seen[k] = true end
for k in pairs(ctx_live or {}) do
  if not seen[k] then ctx_names[#ctx_names + 1] = k end
end
table.sort(ctx_names)
for _, k in ipairs(ctx_names) do need("ctx." .. k, "ctx field") end

-- the guide's links to other files of the project resolve
for target in guide:gmatch("%]%((%.%./[^)#]+)") do
  T.ok(read("scripts/" .. target) ~= nil, "guide: link " .. target .. " resolves")
end

doc:close()
os.exit(T.failed == 0 and 0 or 1, true) -- close the state: valgrind sees no leak
