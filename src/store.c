/*
 * store.c: the SQLite database of pqx (see store.h and docs/schema.md). It owns the
 * schema and its migrations, the statement cache, and the mapping from a
 * pqx.question/1 record (JSON text) to rows; records are taken apart by SQLite's own
 * JSON functions so the C side never parses JSON.
 * It must never build SQL from data (every value is a bound parameter, every
 * identifier is a literal in this file), never use INSERT OR REPLACE (it deletes rows,
 * changes rowids and skips the FTS delete trigger), and never leave a page half
 * stored: each page is one BEGIN IMMEDIATE ... COMMIT, rolled back on any error.
 */
#include "store.h"

#include <sqlite3.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sha256.h"

/* ---------- schema ---------- */

/* Migration N (index N-1) takes the database from user_version N-1 to N. Later
 * versions append a step here; a released step is never edited. */
static const char *const migrations[] = {
	/* 1: everything */
	"CREATE TABLE run (\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  started TEXT NOT NULL,\n"
	"  finished TEXT,\n"
	"  script_name TEXT,\n"
	"  script_path TEXT,\n"
	"  script_version TEXT,\n"
	"  script_sha256 TEXT,\n"
	"  pqx_version TEXT,\n"
	"  options TEXT CHECK (options IS NULL OR json_valid(options)),\n"
	"  pages_ok INTEGER,\n"
	"  pages_failed INTEGER\n"
	") STRICT;\n"
	"CREATE TABLE page (\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  path TEXT NOT NULL,\n"
	"  content_sha256 TEXT NOT NULL,\n"
	"  bytes INTEGER NOT NULL,\n"
	"  encoding TEXT,\n"
	"  encoding_source TEXT,\n"
	"  status TEXT NOT NULL CHECK (status IN ('ok', 'error')),\n"
	"  error TEXT,\n"
	"  warnings TEXT CHECK (warnings IS NULL OR json_valid(warnings)),\n"
	"  first_seen_run INTEGER REFERENCES run(id),\n"
	"  last_seen_run INTEGER REFERENCES run(id),\n"
	"  first_seen TEXT NOT NULL,\n"
	"  last_seen TEXT NOT NULL,\n"
	"  UNIQUE (path, content_sha256)\n"
	") STRICT;\n"
	"CREATE TABLE question (\n"
	"  id TEXT PRIMARY KEY,\n"
	"  parliament TEXT NOT NULL,\n"
	"  term TEXT,\n"
	"  number TEXT NOT NULL,\n"
	"  type TEXT NOT NULL,\n"
	"  lang TEXT,\n"
	"  page_lang TEXT,\n"
	"  title TEXT,\n"
	"  status TEXT NOT NULL,\n"
	"  date_asked TEXT,\n"
	"  date_answered TEXT,\n"
	"  date_published TEXT,\n"
	"  date_due TEXT,\n"
	"  date_withdrawn TEXT,\n"
	"  source_url TEXT,\n"
	"  question_text TEXT,\n"
	"  answer_text TEXT,\n"
	"  revision INTEGER NOT NULL,\n"
	"  record_sha256 TEXT NOT NULL,\n"
	"  record TEXT NOT NULL CHECK (json_valid(record)),\n"
	"  extra TEXT CHECK (extra IS NULL OR json_valid(extra)),\n"
	"  page_id INTEGER REFERENCES page(id),\n"
	"  first_seen TEXT NOT NULL,\n"
	"  last_seen TEXT NOT NULL,\n"
	"  updated TEXT NOT NULL,\n"
	"  first_seen_run INTEGER REFERENCES run(id),\n"
	"  last_seen_run INTEGER REFERENCES run(id)\n"
	") STRICT;\n"
	"CREATE INDEX question_parliament_asked ON question(parliament, date_asked);\n"
	"CREATE INDEX question_status ON question(status, date_asked);\n"
	"CREATE TABLE page_warning (\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  page_id INTEGER NOT NULL REFERENCES page(id) ON DELETE CASCADE,\n"
	"  question_id TEXT,\n"
	"  message TEXT NOT NULL\n"
	") STRICT;\n"
	"CREATE INDEX page_warning_page ON page_warning(page_id);\n"
	"CREATE TABLE person (\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  name TEXT NOT NULL UNIQUE\n"
	") STRICT;\n"
	"CREATE TABLE party (\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  name TEXT NOT NULL UNIQUE\n"
	") STRICT;\n"
	"CREATE TABLE question_author (\n"
	"  question_id TEXT NOT NULL REFERENCES question(id) ON DELETE CASCADE,\n"
	"  position INTEGER NOT NULL,\n"
	"  person_id INTEGER NOT NULL REFERENCES person(id),\n"
	"  party_id INTEGER REFERENCES party(id),\n"
	"  raw TEXT,\n"
	"  constituency TEXT,\n"
	"  ref TEXT,\n"
	"  PRIMARY KEY (question_id, position)\n"
	") STRICT;\n"
	"CREATE INDEX question_author_person ON question_author(person_id);\n"
	"CREATE INDEX question_author_party ON question_author(party_id);\n"
	"CREATE TABLE question_addressee (\n"
	"  question_id TEXT NOT NULL REFERENCES question(id) ON DELETE CASCADE,\n"
	"  position INTEGER NOT NULL,\n"
	"  title TEXT,\n"
	"  person TEXT,\n"
	"  raw TEXT,\n"
	"  PRIMARY KEY (question_id, position)\n"
	") STRICT;\n"
	"CREATE INDEX question_addressee_title ON question_addressee(title);\n"
	"CREATE TABLE question_part (\n"
	"  question_id TEXT NOT NULL REFERENCES question(id) ON DELETE CASCADE,\n"
	"  position INTEGER NOT NULL,\n"
	"  number TEXT,\n"
	"  text TEXT,\n"
	"  PRIMARY KEY (question_id, position)\n"
	") STRICT;\n"
	"CREATE TABLE answer (\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  question_id TEXT NOT NULL REFERENCES question(id) ON DELETE CASCADE,\n"
	"  position INTEGER NOT NULL,\n"
	"  date TEXT,\n"
	"  kind TEXT,\n"
	"  by_name TEXT,\n"
	"  intro TEXT,\n"
	"  body TEXT,\n"
	"  UNIQUE (question_id, position)\n"
	") STRICT;\n"
	"CREATE TABLE answer_section (\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  answer_id INTEGER NOT NULL REFERENCES answer(id) ON DELETE CASCADE,\n"
	"  position INTEGER NOT NULL,\n"
	"  heading TEXT,\n"
	"  number TEXT,\n"
	"  text TEXT,\n"
	"  UNIQUE (answer_id, position)\n"
	") STRICT;\n"
	"CREATE TABLE answer_item (\n"
	"  section_id INTEGER NOT NULL REFERENCES answer_section(id) ON DELETE CASCADE,\n"
	"  position INTEGER NOT NULL,\n"
	"  number TEXT,\n"
	"  text TEXT,\n"
	"  PRIMARY KEY (section_id, position)\n"
	") STRICT;\n"
	"CREATE TABLE keyword (\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  label TEXT NOT NULL,\n"
	"  scheme TEXT NOT NULL DEFAULT '',\n"
	"  lang TEXT NOT NULL DEFAULT '',\n"
	"  UNIQUE (label, scheme, lang)\n"
	") STRICT;\n"
	"CREATE TABLE question_keyword (\n"
	"  question_id TEXT NOT NULL REFERENCES question(id) ON DELETE CASCADE,\n"
	"  position INTEGER NOT NULL,\n"
	"  keyword_id INTEGER NOT NULL REFERENCES keyword(id),\n"
	"  PRIMARY KEY (question_id, position)\n"
	") STRICT;\n"
	"CREATE INDEX question_keyword_keyword ON question_keyword(keyword_id);\n"
	"CREATE TABLE event (\n"
	"  question_id TEXT NOT NULL REFERENCES question(id) ON DELETE CASCADE,\n"
	"  position INTEGER NOT NULL,\n"
	"  date TEXT,\n"
	"  label TEXT,\n"
	"  PRIMARY KEY (question_id, position)\n"
	") STRICT;\n"
	"CREATE TABLE related (\n"
	"  question_id TEXT NOT NULL REFERENCES question(id) ON DELETE CASCADE,\n"
	"  position INTEGER NOT NULL,\n"
	"  related_id TEXT NOT NULL,\n"
	"  relation TEXT,\n"
	"  PRIMARY KEY (question_id, position)\n"
	") STRICT;\n"
	"CREATE INDEX related_related ON related(related_id);\n"
	"CREATE TABLE attachment (\n"
	"  question_id TEXT NOT NULL REFERENCES question(id) ON DELETE CASCADE,\n"
	"  position INTEGER NOT NULL,\n"
	"  title TEXT,\n"
	"  url TEXT,\n"
	"  kind TEXT,\n"
	"  PRIMARY KEY (question_id, position)\n"
	") STRICT;\n"
	"CREATE TABLE question_revision (\n"
	"  question_id TEXT NOT NULL REFERENCES question(id) ON DELETE CASCADE,\n"
	"  revision INTEGER NOT NULL,\n"
	"  record_sha256 TEXT NOT NULL,\n"
	"  record TEXT NOT NULL CHECK (json_valid(record)),\n"
	"  page_id INTEGER REFERENCES page(id),\n"
	"  stored TEXT NOT NULL,\n"
	"  replaced_at TEXT NOT NULL,\n"
	"  run_id INTEGER REFERENCES run(id),\n"
	"  PRIMARY KEY (question_id, revision)\n"
	") STRICT;\n"
	/* content="question" in double quotes: the form both sqlite-utils and every
	 * Datasette version look for when they detect a table's FTS index. */
	"CREATE VIRTUAL TABLE question_fts USING fts5(\n"
	"  title, question_text, answer_text,\n"
	"  tokenize='unicode61 remove_diacritics 2',\n"
	"  content=\"question\", content_rowid='rowid'\n"
	");\n"
	"CREATE TRIGGER question_ai AFTER INSERT ON question BEGIN\n"
	"  INSERT INTO question_fts (rowid, title, question_text, answer_text)\n"
	"    VALUES (new.rowid, new.title, new.question_text, new.answer_text);\n"
	"END;\n"
	"CREATE TRIGGER question_ad AFTER DELETE ON question BEGIN\n"
	"  INSERT INTO question_fts (question_fts, rowid, title, question_text, answer_text)\n"
	"    VALUES ('delete', old.rowid, old.title, old.question_text, old.answer_text);\n"
	"END;\n"
	/* Only when an indexed column changes: a re-run that moves last_seen must not
	 * re-tokenise every question. */
	"CREATE TRIGGER question_au AFTER UPDATE OF title, question_text, answer_text ON question BEGIN\n"
	"  INSERT INTO question_fts (question_fts, rowid, title, question_text, answer_text)\n"
	"    VALUES ('delete', old.rowid, old.title, old.question_text, old.answer_text);\n"
	"  INSERT INTO question_fts (rowid, title, question_text, answer_text)\n"
	"    VALUES (new.rowid, new.title, new.question_text, new.answer_text);\n"
	"END;\n",
};

#define NMIGRATIONS ((int)(sizeof migrations / sizeof migrations[0]))

_Static_assert(sizeof migrations / sizeof migrations[0] == PQX_STORE_SCHEMA_VERSION,
               "one migration per schema version");

/* The top-level fields of pqx.question/1 (docs/record.md); anything else goes to extra. */
#define KNOWN_FIELDS \
	"'schema','id','parliament','term','number','type','lang','page_lang','title'," \
	"'authors','addressees','dates','question','answers','keywords','events','related'," \
	"'attachments','status','source_url','extra','warnings'"

/* ---------- statements ---------- */

enum {
	S_NOW,
	S_RUN_BEGIN,
	S_RUN_END,
	S_PAGE_UPSERT,
	S_PAGE_WARN_DEL,
	S_PAGE_WARN_ADD,
	S_RECS_CHECK,
	S_RECS_DUP,
	S_RECS_EACH,
	S_REC_HEAD,
	S_Q_EXISTING,
	S_UNKNOWN,
	S_EXTRA,
	S_QPIECES,
	S_ANSWERS_EACH,
	S_APIECES,
	S_REVISION_SAVE,
	S_Q_UPSERT,
	S_Q_TOUCH,
	S_DEL_AUTHOR,
	S_DEL_ADDRESSEE,
	S_DEL_PART,
	S_DEL_ANSWER,
	S_DEL_KEYWORD,
	S_DEL_EVENT,
	S_DEL_RELATED,
	S_DEL_ATTACHMENT,
	S_PERSON_ADD,
	S_PARTY_ADD,
	S_AUTHOR_ADD,
	S_ADDRESSEE_ADD,
	S_PART_ADD,
	S_ANSWER_ADD,
	S_SECTION_ADD,
	S_ITEM_ADD,
	S_KEYWORD_ADD,
	S_QKEYWORD_ADD,
	S_EVENT_ADD,
	S_RELATED_ADD,
	S_ATTACHMENT_ADD,
	S_REC_WARN_ADD,
	S_WARN_ADD,
	S_COUNT
};

static const char *const stmt_sql[S_COUNT] = {
	[S_NOW] = "SELECT strftime('%Y-%m-%dT%H:%M:%fZ', 'now')",
	[S_RUN_BEGIN] =
		"INSERT INTO run (started, script_name, script_path, script_version, script_sha256,"
		" pqx_version, options) VALUES (:now, :name, :path, :version, :sha, :pqx, json(:options))",
	[S_RUN_END] =
		"UPDATE run SET finished = :now, pages_ok = :ok, pages_failed = :failed WHERE id = :run",
	[S_PAGE_UPSERT] =
		"INSERT INTO page (path, content_sha256, bytes, encoding, encoding_source, status, error,"
		" warnings, first_seen_run, last_seen_run, first_seen, last_seen)"
		" VALUES (:path, :sha, :bytes, :enc, :encsrc, :status, :error, json(:w), :run, :run, :now, :now)"
		" ON CONFLICT (path, content_sha256) DO UPDATE SET"
		" bytes = excluded.bytes, encoding = excluded.encoding,"
		" encoding_source = excluded.encoding_source, status = excluded.status,"
		" error = excluded.error, warnings = excluded.warnings,"
		" last_seen_run = excluded.last_seen_run, last_seen = excluded.last_seen"
		" RETURNING id",
	[S_PAGE_WARN_DEL] = "DELETE FROM page_warning WHERE page_id = :page",
	[S_PAGE_WARN_ADD] =
		"INSERT INTO page_warning (page_id, question_id, message)"
		" SELECT :page, NULL, value FROM json_each(:w) ORDER BY key",
	[S_RECS_CHECK] = "SELECT CASE WHEN json_valid(:j) THEN json_type(:j) END",
	[S_RECS_DUP] =
		"SELECT json_extract(value, '$.id') FROM json_each(:j)"
		" WHERE json_type(value) = 'object' AND json_type(value, '$.id') = 'text'"
		" GROUP BY 1 HAVING count(*) > 1 LIMIT 1",
	[S_RECS_EACH] = "SELECT key, json_type(value), value FROM json_each(:j) ORDER BY key",
	[S_REC_HEAD] =
		"SELECT json_extract(:r, '$.schema'), json_type(:r, '$.id'), json_extract(:r, '$.id'),"
		" json_extract(:r, '$.question.body')",
	[S_Q_EXISTING] = "SELECT record_sha256 FROM question WHERE id = :id",
	[S_UNKNOWN] =
		"SELECT j.key, coalesce(json_type(:r, '$.extra') = 'object' AND EXISTS"
		" (SELECT 1 FROM json_each(:r, '$.extra') e WHERE e.key = j.key), 0)"
		" FROM json_each(:r) j WHERE j.key NOT IN (" KNOWN_FIELDS ") ORDER BY j.key",
	/* Own extra first; an extra that is not an object is kept under the key "extra".
	 * Values are rebuilt from their JSON type so true/false/objects survive. */
	[S_EXTRA] =
		"WITH own (k, t, v, o) AS ("
		"  SELECT key, type, value, 0 FROM json_each(:r, '$.extra')"
		"   WHERE json_type(:r, '$.extra') = 'object'"
		"  UNION ALL SELECT 'extra', json_type(:r, '$.extra'), json_extract(:r, '$.extra'), 0"
		"   WHERE json_type(:r, '$.extra') <> 'object'),"
		" unk (k, t, v, o) AS ("
		"  SELECT key, type, value, 1 FROM json_each(:r)"
		"   WHERE key NOT IN (" KNOWN_FIELDS ") AND key NOT IN (SELECT k FROM own)),"
		" alls AS (SELECT * FROM own UNION ALL SELECT * FROM unk ORDER BY o, k)"
		" SELECT NULLIF(json_group_object(k, CASE t WHEN 'object' THEN json(v) WHEN 'array' THEN json(v)"
		"  WHEN 'true' THEN json('true') WHEN 'false' THEN json('false') ELSE v END), '{}') FROM alls",
	[S_QPIECES] =
		"SELECT 0, 0, json_extract(:r, '$.question.intro')"
		" UNION ALL SELECT 1, key, json_extract(value, '$.text') FROM json_each(:r, '$.question.parts')"
		" ORDER BY 1, 2",
	[S_ANSWERS_EACH] =
		"SELECT value, json_extract(value, '$.body') FROM json_each(:r, '$.answers') ORDER BY key",
	[S_APIECES] =
		"SELECT 0, 0, 0, json_extract(:a, '$.intro')"
		" UNION ALL SELECT 1, s.key, -2, json_extract(s.value, '$.heading')"
		"  FROM json_each(:a, '$.sections') s"
		" UNION ALL SELECT 1, s.key, -1, json_extract(s.value, '$.text')"
		"  FROM json_each(:a, '$.sections') s"
		" UNION ALL SELECT 1, s.key, i.key, json_extract(i.value, '$.text')"
		"  FROM json_each(:a, '$.sections') s, json_each(s.value, '$.items') i"
		" ORDER BY 1, 2, 3",
	[S_REVISION_SAVE] =
		"INSERT INTO question_revision (question_id, revision, record_sha256, record, page_id,"
		" stored, replaced_at, run_id)"
		" SELECT id, revision, record_sha256, record, page_id, updated, :now, :run"
		" FROM question WHERE id = :id",
	/* Insert or update in place: ON CONFLICT DO UPDATE keeps the rowid the FTS index
	 * points at, and fires the UPDATE trigger with the old values. */
	[S_Q_UPSERT] =
		"INSERT INTO question (id, parliament, term, number, type, lang, page_lang, title, status,"
		" date_asked, date_answered, date_published, date_due, date_withdrawn, source_url,"
		" question_text, answer_text, revision, record_sha256, record, extra, page_id,"
		" first_seen, last_seen, updated, first_seen_run, last_seen_run)"
		" SELECT :id, json_extract(:r, '$.parliament'), json_extract(:r, '$.term'),"
		"  json_extract(:r, '$.number'), json_extract(:r, '$.type'), json_extract(:r, '$.lang'),"
		"  json_extract(:r, '$.page_lang'), json_extract(:r, '$.title'), json_extract(:r, '$.status'),"
		"  json_extract(:r, '$.dates.asked'), json_extract(:r, '$.dates.answered'),"
		"  json_extract(:r, '$.dates.published'), json_extract(:r, '$.dates.due'),"
		"  json_extract(:r, '$.dates.withdrawn'), json_extract(:r, '$.source_url'),"
		"  :qtext, :atext, 1, :sha, :r, :extra, :page, :now, :now, :now, :run, :run"
		" WHERE true"
		" ON CONFLICT (id) DO UPDATE SET"
		" parliament = excluded.parliament, term = excluded.term, number = excluded.number,"
		" type = excluded.type, lang = excluded.lang, page_lang = excluded.page_lang,"
		" title = excluded.title, status = excluded.status, date_asked = excluded.date_asked,"
		" date_answered = excluded.date_answered, date_published = excluded.date_published,"
		" date_due = excluded.date_due, date_withdrawn = excluded.date_withdrawn,"
		" source_url = excluded.source_url, question_text = excluded.question_text,"
		" answer_text = excluded.answer_text, revision = question.revision + 1,"
		" record_sha256 = excluded.record_sha256, record = excluded.record, extra = excluded.extra,"
		" page_id = excluded.page_id, last_seen = excluded.last_seen, updated = excluded.updated,"
		" last_seen_run = excluded.last_seen_run",
	[S_Q_TOUCH] = "UPDATE question SET last_seen = :now, last_seen_run = :run WHERE id = :id",
	[S_DEL_AUTHOR] = "DELETE FROM question_author WHERE question_id = :id",
	[S_DEL_ADDRESSEE] = "DELETE FROM question_addressee WHERE question_id = :id",
	[S_DEL_PART] = "DELETE FROM question_part WHERE question_id = :id",
	[S_DEL_ANSWER] = "DELETE FROM answer WHERE question_id = :id",
	[S_DEL_KEYWORD] = "DELETE FROM question_keyword WHERE question_id = :id",
	[S_DEL_EVENT] = "DELETE FROM event WHERE question_id = :id",
	[S_DEL_RELATED] = "DELETE FROM related WHERE question_id = :id",
	[S_DEL_ATTACHMENT] = "DELETE FROM attachment WHERE question_id = :id",
	[S_PERSON_ADD] =
		"INSERT INTO person (name) SELECT json_extract(value, '$.name') FROM json_each(:r, '$.authors')"
		" WHERE json_extract(value, '$.name') IS NOT NULL ON CONFLICT (name) DO NOTHING",
	[S_PARTY_ADD] =
		"INSERT INTO party (name) SELECT json_extract(value, '$.party') FROM json_each(:r, '$.authors')"
		" WHERE json_extract(value, '$.party') IS NOT NULL ON CONFLICT (name) DO NOTHING",
	[S_AUTHOR_ADD] =
		"INSERT INTO question_author (question_id, position, person_id, party_id, raw, constituency, ref)"
		" SELECT :id, key, (SELECT id FROM person WHERE name = json_extract(value, '$.name')),"
		"  (SELECT id FROM party WHERE name = json_extract(value, '$.party')),"
		"  json_extract(value, '$.raw'), json_extract(value, '$.constituency'), json_extract(value, '$.ref')"
		" FROM json_each(:r, '$.authors')",
	[S_ADDRESSEE_ADD] =
		"INSERT INTO question_addressee (question_id, position, title, person, raw)"
		" SELECT :id, key, json_extract(value, '$.title'), json_extract(value, '$.person'),"
		"  json_extract(value, '$.raw') FROM json_each(:r, '$.addressees')",
	[S_PART_ADD] =
		"INSERT INTO question_part (question_id, position, number, text)"
		" SELECT :id, key, json_extract(value, '$.number'), json_extract(value, '$.text')"
		" FROM json_each(:r, '$.question.parts')",
	[S_ANSWER_ADD] =
		"INSERT INTO answer (question_id, position, date, kind, by_name, intro, body)"
		" SELECT :id, key, json_extract(value, '$.date'), json_extract(value, '$.kind'),"
		"  json_extract(value, '$.by'), json_extract(value, '$.intro'), json_extract(value, '$.body')"
		" FROM json_each(:r, '$.answers')",
	[S_SECTION_ADD] =
		"INSERT INTO answer_section (answer_id, position, heading, number, text)"
		" SELECT a.id, s.key, json_extract(s.value, '$.heading'), json_extract(s.value, '$.number'),"
		"  json_extract(s.value, '$.text')"
		" FROM json_each(:r, '$.answers') ja JOIN answer a ON a.question_id = :id AND a.position = ja.key,"
		"  json_each(ja.value, '$.sections') s",
	[S_ITEM_ADD] =
		"INSERT INTO answer_item (section_id, position, number, text)"
		" SELECT sec.id, i.key, json_extract(i.value, '$.number'), json_extract(i.value, '$.text')"
		" FROM json_each(:r, '$.answers') ja JOIN answer a ON a.question_id = :id AND a.position = ja.key,"
		"  json_each(ja.value, '$.sections') s"
		"  JOIN answer_section sec ON sec.answer_id = a.id AND sec.position = s.key,"
		"  json_each(s.value, '$.items') i",
	[S_KEYWORD_ADD] =
		"INSERT INTO keyword (label, scheme, lang)"
		" SELECT json_extract(value, '$.label'), coalesce(json_extract(value, '$.scheme'), ''),"
		"  coalesce(json_extract(value, '$.lang'), '') FROM json_each(:r, '$.keywords')"
		" WHERE true ON CONFLICT (label, scheme, lang) DO NOTHING",
	[S_QKEYWORD_ADD] =
		"INSERT INTO question_keyword (question_id, position, keyword_id)"
		" SELECT :id, j.key, k.id FROM json_each(:r, '$.keywords') j JOIN keyword k"
		"  ON k.label = json_extract(j.value, '$.label')"
		"  AND k.scheme = coalesce(json_extract(j.value, '$.scheme'), '')"
		"  AND k.lang = coalesce(json_extract(j.value, '$.lang'), '')",
	[S_EVENT_ADD] =
		"INSERT INTO event (question_id, position, date, label)"
		" SELECT :id, key, json_extract(value, '$.date'), json_extract(value, '$.label')"
		" FROM json_each(:r, '$.events')",
	[S_RELATED_ADD] =
		"INSERT INTO related (question_id, position, related_id, relation)"
		" SELECT :id, key, json_extract(value, '$.id'), json_extract(value, '$.relation')"
		" FROM json_each(:r, '$.related')",
	[S_ATTACHMENT_ADD] =
		"INSERT INTO attachment (question_id, position, title, url, kind)"
		" SELECT :id, key, json_extract(value, '$.title'), json_extract(value, '$.url'),"
		"  json_extract(value, '$.kind') FROM json_each(:r, '$.attachments')",
	[S_REC_WARN_ADD] =
		"INSERT INTO page_warning (page_id, question_id, message)"
		" SELECT :page, :id, value FROM json_each(:r, '$.warnings') ORDER BY key",
	[S_WARN_ADD] = "INSERT INTO page_warning (page_id, question_id, message) VALUES (:page, :id, :msg)",
};

/* Child tables replaced when a record changes; answer sections and items follow
 * their answer by ON DELETE CASCADE. */
static const int child_deletes[] = {
	S_DEL_AUTHOR, S_DEL_ADDRESSEE, S_DEL_PART, S_DEL_ANSWER,
	S_DEL_KEYWORD, S_DEL_EVENT, S_DEL_RELATED, S_DEL_ATTACHMENT,
};
/* Order matters: people, parties and keywords exist before the rows naming them,
 * answers before their sections, sections before their items. */
static const int child_inserts[] = {
	S_PERSON_ADD, S_PARTY_ADD, S_AUTHOR_ADD, S_ADDRESSEE_ADD, S_PART_ADD,
	S_ANSWER_ADD, S_SECTION_ADD, S_ITEM_ADD, S_KEYWORD_ADD, S_QKEYWORD_ADD,
	S_EVENT_ADD, S_RELATED_ADD, S_ATTACHMENT_ADD,
};

struct pqx_store {
	sqlite3 *db;
	sqlite3_stmt *stmt[S_COUNT];
	char clock[64];   /* fixed timestamp, or "" for the real clock */
};

/* The values a statement may name. bind() looks each parameter up here, so one
 * statement can use any subset and a misspelt name fails loudly instead of binding NULL. */
typedef struct bindings {
	const char *now, *r, *a, *j, *w, *id, *sha, *qtext, *atext, *extra, *msg;
	const char *path, *enc, *encsrc, *status, *error, *name, *version, *pqx, *options;
	int64_t page, run, bytes, ok, failed;
} bindings;

static void set_err(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void set_err(char *err, size_t errlen, const char *fmt, ...)
{
	if (!err || !errlen)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

static void add_text(pqx_buf *b, const unsigned char *s)
{
	if (s)
		pqx_buf_adds(b, (const char *)s);
}

static int bind_text(sqlite3_stmt *s, int i, const char *v)
{
	return v ? sqlite3_bind_text(s, i, v, -1, SQLITE_TRANSIENT) : sqlite3_bind_null(s, i);
}

#define TEXT_PARAM(nm) {":" #nm, offsetof(bindings, nm)}
static const struct { const char *name; size_t off; } text_params[] = {
	TEXT_PARAM(now), TEXT_PARAM(r), TEXT_PARAM(a), TEXT_PARAM(j), TEXT_PARAM(w),
	TEXT_PARAM(id), TEXT_PARAM(sha), TEXT_PARAM(qtext), TEXT_PARAM(atext), TEXT_PARAM(extra),
	TEXT_PARAM(msg), TEXT_PARAM(path), TEXT_PARAM(enc), TEXT_PARAM(encsrc), TEXT_PARAM(status),
	TEXT_PARAM(error), TEXT_PARAM(name), TEXT_PARAM(version), TEXT_PARAM(pqx), TEXT_PARAM(options),
};
#undef TEXT_PARAM

static int bind(sqlite3_stmt *s, const bindings *b)
{
	int n = sqlite3_bind_parameter_count(s);
	for (int i = 1; i <= n; i++) {
		const char *p = sqlite3_bind_parameter_name(s, i);
		int rc = SQLITE_MISUSE;
		if (!p)
			return rc;
		for (size_t k = 0; k < sizeof text_params / sizeof text_params[0]; k++)
			if (strcmp(p, text_params[k].name) == 0) {
				const char *v;
				memcpy(&v, (const char *)b + text_params[k].off, sizeof v);
				rc = bind_text(s, i, v);
				break;
			}
		/* Ids <= 0 mean "none" (a page stored outside a run). */
		if (strcmp(p, ":page") == 0)
			rc = b->page > 0 ? sqlite3_bind_int64(s, i, b->page) : sqlite3_bind_null(s, i);
		else if (strcmp(p, ":run") == 0)
			rc = b->run > 0 ? sqlite3_bind_int64(s, i, b->run) : sqlite3_bind_null(s, i);
		else if (strcmp(p, ":bytes") == 0)
			rc = sqlite3_bind_int64(s, i, b->bytes);
		else if (strcmp(p, ":ok") == 0)
			rc = sqlite3_bind_int64(s, i, b->ok);
		else if (strcmp(p, ":failed") == 0)
			rc = sqlite3_bind_int64(s, i, b->failed);
		if (rc != SQLITE_OK)
			return rc;
	}
	return SQLITE_OK;
}

/* Returns the statement reset and bound, or NULL (message in the connection). */
static sqlite3_stmt *stmt(pqx_store *st, int which, const bindings *b)
{
	sqlite3_stmt *s = st->stmt[which];
	if (!s) {
		if (sqlite3_prepare_v3(st->db, stmt_sql[which], -1, SQLITE_PREPARE_PERSISTENT,
		                       &st->stmt[which], NULL) != SQLITE_OK)
			return NULL;
		s = st->stmt[which];
	}
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	if (bind(s, b) != SQLITE_OK)
		return NULL;
	return s;
}

/* Runs a statement that returns no rows we need. */
static int exec_stmt(pqx_store *st, int which, const bindings *b)
{
	sqlite3_stmt *s = stmt(st, which, b);
	if (!s)
		return -1;
	int rc;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW)
		;
	sqlite3_reset(s);
	return rc == SQLITE_DONE ? 0 : -1;
}

static int exec_sql(sqlite3 *db, const char *sql, char *err, size_t errlen, const char *what)
{
	char *msg = NULL;
	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		set_err(err, errlen, "%s: %s", what, msg ? msg : sqlite3_errmsg(db));
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

/* ---------- open, migrate, close ---------- */

int pqx_store_schema_version(pqx_store *st)
{
	sqlite3_stmt *s;
	int v = -1;
	if (sqlite3_prepare_v2(st->db, "PRAGMA user_version", -1, &s, NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_step(s) == SQLITE_ROW)
		v = sqlite3_column_int(s, 0);
	sqlite3_finalize(s);
	return v;
}

static int migrate(pqx_store *st, char *err, size_t errlen)
{
	int v = pqx_store_schema_version(st);
	if (v < 0) {
		set_err(err, errlen, "cannot read the schema version: %s", sqlite3_errmsg(st->db));
		return -1;
	}
	if (v > NMIGRATIONS) {
		set_err(err, errlen, "database schema version %d is newer than this pqx (version %d);"
		        " use a newer pqx", v, NMIGRATIONS);
		return -1;
	}
	for (; v < NMIGRATIONS; v++) {
		/* Each step is its own transaction, and re-reads the version inside it so two
		 * processes opening a fresh file at once cannot both run a step. */
		if (exec_sql(st->db, "BEGIN IMMEDIATE", err, errlen, "schema migration") != 0)
			return -1;
		int now = pqx_store_schema_version(st);
		if (now > v) {
			if (exec_sql(st->db, "COMMIT", err, errlen, "schema migration") != 0)
				return -1;
			v = now - 1;
			continue;
		}
		char pragma[48], what[48];
		snprintf(pragma, sizeof pragma, "PRAGMA user_version = %d", v + 1);
		snprintf(what, sizeof what, "schema migration to version %d", v + 1);
		if (exec_sql(st->db, migrations[v], err, errlen, what) != 0 ||
		    exec_sql(st->db, pragma, err, errlen, what) != 0 ||
		    exec_sql(st->db, "COMMIT", err, errlen, what) != 0) {
			sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
			return -1;
		}
	}
	return 0;
}

pqx_store *pqx_store_open(const char *path, char *err, size_t errlen)
{
	pqx_store *st = calloc(1, sizeof *st);
	if (!st) {
		set_err(err, errlen, "out of memory");
		return NULL;
	}
	if (sqlite3_open_v2(path, &st->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK) {
		set_err(err, errlen, "cannot open database: %s", st->db ? sqlite3_errmsg(st->db) : "out of memory");
		pqx_store_close(st);
		return NULL;
	}
	sqlite3_extended_result_codes(st->db, 1);
	/* Another pqx (or a Datasette reader) may hold the lock briefly; wait, not fail. */
	sqlite3_busy_timeout(st->db, 5000);
	/* WAL + synchronous=NORMAL: a killed process never corrupts the file or loses a
	 * committed page; only a power cut may lose the last commits. */
	if (exec_sql(st->db, "PRAGMA foreign_keys = ON; PRAGMA journal_mode = WAL;"
	             " PRAGMA synchronous = NORMAL", err, errlen, "cannot configure database") != 0 ||
	    migrate(st, err, errlen) != 0) {
		pqx_store_close(st);
		return NULL;
	}
	return st;
}

void pqx_store_close(pqx_store *st)
{
	if (!st)
		return;
	for (int i = 0; i < S_COUNT; i++)
		sqlite3_finalize(st->stmt[i]);
	sqlite3_close(st->db);
	free(st);
}

void pqx_store_set_clock(pqx_store *st, const char *iso)
{
	snprintf(st->clock, sizeof st->clock, "%s", iso ? iso : "");
}

struct sqlite3 *pqx_store_db(pqx_store *st)
{
	return st->db;
}

/* One timestamp per transaction, so every row a page touches says the same time. */
static int now(pqx_store *st, char out[64])
{
	if (st->clock[0]) {
		memcpy(out, st->clock, sizeof st->clock);
		return 0;
	}
	bindings b = {0};
	sqlite3_stmt *s = stmt(st, S_NOW, &b);
	if (!s || sqlite3_step(s) != SQLITE_ROW) {
		if (s)
			sqlite3_reset(s);
		return -1;
	}
	snprintf(out, 64, "%s", (const char *)sqlite3_column_text(s, 0));
	sqlite3_reset(s);
	return 0;
}

/* ---------- runs ---------- */

int64_t pqx_store_run_begin(pqx_store *st, const pqx_run_info *run, char *err, size_t errlen)
{
	char ts[64];
	if (now(st, ts) != 0) {
		set_err(err, errlen, "run: cannot read the clock: %s", sqlite3_errmsg(st->db));
		return -1;
	}
	bindings b = {.now = ts, .name = run->script_name, .path = run->script_path,
	              .version = run->script_version, .sha = run->script_sha256,
	              .pqx = run->pqx_version, .options = run->options_json};
	if (exec_stmt(st, S_RUN_BEGIN, &b) != 0) {
		set_err(err, errlen, "run: cannot record the run: %s", sqlite3_errmsg(st->db));
		return -1;
	}
	return sqlite3_last_insert_rowid(st->db);
}

int pqx_store_run_end(pqx_store *st, int64_t run_id, long pages_ok, long pages_failed,
                      char *err, size_t errlen)
{
	char ts[64];
	if (now(st, ts) != 0) {
		set_err(err, errlen, "run: cannot read the clock: %s", sqlite3_errmsg(st->db));
		return -1;
	}
	bindings b = {.now = ts, .run = run_id, .ok = pages_ok, .failed = pages_failed};
	if (exec_stmt(st, S_RUN_END, &b) != 0) {
		set_err(err, errlen, "run: cannot finish the run: %s", sqlite3_errmsg(st->db));
		return -1;
	}
	return 0;
}

/* ---------- records ---------- */

/* Appends the text pieces of one query (its last column) and then `body`, skipping
 * any piece that `body` already contains: records whose body is the full text (as
 * docs/record.md asks) are indexed once, records whose body is only a tail keep their
 * intro and parts. */
static int flatten(sqlite3_stmt *s, const char *body, pqx_buf *out)
{
	int rc, col = sqlite3_column_count(s) - 1;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		const char *t = (const char *)sqlite3_column_text(s, col);
		if (!t || !*t || (body && strstr(body, t)))
			continue;
		if (out->len)
			pqx_buf_adds(out, "\n\n");
		pqx_buf_adds(out, t);
	}
	sqlite3_reset(s);
	if (rc != SQLITE_DONE)
		return -1;
	if (body && *body) {
		if (out->len)
			pqx_buf_adds(out, "\n\n");
		pqx_buf_adds(out, body);
	}
	return 0;
}

static int answer_text(pqx_store *st, bindings *b, pqx_buf *out)
{
	sqlite3_stmt *each = stmt(st, S_ANSWERS_EACH, b);
	if (!each)
		return -1;
	int rc;
	pqx_buf one = PQX_BUF_INIT, ans = PQX_BUF_INIT, body = PQX_BUF_INIT;
	while ((rc = sqlite3_step(each)) == SQLITE_ROW) {
		/* Copies: the row's memory goes away once another statement runs. */
		pqx_buf_reset(&ans);
		pqx_buf_reset(&body);
		add_text(&ans, sqlite3_column_text(each, 0));
		int has_body = sqlite3_column_type(each, 1) == SQLITE_TEXT;
		add_text(&body, sqlite3_column_text(each, 1));
		bindings ab = *b;
		ab.a = pqx_buf_cstr(&ans);
		sqlite3_stmt *pieces = stmt(st, S_APIECES, &ab);
		pqx_buf_reset(&one);
		if (!pieces || flatten(pieces, has_body ? pqx_buf_cstr(&body) : NULL, &one) != 0) {
			rc = SQLITE_ERROR;
			break;
		}
		if (one.len) {
			if (out->len)
				pqx_buf_adds(out, "\n\n");
			pqx_buf_add(out, one.s, one.len);
		}
	}
	sqlite3_reset(each);
	pqx_buf_free(&one);
	pqx_buf_free(&ans);
	pqx_buf_free(&body);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* Warns about (and so accounts for) every top-level field pqx.question/1 lacks. */
static int unknown_fields(pqx_store *st, bindings *b, pqx_buf *warnings)
{
	sqlite3_stmt *s = stmt(st, S_UNKNOWN, b);
	if (!s)
		return -1;
	int rc;
	pqx_buf msg = PQX_BUF_INIT;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		const char *key = (const char *)sqlite3_column_text(s, 0);
		int clash = sqlite3_column_int(s, 1);
		pqx_buf_reset(&msg);
		if (clash)
			pqx_buf_addf(&msg, "record %s: field '%s' is not in pqx.question/1; extra already has"
			             " '%s', so it is kept in the record column only", b->id, key ? key : "", key ? key : "");
		else
			pqx_buf_addf(&msg, "record %s: field '%s' is not in pqx.question/1; kept in extra",
			             b->id, key ? key : "");
		if (warnings) {
			pqx_buf_add(warnings, msg.s, msg.len);
			pqx_buf_addc(warnings, '\n');
		}
		/* The add runs while this query is still open: a different statement on the
		 * same connection, which SQLite allows. */
		bindings wb = *b;
		wb.msg = pqx_buf_cstr(&msg);
		if (exec_stmt(st, S_WARN_ADD, &wb) != 0) {
			rc = SQLITE_ERROR;
			break;
		}
	}
	sqlite3_reset(s);
	pqx_buf_free(&msg);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* Fetches one text column of a one-row statement into out; 1 when it was NULL. */
static int fetch_text(pqx_store *st, int which, bindings *b, pqx_buf *out)
{
	sqlite3_stmt *s = stmt(st, which, b);
	if (!s)
		return -1;
	int rc = sqlite3_step(s), isnull = 1;
	if (rc == SQLITE_ROW && sqlite3_column_type(s, 0) != SQLITE_NULL) {
		add_text(out, sqlite3_column_text(s, 0));
		isnull = 0;
	}
	sqlite3_reset(s);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? isnull : -1;
}

/* Failure inside a record: `what` gets "record ID: doing X" plus, for a database
 * failure, SQLite's own message (it names the constraint or the malformed JSON). */
#define REC_FAIL(msg) do { pqx_buf_addf(what, "record %s: %s", pqx_buf_cstr(&id), (msg)); goto out; } while (0)
#define REC_DBFAIL(msg) do { pqx_buf_addf(what, "record %s: %s: %s", pqx_buf_cstr(&id), (msg), \
                                          sqlite3_errmsg(st->db)); goto out; } while (0)

static int store_record(pqx_store *st, const bindings *pb, const char *rec, size_t reclen,
                        pqx_buf *warnings, pqx_buf *what)
{
	bindings b = *pb;
	b.r = rec;
	int ret = -1;
	pqx_buf id = PQX_BUF_INIT, qbody = PQX_BUF_INIT, qtext = PQX_BUF_INIT, atext = PQX_BUF_INIT,
		extra = PQX_BUF_INIT, old = PQX_BUF_INIT, schema = PQX_BUF_INIT;

	sqlite3_stmt *h = stmt(st, S_REC_HEAD, &b);
	if (!h || sqlite3_step(h) != SQLITE_ROW) {
		pqx_buf_addf(what, "reading a record: %s", sqlite3_errmsg(st->db));
		if (h)
			sqlite3_reset(h);
		goto out;
	}
	int has_schema = sqlite3_column_type(h, 0) == SQLITE_TEXT;
	add_text(&schema, sqlite3_column_text(h, 0));
	const unsigned char *idtype = sqlite3_column_text(h, 1);
	int id_ok = idtype && strcmp((const char *)idtype, "text") == 0;
	if (id_ok)
		add_text(&id, sqlite3_column_text(h, 2));
	int has_qbody = sqlite3_column_type(h, 3) == SQLITE_TEXT;
	add_text(&qbody, sqlite3_column_text(h, 3));
	sqlite3_reset(h);
	if (!id.len) {
		pqx_buf_adds(what, "a record has no id (a non-empty string is required)");
		goto out;
	}
	if (strcmp(pqx_buf_cstr(&schema), "pqx.question/1") != 0) {
		pqx_buf_addf(what, "record %s: schema is %s%s%s, not \"pqx.question/1\"; --db stores only"
		             " question records", id.s, has_schema ? "\"" : "",
		             has_schema ? schema.s : "missing", has_schema ? "\"" : "");
		goto out;
	}
	b.id = id.s;

	char sha[65];
	pqx_sha256_hex(rec, reclen, sha);
	b.sha = sha;
	int missing = fetch_text(st, S_Q_EXISTING, &b, &old);
	if (missing < 0)
		REC_DBFAIL("looking up the stored version");
	if (unknown_fields(st, &b, warnings) != 0)
		REC_DBFAIL("checking its fields");
	if (exec_stmt(st, S_REC_WARN_ADD, &b) != 0)
		REC_DBFAIL("storing its warnings");
	if (!missing && strcmp(pqx_buf_cstr(&old), sha) == 0) {
		/* Unchanged: only "last seen" moves. */
		if (exec_stmt(st, S_Q_TOUCH, &b) != 0)
			REC_DBFAIL("updating last_seen");
		ret = 0;
		goto out;
	}

	if (fetch_text(st, S_EXTRA, &b, &extra) < 0)
		REC_DBFAIL("collecting extra fields");
	sqlite3_stmt *qp = stmt(st, S_QPIECES, &b);
	if (!qp || flatten(qp, has_qbody ? pqx_buf_cstr(&qbody) : NULL, &qtext) != 0 ||
	    answer_text(st, &b, &atext) != 0)
		REC_DBFAIL("flattening its text for search");
	if (qtext.oom || atext.oom || extra.oom)
		REC_FAIL("out of memory");
	b.qtext = qtext.len ? qtext.s : NULL;
	b.atext = atext.len ? atext.s : NULL;
	b.extra = extra.len ? extra.s : NULL;

	if (!missing) {
		if (exec_stmt(st, S_REVISION_SAVE, &b) != 0)
			REC_DBFAIL("keeping the previous version");
		for (size_t i = 0; i < sizeof child_deletes / sizeof child_deletes[0]; i++)
			if (exec_stmt(st, child_deletes[i], &b) != 0)
				REC_DBFAIL("removing the previous version's rows");
	}
	if (exec_stmt(st, S_Q_UPSERT, &b) != 0)
		REC_DBFAIL("storing the question row");
	for (size_t i = 0; i < sizeof child_inserts / sizeof child_inserts[0]; i++)
		if (exec_stmt(st, child_inserts[i], &b) != 0) {
			/* Name the table: "INSERT INTO <table> (" is how every insert starts. */
			const char *sql = stmt_sql[child_inserts[i]] + strlen("INSERT INTO ");
			pqx_buf_addf(what, "record %s: storing %.*s rows: %s", id.s,
			             (int)strcspn(sql, " "), sql, sqlite3_errmsg(st->db));
			goto out;
		}
	ret = 0;
out:
	pqx_buf_free(&id);
	pqx_buf_free(&qbody);
	pqx_buf_free(&qtext);
	pqx_buf_free(&atext);
	pqx_buf_free(&extra);
	pqx_buf_free(&old);
	pqx_buf_free(&schema);
	return ret;
}

#undef REC_FAIL
#undef REC_DBFAIL

static const char *nonempty(const char *s)
{
	return s && *s ? s : NULL;
}

int pqx_store_page(pqx_store *st, int64_t run_id, const pqx_page_info *page,
                   const char *records_json, pqx_buf *warnings, char *err, size_t errlen)
{
	char ts[64];
	pqx_buf what = PQX_BUF_INIT, rec = PQX_BUF_INIT;
	int ok = 0;
	const char *path = page->path ? page->path : "";

	if (exec_sql(st->db, "BEGIN IMMEDIATE", err, errlen, "cannot start the page's transaction") != 0)
		return -1;
	if (now(st, ts) != 0) {
		pqx_buf_adds(&what, "reading the clock");
		goto fail;
	}
	bindings b = {.now = ts, .run = run_id, .path = path, .sha = page->sha256,
	              .bytes = (int64_t)page->bytes, .enc = nonempty(page->encoding),
	              .encsrc = nonempty(page->encoding_source), .status = page->status,
	              .error = nonempty(page->error), .w = page->warnings_json};
	sqlite3_stmt *s = stmt(st, S_PAGE_UPSERT, &b);
	if (!s || sqlite3_step(s) != SQLITE_ROW) {
		if (s)
			sqlite3_reset(s);
		pqx_buf_adds(&what, "storing the page row");
		goto fail;
	}
	b.page = sqlite3_column_int64(s, 0);
	sqlite3_reset(s);
	b.sha = NULL;
	if (exec_stmt(st, S_PAGE_WARN_DEL, &b) != 0 ||
	    (page->warnings_json && exec_stmt(st, S_PAGE_WARN_ADD, &b) != 0)) {
		pqx_buf_adds(&what, "storing the page's warnings");
		goto fail;
	}
	b.w = NULL;

	if (records_json) {
		b.j = records_json;
		pqx_buf type = PQX_BUF_INIT;
		int r = fetch_text(st, S_RECS_CHECK, &b, &type);
		int is_array = r == 0 && strcmp(pqx_buf_cstr(&type), "array") == 0;
		pqx_buf_free(&type);
		if (r < 0 || !is_array) {
			pqx_buf_adds(&what, r > 0 ? "records are not valid JSON" : "records are not a JSON array");
			goto fail_quiet;
		}
		pqx_buf dup = PQX_BUF_INIT;
		r = fetch_text(st, S_RECS_DUP, &b, &dup);
		if (r == 0)
			pqx_buf_addf(&what, "record %s appears twice in one page", pqx_buf_cstr(&dup));
		pqx_buf_free(&dup);
		if (r < 0) {
			pqx_buf_adds(&what, "checking record ids");
			goto fail;
		}
		if (r == 0)
			goto fail_quiet;
		sqlite3_stmt *each = stmt(st, S_RECS_EACH, &b);
		if (!each) {
			pqx_buf_adds(&what, "reading the records");
			goto fail;
		}
		int rc;
		while ((rc = sqlite3_step(each)) == SQLITE_ROW) {
			long idx = (long)sqlite3_column_int64(each, 0);
			const char *type = (const char *)sqlite3_column_text(each, 1);
			if (!type || strcmp(type, "object") != 0) {
				pqx_buf_addf(&what, "record %ld is a JSON %s, not an object", idx + 1, type ? type : "?");
				sqlite3_reset(each);
				goto fail_quiet;
			}
			pqx_buf_reset(&rec);
			pqx_buf_add(&rec, (const char *)sqlite3_column_text(each, 2),
			            (size_t)sqlite3_column_bytes(each, 2));
			if (rec.oom) {
				pqx_buf_adds(&what, "out of memory");
				sqlite3_reset(each);
				goto fail_quiet;
			}
			/* `each` stays open across the record's statements; its row is copied. */
			if (store_record(st, &b, rec.s, rec.len, warnings, &what) != 0) {
				sqlite3_reset(each);
				goto fail_quiet;
			}
		}
		sqlite3_reset(each);
		if (rc != SQLITE_DONE) {
			pqx_buf_adds(&what, "reading the records");
			goto fail;
		}
	}
	if (exec_sql(st->db, "COMMIT", err, errlen, "cannot commit the page") != 0) {
		sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
		goto out;
	}
	ok = 1;
	goto out;

fail:
	/* Only reached right after a database call failed: its message says what the
	 * database refused (constraint, type, malformed JSON). */
	pqx_buf_adds(&what, ": ");
	pqx_buf_adds(&what, sqlite3_errmsg(st->db));
fail_quiet:
	/* The caller prints the page path; the message says what failed and what it means. */
	set_err(err, errlen, "%s (nothing stored for this page)", pqx_buf_cstr(&what));
	sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
out:
	pqx_buf_free(&what);
	pqx_buf_free(&rec);
	return ok ? 0 : -1;
}
