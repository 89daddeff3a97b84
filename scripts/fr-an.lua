-- fr-an.lua: questions of the French Assemblée nationale, one question per page: written
-- questions (QE), questions au gouvernement (QG, asked in the chamber) and questions orales
-- sans débat (QOSD), in the three templates the site has used. Both the template and the
-- kind of question are recognised from the markup; a page of an unknown template or kind
-- fails with a message that names what it saw.
--
-- "export" (seen on the 11th legislature: an archive export; no charset declared, so the
--   engine's detection decides: UTF-8 when the bytes are valid UTF-8, else windows-1252):
--   custom elements carry the data: <leg>11ème législature</leg>, <num>, <civ>, <aut>,
--   <groupe>, <dept>, <nat>QE|QG|QOSD</nat>, <mini> (ministère interrogé), <mina> (ministère
--   attributaire), <dpq>/<pgq> (question JO date/page), <dpr>/<pgrep> (answer JO
--   date/page), <dca> (date de changement d'attribution), <rub>/<tana>/<ana> (rubrique,
--   tête d'analyse, analyse), <quest> (empty for a QG), <rep> (the answer; for QG/QOSD the
--   debate as plain text lines), <dret> (by its name the withdrawal date; empty here), and a
--   hidden <span> with <grp> (group code) and <reg> (region), kept in extra.
-- "q14" (questions.assemblee-nationale.fr, seen on the 14th legislature): <header
--   class="question_legislature">, <section class="question_header"> ("Question N° 3200",
--   "de <a>M. Name</a> (Group - <span>Département</span> )", the kind: "Question écrite",
--   "Question au gouvernement", "Question orale sans débat"), <section
--   class="question_info"> with "<span>Label &gt; </span> value" blocks, <div
--   class="question_publish_date"> with one "... publiée au JO le : dd/mm/yyyy page : N"
--   line per event, <div class="question"> and <div class="answer"> (for QG/QOSD the
--   debate, speakers in <b>/<strong>), and a PDF form whose action names the kind
--   (/questions/detail/14/qg/200/...).
-- "dyn" (assemblee-nationale.fr/dyn, seen on the 16th legislature): <div class="an-bloc
--   _style-question">: title "Question écrite n°200 : <span>Subject</span>" (or "Question au
--   Gouvernement n°", "Question orale n°"), "16ème Législature", JO links "Publication de la
--   question au Journal Officiel du <date>, page N", the text blocks under "Question de :"
--   (for a QG: the debate) and "Réponse publiée le <date>" / "Réponse en séance, et publiée
--   le <date>" (for a QOSD: the debate), and the "Données clés" column of "Label : value"
--   paragraphs (Auteur, Type de question, Rubrique, Ministère interrogé, Ministère
--   répondant, Dates or Date de la séance). og:url names the kind too (QANR5L16QG200).
--
-- Kinds: type = "written" for QE, "oral" for QG and QOSD; extra.question_kind is "QE",
-- "QG" or "QOSD" on every record.
-- Ids: "fr-an:<legislature>-<number>" for a QE (numbers restart each legislature); QG and
-- QOSD have number series of their own and get their code appended: "fr-an:14-200-QG",
-- "fr-an:11-450-QOSD". So question 450 of one legislature as QE, QG and QOSD has three ids.
--
-- Mapping: addressees[1].title = ministère interrogé (as printed); the ministère
-- attributaire / répondant goes to extra.ministere_attributaire and, for a QE with an
-- answer, to answers[1].by. dates.published and answers[1].date are the JO dates; JO
-- pages go to extra.jo_question_page / extra.jo_answer_page. The pages print no deposit
-- date, so for QE and QOSD dates.asked is the JO publication date of the question (a dated
-- line whose label mentions "dépôt" would be used instead). A QG is asked in a sitting
-- whose date the pages do not print (only the JO publication of the debate): dates.asked
-- is left out with a "dates.asked:" warning that gives the JO date.
-- QG and QOSD: the debate is cut into turns at each speaker ("M. le président.", "Mme X,
-- ministre de ... ."; in bold on the 14th/16th templates, with the office in the <i> after
-- the name; recognised at the start of a line on the 11th, where "Name, office." needs an
-- office of the government or of the chamber), kept in order in extra.debate =
-- {{speaker, role, text}, ...}, with the heading printed above it in extra.debate_title
-- (and title when the page has no other). The answer is the reply of the member of the
-- government (the first speaker after the author printed with a government office:
-- ministre, secrétaire d'État, Premier ministre, garde des sceaux, haut-commissaire), all
-- their turns, including those printed with the office only ("M. le secrétaire d'Etat à
-- l'industrie."); answers[1].by is "Name, office" as printed. For a QG, question.body is
-- what the author said before that reply; for a QOSD it is the question's published text.
-- Both fail loudly when the debate has no turn of the author or no reply, naming the
-- speakers seen.
-- The author's group is authors[1].party, the département authors[1].constituency; the
-- "dyn" template prints the region instead of the département, which goes to
-- extra.author_region with a warning.

local date, names, text, re = pqx.date, pqx.names, pqx.text, pqx.re

local function fail(msg, ...)
  error(string.format(msg, ...), 2)
end

-- question kinds as printed (case folded) or coded in the export and in URLs
local KINDS = {
  ["question écrite"] = "QE", ["question au gouvernement"] = "QG",
  ["question orale sans débat"] = "QOSD", ["question orale"] = "QOSD",
  qe = "QE", qg = "QG", qosd = "QOSD",
}
local TYPES = {QE = "written", QG = "oral", QOSD = "oral"}

-- the code of a printed kind, or a loud failure naming it
local function kind_code(kind, where)
  local code = KINDS[text.fold_case(text.squish(kind))]
  if not code then
    fail("unknown kind of question %q (%s); known: Question écrite, Question au gouvernement, " ..
      "Question orale (sans débat), QE, QG, QOSD", text.squish(kind), where)
  end
  return code
end

local function warn(rec, fmt, ...)
  rec.warnings[#rec.warnings + 1] = string.format(fmt, ...)
end

local function new_record(term, number, code)
  local rec = {
    schema = "pqx.question/1", parliament = "fr-an", term = term, number = number,
    type = TYPES[code], lang = "fr", page_lang = "fr",
    dates = {}, extra = {question_kind = code}, warnings = {},
  }
  rec.id = "fr-an:" .. term .. "-" .. number .. (code == "QE" and "" or "-" .. code)
  return rec
end

local function parse_date(rec, s, what)
  local iso, why = date.parse(s, "fr")
  if not iso then warn(rec, "%s: %q is not a date (%s)", what, s, why) end
  return iso
end

-- "M. Philippe Le Ray" -> "Philippe Le Ray", "M."
local function civility(name)
  local civ, rest = re.match(name, [[^(M\.|Mme|Mlle|MM\.)\s+(.+)$]])
  if civ then return rest, civ end
  return name
end

-- "M. Name (A - B)": the author without civility, and the two halves of the
-- parenthesis, cut at the last " - " when `last` (group names may hold " - ", as
-- "La France insoumise - Nouvelle Union Populaire écologique et sociale" does, so
-- the cut is made on the side of the place: département last, region first)
local function person(raw, last)
  local p, why = names.name_party(raw)
  if not p then fail("author %q: %s", raw, why) end
  local a, b
  if p.party then a, b = p.party:match(last and "^(.*)%s+%-%s+(.-)$" or "^(.-)%s+%-%s+(.+)$") end
  if p.party and not a then fail("author %q: no ' - ' in the parenthesis", raw) end
  return {name = (civility(p.name)), raw = p.raw}, a, b
end

local function add_keyword(rec, label, scheme)
  label = label and text.squish(label) or ""
  if label == "" then return end
  rec.keywords = rec.keywords or {}
  rec.keywords[#rec.keywords + 1] = {label = label, scheme = scheme, lang = "fr"}
end

-- field key -> keyword scheme, in the order the pages print them
local KEYWORD_SCHEMES = {
  {"rubrique", "an-rubrique"}, {"tete_d_analyse", "an-tete-analyse"}, {"analyse", "an-analyse"},
}

-- the paragraphs of a list of nodes as one body
local function body_of(nodes)
  local out = {}
  for _, n in ipairs(nodes) do
    local t = text.trim(n:text())
    if t ~= "" then out[#out + 1] = t end
  end
  return table.concat(out, "\n\n")
end

-- dated lines ("Question publiée au JO le : 21/08/2012 page : 4774", "Réponse publiée
-- le 27 septembre 2022"): label, ISO date, JO page
local function dated_line(line)
  local iso, s, e = date.find(line, "fr")
  if not iso then return nil end
  local label = text.trim((line:sub(1, s - 1):gsub("%s*:?%s*$", ""):gsub("%s+le$", "")))
  local page = re.match(line:sub(e + 1), [[page\s*:?\s*(\d+)]])
  return label, iso, page
end

-- put one dated line into the record; lines other than the JO publications and a
-- deposit date become events (a withdrawal also sets dates.withdrawn)
local function apply_date(rec, label, iso, page)
  local l = text.fold_case(label)
  if l:find("^question publiée") then
    rec.dates.published = iso
    rec.extra.jo_question_page = page
  elseif l:find("^réponse publiée") then
    rec.dates.answered = iso
    rec.extra.jo_answer_page = page
  elseif l:find("dépôt") then
    rec.dates.asked = iso
  else
    if l:find("retir") then rec.dates.withdrawn = iso end
    rec.events = rec.events or {}
    rec.events[#rec.events + 1] = {date = iso, label = label}
  end
end

---------------------------------------------------------------- debates (QG, QOSD)
-- The start of a turn: a civility and a name or office ("M. le président", "Mme Marisol
-- Touraine", "M. le secrétaire d'Etat à l'industrie") or a group of members ("Plusieurs
-- députés du groupe UMP"), then "." (and the speech) or "," (an office up to the next
-- ". ", then the speech).
local TURN = re.compile("^((?:M\\.|Mme|Mlle|MM\\.|Mmes)\\s+[^.,:;!?«(]+?" ..
  "|(?:Plusieurs|De nombreux|Un|Une|Des)\\s+député[^.,:;!?«(]*?)\\s*([.,])\\s*(.*)$")
local OFFICE = re.compile([[^([^.]+?)\s*\.\s*(.*)$]])
-- offices of the government (the reply comes from one of them) and of the chamber (a
-- plain-text line "M. X, <office>." starts a turn only with one of these)
local GOV = re.compile([[^(?:(?:Premier|Première)\s+ministre|ministre|secrétaire\s+d['’]\s*[ÉE]tat|]] ..
  [[garde\s+des\s+sceaux|haute?-commissaire)]], "i")
local CHAMBER = re.compile([[^(?:président|présidente|vice-présidente?|rapporteure?)\b]], "i")

-- words of a name, case and accents folded, sorted: "Jacquaint Muguette" (the export's
-- surname-first order) and "Mme Muguette Jacquaint" (the debate's) give the same key
local function name_key(s)
  local w = {}
  for word in text.fold_case(text.strip_accents(civility(text.squish(s)))):gmatch("[^%s]+") do
    w[#w + 1] = word
  end
  table.sort(w)
  return table.concat(w, " ")
end

-- "M. le secrétaire d'Etat à l'industrie" -> "secrétaire d'etat à l'industrie": an office
-- used as a speaker's name, folded for comparison with an office printed after a name
local function office_key(speaker)
  local rest = civility(speaker)
  rest = rest:gsub("^l[ea]%s+", ""):gsub("^l'", ""):gsub("^l’", "")
  return text.fold_case(text.strip_accents(rest))
end

-- the turns of a debate. `nodes` hold it; `bold` says the template prints each speaker in
-- <b>/<strong> (14th, 16th): there a line starts a turn only when it opens with the next
-- bold speaker label in document order, so a paragraph that happens to open with "M. X."
-- is speech, and a bold label that does not start a line fails the page rather than glue
-- two turns. Returns the heading lines above the first turn and the list of
-- {speaker, role, text}.
local function debate_turns(nodes, bold)
  local labels
  if bold then
    -- {name, office}: office is the <i> printed after a label that ends with ","
    labels = {}
    for _, n in ipairs(nodes) do
      for _, b in ipairs(n:matches("b, strong") and {n} or n:select("b, strong")) do
        local raw = text.squish(b:text())
        local label = raw:gsub("%s*[.,]$", "")
        if TURN:match(label .. ". x") == label then
          local office
          if raw:find(",$") then
            local after = b:next_node()
            while after and after.type == "whitespace" do after = after:next_node() end
            if after and after.tag == "i" then office = (text.squish(after:text()):gsub("%s*%.$", "")) end
          end
          labels[#labels + 1] = {name = label, office = office ~= "" and office or nil}
        end
      end
    end
  end
  local lines = {}
  for _, n in ipairs(nodes) do
    for _, l in ipairs(text.lines(n:text())) do lines[#lines + 1] = l end
  end
  local heading, turns, cur, next_label = {}, {}, nil, 1
  for _, line in ipairs(lines) do
    local who, sep, rest = TURN:match(line)
    local role
    if who and labels then
      local l = labels[next_label]
      if l and l.name == who then
        next_label = next_label + 1
        if sep == "," and l.office and rest:sub(1, #l.office) == l.office then
          role, rest = l.office, text.trim((rest:sub(#l.office + 1):gsub("^%s*%.", "")))
        elseif sep == "," then
          role, rest = OFFICE:match(rest)
          if not role then fail("speaker %q: no office after the comma in %q", who, line) end
        end
      else
        who = nil
      end
    elseif who and sep == "," then
      -- "M. le président, mes chers collègues, ..." in a plain-text debate is speech
      role, rest = OFFICE:match(rest)
      if not (role and (GOV:match(role) or CHAMBER:match(role))) then who = nil end
    end
    if who then
      cur = {speaker = who, role = role, paras = {}}
      turns[#turns + 1] = cur
      if rest ~= "" then cur.paras[1] = rest end
    elseif cur then
      cur.paras[#cur.paras + 1] = line
    else
      heading[#heading + 1] = line
    end
  end
  if labels and next_label <= #labels then
    fail("%d speakers are printed in bold in the debate but only %d of them start a line " ..
      "(the first that does not: %q)", #labels, next_label - 1, labels[next_label].name)
  end
  for _, t in ipairs(turns) do
    t.text = table.concat(t.paras, "\n\n")
    t.paras = nil
  end
  return table.concat(heading, "\n"), turns
end

local function speakers_seen(turns)
  local seen, out = {}, {}
  for _, t in ipairs(turns) do
    if not seen[t.speaker] then seen[t.speaker] = true; out[#out + 1] = t.speaker end
  end
  return #out > 0 and table.concat(out, ", ") or "none"
end

-- the author's words before the reply, the reply, and who gave it
local function read_debate(rec, nodes, bold)
  local heading, turns = debate_turns(nodes, bold)
  if #turns == 0 then fail("the debate of this %s has no speaker turns", rec.extra.question_kind) end
  local author = name_key(rec.authors[1].name)
  local first_author, minister
  for i, t in ipairs(turns) do
    if not first_author and name_key(t.speaker) == author then first_author = i end
    if first_author and not minister and t.role and GOV:match(t.role) then minister = t end
  end
  if not first_author then
    fail("the debate has no turn of the author %q (speakers: %s)", rec.authors[1].name, speakers_seen(turns))
  end
  if not minister then
    fail("the debate has no reply by a member of the government, printed 'Name, ministre ...' " ..
      "(or secrétaire d'État, Premier ministre, ...) after the author (speakers: %s)", speakers_seen(turns))
  end
  local mkey, okey = name_key(minister.speaker), text.fold_case(text.strip_accents(minister.role))
  local asked, reply, replied = {}, {}, false
  for _, t in ipairs(turns) do
    local by_minister = name_key(t.speaker) == mkey or office_key(t.speaker) == okey
    if t == minister then replied = true end
    if by_minister and replied then
      reply[#reply + 1] = t.text
    elseif not replied and name_key(t.speaker) == author then
      asked[#asked + 1] = t.text
    end
  end
  rec.extra.debate = turns
  if heading ~= "" then
    rec.extra.debate_title = heading
    rec.title = rec.title or heading
  end
  return table.concat(asked, "\n\n"), table.concat(reply, "\n\n"), minister.speaker .. ", " .. minister.role
end

---------------------------------------------------------------- the common end
-- parts: question (text), answer (text or nil), by (who answered), debate ({nodes, bold})
local function finish(rec, parts)
  local question, answer, by = parts.question, parts.answer, parts.by
  rec.extra.ministere_attributaire = parts.ministry
  if parts.debate then
    local said
    said, answer, by = read_debate(rec, parts.debate.nodes, parts.debate.bold)
    if rec.extra.question_kind == "QG" then question = said end
    -- the reply is printed in the same report of the sitting as the question
    if rec.extra.question_kind == "QG" and not rec.dates.answered then rec.dates.answered = rec.dates.published end
  else
    by = by or parts.ministry
  end
  if question == nil or question == "" then fail("the question text is empty") end
  rec.question = {body = question}
  if answer and answer ~= "" then
    rec.answers = {{kind = "answer", date = rec.dates.answered, by = by, body = answer}}
    if not rec.dates.answered then warn(rec, "answer without a JO date") end
    rec.status = "answered"
  elseif rec.dates.answered then
    warn(rec, "an answer was published in the JO on %s but its text is not on the page", rec.dates.answered)
    rec.status = "answered"
  elseif rec.dates.withdrawn then
    rec.status = "withdrawn"
  else
    rec.status = "unanswered"
  end
  if rec.extra.question_kind == "QG" then
    -- asked in a sitting whose date the page does not print
    if not rec.dates.asked then
      warn(rec, "dates.asked: the page prints no sitting date; the debate was published in the " ..
        "Journal officiel on %s", rec.dates.published or "an unknown date")
    end
  else
    -- no deposit date on the page: the question is asked when the JO publishes it
    rec.dates.asked = rec.dates.asked or rec.dates.published
  end
  if not rec.dates.published then warn(rec, "no JO publication date of the question") end
  if #rec.warnings == 0 then rec.warnings = nil end
  return {rec}
end

---------------------------------------------------------------- "export" (11th)
local function read_export(doc)
  -- the text of the first <tag>, nil when absent or empty
  local function el(tag)
    local n = doc:select1(tag)
    local t = n and text.squish(n:text()) or ""
    return t ~= "" and t or nil
  end
  local term = re.match(el("leg") or "", [[^(\d+)]]) or fail("no legislature number in <leg>")
  local nat = doc:one("nat"):text()
  local code = kind_code(nat, "<nat> of the 11th-legislature export")
  local rec = new_record(term, text.trim(doc:one("num"):text()), code)
  -- "de <b><civ>Mme</civ> <aut>Jacquaint Muguette</aut></b>(<groupe>..</groupe> - <dept>..</dept>)":
  -- the name is printed surname first and kept so; the civility is in raw only
  rec.authors = {{
    name = el("aut") or fail("empty <aut>"), party = el("groupe"), constituency = el("dept"),
    raw = (text.squish(doc:one("aut"):closest("td"):text()):gsub("^de%s+", "")),
  }}
  rec.addressees = {{title = el("mini") or fail("empty <mini> (ministère interrogé)")}}
  rec.extra.group_code = el("grp")     -- from the hidden <span> at the end
  rec.extra.author_region = el("reg")  -- idem
  local function jo(d, p, label)
    if el(d) then apply_date(rec, label, parse_date(rec, el(d), d), p and el(p)) end
  end
  jo("dpq", "pgq", "Question publiée au JO")
  jo("dpr", "pgrep", "Réponse publiée au JO")
  jo("dret", nil, "Question retirée")
  jo("dca", nil, "Changement d'attribution") -- printed "Date de changement d'attribution :"
  -- errata, "signalée": empty on the pages seen, label unknown
  for _, tag in ipairs({"derq", "derr", "dsign", "draps"}) do
    if el(tag) then warn(rec, "<%s> %q not read", tag, el(tag)) end
  end
  add_keyword(rec, el("rub"), "an-rubrique")
  add_keyword(rec, el("tana"), "an-tete-analyse")
  add_keyword(rec, el("ana"), "an-analyse")
  local rep = doc:select1("rep")
  local parts = {question = text.trim(doc:one("quest"):text()), ministry = el("mina")}
  if code == "QE" then
    parts.answer = rep and text.trim(rep:text())
  elseif rep and el("rep") then
    parts.debate = {nodes = {rep}, bold = false}
  end
  return finish(rec, parts)
end

---------------------------------------------------------------- "q14" (14th)
local function read_q14(doc)
  local term = re.match(doc:one("header.question_legislature"):text(), [[(\d+)]])
    or fail("no legislature number")
  local header = doc:one("section.question_header")
  local number = re.match(header:text(), [[Question N°\s*(\d+)]]) or fail("no question number")
  local divs = header:select("> div", {min = 3})
  local code = kind_code(divs[#divs]:text(), "last line of section.question_header")
  -- the PDF form names the kind too: /questions/detail/14/qg/200/(vue)/pdf
  local pdf = doc:select1("form[action*='/questions/detail/']")
  if pdf then
    local url_code = re.match(pdf:attr("action"), [[/questions/detail/\d+/([a-z]+)/]])
    if url_code and KINDS[url_code] ~= code then
      fail("the page says %q but its PDF link %s is for another kind", text.squish(divs[#divs]:text()),
        pdf:attr("action"))
    end
  end
  local rec = new_record(term, number, code)
  if pdf then rec.source_url = (pdf:attr("action"):gsub("/%(vue%)/pdf$", "")) end
  -- the author div: "de <a>M. Name</a> (Group - <span>Dept</span> )"
  local who = header:one("> div:pqx-matches(/^\\s*de\\s/)")
  local a, group, dept = person((text.squish(who:text()):gsub("^de%s+", "")), true)
  a.party, a.constituency = group, dept
  local link = who:select1("a[href*='/deputes/']")
  a.ref = link and re.match(link:attr("href"), [[(PA\d+)]]) or nil
  rec.authors = {a}
  -- "<span class=question_big_content>Label &gt; </span> value" blocks
  local f = {}
  for _, span in ipairs(doc:one("section.question_info"):select("span.question_big_content", {min = 1})) do
    local label = text.squish(span:text()):gsub("%s*>%s*$", "")
    local value = text.squish(span:parent():text()):sub(#text.squish(span:text()) + 1)
    f[pqx.fields.key(label)] = text.trim(value)
  end
  if not f.ministere_interroge then fail("no 'Ministère interrogé' block") end
  rec.addressees = {{title = f.ministere_interroge}}
  for _, ks in ipairs(KEYWORD_SCHEMES) do add_keyword(rec, f[ks[1]], ks[2]) end
  for _, line in ipairs(doc:one(".question_publish_date"):select("> div")) do
    local label, iso, page = dated_line(text.squish(line:text()))
    if label then apply_date(rec, label, iso, page) else warn(rec, "undated line %q", line:text()) end
  end
  local parts = {
    question = body_of(doc:one("section.question_answer .question"):select("> :not(h3)")),
    ministry = f.ministere_attributaire,
  }
  local answer = doc:select1("section.question_answer .answer .reponse_contenu")
  if code == "QE" then
    parts.answer = answer and text.trim(answer:text()) or nil
  elseif answer and text.trim(answer:text()) ~= "" then
    parts.debate = {nodes = {answer}, bold = true}
  end
  return finish(rec, parts)
end

---------------------------------------------------------------- "dyn" (16th)
local function read_dyn(doc)
  local bloc = doc:one("div.an-bloc._style-question")
  local title = bloc:one(".title span.h4")
  local kind, number = re.match(title:own_text(), [[^\s*(.+?)\s+n°\s*(\d+)]])
  if not number then fail("no question number in %q", title:text()) end
  local code = kind_code(kind, "title of div.an-bloc._style-question")
  local term = re.match(bloc:one("span.h6:pqx-contains('Législature' i)"):text(), [[(\d+)]])
  -- the "Données clés" column
  local keydata = bloc:one("#blocMinistereInterroge"):parent()
  local f = pqx.fields(keydata)
  if f.type_de_question and kind_code(f.type_de_question, "'Type de question' field") ~= code then
    fail("the title says %q but 'Type de question' says %q", kind, f.type_de_question)
  end
  local og = doc:select1("meta[property='og:url']")
  local url_code = og and re.match(og:attr("content") or "", [[/questions/QANR5L\d+([A-Z]+)\d+$]])
  if url_code and KINDS[text.fold_case(url_code)] ~= code then
    fail("the title says %q but the page's address %s is for another kind", kind, og:attr("content"))
  end
  local rec = new_record(term, number, code)
  rec.source_url = og and og:attr("content") or nil
  local subject = title:select1("span._regular")
  rec.title = subject and text.squish(subject:text()) or nil
  local author = keydata:one("p:pqx-contains-own('Auteur')")
  local a, region, group = person(f.auteur or fail("no 'Auteur' field"))
  a.party = group
  local link = author:select1("a[data-document-id]")
  a.ref = link and link:attr("data-document-id") or nil
  rec.authors = {a}
  if region then
    rec.extra.author_region = region
    warn(rec, "the page prints the author's region (%s), not the département", region)
  end
  rec.addressees = {{title = f.ministere_interroge or fail("no 'Ministère interrogé' field")}}
  for _, ks in ipairs(KEYWORD_SCHEMES) do add_keyword(rec, f[ks[1]], ks[2]) end
  -- "Dates :" lines, one <span> each (QE)
  local dates = keydata:select1("p:pqx-contains-own('Dates')")
  for _, span in ipairs(dates and dates:select("span._regular", {min = 1}) or {}) do
    local label, iso = dated_line(text.squish(span:text()))
    if label then apply_date(rec, label, iso, nil) else warn(rec, "undated line %q", span:text()) end
  end
  -- "Date de la séance : La question a été posée au Gouvernement en séance, parue dans le
  -- journal officiel le 26 octobre 2022" (QG, QOSD): the JO date of the question; a date
  -- printed without the JO wording would be the sitting's
  if f.date_de_la_seance then
    local iso = date.find(f.date_de_la_seance, "fr")
    if not iso then
      warn(rec, "'Date de la séance' %q holds no date", f.date_de_la_seance)
    elseif text.fold_case(f.date_de_la_seance):find("journal officiel", 1, true) then
      rec.dates.published = rec.dates.published or iso
    else
      rec.dates.asked = iso
    end
  end
  -- JO pages from the "Publication de la ... au Journal Officiel du <date>, page N" links
  for _, l in ipairs(bloc:select("a.link:pqx-contains('Journal Officiel' i)")) do
    local t = text.squish(l:text())
    local iso, _, e = date.find(t, "fr")
    local page = re.match(t:sub((e or #t) + 1), [[page\s*(\d+)]])
    local which = t:find("de la question", 1, true) and "question"
      or t:find("de la réponse", 1, true) and "answer" or nil
    local field = which == "question" and "published" or which == "answer" and "answered"
    if field and not rec.dates[field] then rec.dates[field] = iso end
    if field and iso ~= rec.dates[field] then
      warn(rec, "JO link %q disagrees with the date %s", t, rec.dates[field])
    elseif which then
      rec.extra["jo_" .. which .. "_page"] = page
    end
    rec.attachments = rec.attachments or {}
    rec.attachments[#rec.attachments + 1] = {title = t, url = l:attr("href"), kind = "pdf"}
  end
  -- the texts: the <p class=_pa-small> after "Question de :" (", posée en séance, et publiée
  -- le <date>" for a QG) and after "Réponse publiée le <date>" / "Réponse en séance, et
  -- publiée le <date>"
  local qhead = bloc:one("p:has(> span:pqx-contains-own('Question de'))")
  local qpublished = re.match(text.squish(qhead:text()), [[publiée\s+le\s+(.+)$]])
  if qpublished then
    local iso = parse_date(rec, qpublished, "'Question de' line")
    if iso and rec.dates.published and iso ~= rec.dates.published then
      warn(rec, "'Question de' line says published %s, the JO %s", iso, rec.dates.published)
    end
    rec.dates.published = rec.dates.published or iso
  end
  local qtext = qhead:parent():select("> p._pa-small", {min = 1})
  local ahead = bloc:select1("p:pqx-matches(/^\\s*Réponse\\s+(publiée|en\\s+séance)/)")
  local atext = ahead and ahead:parent():select("> p._pa-small") or nil
  if ahead then
    local iso = date.find(text.squish(ahead:text()), "fr")
    if iso and rec.dates.answered and iso ~= rec.dates.answered then
      warn(rec, "%q disagrees with the answer date %s", text.squish(ahead:text()), rec.dates.answered)
    end
    rec.dates.answered = rec.dates.answered or iso
  end
  local parts = {ministry = f.ministere_repondant or f.ministere_attributaire}
  if code == "QG" then
    parts.debate = {nodes = qtext, bold = true}
  else
    parts.question = body_of(qtext)
    if code == "QOSD" and atext and #atext > 0 then
      parts.debate = {nodes = atext, bold = true}
    else
      parts.answer = atext and body_of(atext) or nil
    end
  end
  return finish(rec, parts)
end

local function extract(doc)
  if doc:select1("quest") and doc:select1("num") then return read_export(doc) end
  if doc:select1("section.question_header") then return read_q14(doc) end
  if doc:select1("div.an-bloc._style-question") then return read_dyn(doc) end
  fail("not an Assemblée nationale question page: none of the three known templates " ..
    "(<quest> export, section.question_header, div.an-bloc._style-question) is here")
end

return {
  name = "fr-an",
  version = "1.1.0",
  description = "Assemblée nationale (France) written questions, questions au gouvernement and " ..
    "questions orales sans débat: the 11th-legislature export, questions.assemblee-nationale.fr " ..
    "(14th) and /dyn (16th) templates",
  encoding = nil, -- 14/16 declare UTF-8; the export declares nothing and is sniffed
  extract = extract,
}
