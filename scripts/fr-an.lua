-- fr-an.lua: written questions of the French Assemblée nationale, one question per
-- page, in the three templates the site has used (recognised by their markup):
--
-- "export" (seen on the 11th legislature: an archive export; no charset declared, so the
--   engine's detection decides: UTF-8 when the bytes are valid UTF-8, else windows-1252):
--   custom elements carry the data: <leg>11ème législature</leg>, <num>, <civ>, <aut>,
--   <groupe>, <dept>, <nat>QE</nat>, <mini> (ministère interrogé), <mina> (ministère
--   attributaire), <dpq>/<pgq> (question JO date/page), <dpr>/<pgrep> (answer JO
--   date/page), <rub>/<tana>/<ana> (rubrique, tête d'analyse, analyse), <quest>, <rep>,
--   <dret> (by its name the withdrawal date; empty here), and a hidden <span> with
--   <grp> (group code) and <reg> (region), kept in extra.
-- "q14" (questions.assemblee-nationale.fr, seen on the 14th legislature): <header
--   class="question_legislature">, <section class="question_header"> ("Question N° 3200",
--   "de <a>M. Name</a> (Group - <span>Département</span> )", "Question écrite"),
--   <section class="question_info"> with "<span>Label &gt; </span> value" blocks,
--   <div class="question_publish_date"> with one "... publiée au JO le : dd/mm/yyyy
--   page : N" line per event, <div class="question"> and <div class="answer">.
-- "dyn" (assemblee-nationale.fr/dyn, seen on the 16th legislature): <div class="an-bloc
--   _style-question">: title "Question écrite n°200 : <span>Subject</span>", "16ème
--   Législature", JO links "Publication de la question au Journal Officiel du <date>,
--   page N", the text blocks under "Question de :" and "Réponse publiée le <date>", and
--   the "Données clés" column of "Label : value" paragraphs (Auteur, Type de question,
--   Rubrique, Ministère interrogé, Ministère répondant, Dates).
--
-- Mapping: addressees[1].title = ministère interrogé (as printed); the ministère
-- attributaire / répondant goes to extra.ministere_attributaire and, when there is an
-- answer, to answers[1].by. dates.published and answers[1].date are the JO dates; JO
-- pages go to extra.jo_question_page / extra.jo_answer_page. The pages print no deposit
-- date, so dates.asked is the JO publication date of the question (a dated line whose
-- label mentions "dépôt" would be used instead). The author's group is authors[1].party,
-- the département authors[1].constituency; the "dyn" template prints the region instead
-- of the département, which goes to extra.author_region with a warning.
-- Ids: "fr-an:<legislature>-<number>" (numbers restart each legislature); other kinds of
-- question (QOSD, QG: their own number series) get the code appended: "fr-an:14-12-QG".

local date, names, text, re = pqx.date, pqx.names, pqx.text, pqx.re

local function fail(msg, ...)
  error(string.format(msg, ...), 2)
end

-- question kinds as printed (lower case) or coded in the export
local KINDS = {
  ["question écrite"] = "QE", ["question orale sans débat"] = "QOSD",
  ["question au gouvernement"] = "QG", ["question orale"] = "QOSD",
}
local TYPES = {QE = "written", QOSD = "oral", QG = "topical"}

local function warn(rec, fmt, ...)
  rec.warnings[#rec.warnings + 1] = string.format(fmt, ...)
end

local function new_record(term, number, kind)
  local code = KINDS[text.fold_case(text.squish(kind))] or kind
  local rec = {
    schema = "pqx.question/1", parliament = "fr-an", term = term, number = number,
    type = TYPES[code] or "other", lang = "fr", page_lang = "fr",
    dates = {}, extra = {}, warnings = {},
  }
  rec.id = "fr-an:" .. term .. "-" .. number .. (code == "QE" and "" or "-" .. code)
  if not TYPES[code] then warn(rec, "unknown kind of question %q", kind) end
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

-- the common end: answer, status, asked date
local function finish(rec, question, answer, by)
  if question == "" then fail("the question text is empty") end
  rec.question = {body = question}
  rec.extra.ministere_attributaire = by
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
  -- no deposit date on the page: the question is asked when the JO publishes it
  rec.dates.asked = rec.dates.asked or rec.dates.published
  if not rec.dates.asked then warn(rec, "no JO publication date of the question") end
  if next(rec.extra) == nil then rec.extra = nil end
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
  local rec = new_record(term, text.trim(doc:one("num"):text()), doc:one("nat"):text())
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
  -- errata, "signalée", "changement d'attribution": empty on the pages seen, label unknown
  for _, tag in ipairs({"derq", "derr", "dsign", "draps", "dca"}) do
    if el(tag) then warn(rec, "<%s> %q not read", tag, el(tag)) end
  end
  add_keyword(rec, el("rub"), "an-rubrique")
  add_keyword(rec, el("tana"), "an-tete-analyse")
  add_keyword(rec, el("ana"), "an-analyse")
  local rep = doc:select1("rep")
  return finish(rec, text.trim(doc:one("quest"):text()), rep and text.trim(rep:text()), el("mina"))
end

---------------------------------------------------------------- "q14" (14th)
local function read_q14(doc)
  local term = re.match(doc:one("header.question_legislature"):text(), [[(\d+)]])
    or fail("no legislature number")
  local header = doc:one("section.question_header")
  local number = re.match(header:text(), [[Question N°\s*(\d+)]]) or fail("no question number")
  local divs = header:select("> div", {min = 3})
  local rec = new_record(term, number, divs[#divs]:text())
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
  local question = body_of(doc:one("section.question_answer .question"):select("> :not(h3)"))
  local answer = doc:select1("section.question_answer .answer .reponse_contenu")
  return finish(rec, question, answer and text.trim(answer:text()) or nil, f.ministere_attributaire)
end

---------------------------------------------------------------- "dyn" (16th)
local function read_dyn(doc)
  local bloc = doc:one("div.an-bloc._style-question")
  local title = bloc:one(".title span.h4")
  local kind, number = re.match(title:own_text(), [[^\s*(.+?)\s+n°\s*(\d+)]])
  if not number then fail("no question number in %q", title:text()) end
  local term = re.match(bloc:one("span.h6:pqx-contains('Législature' i)"):text(), [[(\d+)]])
  local rec = new_record(term, number, kind)
  local subject = title:select1("span._regular")
  rec.title = subject and text.squish(subject:text()) or nil
  -- the "Données clés" column
  local keydata = bloc:one("#blocMinistereInterroge"):parent()
  local f = pqx.fields(keydata)
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
  -- "Dates :" lines, one <span> each
  local dates = keydata:one("p:pqx-contains-own('Dates')")
  for _, span in ipairs(dates:select("span._regular", {min = 1})) do
    local label, iso = dated_line(text.squish(span:text()))
    if label then apply_date(rec, label, iso, nil) else warn(rec, "undated line %q", span:text()) end
  end
  -- JO pages from the "Publication de la ... au Journal Officiel du <date>, page N" links
  for _, l in ipairs(bloc:select("a.link:pqx-contains('Journal Officiel' i)")) do
    local t = text.squish(l:text())
    local iso, _, e = date.find(t, "fr")
    local page = re.match(t:sub((e or #t) + 1), [[page\s*(\d+)]])
    local which = t:find("de la question", 1, true) and "question"
      or t:find("de la réponse", 1, true) and "answer" or nil
    local have = which == "question" and rec.dates.published or which == "answer" and rec.dates.answered
    if which and have and iso ~= have then
      warn(rec, "JO link %q disagrees with the date %s", t, have)
    elseif which then
      rec.extra["jo_" .. which .. "_page"] = page
    end
    rec.attachments = rec.attachments or {}
    rec.attachments[#rec.attachments + 1] = {title = t, url = l:attr("href"), kind = "pdf"}
  end
  -- the texts: the <p class=_pa-small> after "Question de :" and after "Réponse publiée"
  local qhead = bloc:one("p:has(> span:pqx-contains-own('Question de'))")
  local question = body_of(qhead:parent():select("> p._pa-small", {min = 1}))
  local ahead = bloc:select1("p:pqx-matches(/^\\s*Réponse\\s+publiée/)")
  local answer = ahead and body_of(ahead:parent():select("> p._pa-small")) or nil
  local og = doc:select1("meta[property='og:url']")
  rec.source_url = og and og:attr("content") or nil
  return finish(rec, question, answer, f.ministere_repondant or f.ministere_attributaire)
end

local function extract(doc, ctx)
  if doc:select1("quest") and doc:select1("num") then return read_export(doc) end
  if doc:select1("section.question_header") then
    local recs = read_q14(doc)
    local pdf = doc:select1("form[action*='/questions/detail/']")
    if pdf then recs[1].source_url = (pdf:attr("action"):gsub("/%(vue%)/pdf$", "")) end
    return recs
  end
  if doc:select1("div.an-bloc._style-question") then return read_dyn(doc) end
  fail("not an Assemblée nationale question page: none of the three known templates " ..
    "(<quest> export, section.question_header, div.an-bloc._style-question) is here")
end

return {
  name = "fr-an",
  version = "1.0.0",
  description = "Assemblée nationale (France) written questions: the 11th-legislature export, " ..
    "questions.assemblee-nationale.fr (14th) and /dyn (16th) templates",
  encoding = nil, -- 14/16 declare UTF-8; the export declares nothing and is sniffed
  extract = extract,
}
