-- test_re.lua: pqx.re, the PCRE2 regular expressions scripts use.
local T = require("harness")
local re = pqx.re

T.eq(re.match("Vraag nr. 5-8916", [[(\d+)-(\d+)]]), "5", "match returns the first capture")
local a, b = re.match("Vraag nr. 5-8916", [[(\d+)-(\d+)]])
T.eq(b, "8916", "match returns all captures")
T.eq(re.match("abc", "b"), "b", "match without captures returns the match")
T.eq(re.match("abc", "x"), nil, "no match is nil")
T.eq(re.match("Réponse", "réponse", "i"), "Réponse", "i flag folds Unicode case")
T.eq(select(2, re.match("answer or reply", "rep(ly|onse)|answ(er)")), "er", "alternation with groups")
T.eq(re.match("ab", "(x)?ab"), false, "a group that did not take part is false, not nil")
T.eq(re.match("ab", "(x)?zz"), nil, "nil means no match")
local s, e = re.find("hello world", "wor")
T.eq(s, 7, "find start is 1-based")
T.eq(e, 9, "find end is inclusive")
T.eq(re.find("aaa", "a", nil, 3), 3, "find from init")
local all = re.all("5-8900, 5-8901 and 5-8902", [[5-(\d+)]])
T.eq(#all, 3, "all finds every match")
T.eq(all[2][1], "8901", "all gives capture lists")
T.same(re.all("a1b22c333", [[\d+]]), {"1", "22", "333"}, "all without captures gives strings")
local got = {}
for d in re.gmatch("x1y2z3", [[\d]]) do got[#got + 1] = d end
T.same(got, {"1", "2", "3"}, "gmatch iterates")
T.eq((re.gsub("30/4/2013", [[(\d+)/(\d+)/(\d+)]], "$3-$2-$1")), "2013-4-30", "gsub with $n")
T.eq((re.gsub("a b c", [[\s+]], "_")), "a_b_c", "gsub string")
local r, n = re.gsub("one two", [[\w+]], function(w) return w:upper() end)
T.eq(r, "ONE TWO", "gsub with a function")
T.eq(n, 2, "gsub count")
T.eq((re.gsub("abc", "", "-")), "-a-b-c-", "gsub with empty matches")
T.same(re.split("a, b;c", [[\s*[,;]\s*]]), {"a", "b", "c"}, "split")
T.same(re.split("één  twee", [[\s+]]), {"één", "twee"}, "split UTF-8")
local rx = re.compile([[^(\d{1,2})/(\d{1,2})/(\d{4})$]])
T.eq(select(3, rx:match("30/4/2013")), "2013", "compiled regex method")
T.ok(re.compile("x") == re.compile("x"), "compiled regexes are cached")
T.raises(function() re.match("x", "(unclosed") end, "regex error at column", "bad regex raises with column")
T.raises(function() re.match("x", "x", "q") end, "unknown regex flag 'q'", "bad flag raises")
T.raises(function() re.match(string.rep("a", 30) .. "b", "(a+)+$") end, "regex match failed", "catastrophic backtracking hits the match limit")

-- the cache of compiled patterns stays bounded when patterns are built from data
for i = 1, 1000 do re.match("x" .. i, "x" .. i .. "$") end
local largest = 0
for _, v in pairs(debug.getregistry()) do
  if type(v) == "table" and math.type(rawget(v, "#")) == "integer" then
    largest = math.max(largest, rawget(v, "#"))
  end
end
T.ok(largest > 0 and largest <= 512, "compiled-pattern and selector caches stay bounded", largest)
T.eq(re.match("x999", "x999$"), "x999", "a pattern compiled after the cache was emptied still works")

os.exit(T.failed == 0 and 0 or 1, true) -- close the state: valgrind sees no leak
