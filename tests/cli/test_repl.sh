#!/bin/sh
# test_repl.sh: pqx repl with piped stdin: expressions, statements, multi-line
# chunks, errors, value printing, every dot-command, the three start modes.
# (Prompts, completion and Ctrl-C need a terminal: test_repl_tty.sh.)
. tests/cli/lib.sh
F=tests/fixtures/repl
PAGE=$F/page.html

# --- expressions and statements
run pqx repl $PAGE <<'EOF'
1+1
doc:select1("title"):text()
x = 20
x * 2 + 2
"a", 1, nil
EOF
check_rc "piped session exits 0" 0
check_eq "expressions print without return; strings raw; several values tab-separated" "$OUT" "2
Question 5-1234
42
a	1	nil"
check_not_contains "no prompt when stdin is not a terminal" "$OUT" "pqx>"
check_not_contains "no escape codes when stdin is not a terminal" "$OUT" "$(printf '\033')"
check_eq "nothing on stderr" "$ERR" ""

# --- multi-line chunks
run pqx repl $PAGE <<'EOF'
function add(a, b)
  return a + b
end
add(40, 2)
t = {
  1,
}
#t
s = [[first
second]]
s
{1,
2}
do
  local y = 3
  print(y * 3)
end
EOF
check_rc "multi-line chunks: exit 0" 0
check_contains "an open function continues until end" "$OUT" "42"
check_contains "an open table continues" "$OUT" "1
first
second"
check_contains "an expression spread over lines prints" "$OUT" "{1, 2}"
check_contains "an open do block runs when closed" "$OUT" "9"

# --- errors do not end the session
run pqx repl $PAGE <<'EOF'
error("boom")
1 +* 2
nosuch.field
doc:one("td")
"still here"
EOF
check_rc "an error in a piped session makes the exit status 4" 4
check_contains "runtime error as stdin:LINE: message" "$ERR" "stdin:1: boom"
check_contains "syntax error as stdin:LINE: message" "$ERR" "stdin:1: unexpected symbol near '*'"
check_contains "nil index error names the global" "$ERR" "(global 'nosuch')"
check_contains "a library error passes through" "$ERR" "matched 6 elements, expected exactly 1"
check_not_contains "a one-line error has no traceback" "$ERR" "stack traceback"
check_eq "the session goes on after errors" "$OUT" "still here"

run pqx repl $PAGE <<'EOF'
function f()
  return 1
EOF
check_contains "input ending inside a chunk is reported" "$ERR" "stdin:2: 'end' expected"

# --- how values print
run pqx repl $PAGE <<'EOF'
doc:select1("td.value")
doc:select1("p.question")
doc:select("td")
doc:select("td::text")
doc:select("*")
doc:select(".nothing")
t = {1, 2, name = "x", sub = {a = 1}}
t.self = t
t
{["a key"] = true, [10] = "ten", list = {"a", "b"}, long = "0123456789012345678901234567890123456789", deep = {{{{{{{{1}}}}}}}}}
{}
print
doc
EOF
check_rc "value printing: exit 0" 0
check_contains "a node: tag, attributes, line:col, its text" "$OUT" '<td class="value"> line 8:38 "Jane Doe (Greens)"'
check_contains "a node's text is cut at 60 characters" "$OUT" '<p class="question"> line 12:3 "How many trains ran late in 2023? The answer matters a great..."'
check_contains "a list: its size" "$OUT" "list of 6"
check_contains "a list: its first items, numbered" "$OUT" '  [1] <td class="label"> line 8:9 "Author"'
check_contains "a list of strings quotes them" "$OUT" '  [2] "Jane Doe (Greens)"'
check_contains "a long list: only the first 10, then a count" "$OUT" "more"
check_contains "an empty list" "$OUT" "list of 0"
check_contains "a table with a cycle" "$OUT" '{1, 2, name = "x", self = <cycle>, sub = {a = 1}}'
check_contains "a wide table goes one entry per line" "$OUT" '{
  [10] = "ten",
  ["a key"] = true,'
check_contains "nested tables indent" "$OUT" '  list = {"a", "b"},'
check_contains "nesting is cut at a depth limit" "$OUT" "{...}"
check_contains "an empty table" "$OUT" "{}"
check_contains "a C function" "$OUT" "function: builtin"
check_contains "the document" "$OUT" "<document $PAGE>"

# --- .sel, .text
run pqx repl $PAGE <<'EOF'
.sel td.value
.sel h1
.text td.value
.sel td:bogus
.sel
EOF
check_contains ".sel: the count" "$OUT" "3 matches"
check_contains ".sel: matches with positions" "$OUT" '[2] <td class="value"> line 9:37 "3 March 2024"'
check_contains ".sel: one match" "$OUT" "1 match
[1] <h1 class=\"title big\"> line 6:3"
check_contains ".text: the text of each match" "$OUT" "[1] Jane Doe (Greens)
[2] 3 March 2024
[3] Minister of Transport"
check_contains ".sel: a bad selector says what is wrong" "$ERR" "bogus"
check_contains ".sel without CSS: usage" "$ERR" "usage: .sel CSS"

# --- .find
run pqx repl $PAGE <<'EOF'
.find minister
.find 5-999
.find no such words
EOF
check_contains ".find: the count, case-insensitive" "$OUT" '2 elements whose own text contains "minister"'
check_contains ".find: a match as a node summary" "$OUT" '[1] <td class="label"> line 10:9 "Minister"'
check_contains ".find: own text only (the <b>, not its <p>)" "$OUT" '[1] <b> line 13:15 "5-999"'
check_contains ".find: nothing found" "$OUT" '0 elements whose own text contains "no such words"'
# every selector .find prints must select its element and nothing else
sels=$(printf '%s\n' "$OUT" | sed -n 's/^    //p')
check_eq ".find: prints a selector per match" "$(printf '%s\n' "$sels" | wc -l | tr -d ' ')" "3"
want_texts="Minister
Minister of Transport
5-999"
i=0
printf '%s\n' "$sels" | while IFS= read -r sel; do
	i=$((i + 1))
	printf '#doc:select("%s") .. " " .. doc:one("%s"):text()\n' "$sel" "$sel"
done >"$TMP/find.in"
run pqx repl $PAGE <"$TMP/find.in"
check_eq ".find: each selector selects exactly its element" "$OUT" "1 Minister
1 Minister of Transport
1 5-999"

# .find folds case by Unicode simple case folding, as :pqx-contains(... i)
cat >"$TMP/fold.html" <<'EOF'
<html><body>
<p class="de">Strafbarkeit pädophiler Handlungen</p>
<p class="de2">Straßenbau im Landkreis</p>
<p class="fr">Les élèves de l'école</p>
<p class="nl">Het IJsselmeer bij Enkhuizen</p>
</body></html>
EOF
run pqx repl "$TMP/fold.html" <<'EOF'
.find PÄDOPHIL
.find pädophil
.find ÉLÈVES
.find ijsselmeer
.find STRASSE
.find STRASSENBAU
.find STRAßE
EOF
check_contains ".find: PÄDOPHIL finds pädophil (beyond ASCII)" "$OUT" '1 element whose own text contains "PÄDOPHIL"
[1] <p class="de"> line 2:1 "Strafbarkeit pädophiler Handlungen"'
check_contains ".find: pädophil finds the same element" "$OUT" '1 element whose own text contains "pädophil"
[1] <p class="de"> line 2:1'
check_contains ".find: French ÉLÈVES finds élèves" "$OUT" '1 element whose own text contains "ÉLÈVES"
[1] <p class="fr">'
check_contains ".find: Dutch ijsselmeer finds IJsselmeer" "$OUT" '1 element whose own text contains "ijsselmeer"
[1] <p class="nl">'
check_contains ".find: simple folding keeps ß (STRASSE is not Straße)" "$OUT" '0 elements whose own text contains "STRASSE"'
check_contains ".find: nor STRASSENBAU" "$OUT" '0 elements whose own text contains "STRASSENBAU"'
check_contains ".find: STRAßE finds Straße" "$OUT" '1 element whose own text contains "STRAßE"
[1] <p class="de2">'

# --- .complete: what Tab would offer (the completion logic without a terminal)
run pqx repl $PAGE <<'EOF'
.complete doc:select("td.
.complete doc:select("h1.
.complete doc:select(".
.complete doc:select("table > t
.complete doc:select("p, td.
.complete doc:select("td:not(.
.complete doc:select("td.nosuch.
n = doc:select1("table")
.complete n:select(".
.complete doc:select1("div#
.complete (doc:one("h1")):at
.complete x = (doc:one("h1")):te
.complete doc:sel
.complete pqx.text.fold_c
.complete .fi
EOF
check_rc ".complete: exit 0" 0
check_eq ".complete: td. offers the classes td elements carry, and only those" \
	"$(printf '%s\n' "$OUT" | sed -n 1,2p)" "label
value"
check_eq ".complete: h1. offers h1's classes" "$(printf '%s\n' "$OUT" | sed -n 3,4p)" "big
title"
check_eq ".complete: a bare . offers every class" "$(printf '%s\n' "$OUT" | sed -n 5,9p)" "big
label
meta
question
title"
check_eq ".complete: after 'table > ' only table's children count" "$(printf '%s\n' "$OUT" | sed -n 11p)" "tbody"
check_eq ".complete: after a comma only the last selector counts" "$(printf '%s\n' "$OUT" | sed -n 12,13p)" "label
value"
check_eq ".complete: inside :not( every class counts" "$(printf '%s\n' "$OUT" | sed -n 14,19p)" "big
label
meta
question
title
value"
check_eq ".complete: a class no td has: nothing" "$(printf '%s\n' "$OUT" | sed -n 20p)" "no completions"
check_eq ".complete: a node receiver offers what is inside it" "$(printf '%s\n' "$OUT" | sed -n 21,22p)" "label
value"
check_eq ".complete: div# offers div ids, as the word after #" "$(printf '%s\n' "$OUT" | sed -n 23p)" "main"
check_eq ".complete: after a call in parentheses, method names without )): debris" \
	"$(printf '%s\n' "$OUT" | sed -n 24,25p)" "attr
attrs"
check_eq ".complete: the same after an assignment" "$(printf '%s\n' "$OUT" | sed -n 26,27p)" "text
texts"
check_not_contains ".complete: no candidate carries the call's parentheses" "$OUT" "):"
check_eq ".complete: methods after doc:" "$(printf '%s\n' "$OUT" | sed -n 28,30p)" "select
select1
select_text"
check_eq ".complete: a library function" "$(printf '%s\n' "$OUT" | sed -n 31p)" "fold_case"
check_eq ".complete: a dot-command" "$(printf '%s\n' "$OUT" | sed -n 32p)" "find"

# --- a [[...]] string that ends in ] ends early: the syntax error says so
cat >"$TMP/bracket.lua" <<'EOF'
local re = pqx.re
return {name = "bracket", version = "1", description = "a regex ending in ]",
  extract = function(doc)
    return re.match(doc:one("h1"):text(), [[\d+-[0-9]]])
  end}
EOF
run pqx repl "$TMP/bracket.lua" $PAGE </dev/null
check_rc "a script whose [[...]] ends in ]: exit 4" 4
check_contains "the script's syntax error gets the [=[...]=] hint" "$ERR" \
	"bracket.lua:4: ')' expected near ']' (a [[...]] string ends at the first ]], so a regex or selector that ends in ] needs [=[...]=])"
run pqx repl $PAGE <<'EOF'
#doc:select([[td[class="value"]]])
#doc:select([=[td[class="value"]]=])
x = )
EOF
check_contains "a typed chunk gets the hint too" "$ERR" \
	"stdin:1: ')' expected near ']' (a [[...]] string ends at the first ]], so a regex or selector that ends in ] needs [=[...]=])"
check_eq "[=[...]=] works" "$OUT" "3"
check_eq "other syntax errors get no hint" "$(printf '%s\n' "$ERR" | sed -n 2p)" "stdin:1: unexpected symbol near ')'"

# --- script mode, .run, .reload
cp $F/question.lua "$TMP/q.lua"
sed -e 's/version = "1.0"/version = "2.0"/' -e '/status = "unanswered",/d' $F/question.lua >"$TMP/q2.lua"
run pqx repl "$TMP/q.lua" $PAGE <<EOF
script.name
extract(doc, ctx).number
script.value_of(doc, "Asked")
value_of
.run
os.rename("$TMP/q2.lua", "$TMP/q.lua")
.reload
script.version
.run
EOF
check_contains "script mode: the script table is 'script'" "$OUT" "question"
check_contains "script mode: extract(doc, ctx) can be called" "$OUT" "5-1234"
check_contains "script mode: fields of the script table can be called" "$OUT" "3 March 2024"
check_contains "script mode: locals are not globals" "$OUT" "nil"
check_contains ".run: the validated record as JSON" "$OUT" '"id": "test:5-1234",'
check_contains ".run: pretty JSON" "$OUT" '    "authors": [
      {
        "name": "Jane Doe (Greens)",'
check_contains ".run: says the records are valid" "$OUT" "1 record, valid"
check_contains ".reload: re-reads the script" "$OUT" "reloaded question 2.0"
check_contains ".reload: the new script table is bound" "$OUT" "2.0"
check_contains ".run after .reload: validation errors" "$ERR" "validation failed:"
check_contains ".run after .reload: the message names the field" "$ERR" "status"

cat >"$TMP/raises.lua" <<'EOF'
return {name = "raises", version = "1", description = "fails",
  extract = function(doc) return doc:one("td") end}
EOF
run pqx repl "$TMP/raises.lua" $PAGE <<'EOF'
.run
"after"
EOF
check_contains ".run: a script error is shown" "$ERR" "script error:"
check_contains ".run: the script error names the script and line" "$ERR" "raises.lua:2:"
check_contains ".run: the session goes on" "$OUT" "after"

cat >"$TMP/loops.lua" <<'EOF'
return {name = "loops", version = "1", description = "never ends",
  extract = function() while true do end end}
EOF
run pqx repl --max-instructions 100000 "$TMP/loops.lua" $PAGE <<'EOF'
.run
for i = 1, 300000 do end
"unbudgeted"
EOF
check_contains ".run applies the page budgets" "$ERR" "limit exceeded: instruction budget"
check_contains "chunks typed in the session are not budgeted" "$OUT" "unbudgeted"

# --- .open, .help, .quit, no document
run pqx repl <<'EOF'
doc
.sel td
1+1
.run
.open tests/fixtures/cli/page-calm.html
doc:select1("title"):text()
ctx.path
.open no/such/page.html
.help
.bogus
.quit
"not reached"
EOF
check_contains "no document: doc is nil" "$OUT" "nil"
check_contains "no document: .sel says so" "$ERR" "no document"
check_contains "no document: Lua works" "$OUT" "2"
check_contains "no script: .run says so" "$ERR" "no script"
check_contains ".open: says what was opened" "$OUT" "doc = tests/fixtures/cli/page-calm.html"
check_contains ".open: doc is the new page" "$OUT" "calm"
check_contains ".open: ctx follows the page" "$OUT" "tests/fixtures/cli/page-calm.html"
check_contains ".open: an unreadable page is an error" "$ERR" "no/such/page.html: cannot read page"
check_contains ".help: lists the dot-commands" "$OUT" ".find TEXT"
check_contains "an unknown dot-command is named" "$ERR" "unknown command '.bogus'"
check_not_contains ".quit: nothing after it runs" "$OUT" "not reached"

run pqx repl $PAGE <<'EOF'
.5 + 1
EOF
check_eq "a line starting with .digit is Lua" "$OUT" "1.5"

run pqx repl $PAGE </dev/null
check_rc "empty input: exit 0" 0
check_eq "empty input: no output" "$OUT" ""

# --- command line
run pqx repl --help
check_rc "repl --help exits 0" 0
check_contains "repl --help shows the usage" "$OUT" "usage: pqx repl [options] [SCRIPT.lua] [PAGE]"
run pqx repl a b c </dev/null
check_rc "three arguments: usage error" 2
run pqx repl --frob </dev/null
check_rc "unknown option: usage error" 2
run pqx repl no/such/page.html </dev/null
check_rc "unreadable page: exit 3" 3
check_contains "unreadable page named" "$ERR" "no/such/page.html: cannot read page"
run pqx repl tests/fixtures/cli/syntax_error.lua $PAGE </dev/null
check_rc "script with a syntax error: exit 4" 4
check_contains "script error named" "$ERR" "syntax_error.lua:4:"
run pqx repl $F/question.lua </dev/null
check_rc "a script without a page is fine" 0

done_testing
