#!/bin/sh
# test_repl_tty.sh: pqx repl on a pseudo-terminal (tmux, private socket, fixed
# window size, HOME in a temporary directory): prompts, '>>' continuation, tab
# completion, Ctrl-C at a prompt and in a running chunk, Ctrl-D, the history
# file. Waits poll the screen with a timeout instead of sleeping.
. tests/cli/lib.sh
PAGE=tests/fixtures/repl/page.html
. tests/cli/lib_tty.sh
tty_init pqxtest
TTY_SCROLLBACK=300
mkdir -p "$TMP/home"

# start ARGS...: a new session running pqx repl ARGS; the pane stays after pqx exits
start() {
	tty_start 100 50 "HOME='$TMP/home' $PQX_WRAP '$PQX' repl $*; echo \"[exited \$?]\"; sleep 60"
}

start "$PAGE"
expect "the banner names the page" "^pqx .* repl: doc = $PAGE"
expect "the prompt is shown" "^pqx>"

type_text "function g()"; keys Enter
expect "an open function continues on a '>>' prompt" "^>>"
type_text "return 6 * 7"; keys Enter
type_text "end"; keys Enter
type_text "g()"; keys Enter
expect "the multi-line function was defined and runs" "^42$"

type_text "doc:sel"; keys Tab
expect "Tab completes a method: doc:sel -> doc:select" "^pqx> doc:select$"
type_text '1("title"):text()'; keys Enter
expect "the completed line runs" "^Question 5-1234$"

type_text '#doc:select("td.va'; keys Tab
expect "Tab completes a class inside a selector string" '^pqx> #doc:select\("td\.value$'
type_text '")'; keys Enter
expect "the completed selector works" "^3$"

type_text 'doc:select("td.'; keys Tab; keys Tab
expect "Tab Tab after td. lists the classes td elements carry" '^label +value$'
if screen | grep -Eq '(^|[ .])(big|title|meta|question)( |$)'; then
	not_ok "the listing has no class that no td carries" "$(screen | grep -v '^$' | tail -4)"
else
	ok "the listing has no class that no td carries"
fi
keys C-u
type_text '(doc:one("h1")):at'; keys Tab
expect "Tab after a parenthesised call completes the method" '^pqx> \(doc:one\("h1"\)\):attr$'
keys Tab
expect "Tab Tab lists the methods without )): debris" '^attr +attrs$'
if screen | grep -q '^)):'; then
	not_ok "no candidate starts with ')):'" "$(screen | grep -v '^$' | tail -4)"
else
	ok "no candidate starts with ')):'"
fi
keys C-u
type_text 'doc:select1("#ma'; keys Tab
expect "Tab completes an id inside a selector string" '^pqx> doc:select1\("#main$'
keys C-u
type_text '.sel p.qu'; keys Tab
expect "Tab completes a selector after .sel" '^pqx> \.sel p\.question$'
keys Enter
expect ".sel runs on a terminal" '^\[1\] <p class="question"> line 12:3'

type_text "this is not lua"
# Ctrl-C is a signal, which overtakes typed text that pqx has not read yet: send it
# only once the line is on the screen (under load the text can still be queued)
wait_for '^pqx> this is not lua$'
keys C-c
type_text "1+2"; keys Enter
expect "Ctrl-C at the prompt drops the line; the next one runs" "^3$"
if screen | grep -q "syntax error near 'is'"; then
	not_ok "the dropped line was not run" "$(screen | grep -v "^$" | tail -12)"
else
	ok "the dropped line was not run"
fi

type_text "do -- unfinished"; keys Enter
n=0
until screen | grep -A1 -E '^pqx> do -- unfinished$' | grep -q '^>>' || [ "$n" -ge 600 ]; do
	sleep 0.1
	n=$((n + 1))
done
keys C-c
type_text "7*7"; keys Enter
expect "Ctrl-C at a '>>' prompt drops the unfinished chunk" "^49$"

# the chunk says when it runs, so Ctrl-C is sent into it, not before it
type_text 'print("spinning") while true do end'; keys Enter
wait_for "^spinning$"
keys C-c
expect "Ctrl-C interrupts a running chunk" "interrupted"
type_text "100+1"; keys Enter
expect "the session answers after the interrupt" "^101$"

keys C-d
expect "Ctrl-D at the prompt exits with status 0" '^\[exited 0\]$'
if [ -f "$TMP/home/.pqx_history" ] && grep -q '^100+1$' "$TMP/home/.pqx_history"; then
	ok "the history is written to \$HOME/.pqx_history"
else
	not_ok "the history is written to \$HOME/.pqx_history" "$(cat "$TMP/home/.pqx_history" 2>&1 | tail -5)"
fi

start
expect "without a page: no document" "^pqx .* repl: no document"
wait_for "^pqx>" # keys sent before the prompt reach the terminal, not libedit
keys Up
expect "the history is read back (Up recalls the last line)" "^pqx> 100\+1$"
keys C-u
type_text "doc"; keys Enter
expect "without a page, doc is nil" "^nil$"
type_text ".open tests/fixtures/repl/pa"; keys Tab
expect "Tab completes a file name after .open" '^pqx> \.open tests/fixtures/repl/page\.html$'
keys Enter
expect ".open binds the page" "^doc = tests/fixtures/repl/page.html"
type_text 'doc:select1("h1"):te'; keys Tab
expect "after a call, Tab offers node and list methods" '^pqx> doc:select1\("h1"\):text$'
type_text '()'; keys Enter
expect "the completed call runs" "^Written question 5-1234$"
type_text ".quit"; keys Enter
expect ".quit exits with status 0" '^\[exited 0\]$'

done_testing
