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

/* Migration N takes the database from user_version N-1 to N. Later versions append
 * a step; a released step is never edited. */
static const char migration1[] =
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
	"END;\n";

/* How a record names its source (docs/schema.md, "How a record names its source"), as SQL
 * over a record R and the path P of its page. One definition, used for new records and
 * by migration 2 for the records a version-1 file holds. */
#define SRC_KIND(R) "coalesce(json_extract(" R ", '$.source.kind'), 'detail')"
#define SRC_VIEW(R) "NULLIF(json_extract(" R ", '$.source.view'), '')"
#define SRC_NAME(R, P) "coalesce(" SRC_VIEW(R) ", NULLIF(json_extract(" R ", '$.page_lang'), ''), " P ", '')"
#define SRC_LANG(R) "coalesce(NULLIF(json_extract(" R ", '$.page_lang'), ''), NULLIF(json_extract(" R ", '$.lang'), ''), '')"
/* The latest date a record mentions: the page that knows a later event is later. */
#define SRC_AS_OF(R) \
	"(SELECT max(d) FROM (SELECT value AS d FROM json_each(" R ", '$.dates')" \
	" UNION ALL SELECT json_extract(value, '$.date') FROM json_each(" R ", '$.events')" \
	" UNION ALL SELECT json_extract(value, '$.date') FROM json_each(" R ", '$.answers')" \
	" UNION ALL SELECT json_extract(value, '$.date') FROM json_each(" R ", '$.documents'))" \
	" WHERE typeof(d) = 'text')"

/* 2: one question, many pages. Part A runs first (tables, backfill of the sources);
 * then every question is rebuilt from its sources by the same C code that stores a page
 * (migrate2_rebuild); part B restores the times the rebuild moved and creates the
 * full-text index over the new columns. Runs with foreign keys off: dropping the old
 * question table would otherwise cascade into every child row. */
static const char migration2a[] =
	"CREATE TABLE question_v2 (\n"
	"  id TEXT PRIMARY KEY,\n"
	"  parliament TEXT NOT NULL,\n"
	"  term TEXT,\n"
	"  number TEXT NOT NULL,\n"
	"  type TEXT,\n"
	"  lang TEXT,\n"
	"  page_lang TEXT,\n"
	"  title TEXT,\n"
	"  status TEXT,\n"
	"  date_asked TEXT,\n"
	"  date_answered TEXT,\n"
	"  date_published TEXT,\n"
	"  date_due TEXT,\n"
	"  date_withdrawn TEXT,\n"
	"  source_url TEXT,\n"
	"  question_text TEXT,\n"
	"  answer_text TEXT,\n"
	"  keywords TEXT,\n"
	"  translations TEXT,\n"
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
	/* Same rowids: the FTS index and anything a user keyed on rowid stay valid. */
	"INSERT INTO question_v2 (rowid, id, parliament, term, number, type, lang, page_lang, title,\n"
	"  status, date_asked, date_answered, date_published, date_due, date_withdrawn, source_url,\n"
	"  question_text, answer_text, revision, record_sha256, record, extra, page_id, first_seen,\n"
	"  last_seen, updated, first_seen_run, last_seen_run)\n"
	"  SELECT rowid, id, parliament, term, number, type, lang, page_lang, title, status,\n"
	"  date_asked, date_answered, date_published, date_due, date_withdrawn, source_url,\n"
	"  question_text, answer_text, revision, record_sha256, record, extra, page_id, first_seen,\n"
	"  last_seen, updated, first_seen_run, last_seen_run FROM question;\n"
	"CREATE TEMP TABLE migrate2_times AS SELECT id, last_seen, updated, last_seen_run FROM question;\n"
	"DROP TRIGGER question_ai;\n"
	"DROP TRIGGER question_ad;\n"
	"DROP TRIGGER question_au;\n"
	"DROP TABLE question_fts;\n"
	"DROP TABLE question;\n"
	"ALTER TABLE question_v2 RENAME TO question;\n"
	"CREATE INDEX question_parliament_asked ON question(parliament, date_asked);\n"
	"CREATE INDEX question_status ON question(status, date_asked);\n"
	/* The question row is built from its sources, translations and conflicts, so those are
	 * written before a new question's row exists: the reference is checked at COMMIT. */
	"CREATE TABLE question_source (\n"
	"  question_id TEXT NOT NULL REFERENCES question(id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,\n"
	"  kind TEXT NOT NULL CHECK (kind IN ('detail', 'list')),\n"
	"  source TEXT NOT NULL,\n"
	"  view TEXT,\n"
	"  lang TEXT NOT NULL,\n"
	"  as_of TEXT,\n"
	"  record_sha256 TEXT NOT NULL,\n"
	"  record TEXT NOT NULL CHECK (json_valid(record)),\n"
	"  page_id INTEGER REFERENCES page(id),\n"
	"  first_seen TEXT NOT NULL,\n"
	"  last_seen TEXT NOT NULL,\n"
	"  updated TEXT NOT NULL,\n"
	"  first_seen_run INTEGER REFERENCES run(id),\n"
	"  last_seen_run INTEGER REFERENCES run(id),\n"
	"  PRIMARY KEY (question_id, kind, source)\n"
	") STRICT;\n"
	"CREATE TABLE question_translation (\n"
	"  question_id TEXT NOT NULL REFERENCES question(id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,\n"
	"  lang TEXT NOT NULL,\n"
	"  original INTEGER NOT NULL,\n"
	"  title TEXT,\n"
	"  question_text TEXT,\n"
	"  answer_text TEXT,\n"
	"  keywords TEXT,\n"
	"  record TEXT NOT NULL CHECK (json_valid(record)),\n"
	"  PRIMARY KEY (question_id, lang)\n"
	") STRICT;\n"
	"CREATE TABLE question_conflict (\n"
	"  question_id TEXT NOT NULL REFERENCES question(id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,\n"
	"  position INTEGER NOT NULL,\n"
	"  field TEXT NOT NULL,\n"
	"  kind TEXT NOT NULL,\n"
	"  source TEXT NOT NULL,\n"
	"  value TEXT CHECK (value IS NULL OR json_valid(value)),\n"
	"  chosen_kind TEXT NOT NULL,\n"
	"  chosen_source TEXT NOT NULL,\n"
	"  chosen_value TEXT CHECK (chosen_value IS NULL OR json_valid(chosen_value)),\n"
	"  PRIMARY KEY (question_id, position)\n"
	") STRICT;\n"
	"ALTER TABLE question_revision ADD COLUMN kind TEXT NOT NULL DEFAULT 'detail';\n"
	"ALTER TABLE question_revision ADD COLUMN source TEXT NOT NULL DEFAULT '';\n"
	"UPDATE question_revision SET kind = " SRC_KIND("record") ",\n"
	"  source = " SRC_NAME("record", "(SELECT path FROM page WHERE page.id = question_revision.page_id)") ";\n"
	"CREATE INDEX question_revision_source ON question_revision(question_id, kind, source);\n"
	/* Each question's current record is its source's current record. */
	"INSERT INTO question_source (question_id, kind, source, view, lang, as_of, record_sha256,\n"
	"  record, page_id, first_seen, last_seen, updated, first_seen_run, last_seen_run)\n"
	"  SELECT q.id, " SRC_KIND("q.record") ", " SRC_NAME("q.record", "p.path") ",\n"
	"  " SRC_VIEW("q.record") ", " SRC_LANG("q.record") ", " SRC_AS_OF("q.record") ",\n"
	"  q.record_sha256, q.record, q.page_id, q.first_seen, q.last_seen, q.updated,\n"
	"  q.first_seen_run, q.last_seen_run\n"
	"  FROM question q LEFT JOIN page p ON p.id = q.page_id;\n"
	/* Version 1 stored a second language as a change of the first: a source that has
	 * revisions but no current record gets its latest revision back as current. */
	"INSERT INTO question_source (question_id, kind, source, view, lang, as_of, record_sha256,\n"
	"  record, page_id, first_seen, last_seen, updated, first_seen_run, last_seen_run)\n"
	"  SELECT r.question_id, r.kind, r.source, " SRC_VIEW("r.record") ", " SRC_LANG("r.record") ",\n"
	"  " SRC_AS_OF("r.record") ", r.record_sha256, r.record, r.page_id,\n"
	"  (SELECT min(x.stored) FROM question_revision x WHERE x.question_id = r.question_id\n"
	"    AND x.kind = r.kind AND x.source = r.source),\n"
	"  coalesce(p.last_seen, r.replaced_at), r.stored, p.first_seen_run, p.last_seen_run\n"
	"  FROM question_revision r LEFT JOIN page p ON p.id = r.page_id\n"
	"  WHERE r.revision = (SELECT max(x.revision) FROM question_revision x\n"
	"    WHERE x.question_id = r.question_id AND x.kind = r.kind AND x.source = r.source)\n"
	"  AND NOT EXISTS (SELECT 1 FROM question_source s WHERE s.question_id = r.question_id\n"
	"    AND s.kind = r.kind AND s.source = r.source);\n";

/* The full-text index of version 2, also created by migration 2 after the rebuild. */
#define FTS_V2 \
	"CREATE VIRTUAL TABLE question_fts USING fts5(\n" \
	"  title, question_text, answer_text, keywords, translations,\n" \
	"  tokenize='unicode61 remove_diacritics 2',\n" \
	"  content=\"question\", content_rowid='rowid'\n" \
	");\n" \
	"CREATE TRIGGER question_ai AFTER INSERT ON question BEGIN\n" \
	"  INSERT INTO question_fts (rowid, title, question_text, answer_text, keywords, translations)\n" \
	"    VALUES (new.rowid, new.title, new.question_text, new.answer_text, new.keywords, new.translations);\n" \
	"END;\n" \
	"CREATE TRIGGER question_ad AFTER DELETE ON question BEGIN\n" \
	"  INSERT INTO question_fts (question_fts, rowid, title, question_text, answer_text, keywords, translations)\n" \
	"    VALUES ('delete', old.rowid, old.title, old.question_text, old.answer_text, old.keywords, old.translations);\n" \
	"END;\n" \
	"CREATE TRIGGER question_au AFTER UPDATE OF title, question_text, answer_text, keywords, translations\n" \
	"  ON question BEGIN\n" \
	"  INSERT INTO question_fts (question_fts, rowid, title, question_text, answer_text, keywords, translations)\n" \
	"    VALUES ('delete', old.rowid, old.title, old.question_text, old.answer_text, old.keywords, old.translations);\n" \
	"  INSERT INTO question_fts (rowid, title, question_text, answer_text, keywords, translations)\n" \
	"    VALUES (new.rowid, new.title, new.question_text, new.answer_text, new.keywords, new.translations);\n" \
	"END;\n"

static const char migration2b[] =
	"UPDATE question SET last_seen = t.last_seen, updated = t.updated, last_seen_run = t.last_seen_run\n"
	"  FROM migrate2_times t WHERE t.id = question.id;\n"
	"DROP TABLE migrate2_times;\n"
	FTS_V2
	"INSERT INTO question_fts (question_fts) VALUES ('rebuild');\n";

/* The full-text index of version 3: version 2's columns and the summary. */
#define FTS_V3 \
	"CREATE VIRTUAL TABLE question_fts USING fts5(\n" \
	"  title, question_text, answer_text, keywords, translations, summary,\n" \
	"  tokenize='unicode61 remove_diacritics 2',\n" \
	"  content=\"question\", content_rowid='rowid'\n" \
	");\n" \
	"CREATE TRIGGER question_ai AFTER INSERT ON question BEGIN\n" \
	"  INSERT INTO question_fts (rowid, title, question_text, answer_text, keywords, translations, summary)\n" \
	"    VALUES (new.rowid, new.title, new.question_text, new.answer_text, new.keywords, new.translations,\n" \
	"    new.summary);\n" \
	"END;\n" \
	"CREATE TRIGGER question_ad AFTER DELETE ON question BEGIN\n" \
	"  INSERT INTO question_fts (question_fts, rowid, title, question_text, answer_text, keywords, translations,\n" \
	"    summary) VALUES ('delete', old.rowid, old.title, old.question_text, old.answer_text, old.keywords,\n" \
	"    old.translations, old.summary);\n" \
	"END;\n" \
	"CREATE TRIGGER question_au AFTER UPDATE OF title, question_text, answer_text, keywords, translations,\n" \
	"  summary ON question BEGIN\n" \
	"  INSERT INTO question_fts (question_fts, rowid, title, question_text, answer_text, keywords, translations,\n" \
	"    summary) VALUES ('delete', old.rowid, old.title, old.question_text, old.answer_text, old.keywords,\n" \
	"    old.translations, old.summary);\n" \
	"  INSERT INTO question_fts (rowid, title, question_text, answer_text, keywords, translations, summary)\n" \
	"    VALUES (new.rowid, new.title, new.question_text, new.answer_text, new.keywords, new.translations,\n" \
	"    new.summary);\n" \
	"END;\n"

/* 3: authors that are not people, printed papers, summaries. Version 2 kept them only in
 * the record JSON; part A makes their tables and columns, every question is rebuilt from
 * its sources (migrate_rebuild: the same code as for a new page, so the new rows are
 * derived exactly as a new page's would be), and part B restores the times the rebuild
 * moved, drops the person rows that version 2 made for groups and committees (they moved
 * to organisation) and indexes the summaries. Runs with foreign keys off: question_author
 * is rebuilt (person_id becomes nullable). */
static const char migration3a[] =
	"CREATE TABLE organisation (\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  kind TEXT NOT NULL CHECK (kind <> 'person'),\n"
	"  name TEXT NOT NULL,\n"
	"  UNIQUE (name, kind)\n"
	") STRICT;\n"
	"CREATE TABLE question_author_v3 (\n"
	"  question_id TEXT NOT NULL REFERENCES question(id) ON DELETE CASCADE,\n"
	"  position INTEGER NOT NULL,\n"
	"  kind TEXT NOT NULL DEFAULT 'person',\n"
	"  person_id INTEGER REFERENCES person(id),\n"
	"  organisation_id INTEGER REFERENCES organisation(id),\n"
	"  party_id INTEGER REFERENCES party(id),\n"
	"  raw TEXT,\n"
	"  constituency TEXT,\n"
	"  ref TEXT,\n"
	"  PRIMARY KEY (question_id, position),\n"
	"  CHECK ((kind = 'person') = (person_id IS NOT NULL)),\n"
	"  CHECK ((kind = 'person') = (organisation_id IS NULL))\n"
	") STRICT;\n"
	"INSERT INTO question_author_v3 (question_id, position, kind, person_id, party_id, raw, constituency, ref)\n"
	"  SELECT question_id, position, 'person', person_id, party_id, raw, constituency, ref FROM question_author;\n"
	"DROP TABLE question_author;\n"
	"ALTER TABLE question_author_v3 RENAME TO question_author;\n"
	"CREATE INDEX question_author_person ON question_author(person_id);\n"
	"CREATE INDEX question_author_party ON question_author(party_id);\n"
	"CREATE INDEX question_author_organisation ON question_author(organisation_id);\n"
	"CREATE TABLE document (\n"
	"  question_id TEXT NOT NULL REFERENCES question(id) ON DELETE CASCADE,\n"
	"  position INTEGER NOT NULL,\n"
	"  number TEXT NOT NULL,\n"
	"  kind TEXT NOT NULL,\n"
	"  date TEXT,\n"
	"  url TEXT,\n"
	"  title TEXT,\n"
	"  PRIMARY KEY (question_id, position)\n"
	") STRICT;\n"
	"CREATE INDEX document_number ON document(number);\n"
	"CREATE TEMP TABLE migrate3_times AS SELECT id, last_seen, updated, last_seen_run FROM question;\n"
	"DROP TRIGGER question_ai;\n"
	"DROP TRIGGER question_ad;\n"
	"DROP TRIGGER question_au;\n"
	"DROP TABLE question_fts;\n"
	"ALTER TABLE question ADD COLUMN summary TEXT;\n"
	"ALTER TABLE question_translation ADD COLUMN summary TEXT;\n";

static const char migration3b[] =
	"UPDATE question SET last_seen = t.last_seen, updated = t.updated, last_seen_run = t.last_seen_run\n"
	"  FROM migrate3_times t WHERE t.id = question.id;\n"
	"DROP TABLE migrate3_times;\n"
	"DELETE FROM person WHERE name IN (SELECT name FROM organisation)\n"
	"  AND id NOT IN (SELECT person_id FROM question_author WHERE person_id IS NOT NULL);\n"
	FTS_V3
	"INSERT INTO question_fts (question_fts) VALUES ('rebuild');\n";

/* 4: where a page's bytes came from: its URL and fetch time, and for a page read
 * from a web archive the archive and the record's offset in it */
static const char migration4[] =
	"ALTER TABLE page ADD COLUMN url TEXT;\n"
	"ALTER TABLE page ADD COLUMN fetched TEXT;\n"
	"ALTER TABLE page ADD COLUMN archive TEXT;\n"
	"ALTER TABLE page ADD COLUMN record_offset INTEGER;\n"
	"ALTER TABLE page ADD COLUMN record_offset_in_member INTEGER;\n"
	"CREATE INDEX page_url ON page(url);\n";

struct pqx_store;
static int migrate_rebuild(struct pqx_store *st, char *err, size_t errlen);

/* All missing steps run in one transaction (see migrate()). A step's C part runs between
 * its sql and its sql_after; migrate_rebuild uses the statements of this pqx, which need
 * the newest schema, so when several missing steps rebuild the questions only the last
 * one does (an earlier step's rebuild would be undone by the later one anyway). */
static const struct migration {
	const char *sql;
	int (*then)(struct pqx_store *st, char *err, size_t errlen);  /* C part, same transaction */
	const char *sql_after;
	int fk_off;  /* rebuilds a table: foreign keys off around the step */
} migrations[] = {
	{migration1, NULL, NULL, 0},
	{migration2a, migrate_rebuild, migration2b, 1},
	{migration3a, migrate_rebuild, migration3b, 1},
	{migration4, NULL, NULL, 0},
};

#define NMIGRATIONS ((int)(sizeof migrations / sizeof migrations[0]))

_Static_assert(sizeof migrations / sizeof migrations[0] == PQX_STORE_SCHEMA_VERSION,
               "one migration per schema version");

/* The top-level fields of pqx.question/1 (docs/record.md); anything else goes to extra. */
#define KNOWN_FIELDS \
	"'schema','id','parliament','term','number','type','lang','page_lang','title'," \
	"'authors','addressees','dates','question','answers','keywords','events','related'," \
	"'attachments','status','source_url','extra','warnings','source','documents','summary'"

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
	S_SRC_IDENT,
	S_SRC_CURRENT,
	S_SRC_KNOWN_OLD,
	S_SRC_TOUCH,
	S_SRC_TO_REVISION,
	S_REC_TO_REVISION,
	S_SRC_UPSERT,
	S_Q_BUMP,
	S_ORIG_LANG,
	S_LEAD_LANG,
	S_BEST_PAGE,
	S_LANGS,
	S_MERGE,
	S_CONFLICT_ADD,
	S_CONFLICTS_OF,
	S_DEL_TRANSLATION,
	S_DEL_CONFLICT,
	S_TRANSLATION_ADD,
	S_KW_ALL,
	S_KW_TEXT,
	S_QBODY,
	S_TITLE_OF,
	S_ALL_IDS,
	S_UNKNOWN,
	S_EXTRA,
	S_QPIECES,
	S_ANSWERS_EACH,
	S_APIECES,
	S_Q_UPSERT,
	S_Q_TOUCH,
	S_DEL_AUTHOR,
	S_DEL_ADDRESSEE,
	S_DEL_PART,
	S_DEL_ITEM,
	S_DEL_SECTION,
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
	/* schema version 3 */
	S_ORG_ADD,
	S_DEL_DOCUMENT,
	S_DOCUMENT_ADD,
	S_SUMMARY_OF,
	S_COUNT
};

/* Fields whose value is in the page's language: the question row takes them from the
 * lead language's sources only, and sources in two languages never "disagree" on them. */
#define LANG_FIELDS \
	"'title','question','answers','keywords','addressees','events','attachments','source_url','summary'," \
	"'documents'"
/* An author's kind (person when the record gives none), and the party its row links to:
 * the printed party, or for an author of kind party the party itself. V is a json_each
 * value of $.authors. */
#define AUTHOR_KIND(v) "coalesce(json_extract(" v ", '$.kind'), 'person')"
#define AUTHOR_PARTY(v) "coalesce(json_extract(" v ", '$.party'), CASE WHEN json_extract(" v ", '$.kind') = 'party'" \
	" THEN json_extract(" v ", '$.name') END)"
/* Source precedence (docs/schema.md, "How sources merge"): detail before list, the lead
 * language, the later as-of date, the fuller record, the source name. */
#define RANK_TAIL "as_of IS NULL, as_of DESC, (SELECT count(*) FROM json_each(record)) DESC, source"
#define RANK_NOLANG "kind = 'list', " RANK_TAIL
#define RANK "kind = 'list', lang IS NOT :lead, " RANK_TAIL
/* A json_each value back as JSON of its type (objects, arrays, booleans survive). */
#define JVAL(t, v) "CASE " t " WHEN 'object' THEN json(" v ") WHEN 'array' THEN json(" v ")" \
	" WHEN 'true' THEN json('true') WHEN 'false' THEN json('false') ELSE " v " END"
/* The same as JSON text, for a column. */
#define JTEXT(t, v) "CASE " t " WHEN 'object' THEN " v " WHEN 'array' THEN " v \
	" WHEN 'true' THEN 'true' WHEN 'false' THEN 'false' ELSE json_quote(" v ") END"
/* The candidate values of the question :id's sources (all, or those in :lang), ranked:
 * w has one row per source and field (top-level, or one key of dates or extra), n = 1
 * for the value that wins. */
#define MERGE_CTE \
	"WITH s AS (SELECT kind, source, lang, record, row_number() OVER (ORDER BY " RANK ") AS rk" \
	"  FROM question_source WHERE question_id = :id AND (:lang IS NULL OR lang = :lang))," \
	" f AS (" \
	"  SELECT s.rk, s.kind, s.source, s.lang, j.key AS k, NULL AS sub, j.type AS t, j.value AS v" \
	"  FROM s, json_each(s.record) j" \
	"  WHERE (j.type <> 'null' OR j.key NOT IN (" KNOWN_FIELDS "))" \
	"   AND j.key NOT IN ('warnings', 'source', 'page_lang')" \
	"   AND NOT (j.key IN ('dates', 'extra') AND j.type = 'object')" \
	"   AND (j.key NOT IN (" LANG_FIELDS ") OR s.lang IS :lead)" \
	"  UNION ALL" \
	"  SELECT s.rk, s.kind, s.source, s.lang, j.key, d.key, d.type, d.value" \
	"  FROM s, json_each(s.record) j, json_each(j.value) d" \
	"  WHERE j.key IN ('dates', 'extra') AND j.type = 'object' AND d.type <> 'null')," \
	" w AS (SELECT *, row_number() OVER (PARTITION BY k, sub ORDER BY rk) AS n FROM f)"

static const char *const stmt_sql[S_COUNT] = {
	[S_NOW] = "SELECT strftime('%Y-%m-%dT%H:%M:%fZ', 'now')",
	[S_RUN_BEGIN] =
		"INSERT INTO run (started, script_name, script_path, script_version, script_sha256,"
		" pqx_version, options) VALUES (:now, :name, :path, :version, :sha, :pqx, json(:options))",
	[S_RUN_END] =
		"UPDATE run SET finished = :now, pages_ok = :ok, pages_failed = :failed WHERE id = :run",
	[S_PAGE_UPSERT] =
		"INSERT INTO page (path, content_sha256, bytes, encoding, encoding_source, status, error,"
		" warnings, first_seen_run, last_seen_run, first_seen, last_seen,"
		" url, fetched, archive, record_offset, record_offset_in_member)"
		" VALUES (:path, :sha, :bytes, :enc, :encsrc, :status, :error, json(:w), :run, :run, :now, :now,"
		" :url, :fetched, :archive, :roff, :rinner)"
		" ON CONFLICT (path, content_sha256) DO UPDATE SET"
		" bytes = excluded.bytes, encoding = excluded.encoding,"
		" encoding_source = excluded.encoding_source, status = excluded.status,"
		" error = excluded.error, warnings = excluded.warnings,"
		" last_seen_run = excluded.last_seen_run, last_seen = excluded.last_seen,"
		" url = excluded.url, fetched = excluded.fetched, archive = excluded.archive,"
		" record_offset = excluded.record_offset, record_offset_in_member = excluded.record_offset_in_member"
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
	[S_SRC_IDENT] =
		"SELECT " SRC_KIND(":r") ", " SRC_NAME(":r", ":path") ", " SRC_VIEW(":r") ", "
		SRC_LANG(":r") ", " SRC_AS_OF(":r"),
	/* newer: the incoming as-of date is the same or later (no date is earliest). */
	[S_SRC_CURRENT] =
		"SELECT record_sha256, CASE WHEN :asof IS NULL THEN as_of IS NULL"
		" ELSE as_of IS NULL OR :asof >= as_of END"
		" FROM question_source WHERE question_id = :id AND kind = :kind AND source = :src",
	[S_SRC_KNOWN_OLD] =
		"SELECT 1 FROM question_revision WHERE question_id = :id AND kind = :kind AND source = :src"
		" AND record_sha256 = :sha LIMIT 1",
	[S_SRC_TOUCH] =
		"UPDATE question_source SET last_seen = :now, last_seen_run = :run"
		" WHERE question_id = :id AND kind = :kind AND source = :src",
	[S_SRC_TO_REVISION] =
		"INSERT INTO question_revision (question_id, revision, kind, source, record_sha256, record,"
		" page_id, stored, replaced_at, run_id)"
		" SELECT s.question_id, q.revision, s.kind, s.source, s.record_sha256, s.record, s.page_id,"
		"  s.updated, :now, :run"
		" FROM question_source s JOIN question q ON q.id = s.question_id"
		" WHERE s.question_id = :id AND s.kind = :kind AND s.source = :src",
	[S_REC_TO_REVISION] =
		"INSERT INTO question_revision (question_id, revision, kind, source, record_sha256, record,"
		" page_id, stored, replaced_at, run_id)"
		" SELECT id, revision, :kind, :src, :sha, :r, :page, :now, :now, :run FROM question WHERE id = :id",
	[S_SRC_UPSERT] =
		"INSERT INTO question_source (question_id, kind, source, view, lang, as_of, record_sha256, record,"
		" page_id, first_seen, last_seen, updated, first_seen_run, last_seen_run)"
		" VALUES (:id, :kind, :src, :view, :lang, :asof, :sha, :r, :page, :now, :now, :now, :run, :run)"
		" ON CONFLICT (question_id, kind, source) DO UPDATE SET view = excluded.view,"
		" lang = excluded.lang, as_of = excluded.as_of, record_sha256 = excluded.record_sha256,"
		" record = excluded.record, page_id = excluded.page_id, last_seen = excluded.last_seen,"
		" updated = excluded.updated, last_seen_run = excluded.last_seen_run",
	[S_Q_BUMP] =
		"UPDATE question SET revision = revision + 1, last_seen = :now, last_seen_run = :run WHERE id = :id",
	[S_ORIG_LANG] =
		"SELECT json_extract(record, '$.lang') FROM question_source"
		" WHERE question_id = :id AND json_type(record, '$.lang') = 'text'"
		" ORDER BY " RANK_NOLANG " LIMIT 1",
	[S_LEAD_LANG] =
		"SELECT lang FROM question_source WHERE question_id = :id"
		" ORDER BY lang IS NOT :orig, " RANK_NOLANG " LIMIT 1",
	[S_BEST_PAGE] =
		"SELECT page_id FROM question_source WHERE question_id = :id ORDER BY " RANK " LIMIT 1",
	[S_LANGS] =
		"SELECT DISTINCT lang FROM question_source WHERE question_id = :id ORDER BY lang IS NOT :lead, lang",
	[S_MERGE] =
		MERGE_CTE ","
		" win AS (SELECT k, sub, t, v FROM w WHERE n = 1),"
		" nest AS (SELECT DISTINCT j.key AS k FROM s, json_each(s.record) j"
		"  WHERE j.key IN ('dates', 'extra') AND j.type = 'object'),"
		" parts (k, t, v) AS ("
		"  SELECT k, t, v FROM win WHERE sub IS NULL"
		"  UNION ALL SELECT nest.k, 'object', (SELECT json_group_object(sub, " JVAL("t", "v") ")"
		"   FROM (SELECT sub, t, v FROM win WHERE win.k = nest.k AND sub IS NOT NULL ORDER BY sub))"
		"   FROM nest"
		"  UNION ALL SELECT 'warnings', 'array', (SELECT json_group_array(value) FROM"
		"   (SELECT value FROM (SELECT j.value, s.rk, j.key AS pos,"
		"    row_number() OVER (PARTITION BY j.value ORDER BY s.rk, j.key) AS n"
		"    FROM s, json_each(s.record, '$.warnings') j) WHERE n = 1 ORDER BY rk, pos))"
		"   WHERE EXISTS (SELECT 1 FROM s, json_each(s.record, '$.warnings'))"
		"  UNION ALL SELECT 'page_lang', 'text', :lead WHERE :lead <> '')"
		" SELECT json_group_object(k, " JVAL("t", "v") ") FROM (SELECT k, t, v FROM parts ORDER BY k)",
	/* Every losing value that differs from the chosen one; language-dependent fields only
	 * between sources in the same language, and with :ldonly only those. */
	[S_CONFLICT_ADD] =
		"INSERT INTO question_conflict (question_id, position, field, kind, source, value,"
		" chosen_kind, chosen_source, chosen_value) "
		MERGE_CTE
		" SELECT :id, :pos + row_number() OVER (ORDER BY l.k, l.sub, l.rk) - 1,"
		"  l.k || coalesce('.' || l.sub, ''), l.kind, l.source, " JTEXT("l.t", "l.v") ","
		"  c.kind, c.source, " JTEXT("c.t", "c.v")
		" FROM w l JOIN w c ON c.k = l.k AND c.sub IS l.sub AND c.n = 1"
		" WHERE l.n > 1 AND NOT (l.t = c.t AND l.v = c.v) AND l.k <> 'source_url'"
		"  AND (l.k NOT IN (" LANG_FIELDS ") OR l.lang = c.lang)"
		"  AND (:ldonly IS NULL OR l.k IN (" LANG_FIELDS "))"
		" ORDER BY l.k, l.sub, l.rk",
	[S_CONFLICTS_OF] =
		"SELECT field, kind, source, value, chosen_kind, chosen_source, chosen_value"
		" FROM question_conflict WHERE question_id = :id"
		" AND ((kind = :kind AND source = :src) OR (chosen_kind = :kind AND chosen_source = :src))"
		" ORDER BY position",
	[S_DEL_TRANSLATION] = "DELETE FROM question_translation WHERE question_id = :id",
	[S_DEL_CONFLICT] = "DELETE FROM question_conflict WHERE question_id = :id",
	[S_TRANSLATION_ADD] =
		"INSERT INTO question_translation (question_id, lang, original, title, question_text,"
		" answer_text, keywords, record, summary)"
		" VALUES (:id, :lang, :lang IS :orig, json_extract(:r, '$.title'), :qtext, :atext, :kw, :r,"
		"  json_extract(:r, '$.summary'))",
	/* The keywords of every language, lead language first, each label/scheme/lang once,
	 * as {"keywords": [...]} so the keyword statements read them as from a record. */
	[S_KW_ALL] =
		"SELECT json_object('keywords', json_group_array(json(v))) FROM ("
		" SELECT v FROM (SELECT j.value AS v, t.lang IS NOT :lead AS o1, t.lang AS o2, j.key AS o3,"
		"  row_number() OVER (PARTITION BY json_extract(j.value, '$.label'),"
		"   coalesce(json_extract(j.value, '$.scheme'), ''), coalesce(json_extract(j.value, '$.lang'), '')"
		"   ORDER BY t.lang IS NOT :lead, t.lang, j.key) AS n"
		"  FROM question_translation t, json_each(t.record, '$.keywords') j WHERE t.question_id = :id)"
		" WHERE n = 1 ORDER BY o1, o2, o3)",
	[S_KW_TEXT] =
		"SELECT group_concat(l, char(10)) FROM (SELECT json_extract(value, '$.label') AS l"
		" FROM json_each(:r, '$.keywords') WHERE json_type(value, '$.label') = 'text' ORDER BY key)",
	[S_QBODY] = "SELECT json_extract(:r, '$.question.body')",
	[S_TITLE_OF] = "SELECT json_extract(:r, '$.title')",
	[S_ALL_IDS] = "SELECT id FROM question ORDER BY rowid",
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
	/* Insert or update in place: ON CONFLICT DO UPDATE keeps the rowid the FTS index
	 * points at, and fires the UPDATE trigger with the old values. */
	[S_Q_UPSERT] =
		"INSERT INTO question (id, parliament, term, number, type, lang, page_lang, title, status,"
		" date_asked, date_answered, date_published, date_due, date_withdrawn, source_url,"
		" question_text, answer_text, keywords, translations, revision, record_sha256, record, extra,"
		" page_id, first_seen, last_seen, updated, first_seen_run, last_seen_run, summary)"
		" SELECT :id, json_extract(:r, '$.parliament'), json_extract(:r, '$.term'),"
		"  json_extract(:r, '$.number'), json_extract(:r, '$.type'), json_extract(:r, '$.lang'),"
		"  json_extract(:r, '$.page_lang'), json_extract(:r, '$.title'), json_extract(:r, '$.status'),"
		"  json_extract(:r, '$.dates.asked'), json_extract(:r, '$.dates.answered'),"
		"  json_extract(:r, '$.dates.published'), json_extract(:r, '$.dates.due'),"
		"  json_extract(:r, '$.dates.withdrawn'), json_extract(:r, '$.source_url'),"
		"  :qtext, :atext, :kw, :tr, 1, :sha, :r, :extra, :page, :now, :now, :now, :run, :run,"
		"  json_extract(:r, '$.summary')"
		" WHERE true"
		" ON CONFLICT (id) DO UPDATE SET"
		" parliament = excluded.parliament, term = excluded.term, number = excluded.number,"
		" type = excluded.type, lang = excluded.lang, page_lang = excluded.page_lang,"
		" title = excluded.title, status = excluded.status, date_asked = excluded.date_asked,"
		" date_answered = excluded.date_answered, date_published = excluded.date_published,"
		" date_due = excluded.date_due, date_withdrawn = excluded.date_withdrawn,"
		" source_url = excluded.source_url, question_text = excluded.question_text,"
		" answer_text = excluded.answer_text, keywords = excluded.keywords,"
		" translations = excluded.translations,"
		" record_sha256 = excluded.record_sha256, record = excluded.record, extra = excluded.extra,"
		" page_id = excluded.page_id, last_seen = excluded.last_seen, updated = excluded.updated,"
		" last_seen_run = excluded.last_seen_run, summary = excluded.summary",
	[S_Q_TOUCH] = "UPDATE question SET last_seen = :now, last_seen_run = :run WHERE id = :id",
	[S_DEL_AUTHOR] = "DELETE FROM question_author WHERE question_id = :id",
	[S_DEL_ADDRESSEE] = "DELETE FROM question_addressee WHERE question_id = :id",
	[S_DEL_PART] = "DELETE FROM question_part WHERE question_id = :id",
	[S_DEL_ITEM] =
		"DELETE FROM answer_item WHERE section_id IN (SELECT s.id FROM answer_section s"
		" JOIN answer a ON a.id = s.answer_id WHERE a.question_id = :id)",
	[S_DEL_SECTION] =
		"DELETE FROM answer_section WHERE answer_id IN (SELECT id FROM answer WHERE question_id = :id)",
	[S_DEL_ANSWER] = "DELETE FROM answer WHERE question_id = :id",
	[S_DEL_KEYWORD] = "DELETE FROM question_keyword WHERE question_id = :id",
	[S_DEL_EVENT] = "DELETE FROM event WHERE question_id = :id",
	[S_DEL_RELATED] = "DELETE FROM related WHERE question_id = :id",
	[S_DEL_ATTACHMENT] = "DELETE FROM attachment WHERE question_id = :id",
	/* People only: an author of another kind is an organisation (S_ORG_ADD). */
	[S_PERSON_ADD] =
		"INSERT INTO person (name) SELECT json_extract(value, '$.name') FROM json_each(:r, '$.authors')"
		" WHERE json_extract(value, '$.name') IS NOT NULL AND " AUTHOR_KIND("value") " = 'person'"
		" ON CONFLICT (name) DO NOTHING",
	[S_PARTY_ADD] =
		"INSERT INTO party (name) SELECT " AUTHOR_PARTY("value") " FROM json_each(:r, '$.authors')"
		" WHERE " AUTHOR_PARTY("value") " IS NOT NULL ON CONFLICT (name) DO NOTHING",
	[S_AUTHOR_ADD] =
		"INSERT INTO question_author (question_id, position, kind, person_id, organisation_id, party_id,"
		" raw, constituency, ref)"
		" SELECT :id, key, k,"
		"  CASE WHEN k = 'person' THEN (SELECT id FROM person WHERE name = json_extract(value, '$.name')) END,"
		"  CASE WHEN k <> 'person' THEN (SELECT id FROM organisation"
		"   WHERE name = json_extract(value, '$.name') AND kind = k) END,"
		"  (SELECT id FROM party WHERE name = " AUTHOR_PARTY("value") "),"
		"  json_extract(value, '$.raw'), json_extract(value, '$.constituency'), json_extract(value, '$.ref')"
		" FROM (SELECT key, value, " AUTHOR_KIND("value") " AS k FROM json_each(:r, '$.authors'))",
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
	[S_ORG_ADD] =
		"INSERT INTO organisation (kind, name)"
		" SELECT " AUTHOR_KIND("value") ", json_extract(value, '$.name') FROM json_each(:r, '$.authors')"
		" WHERE json_extract(value, '$.name') IS NOT NULL AND " AUTHOR_KIND("value") " <> 'person'"
		" ON CONFLICT (name, kind) DO NOTHING",
	[S_DEL_DOCUMENT] = "DELETE FROM document WHERE question_id = :id",
	[S_DOCUMENT_ADD] =
		"INSERT INTO document (question_id, position, number, kind, date, url, title)"
		" SELECT :id, key, json_extract(value, '$.number'), json_extract(value, '$.kind'),"
		"  json_extract(value, '$.date'), json_extract(value, '$.url'), json_extract(value, '$.title')"
		" FROM json_each(:r, '$.documents')",
	[S_SUMMARY_OF] = "SELECT json_extract(:r, '$.summary')",
};

/* Child tables replaced when a question is rebuilt. Sections and items are deleted
 * explicitly, not by cascade: migration 2 rebuilds questions with foreign keys off. */
static const int child_deletes[] = {
	S_DEL_AUTHOR, S_DEL_ADDRESSEE, S_DEL_PART, S_DEL_ITEM, S_DEL_SECTION, S_DEL_ANSWER,
	S_DEL_KEYWORD, S_DEL_EVENT, S_DEL_RELATED, S_DEL_ATTACHMENT, S_DEL_DOCUMENT,
};
/* Order matters: people, organisations, parties and keywords exist before the rows naming them,
 * answers before their sections, sections before their items. */
static const int child_inserts[] = {
	S_PERSON_ADD, S_ORG_ADD, S_PARTY_ADD, S_AUTHOR_ADD, S_ADDRESSEE_ADD, S_PART_ADD,
	S_ANSWER_ADD, S_SECTION_ADD, S_ITEM_ADD, S_EVENT_ADD, S_RELATED_ADD, S_ATTACHMENT_ADD,
	S_DOCUMENT_ADD,
};
/* The keywords of every language, read from {"keywords": [...]} (S_KW_ALL). */
static const int keyword_inserts[] = {S_KEYWORD_ADD, S_QKEYWORD_ADD};

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
	const char *kind, *src, *view, *lang, *asof, *orig, *lead, *kw, *tr, *ldonly;
	const char *url, *fetched, *archive;
	int64_t page, run, bytes, ok, failed, pos;
	int64_t roff, rinner;  /* record offsets; < 0 binds NULL */
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
	TEXT_PARAM(kind), TEXT_PARAM(src), TEXT_PARAM(view), TEXT_PARAM(lang), TEXT_PARAM(asof),
	TEXT_PARAM(orig), TEXT_PARAM(lead), TEXT_PARAM(kw), TEXT_PARAM(tr), TEXT_PARAM(ldonly),
	TEXT_PARAM(url), TEXT_PARAM(fetched), TEXT_PARAM(archive),
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
		else if (strcmp(p, ":pos") == 0)
			rc = sqlite3_bind_int64(s, i, b->pos);
		else if (strcmp(p, ":roff") == 0)
			rc = b->roff >= 0 ? sqlite3_bind_int64(s, i, b->roff) : sqlite3_bind_null(s, i);
		else if (strcmp(p, ":rinner") == 0)
			rc = b->rinner >= 0 ? sqlite3_bind_int64(s, i, b->rinner) : sqlite3_bind_null(s, i);
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

/* 0 and the version in *v, or -1 when SQLite cannot read it */
static int read_version(pqx_store *st, int *v)
{
	sqlite3_stmt *s;
	int rc = -1;
	if (sqlite3_prepare_v2(st->db, "PRAGMA user_version", -1, &s, NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_step(s) == SQLITE_ROW) {
		*v = sqlite3_column_int(s, 0);
		rc = 0;
	}
	sqlite3_finalize(s);
	return rc;
}

int pqx_store_schema_version(pqx_store *st)
{
	int v;
	return read_version(st, &v) == 0 ? v : -1;
}

static int migrate(pqx_store *st, char *err, size_t errlen)
{
	int v;
	if (read_version(st, &v) != 0) {
		set_err(err, errlen, "cannot read the schema version: %s", sqlite3_errmsg(st->db));
		return -1;
	}
	if (v < 0) {
		/* a version pqx never writes: another program set it; touch nothing */
		set_err(err, errlen, "database schema version %d (PRAGMA user_version) is not one pqx "
		        "writes (0 to %d); the file is not a pqx database or another program changed it",
		        v, NMIGRATIONS);
		return -1;
	}
	if (v > NMIGRATIONS) {
		set_err(err, errlen, "database schema version %d is newer than this pqx (version %d);"
		        " use a newer pqx", v, NMIGRATIONS);
		return -1;
	}
	if (v == NMIGRATIONS)
		return 0;
	int fk_off = 0;
	for (int i = v; i < NMIGRATIONS; i++)
		fk_off |= migrations[i].fk_off;
	char pragma[48], what[48], msg[1024];
	snprintf(pragma, sizeof pragma, "PRAGMA user_version = %d", NMIGRATIONS);
	/* Outside the transaction: SQLite ignores this pragma inside one. */
	if (fk_off && exec_sql(st->db, "PRAGMA foreign_keys = OFF", err, errlen, "schema migration") != 0)
		return -1;
	/* Every missing step in one transaction: the file is at its old version or at the
	 * newest, never in between. The version is read again inside it, so two processes
	 * opening a fresh file at once cannot both run a step. */
	if (exec_sql(st->db, "BEGIN IMMEDIATE", err, errlen, "schema migration") != 0)
		goto fail_fk;
	int from = pqx_store_schema_version(st);
	if (from < 0 || from > NMIGRATIONS) {
		set_err(err, errlen, "schema migration: cannot read the schema version: %s", sqlite3_errmsg(st->db));
		goto fail;
	}
	int last_rebuild = -1;
	for (int i = from; i < NMIGRATIONS; i++)
		if (migrations[i].then == migrate_rebuild)
			last_rebuild = i;
	for (int i = from; i < NMIGRATIONS; i++) {
		const struct migration *m = &migrations[i];
		snprintf(what, sizeof what, "schema migration to version %d", i + 1);
		if (exec_sql(st->db, m->sql, err, errlen, what) != 0)
			goto fail;
		if (m->then && (m->then != migrate_rebuild || i == last_rebuild)) {
			msg[0] = '\0';
			if (m->then(st, msg, sizeof msg) != 0) {
				set_err(err, errlen, "%s: %s", what, msg);
				goto fail;
			}
		}
		if (m->sql_after && exec_sql(st->db, m->sql_after, err, errlen, what) != 0)
			goto fail;
	}
	if (fk_off && from < NMIGRATIONS) {
		/* The rebuilt tables must still satisfy every reference before COMMIT. */
		sqlite3_stmt *chk;
		int bad = 1;
		if (sqlite3_prepare_v2(st->db, "PRAGMA foreign_key_check", -1, &chk, NULL) == SQLITE_OK) {
			bad = sqlite3_step(chk) != SQLITE_DONE;
			if (bad)
				set_err(err, errlen, "%s: foreign key check failed in table %s", what,
				        (const char *)sqlite3_column_text(chk, 0));
			sqlite3_finalize(chk);
		} else {
			set_err(err, errlen, "%s: %s", what, sqlite3_errmsg(st->db));
		}
		if (bad)
			goto fail;
	}
	if ((from < NMIGRATIONS && exec_sql(st->db, pragma, err, errlen, what) != 0) ||
	    exec_sql(st->db, "COMMIT", err, errlen, from < NMIGRATIONS ? what : "schema migration") != 0)
		goto fail;
	if (fk_off && exec_sql(st->db, "PRAGMA foreign_keys = ON", err, errlen, "schema migration") != 0)
		return -1;
	return 0;
fail:
	sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
fail_fk:
	sqlite3_exec(st->db, "PRAGMA foreign_keys = ON", NULL, NULL, NULL);
	return -1;
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

/* The search text of one record: question_text and answer_text as docs/schema.md defines
 * them. b->r is the record. */
static int record_texts(pqx_store *st, bindings *b, pqx_buf *qtext, pqx_buf *atext)
{
	pqx_buf qbody = PQX_BUF_INIT;
	int has_qbody = fetch_text(st, S_QBODY, b, &qbody);
	int rc = -1;
	if (has_qbody >= 0) {
		sqlite3_stmt *qp = stmt(st, S_QPIECES, b);
		if (qp && flatten(qp, has_qbody == 0 ? pqx_buf_cstr(&qbody) : NULL, qtext) == 0 &&
		    answer_text(st, b, atext) == 0)
			rc = 0;
	}
	pqx_buf_free(&qbody);
	return rc;
}

static void add_para(pqx_buf *out, const pqx_buf *piece)
{
	if (!piece->len)
		return;
	if (out->len)
		pqx_buf_adds(out, "\n\n");
	pqx_buf_add(out, piece->s, piece->len);
}

/* One conflict as a warning line: values are cut to keep a line readable (the whole
 * values are in question_conflict). */
static void conflict_line(pqx_buf *msg, const char *id, sqlite3_stmt *s)
{
	const char *f[7];
	for (int i = 0; i < 7; i++) {
		f[i] = (const char *)sqlite3_column_text(s, i);
		if (!f[i])
			f[i] = "null";
	}
	pqx_buf_addf(msg, "record %s: sources disagree on %s: %s source %s gives %.80s%s; kept %.80s%s"
	             " from %s source %s", id, f[0], f[1], f[2], f[3], strlen(f[3]) > 80 ? "..." : "",
	             f[6], strlen(f[6]) > 80 ? "..." : "", f[4], f[5]);
}

/* The disagreements source b->kind/b->src of question b->id takes part in, as warnings
 * of page b->page: stored with the page's other warnings each time the page is stored. */
static int conflict_warnings(pqx_store *st, const bindings *pb, pqx_buf *warnings, pqx_buf *what)
{
	bindings wb = *pb;
	pqx_buf msg = PQX_BUF_INIT;
	sqlite3_stmt *c = stmt(st, S_CONFLICTS_OF, &wb);
	int rc = SQLITE_ERROR;
	if (c) {
		while ((rc = sqlite3_step(c)) == SQLITE_ROW) {
			pqx_buf_reset(&msg);
			conflict_line(&msg, pb->id, c);
			if (warnings) {
				pqx_buf_add(warnings, msg.s, msg.len);
				pqx_buf_addc(warnings, '\n');
			}
			wb.msg = pqx_buf_cstr(&msg);
			if (exec_stmt(st, S_WARN_ADD, &wb) != 0) {
				rc = SQLITE_ERROR;
				break;
			}
		}
		sqlite3_reset(c);
	}
	if (rc != SQLITE_DONE)
		pqx_buf_addf(what, "record %s: warning where its sources disagree: %s", pb->id,
		             sqlite3_errmsg(st->db));
	pqx_buf_free(&msg);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* Rebuilds question b->id from its sources (docs/schema.md, "How sources merge"): the
 * question row in place, its child rows, translations and conflicts. b->kind/b->src name
 * the source just stored (its conflicts become warnings of the page b->page; none when
 * b->page is 0, as in a migration). */
static int rebuild(pqx_store *st, const bindings *pb, pqx_buf *warnings, pqx_buf *what)
{
	bindings b = *pb;
	int ret = -1;
	pqx_buf orig = PQX_BUF_INIT, lead = PQX_BUF_INIT, merged = PQX_BUF_INIT, tr = PQX_BUF_INIT,
		qtext = PQX_BUF_INIT, atext = PQX_BUF_INIT, kw = PQX_BUF_INIT, kwobj = PQX_BUF_INIT,
		extra = PQX_BUF_INIT, lang = PQX_BUF_INIT, one = PQX_BUF_INIT;
	const char *id = b.id;
	b.r = NULL;
	b.lang = NULL;

#define RB_FAIL(m) do { pqx_buf_addf(what, "record %s: %s: %s", id, (m), sqlite3_errmsg(st->db)); goto out; } while (0)
	int r = fetch_text(st, S_ORIG_LANG, &b, &orig);
	if (r < 0)
		RB_FAIL("finding the original language");
	b.orig = r == 0 ? orig.s : NULL;
	if (fetch_text(st, S_LEAD_LANG, &b, &lead) < 0)
		RB_FAIL("finding the lead language");
	b.lead = pqx_buf_cstr(&lead);

	if (exec_stmt(st, S_DEL_TRANSLATION, &b) != 0 || exec_stmt(st, S_DEL_CONFLICT, &b) != 0)
		RB_FAIL("removing the previous translations");
	/* The question's own merge first: its conflicts over every field. */
	b.pos = 0;
	if (fetch_text(st, S_MERGE, &b, &merged) != 0)
		RB_FAIL("merging its sources");
	if (exec_stmt(st, S_CONFLICT_ADD, &b) != 0)
		RB_FAIL("recording where its sources disagree");
	b.pos = sqlite3_changes(st->db);

	/* One translation per language, lead language first. */
	sqlite3_stmt *langs = stmt(st, S_LANGS, &b);
	if (!langs)
		RB_FAIL("listing its languages");
	/* The message is taken before the reset, which would clear it. */
#define LOOP_FAIL() do { pqx_buf_addf(what, "record %s: building its translations: %s", id, \
                                      sqlite3_errmsg(st->db)); sqlite3_reset(langs); goto out; } while (0)
	int rc;
	while ((rc = sqlite3_step(langs)) == SQLITE_ROW) {
		pqx_buf_reset(&lang);
		add_text(&lang, sqlite3_column_text(langs, 0));
		bindings lb = b;
		lb.lang = lb.lead = pqx_buf_cstr(&lang);
		pqx_buf_reset(&one);
		pqx_buf_reset(&qtext);
		pqx_buf_reset(&atext);
		pqx_buf_reset(&kw);
		if (fetch_text(st, S_MERGE, &lb, &one) != 0) {
			LOOP_FAIL();
		}
		lb.r = pqx_buf_cstr(&one);
		if (record_texts(st, &lb, &qtext, &atext) != 0 || fetch_text(st, S_KW_TEXT, &lb, &kw) < 0) {
			LOOP_FAIL();
		}
		lb.qtext = qtext.len ? qtext.s : NULL;
		lb.atext = atext.len ? atext.s : NULL;
		lb.kw = kw.len ? kw.s : NULL;
		if (exec_stmt(st, S_TRANSLATION_ADD, &lb) != 0) {
			LOOP_FAIL();
		}
		if (strcmp(lb.lang, b.lead) != 0) {
			/* Another language: its text is searchable through `translations`, and its
			 * own sources may disagree on its language's fields. */
			pqx_buf title = PQX_BUF_INIT, summary = PQX_BUF_INIT;
			bindings tb = lb;
			tb.sha = NULL;
			if (fetch_text(st, S_TITLE_OF, &tb, &title) < 0 || fetch_text(st, S_SUMMARY_OF, &tb, &summary) < 0) {
				pqx_buf_free(&title);
				pqx_buf_free(&summary);
				LOOP_FAIL();
			}
			add_para(&tr, &title);
			add_para(&tr, &summary);
			add_para(&tr, &qtext);
			add_para(&tr, &atext);
			pqx_buf_free(&title);
			pqx_buf_free(&summary);
			lb.ldonly = "1";
			lb.pos = b.pos;
			if (exec_stmt(st, S_CONFLICT_ADD, &lb) != 0) {
				LOOP_FAIL();
			}
			b.pos += sqlite3_changes(st->db);
		}
	}
	if (rc != SQLITE_DONE)
		LOOP_FAIL();
	sqlite3_reset(langs);
#undef LOOP_FAIL

	b.r = pqx_buf_cstr(&merged);
	pqx_buf_reset(&qtext);
	pqx_buf_reset(&atext);
	if (record_texts(st, &b, &qtext, &atext) != 0)
		RB_FAIL("flattening its text for search");
	if (fetch_text(st, S_KW_ALL, &b, &kwobj) != 0)
		RB_FAIL("collecting its keywords");
	pqx_buf_reset(&kw);
	bindings kb = b;
	kb.r = pqx_buf_cstr(&kwobj);
	if (fetch_text(st, S_KW_TEXT, &kb, &kw) < 0)
		RB_FAIL("collecting its keywords");
	if (fetch_text(st, S_EXTRA, &b, &extra) < 0)
		RB_FAIL("collecting extra fields");
	sqlite3_stmt *bp = stmt(st, S_BEST_PAGE, &b);
	if (!bp)
		RB_FAIL("finding its best page");
	b.page = sqlite3_step(bp) == SQLITE_ROW && sqlite3_column_type(bp, 0) != SQLITE_NULL
		? sqlite3_column_int64(bp, 0) : 0;
	sqlite3_reset(bp);
	if (merged.oom || tr.oom || qtext.oom || atext.oom || kw.oom || kwobj.oom || extra.oom) {
		pqx_buf_addf(what, "record %s: out of memory", id);
		goto out;
	}
	char sha[65];
	pqx_sha256_hex(merged.s, merged.len, sha);
	b.sha = sha;
	b.qtext = qtext.len ? qtext.s : NULL;
	b.atext = atext.len ? atext.s : NULL;
	b.kw = kw.len ? kw.s : NULL;
	b.tr = tr.len ? tr.s : NULL;
	b.extra = extra.len ? extra.s : NULL;
	for (size_t i = 0; i < sizeof child_deletes / sizeof child_deletes[0]; i++)
		if (exec_stmt(st, child_deletes[i], &b) != 0)
			RB_FAIL("removing the previous version's rows");
	if (exec_stmt(st, S_Q_UPSERT, &b) != 0)
		RB_FAIL("storing the question row");
	for (size_t n = 0; n < 2; n++) {
		const int *list = n ? keyword_inserts : child_inserts;
		size_t count = n ? sizeof keyword_inserts / sizeof keyword_inserts[0]
		                 : sizeof child_inserts / sizeof child_inserts[0];
		bindings cb = n ? kb : b;
		for (size_t i = 0; i < count; i++)
			if (exec_stmt(st, list[i], &cb) != 0) {
				/* Name the table: "INSERT INTO <table> (" is how every insert starts. */
				const char *sql = stmt_sql[list[i]] + strlen("INSERT INTO ");
				pqx_buf_addf(what, "record %s: storing %.*s rows: %s", id,
				             (int)strcspn(sql, " "), sql, sqlite3_errmsg(st->db));
				goto out;
			}
	}

	if (pb->page > 0 && conflict_warnings(st, pb, warnings, what) != 0)
		goto out;
	ret = 0;
#undef RB_FAIL
out:
	pqx_buf_free(&orig);
	pqx_buf_free(&lead);
	pqx_buf_free(&merged);
	pqx_buf_free(&tr);
	pqx_buf_free(&qtext);
	pqx_buf_free(&atext);
	pqx_buf_free(&kw);
	pqx_buf_free(&kwobj);
	pqx_buf_free(&extra);
	pqx_buf_free(&lang);
	pqx_buf_free(&one);
	return ret;
}

/* The C part of migrations 2 and 3: every question rebuilt from its sources. The
 * caller puts "schema migration to version N: " before the message. */
static int migrate_rebuild(pqx_store *st, char *err, size_t errlen)
{
	char ts[64];
	if (now(st, ts) != 0) {
		set_err(err, errlen, "cannot read the clock");
		return -1;
	}
	bindings b = {.now = ts};
	sqlite3_stmt *ids = stmt(st, S_ALL_IDS, &b);
	if (!ids) {
		set_err(err, errlen, "%s", sqlite3_errmsg(st->db));
		return -1;
	}
	pqx_buf id = PQX_BUF_INIT, what = PQX_BUF_INIT;
	int rc;
	while ((rc = sqlite3_step(ids)) == SQLITE_ROW) {
		pqx_buf_reset(&id);
		add_text(&id, sqlite3_column_text(ids, 0));
		bindings qb = b;
		qb.id = pqx_buf_cstr(&id);
		if (rebuild(st, &qb, NULL, &what) != 0) {
			rc = SQLITE_ERROR;
			break;
		}
	}
	sqlite3_reset(ids);
	if (rc != SQLITE_DONE)
		set_err(err, errlen, "%s", what.len ? pqx_buf_cstr(&what) : sqlite3_errmsg(st->db));
	pqx_buf_free(&id);
	pqx_buf_free(&what);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* Failure inside a record: `what` gets "record ID: doing X" plus, for a database
 * failure, SQLite's own message (it names the constraint or the malformed JSON). */
#define REC_FAIL(msg) do { pqx_buf_addf(what, "record %s: %s", pqx_buf_cstr(&id), (msg)); goto out; } while (0)
#define REC_DBFAIL(msg) do { pqx_buf_addf(what, "record %s: %s: %s", pqx_buf_cstr(&id), (msg), \
                                          sqlite3_errmsg(st->db)); goto out; } while (0)

/* One record into its source (docs/schema.md, "Versions of one source"), then the
 * question rebuilt when the source's current record changed. */
static int store_record(pqx_store *st, const bindings *pb, const char *rec, size_t reclen,
                        pqx_buf *warnings, pqx_buf *what)
{
	bindings b = *pb;
	b.r = rec;
	int ret = -1;
	pqx_buf id = PQX_BUF_INIT, schema = PQX_BUF_INIT, kind = PQX_BUF_INIT, src = PQX_BUF_INIT,
		view = PQX_BUF_INIT, lang = PQX_BUF_INIT, asof = PQX_BUF_INIT, cur = PQX_BUF_INIT;

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
	sqlite3_stmt *si = stmt(st, S_SRC_IDENT, &b);
	if (!si || sqlite3_step(si) != SQLITE_ROW) {
		if (si)
			sqlite3_reset(si);
		REC_DBFAIL("naming its source");
	}
	add_text(&kind, sqlite3_column_text(si, 0));
	add_text(&src, sqlite3_column_text(si, 1));
	int has_view = sqlite3_column_type(si, 2) != SQLITE_NULL;
	add_text(&view, sqlite3_column_text(si, 2));
	add_text(&lang, sqlite3_column_text(si, 3));
	int has_asof = sqlite3_column_type(si, 4) != SQLITE_NULL;
	add_text(&asof, sqlite3_column_text(si, 4));
	sqlite3_reset(si);
	b.kind = pqx_buf_cstr(&kind);
	b.src = pqx_buf_cstr(&src);
	b.view = has_view ? pqx_buf_cstr(&view) : NULL;
	b.lang = pqx_buf_cstr(&lang);
	b.asof = has_asof ? pqx_buf_cstr(&asof) : NULL;

	if (unknown_fields(st, &b, warnings) != 0)
		REC_DBFAIL("checking its fields");
	if (exec_stmt(st, S_REC_WARN_ADD, &b) != 0)
		REC_DBFAIL("storing its warnings");

	sqlite3_stmt *c = stmt(st, S_SRC_CURRENT, &b);
	if (!c)
		REC_DBFAIL("looking up its source");
	int crc = sqlite3_step(c), exists = crc == SQLITE_ROW, newer = 1;
	if (exists) {
		add_text(&cur, sqlite3_column_text(c, 0));
		newer = sqlite3_column_int(c, 1);
	}
	sqlite3_reset(c);
	if (crc != SQLITE_ROW && crc != SQLITE_DONE)
		REC_DBFAIL("looking up its source");

	if (exists && strcmp(pqx_buf_cstr(&cur), sha) == 0) {
		/* Unchanged: only "last seen" moves (and the page's warnings, rebuilt with the
		 * page row, get its disagreements again). */
		if (exec_stmt(st, S_SRC_TOUCH, &b) != 0 || exec_stmt(st, S_Q_TOUCH, &b) != 0)
			REC_DBFAIL("updating last_seen");
		if (b.page > 0 && conflict_warnings(st, &b, warnings, what) != 0)
			goto out;
		ret = 0;
		goto out;
	}
	if (exists) {
		pqx_buf known = PQX_BUF_INIT;
		int k = fetch_text(st, S_SRC_KNOWN_OLD, &b, &known);
		pqx_buf_free(&known);
		if (k < 0)
			REC_DBFAIL("looking up its earlier versions");
		if (k == 0) {
			/* An earlier version of this source, already kept: nothing is new. */
			if (exec_stmt(st, S_Q_TOUCH, &b) != 0)
				REC_DBFAIL("updating last_seen");
			ret = 0;
			goto out;
		}
		if (!newer) {
			/* An older state of the page, read late: history only. */
			if (exec_stmt(st, S_REC_TO_REVISION, &b) != 0 || exec_stmt(st, S_Q_BUMP, &b) != 0)
				REC_DBFAIL("keeping an earlier version");
			ret = 0;
			goto out;
		}
		if (exec_stmt(st, S_SRC_TO_REVISION, &b) != 0 || exec_stmt(st, S_Q_BUMP, &b) != 0)
			REC_DBFAIL("keeping the previous version");
	}
	if (exec_stmt(st, S_SRC_UPSERT, &b) != 0)
		REC_DBFAIL("storing its source");
	if (rebuild(st, &b, warnings, what) != 0)
		goto out;
	ret = 0;
out:
	pqx_buf_free(&id);
	pqx_buf_free(&schema);
	pqx_buf_free(&kind);
	pqx_buf_free(&src);
	pqx_buf_free(&view);
	pqx_buf_free(&lang);
	pqx_buf_free(&asof);
	pqx_buf_free(&cur);
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
	              .error = nonempty(page->error), .w = page->warnings_json,
	              .roff = -1, .rinner = -1};
	const pqx_page_origin *o = page->origin;
	if (o) {
		b.url = nonempty(o->url);
		b.fetched = nonempty(o->fetched);
		b.archive = nonempty(o->archive);
		if (b.archive) {
			b.roff = o->record_offset;
			b.rinner = o->record_offset_in_member;
		}
	}
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
	/* an archived page's source is its URL: the same page in next week's crawl */
	if (b.archive && b.url)
		b.path = b.url;
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
