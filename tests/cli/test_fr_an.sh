#!/bin/sh
# test_fr_an.sh: scripts/fr-an.lua fails loudly, naming what it saw, on a page of a kind
# or template it does not know, on kinds that disagree within a page, and on debates it
# cannot cut; and its ids keep QE, QG and QOSD questions of one number apart.
. tests/cli/lib.sh
S=scripts/fr-an.lua
E=examples/fr-an

# mutate NAME SRC SED-EXPR: a changed copy of an example page in $TMP
mutate() { sed "$3" "$E/$2" >"$TMP/$1.html"; }

fails_with() { # NAME PAGE NEEDLE
	run pqx run "$S" "$TMP/$2.html"
	check_rc "$1: exit 4" 4
	check_contains "$1: the message" "$ERR" "$3"
	check_contains "$1: names the page" "$ERR" "$TMP/$2.html"
}

mutate nat an-11-qe.html 's|<nat>QE</nat>|<nat>QX</nat>|'
fails_with "export: unknown <nat>" nat 'unknown kind of question "QX" (<nat> of the 11th-legislature export)'

mutate kind14 an-14-qg.html 's|>Question au gouvernement</div>|>Question préalable</div>|'
fails_with "q14: unknown kind line" kind14 'unknown kind of question "Question préalable" (last line of section.question_header)'

mutate pdf14 an-14-qg.html 's|/detail/14/qg/200/|/detail/14/qe/200/|g'
fails_with "q14: PDF link of another kind" pdf14 'the page says "Question au gouvernement" but its PDF link https://questions.assemblee-nationale.fr/questions/detail/14/qe/200/(vue)/pdf is for another kind'

mutate kind16 an-16-qg.html 's|Question au Gouvernement n°200|Question préalable n°200|'
fails_with "dyn: unknown kind in the title" kind16 'unknown kind of question "Question préalable" (title of div.an-bloc._style-question)'

mutate type16 an-16-qg.html 's|<span class="_regular">Question au Gouvernement</span>|<span class="_regular">Question écrite</span>|'
fails_with "dyn: 'Type de question' disagrees" type16 "the title says \"Question au Gouvernement\" but 'Type de question' says \"Question écrite\""

mutate og16 an-16-qg.html 's|QANR5L16QG200" property="og:url"|QANR5L16QE200" property="og:url"|'
fails_with "dyn: og:url of another kind" og16 "the page's address https://www.assemblee-nationale.fr/dyn/16/questions/QANR5L16QE200 is for another kind"

printf '<html><body><h1>Compte rendu</h1><p>M. le président. La séance est ouverte.</p></body></html>\n' >"$TMP/other.html"
fails_with "no known template" other "not an Assemblée nationale question page: none of the three known templates"

# the minister printed without an office: nobody in the debate is a member of the government
mutate noreply an-14-qg.html 's|<b>Mme Marisol Touraine,</b> <i>ministre[^<]*</i>|<b>Mme Marisol Touraine.</b> |g'
fails_with "debate without a reply" noreply 'the debate has no reply by a member of the government'
check_contains "debate without a reply: lists the speakers" "$ERR" "(speakers: M. le président, M. Olivier Véran, M. Michel Pouzol, Plusieurs députés du groupe UMP, Mme Marisol Touraine, M. Julien Aubert, M. Franck Riester)"

mutate noauthor an-11-qg.html 's|<aut>Marchand Jean-Michel</aut>|<aut>Dupont Jean</aut>|'
fails_with "debate without the author" noauthor 'the debate has no turn of the author "Dupont Jean"'

# a line of speech that opens like a turn ("M. X. ...") is speech in the bold templates
mutate prose an-14-qg.html 's|Tout d.abord, les dépassements abusifs seront sanctionnés.|M. Julien Aubert. Tout va bien.|'
run pqx run "$S" "$TMP/prose.html"
check_rc "bold template: prose line 'M. X.' is read" 0
check_contains "bold template: it stays in the minister's reply" "$OUT" 'mieux accompagnés. Grâce à cet accord en effet, nous arrivons à des éléments qui marquent un tournant majeur.\n\nM. Julien Aubert. Tout va bien.\n\nJe vous le dis'

# a bold speaker that does not start a line: the page fails instead of gluing two turns
mutate midline an-14-qg.html 's|,...<br/><b>M. Julien Aubert.</b>|,... <b>M. Julien Aubert.</b>|'
fails_with "bold speaker inside a line" midline '13 speakers are printed in bold in the debate but only 7 of them start a line (the first that does not: "M. Julien Aubert")'

# an office that holds "M.": in the bold templates the office is the <i> after the name
mutate office an-14-qg.html 's|<i>ministre des affaires sociales et de la santé. </i>|<i>ministre auprès de M. le Premier ministre. </i>|'
run pqx run "$S" "$TMP/office.html"
check_rc "bold template: office with 'M.' is read" 0
check_contains "bold template: the whole office in answers[1].by" "$OUT" '"by":"Mme Marisol Touraine, ministre auprès de M. le Premier ministre"'
check_contains "bold template: the reply starts after the office" "$OUT" '"body":"M. le député Olivier Véran, vous avez raison'

# plain text (11th): "M. le président, ..." inside a speech is speech, and a committee
# chair printed with an office is not the government's reply
mutate plain an-11-qg.html 's|^ *Tout le monde s.en souvient|M. le président, mes chers collègues, tout le monde s'"'"'en souvient|; s|^ *M. le président. La parole est à M. le secrétaire d.Etat à l.industrie.|M. Augustin Bonrepaux, président de la commission des finances. Un mot sur ce point. <br/>\n&|'
run pqx run "$S" "$TMP/plain.html"
check_rc "plain text: page read" 0
check_contains "plain text: 'M. le président, ...' stays in the author's speech" "$OUT" 'notamment l'"'"'audiovisuel.\n\nM. le président, mes chers collègues, tout le monde'
check_contains "plain text: the chair's turn has his office" "$OUT" '{"role":"président de la commission des finances","speaker":"M. Augustin Bonrepaux","text":"Un mot sur ce point."}'
check_contains "plain text: the reply is the secrétaire d'Etat's" "$OUT" '"by":"M. Christian Pierret, secrétaire d'"'"'Etat à l'"'"'industrie"'

# "Date de la séance" without the Journal officiel wording is the sitting's date
mutate sitting an-16-qg.html 's|La question a été posée au Gouvernement en séance, parue dans le journal officiel le 26 octobre 2022|Séance du 25 octobre 2022|'
run pqx run "$S" "$TMP/sitting.html"
check_rc "dyn: a sitting date is read" 0
check_contains "dyn: the sitting date is dates.asked" "$OUT" '"dates":{"answered":"2022-10-26","asked":"2022-10-25","published":"2022-10-26"}'
check_not_contains "dyn: no dates.asked warning then" "$OUT" 'dates.asked:'

# ids: question 450 of the 11th legislature as QE, QG and QOSD gets three ids
run pqx run --db "$TMP/an.db" "$S" "$E"
check_rc "all fr-an examples store" 0
q() { sqlite3 -batch -noheader "$TMP/an.db" "$@"; }
check_eq "three ids for 11-450" "$(q "select group_concat(id, ' ') from (select id from question where term = '11' and number = '450' order by id)")" \
	"fr-an:11-450 fr-an:11-450-QG fr-an:11-450-QOSD"
check_eq "type and kind of each" "$(q "select group_concat(id || '=' || type || '/' || json_extract(extra, '\$.question_kind'), ' ') from (select * from question where number = '450' order by id)")" \
	"fr-an:11-450=written/QE fr-an:11-450-QG=oral/QG fr-an:11-450-QOSD=oral/QOSD fr-an:14-450-QOSD=oral/QOSD"
check_eq "the QG answer's speaker" "$(q "select by_name from answer where question_id = 'fr-an:14-200-QG'")" \
	"Mme Marisol Touraine, ministre des affaires sociales et de la santé"
done_testing
