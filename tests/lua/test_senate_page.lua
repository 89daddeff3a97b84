-- test_senate_page.lua: the reconstructed senate.be page shows the seed text.
-- doc.body:text() must equal the text a browser showed for page 5-8916
-- (tests/fixtures/be-senate/5-8916.seed.txt), white space aside, and keep the
-- page's own oddities (the stray 0x8E byte shown as "Ž").
local T = require("harness")

local function slurp(path)
  local f = assert(io.open(path, "rb"))
  local s = f:read("a")
  f:close()
  return s
end

local function no_space(s)
  return (s:gsub("\194\160", " "):gsub("%s+", ""))
end

local page = "examples/be-senate/5-8916.html"
local doc = assert(pqx.parse(slurp(page), {path = page}))
T.eq(doc.encoding, "windows-1252", "the page is windows-1252")
T.eq(doc.encoding_source, "meta", "declared in <meta>")
T.eq(doc.replaced, 0, "no replacement characters")
local seed = slurp("tests/fixtures/be-senate/5-8916.seed.txt")
local body = doc.body:text()
T.eq(no_space(body), no_space(seed), "body text equals the seed text, white space aside")
T.ok(body:find("(potentiŽle)", 1, true), "stray byte shown as windows-1252 shows it")
T.ok(body:find("officiŽle", 1, true), "second stray byte")
T.ok(body:find("geëvalueerd", 1, true), "correct ë kept")
T.eq(#doc:select("a:pqx-contains('schriftelijke vraag 5-89')"), 18, "18 'Ook gesteld aan' links")
T.ok(body:find("30/4/2013\tVerzending vraag", 1, true) or body:find("30/4/2013 Verzending vraag", 1, true),
  "chronology cells stay apart in text")

-- the line structure the seed shows (squished per line, empty lines dropped)
local function lines(s)
  local out = {}
  for l in (s .. "\n"):gmatch("(.-)\n") do
    l = l:gsub("\194\160", " "):gsub("%s+", " "):gsub("^ ", ""):gsub(" $", "")
    if l ~= "" then out[#out + 1] = l end
  end
  return out
end
local got, want = lines(body), lines(seed)
local same_lines = 0
for i = 1, math.min(#got, #want) do
  if got[i] == want[i] or got[i]:gsub(" ", "") == want[i]:gsub(" ", "") then same_lines = same_lines + 1 end
end
T.eq(same_lines, #want, "every line of the seed is a line of the page text")

os.exit(T.failed == 0 and 0 or 1, true) -- close the state: valgrind sees no leak
