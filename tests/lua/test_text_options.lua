-- test_text_options.lua: node:text{hidden=, exclude=, superscripts=}, doc:text{...},
-- node:own_text{...}, hidden content left out by default (also by :pqx-contains),
-- and the errors of bad options.
local T = require("harness")

local doc = pqx.parse([[<table><tr><td id="abstract"><span class="kurz">Finanz- und Heimatempfänge ...
<a href="#">[mehr]</a></span><span class="lang" style="display:none">Finanz- und Heimatempfänge
der Staatsregierung 2014 <a href="#">[weniger]</a></span></td></tr></table>
<p id="nr"><b>Q-1043<sup>2</sup></b> vom 1<sup>er</sup> mars<span class="footnote">(siehe Anlage)</span></p>
<p id="own">eins<br hidden>zwei<sup>3</sup></p>
<div id="vis" style="visibility: hidden">versteckt <em style="visibility: visible">sichtbar</em></div>
<template id="tpl">nie</template><p hidden id="h">Antwort folgt</p>]])

local abstract = doc:one("#abstract")
T.eq(abstract:text(), "Finanz- und Heimatempfänge ... [mehr]", "text: Bayern's hidden long abstract left out")
T.eq(abstract:text{hidden = true},
     "Finanz- und Heimatempfänge ... [mehr]Finanz- und Heimatempfänge der Staatsregierung 2014 [weniger]",
     "text{hidden = true}: everything")
T.eq(abstract:text{hidden = true, exclude = ".kurz, a"},
     "Finanz- und Heimatempfänge der Staatsregierung 2014", "text: options combine (the long form alone)")
T.eq(doc:one(".lang"):text(), "Finanz- und Heimatempfänge der Staatsregierung 2014 [weniger]",
     "text: a hidden start node still gives its text")

local nr = doc:one("#nr")
T.eq(nr:text(), "Q-1043² vom 1er mars(siehe Anlage)", "text: footnote digit as a superscript")
T.eq(nr:text{exclude = "sup, .footnote"}, "Q-1043 vom 1 mars", "text{exclude}: selector list left out")
T.eq(nr:text{superscripts = false}, "Q-10432 vom 1er mars(siehe Anlage)", "text{superscripts = false}: plain digits")
T.eq(nr:text{exclude = pqx.selector(":scope > span")}, "Q-1043² vom 1er mars", "text{exclude}: compiled selector, :scope is the node")
T.eq(pqx.re.match(nr:text(), [[Q-(\d+)]]), "1043", "text: the number is not changed by its footnote")

T.eq(doc:one("#own"):own_text(), "einszwei", "own_text: a hidden <br> breaks nothing (as a browser shows it)")
T.eq(doc:one("#own"):own_text{hidden = true}, "eins\nzwei", "own_text{hidden = true}")
T.eq(doc:one("#vis"):text(), "versteckt sichtbar", "visibility of the start node is ignored")
T.eq(doc.body:one("#vis"):parent():one("#vis"):text{hidden = false}, "versteckt sichtbar", "hidden = false is the default")
T.ok(not doc:text():find("versteckt", 1, true) and doc:text():find("sichtbar", 1, true) ~= nil,
     "doc:text: visibility:hidden text out, visibility:visible back in")
T.ok(not doc:text():find("Antwort folgt", 1, true), "doc:text: hidden paragraph out")
T.ok(doc:text{hidden = true}:find("Antwort folgt", 1, true) ~= nil, "doc:text{hidden = true}")
T.eq(#doc:select("body:pqx-contains('Antwort folgt')"), 0, ":pqx-contains sees the text as node:text() does")
T.eq(doc:select("td::text")[1], "Finanz- und Heimatempfänge ... [mehr]", "::text as node:text()")
T.eq(doc:one("#nr"):raw_text():find("Q-10432", 1, true), 1, "raw_text stays textContent")

T.raises(function() nr:text{hiden = true} end, "node:text: unknown option 'hiden' (known: hidden, exclude, superscripts)",
         "text: unknown option raises")
T.raises(function() nr:text{hidden = 1} end, "option 'hidden' must be true or false, not a number", "text: hidden must be boolean")
T.raises(function() nr:text("sup") end, "options must be a table", "text: options must be a table")
T.raises(function() nr:text{exclude = 3} end, "option 'exclude' must be a selector, not a number", "text: exclude type")
T.raises(function() nr:text{exclude = "sup::text"} end, "must select elements", "text: exclude must select elements")
T.raises(function() nr:text{exclude = "sup["} end, 'in "sup["', "text: bad exclude selector named")
T.raises(function() doc:one("#own"):own_text{bogus = true} end, "node:own_text: unknown option 'bogus'", "own_text: unknown option")

os.exit(T.failed == 0 and 0 or 1, true) -- close the state: valgrind sees no leak
