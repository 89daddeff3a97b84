-- test_names.lua: checks of pqx.names (name_party, split_list).
local T = require("harness")
local names = require("pqx.names")

local NBSP = "\xC2\xA0"

T.same(names.name_party("Martine Taelman (Open Vld)"),
  {name = "Martine Taelman", party = "Open Vld", raw = "Martine Taelman (Open Vld)"},
  "name_party senate author")
T.same(names.name_party("  Martine" .. NBSP .. " Taelman   (Open" .. NBSP .. "Vld) "),
  {name = "Martine Taelman", party = "Open Vld", raw = "Martine Taelman (Open Vld)"},
  "name_party extra spaces and NBSP")
T.same(names.name_party("Sabine de Bethune (CD&V - N-VA)"),
  {name = "Sabine de Bethune", party = "CD&V - N-VA", raw = "Sabine de Bethune (CD&V - N-VA)"},
  "name_party party with & and hyphens")
T.same(names.name_party("Jan Peeters (sp.a (Vooruit))"),
  {name = "Jan Peeters", party = "sp.a (Vooruit)", raw = "Jan Peeters (sp.a (Vooruit))"},
  "name_party nested parentheses")
T.same(names.name_party("Jan Peeters( N-VA )"),
  {name = "Jan Peeters", party = "N-VA", raw = "Jan Peeters( N-VA )"},
  "name_party no space before parenthesis")
T.same(names.name_party("Bert Anciaux"),
  {name = "Bert Anciaux", raw = "Bert Anciaux"}, "name_party without party")
T.eq(names.name_party("Bert Anciaux").party, nil, "name_party without party: party nil")
T.eq(names.name_party("Bert Anciaux ()").party, nil, "name_party empty parentheses: party nil")
T.eq(names.name_party("Bert Anciaux ()").name, "Bert Anciaux", "name_party empty parentheses: name")
T.same(names.name_party("Taelman, Open Vld", {sep = ","}),
  {name = "Taelman", party = "Open Vld", raw = "Taelman, Open Vld"}, "name_party sep form")
T.same(names.name_party("Lord Smith, of Finsbury, Lab", {sep = ","}),
  {name = "Lord Smith, of Finsbury", party = "Lab", raw = "Lord Smith, of Finsbury, Lab"},
  "name_party sep cuts at the last separator")
T.same(names.name_party("Taelman", {sep = ","}),
  {name = "Taelman", raw = "Taelman"}, "name_party sep form without party")
T.same(names.name_party("Mr Jones - Lab", {sep = " - "}),
  {name = "Mr Jones", party = "Lab", raw = "Mr Jones - Lab"}, "name_party multi-char sep")

local r, why = names.name_party("")
T.ok(r == nil and why == "empty name", "name_party empty", why)
r, why = names.name_party(NBSP .. "  ")
T.ok(r == nil and why == "empty name", "name_party blank", why)
r, why = names.name_party("(Open Vld)")
T.ok(r == nil and why == "no name in '(Open Vld)'", "name_party no name", why)
r, why = names.name_party(", Open Vld", {sep = ","})
T.ok(r == nil and why == "no name in ', Open Vld'", "name_party sep no name", why)
r, why = names.name_party("Martine Taelman (Open Vld")
T.ok(r == nil and why == "unbalanced parentheses in 'Martine Taelman (Open Vld'",
  "name_party unclosed parenthesis", why)
r, why = names.name_party("Martine Taelman Open Vld)")
T.ok(r == nil and why == "unbalanced parentheses in 'Martine Taelman Open Vld)'",
  "name_party unopened parenthesis", why)
r, why = names.name_party("Martine Taelman (Open Vld) d.d.")
T.ok(r == nil and why == "text after the party in 'Martine Taelman (Open Vld) d.d.'",
  "name_party text after the party", why)
T.raises(function() names.name_party(nil) end, "bad argument #1 to 'name_party'",
  "name_party nil raises")
T.raises(function() names.name_party("x", {sep = ""}) end, "sep", "name_party empty sep raises")
T.raises(function() names.name_party("x", 1) end, "bad argument #2", "name_party bad opts raises")

-- split_list
T.same(names.split_list("A, B and C"), {"A", "B", "C"}, "split_list and")
T.same(names.split_list("A, B en C"), {"A", "B", "C"}, "split_list en")
T.same(names.split_list("A, B et C"), {"A", "B", "C"}, "split_list et")
T.same(names.split_list("A, B und C"), {"A", "B", "C"}, "split_list und")
T.same(names.split_list("A, B, and C"), {"A", "B", "C"}, "split_list Oxford comma")
T.same(names.split_list("A; B"), {"A", "B"}, "split_list semicolon")
T.same(names.split_list("A & B"), {"A", "B"}, "split_list ampersand word")
T.same(names.split_list("A AND B"), {"A", "B"}, "split_list case-insensitive")
T.same(names.split_list("Alice Andersen"), {"Alice Andersen"}, "split_list single name")
T.same(names.split_list("Jan Vandenberghe en Els Van Hoof"), {"Jan Vandenberghe", "Els Van Hoof"},
  "split_list en only as a word")
T.same(names.split_list("Jan (CD&V), Piet (N-VA) en Kees (sp.a)"),
  {"Jan (CD&V)", "Piet (N-VA)", "Kees (sp.a)"}, "split_list keeps parties")
T.same(names.split_list("Jan (Groen, Ecolo) en Piet"), {"Jan (Groen, Ecolo)", "Piet"},
  "split_list no split inside parentheses")
T.same(names.split_list("Jan (A en B) and Piet"), {"Jan (A en B)", "Piet"},
  "split_list no conjunction inside parentheses")
T.same(names.split_list("A" .. NBSP .. "en" .. NBSP .. "B"), {"A", "B"}, "split_list NBSP")
T.same(names.split_list("A or B", {words = {"or"}}), {"A", "B"}, "split_list custom words")
T.same(names.split_list("A and B", {words = {"or"}}), {"A and B"}, "split_list custom words only")
local l, lwhy = names.split_list(" , ; ")
T.ok(l == nil and lwhy == "empty list", "split_list nothing but separators", lwhy)
l, lwhy = names.split_list("")
T.ok(l == nil and lwhy == "empty list", "split_list empty", lwhy)
T.raises(function() names.split_list({}) end, "bad argument #1 to 'split_list'",
  "split_list table raises")

-- split_list: line breaks and the boundary after a party
T.same(names.split_list("Anna Muster (SPD) Bernd Beispiel (CDU)"),
  {"Anna Muster (SPD)", "Bernd Beispiel (CDU)"}, "split_list: a party ends a name")
T.same(names.split_list("Anna Muster (SPD) Bernd Beispiel (CDU)", {parties = true}),
  {{name = "Anna Muster", party = "SPD", raw = "Anna Muster (SPD)"},
   {name = "Bernd Beispiel", party = "CDU", raw = "Bernd Beispiel (CDU)"}},
  "split_list parties: two authors with their parties")
T.same(names.split_list("Jan Peeters (sp.a (Vooruit)) Els Van Hoof (CD&V) en Kees (N-VA)"),
  {"Jan Peeters (sp.a (Vooruit))", "Els Van Hoof (CD&V)", "Kees (N-VA)"},
  "split_list: party boundary after a nested party, then a joining word")
T.same(names.split_list("A (X) B (Y), C (Z) und D (W)"), {"A (X)", "B (Y)", "C (Z)", "D (W)"},
  "split_list: party boundaries mixed with commas and und")
T.same(names.split_list("Martine Taelman (Open Vld) d.d."), {"Martine Taelman (Open Vld) d.d."},
  "split_list: text after a party without its own party stays whole")
T.same(names.split_list("Anna Muster (SPD)\nBernd Beispiel (CDU)\r\nCarla Probe\rDora"),
  {"Anna Muster (SPD)", "Bernd Beispiel (CDU)", "Carla Probe", "Dora"}, "split_list: line breaks")
T.same(names.split_list("Anna Muster\xE2\x80\xA8Bernd"), {"Anna Muster", "Bernd"},
  "split_list: U+2028 line separator")
T.same(names.split_list("Jan (Groen,\nEcolo) en Piet"), {"Jan (Groen, Ecolo)", "Piet"},
  "split_list: no cut at a line break inside parentheses")
T.same(names.split_list("Jan,\n Piet\n\n"), {"Jan", "Piet"}, "split_list: comma then line break")
T.same(names.split_list("A\1B"), {"A B"}, "split_list: a control byte in the input is a space")
T.same(names.split_list("Anna Muster, Bernd Beispiel", {parties = true}),
  {{name = "Anna Muster", raw = "Anna Muster"}, {name = "Bernd Beispiel", raw = "Bernd Beispiel"}},
  "split_list parties: names without a party")
local pl, plwhy = names.split_list("Anna (SPD) Bernd (CDU", {parties = true})
T.ok(pl == nil and plwhy == "unbalanced parentheses in 'Bernd (CDU'",
  "split_list parties: the reason of the piece it cannot read", plwhy)
pl, plwhy = names.split_list("Anna (SPD) d.d. (x) y", {parties = true})
T.ok(pl == nil and plwhy == "text after the party in 'd.d. (x) y'",
  "split_list parties: text after a party", plwhy)

os.exit(T.failed == 0 and 0 or 1, true) -- close the state: valgrind sees no leak
