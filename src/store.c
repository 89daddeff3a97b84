/*
 * store.c: the SQLite database of pqx (see store.h and docs/schema.md). It owns the
 * schema and its migrations, the statement cache, and the mapping from a
 * pqx.question/1 record (JSON text) to rows; records are taken apart by SQLite's own
 * JSON functions, except where a C scan gives the same values for less (the record's
 * top-level values, a one-source merge, answers with their sections and items: docs/schema.md,
 * "How records are read"), with the SQL as the path for every other shape.
 * It must never build SQL from data (every value is a bound parameter, every
 * identifier is a literal in this file), never use INSERT OR REPLACE (it deletes rows,
 * changes rowids and skips the FTS delete trigger), and never leave a page half
 * stored: each page is one SAVEPOINT, released when the page is whole and rolled
 * back on any error. Pages are committed in groups (group commit): the first page
 * opens a BEGIN IMMEDIATE transaction and the page that finds it older than the
 * commit window (pqx_store_set_commit_window) commits it, as does
 * pqx_store_commit_due when the caller is idle; a window of 0 commits every page.
 */
#include "store.h"

#include <sqlite3.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <time.h>

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

/* 5: long runs. A run gets a uid (so `pqx merge` recognises a run it has merged
 * before), the database it was merged from, and its end figures; run_stat keeps its
 * coverage, failure, warning and re-run counts; page_check is the last processing of
 * each path by each script, which an incremental re-run compares before parsing. */
static const char migration5[] =
	"ALTER TABLE run ADD COLUMN uid TEXT;\n"
	"UPDATE run SET uid = lower(hex(randomblob(16)));\n"
	"CREATE UNIQUE INDEX run_uid ON run(uid);\n"
	"ALTER TABLE run ADD COLUMN merged_from TEXT;\n"
	"ALTER TABLE run ADD COLUMN shard TEXT;\n"
	"ALTER TABLE run ADD COLUMN pages_skipped INTEGER;\n"
	"ALTER TABLE run ADD COLUMN records INTEGER;\n"
	"ALTER TABLE run ADD COLUMN questions_new INTEGER;\n"
	"ALTER TABLE run ADD COLUMN questions_changed INTEGER;\n"
	"ALTER TABLE run ADD COLUMN questions_unchanged INTEGER;\n"
	"ALTER TABLE run ADD COLUMN seconds REAL;\n"
	"CREATE TABLE run_stat (\n"
	"  run_id INTEGER NOT NULL REFERENCES run(id) ON DELETE CASCADE,\n"
	"  kind TEXT NOT NULL CHECK (kind IN ('total', 'field', 'failure', 'cause', 'warning', 'rerun')),\n"
	"  name TEXT NOT NULL,\n"
	"  count INTEGER NOT NULL,\n"
	"  first_path TEXT,\n"
	"  PRIMARY KEY (run_id, kind, name)\n"
	") STRICT;\n"
	"CREATE TABLE page_check (\n"
	"  path TEXT NOT NULL,\n"
	"  script_name TEXT NOT NULL,\n"
	"  content_sha256 TEXT NOT NULL,\n"
	"  script_sha256 TEXT NOT NULL,\n"
	"  pqx_version TEXT NOT NULL,\n"
	"  options TEXT NOT NULL,\n"
	"  status TEXT NOT NULL CHECK (status IN ('ok', 'error')),\n"
	"  page_id INTEGER REFERENCES page(id),\n"
	"  run_id INTEGER REFERENCES run(id),\n"
	"  last_seen_run INTEGER REFERENCES run(id),\n"
	"  questions TEXT NOT NULL CHECK (json_valid(questions)),\n"
	"  stats TEXT CHECK (stats IS NULL OR json_valid(stats)),\n"
	"  PRIMARY KEY (path, script_name)\n"
	") STRICT;\n";

/* Version 6 drops the json_valid CHECK of the three record columns a stored page writes:
 * question.record, question_source.record and question_translation.record. Each parsed
 * the whole record again (about 2M instructions a bench page, the largest single cost of
 * storing), for text that is valid by construction: a source's record is a piece of the
 * page's records, which the store checks as JSON first (pqx_json_check), and the others
 * are that same text or the output of SQLite's JSON functions. Removing a CHECK changes
 * nothing on disk, so the step edits the tables' definitions in sqlite_schema, the
 * procedure SQLite documents for it (ALTER TABLE, "other kinds of table schema
 * changes"), instead of copying the tables (migrate6_checks). */
static const char migration6[] = "";

/* The translation columns of version 7, and the view that shows them as before. */
#define TRANSLATION_VIEW_V7 \
	"CREATE VIEW question_translation AS\n" \
	"  SELECT t.question_id, t.lang, t.original,\n" \
	"    iif(t.follows, q.title, t.title) AS title,\n" \
	"    iif(t.follows, q.question_text, t.question_text) AS question_text,\n" \
	"    iif(t.follows, q.answer_text, t.answer_text) AS answer_text,\n" \
	"    t.keywords,\n" \
	"    iif(t.follows, q.record, t.record) AS record,\n" \
	"    iif(t.follows, q.summary, t.summary) AS summary\n" \
	"  FROM question_translation_row t JOIN question q ON q.id = t.question_id;\n"

/* Version 7 stores a translation that is the question itself only once. A translation
 * whose merged record is the question's (always so for a question in one language: the
 * same sources, the same lead language) has the question's title, summary and texts
 * too, all made from that record, and version 6 stored the five a second time: about a
 * quarter of a Senate database. The rows are now in question_translation_row, where
 * follows = 1 means "these five columns are the question's" (and they are NULL);
 * question_translation is a view that gives the
 * same columns, in the same order, with the same values as the table of version 6.
 * Only keywords are always kept: the question's list is the union of its languages',
 * each label once, and a translation's is its record's own list. The step copies the
 * rows, marking those whose five columns equal the question's. */
static const char migration7[] =
	"CREATE TABLE question_translation_row (\n"
	"  question_id TEXT NOT NULL REFERENCES question(id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,\n"
	"  lang TEXT NOT NULL,\n"
	"  original INTEGER NOT NULL,\n"
	"  follows INTEGER NOT NULL CHECK (follows IN (0, 1)),\n"
	"  title TEXT,\n"
	"  question_text TEXT,\n"
	"  answer_text TEXT,\n"
	"  keywords TEXT,\n"
	"  record TEXT,\n"
	"  summary TEXT,\n"
	"  PRIMARY KEY (question_id, lang),\n"
	"  CHECK ((follows = 1) = (record IS NULL)),\n"
	"  CHECK (follows = 0 OR coalesce(title, question_text, answer_text, summary) IS NULL)\n"
	") STRICT;\n"
	"INSERT INTO question_translation_row (question_id, lang, original, follows, title, question_text,\n"
	"  answer_text, keywords, record, summary)\n"
	"  SELECT question_id, lang, original, f, iif(f, NULL, title), iif(f, NULL, question_text),\n"
	"    iif(f, NULL, answer_text), keywords, iif(f, NULL, record), iif(f, NULL, summary)\n"
	"  FROM (SELECT t.*, coalesce(t.record = q.record AND t.title IS q.title\n"
	"      AND t.question_text IS q.question_text AND t.answer_text IS q.answer_text\n"
	"      AND t.summary IS q.summary, 0) AS f\n"
	"    FROM question_translation t LEFT JOIN question q ON q.id = t.question_id);\n"
	"DROP TABLE question_translation;\n"
	TRANSLATION_VIEW_V7;

/* A source's record in version 8 (s a question_source_row, q its question): its own,
 * or the question's, with the source's one piece put back in where it has one. */
#define SRC_RECORD(s, q) \
	"iif(" s ".follows, iif(" s ".splice IS NULL, " q ".record, substr(" q ".record, 1, " s ".splice_at)" \
	" || " s ".splice || substr(" q ".record, " s ".splice_at + 1)), " s ".record)"

/* The source columns of version 8, and the view that shows them as before. */
#define SOURCE_VIEW_V8 \
	"CREATE VIEW question_source AS\n" \
	"  SELECT s.question_id, s.kind, s.source, s.view, s.lang, s.as_of, s.record_sha256,\n" \
	"    " SRC_RECORD("s", "q") " AS record,\n" \
	"    s.page_id, s.first_seen, s.last_seen, s.updated, s.first_seen_run, s.last_seen_run\n" \
	"  FROM question_source_row s LEFT JOIN question q ON q.id = s.question_id;\n"

/* Version 8 stores the record of a question's only source once: it is, but for at most
 * one piece, the question's own record. A question with one source (most questions:
 * one page each) has for its record that source's record merged with itself: the same
 * text when the record is written as SQLite writes JSON, keys in order, or that text
 * without the members the merge leaves out (`source`, `warnings`). Version 7 stored it
 * twice, in question.record and in question_source.record: about a quarter of a Senate
 * database. The rows are now in question_source_row, where follows = 1 means "the record
 * is the question's" (record is NULL), and where splice (text) and splice_at (a
 * position in characters, as substr counts them) are the one piece of the source's
 * record that the question's lacks (`,"source":{"kind":"list"}` on a list page, say).
 * question_source is a view with the same columns, in the same order, with the same
 * values as the table of version 7. A row follows its question only while it is the
 * question's only source: before a second source changes the question's record, the
 * store writes the first one's record back into its row (rebuild). The step copies the
 * rows; its C part (migrate8_follow) marks those that qualify. */
static const char migration8[] =
	"CREATE TABLE question_source_row (\n"
	"  question_id TEXT NOT NULL REFERENCES question(id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,\n"
	"  kind TEXT NOT NULL CHECK (kind IN ('detail', 'list')),\n"
	"  source TEXT NOT NULL,\n"
	"  view TEXT,\n"
	"  lang TEXT NOT NULL,\n"
	"  as_of TEXT,\n"
	"  record_sha256 TEXT NOT NULL,\n"
	"  follows INTEGER NOT NULL CHECK (follows IN (0, 1)),\n"
	"  record TEXT,\n"
	"  splice_at INTEGER CHECK (splice_at >= 0),\n"
	"  splice TEXT,\n"
	"  page_id INTEGER REFERENCES page(id),\n"
	"  first_seen TEXT NOT NULL,\n"
	"  last_seen TEXT NOT NULL,\n"
	"  updated TEXT NOT NULL,\n"
	"  first_seen_run INTEGER REFERENCES run(id),\n"
	"  last_seen_run INTEGER REFERENCES run(id),\n"
	"  PRIMARY KEY (question_id, kind, source),\n"
	"  CHECK ((follows = 1) = (record IS NULL)),\n"
	"  CHECK ((splice IS NULL) = (splice_at IS NULL)),\n"
	"  CHECK (follows = 1 OR splice IS NULL)\n"
	") STRICT;\n"
	"INSERT INTO question_source_row (rowid, question_id, kind, source, view, lang, as_of,\n"
	"  record_sha256, follows, record, page_id, first_seen, last_seen, updated, first_seen_run,\n"
	"  last_seen_run)\n"
	"  SELECT rowid, question_id, kind, source, view, lang, as_of, record_sha256, 0, record,\n"
	"    page_id, first_seen, last_seen, updated, first_seen_run, last_seen_run\n"
	"  FROM question_source ORDER BY rowid;\n"
	"DROP TABLE question_source;\n"
	SOURCE_VIEW_V8;

struct pqx_store;
static int migrate_rebuild(struct pqx_store *st, char *err, size_t errlen);
static int migrate6_checks(struct pqx_store *st, char *err, size_t errlen);
static int migrate8_follow(struct pqx_store *st, char *err, size_t errlen);

/* All missing steps run in one transaction (see migrate()). A step's C part runs between
 * its sql and its sql_after; migrate_rebuild uses the statements of this pqx, which need
 * the newest schema, so when several missing steps rebuild the questions only the last
 * one does (an earlier step's rebuild would be undone by the later one anyway), and it
 * runs, with its step's sql_after, after the sql of every later step. */
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
	{migration5, NULL, NULL, 0},
	{migration6, migrate6_checks, NULL, 0},
	{migration7, NULL, NULL, 0},
	{migration8, migrate8_follow, NULL, 0},
};

#define NMIGRATIONS ((int)(sizeof migrations / sizeof migrations[0]))

_Static_assert(sizeof migrations / sizeof migrations[0] == PQX_STORE_SCHEMA_VERSION,
               "one migration per schema version");

#include "schema_new.h"
/* (make schema builds the generator's pqx with PQX_SCHEMA_BOOTSTRAP: the header it is to
 * replace is then stale, and that pqx never uses it) */
#ifndef PQX_SCHEMA_BOOTSTRAP
_Static_assert(SCHEMA_NEW_VERSION == PQX_STORE_SCHEMA_VERSION,
               "src/schema_new.h is of another schema version: run make schema");
#endif

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
	S_RECS_DUP,
	S_RECS_EACH,
	S_REC_HEAD,
	S_SRC_IDENT,
	S_SRC_AS_OF,
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
	/* the one-source rebuild (merge_one) */
	S_SOURCES,
	S_KW_ONE,
	/* schema version 8: a source's record kept in the question row (follows) */
	S_SRC_OTHERS,
	S_SRC_UNFOLLOW,
	S_SRC_ALONE,
	S_SRC_FOLLOW,
	/* answer_text over an array of answer objects */
	S_ABODY,
	S_APIECES_X,
	/* the answer rows, one answer at a time (answers_insert) */
	S_ANSWER_ADD_X,
	S_SECTION_ADD_X,
	S_ITEM_ADD_X,
	S_ANSWER_ID,
	S_ANSWER_ROW,
	S_SECTION_ROW,
	S_ITEM_ROW,
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

/* The same over a record's top-level values bound one by one (struct rview): each
 * function parses a few bytes, not the whole record. Same values as the SRC_ macros:
 * json_extract(:r, '$.a.b') is json_extract(<the text of a>, '$.b'). */
#define XSRC_KIND "coalesce(json_extract(:x_source, '$.kind'), 'detail')"
#define XSRC_VIEW "NULLIF(json_extract(:x_source, '$.view'), '')"
#define XSRC_NAME "coalesce(" XSRC_VIEW ", NULLIF(json_extract(:x_page_lang, '$'), ''), :path, '')"
#define XSRC_LANG "coalesce(NULLIF(json_extract(:x_page_lang, '$'), ''), NULLIF(json_extract(:x_lang, '$'), ''), '')"
#define XSRC_AS_OF \
	"(SELECT max(d) FROM (SELECT value AS d FROM json_each(:x_dates)" \
	" UNION ALL SELECT json_extract(value, '$.date') FROM json_each(:x_events)" \
	" UNION ALL SELECT json_extract(value, '$.date') FROM json_each(:x_answers)" \
	" UNION ALL SELECT json_extract(value, '$.date') FROM json_each(:x_documents))" \
	" WHERE typeof(d) = 'text')"

static const char *const stmt_sql[S_COUNT] = {
	[S_NOW] = "SELECT strftime('%Y-%m-%dT%H:%M:%fZ', 'now')",
	[S_RUN_BEGIN] =
		"INSERT INTO run (started, script_name, script_path, script_version, script_sha256,"
		" pqx_version, options, uid) VALUES (:now, :name, :path, :version, :sha, :pqx, json(:options),"
		" lower(hex(randomblob(16))))",
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
	[S_RECS_DUP] =
		"SELECT json_extract(value, '$.id') FROM json_each(:j)"
		" WHERE json_type(value) = 'object' AND json_type(value, '$.id') = 'text'"
		" GROUP BY 1 HAVING count(*) > 1 LIMIT 1",
	[S_RECS_EACH] = "SELECT key, json_type(value), value FROM json_each(:j) ORDER BY key",
	[S_REC_HEAD] =
		"SELECT json_extract(:x_schema, '$'), json_type(:x_id), json_extract(:x_id, '$'),"
		" json_extract(:x_question, '$.body')",
	[S_SRC_IDENT] =
		"SELECT " XSRC_KIND ", " XSRC_NAME ", " XSRC_VIEW ", " XSRC_LANG,
	/* as_of when src_as_of cannot tell it */
	[S_SRC_AS_OF] = "SELECT " XSRC_AS_OF,
	/* newer: the incoming as-of date is the same or later (no date is earliest). */
	[S_SRC_CURRENT] =
		"SELECT record_sha256, CASE WHEN :asof IS NULL THEN as_of IS NULL"
		" ELSE as_of IS NULL OR :asof >= as_of END"
		" FROM question_source_row WHERE question_id = :id AND kind = :kind AND source = :src",
	[S_SRC_KNOWN_OLD] =
		"SELECT 1 FROM question_revision WHERE question_id = :id AND kind = :kind AND source = :src"
		" AND record_sha256 = :sha LIMIT 1",
	[S_SRC_TOUCH] =
		"UPDATE question_source_row SET last_seen = :now, last_seen_run = :run"
		" WHERE question_id = :id AND kind = :kind AND source = :src",
	[S_SRC_TO_REVISION] =
		"INSERT INTO question_revision (question_id, revision, kind, source, record_sha256, record,"
		" page_id, stored, replaced_at, run_id)"
		" SELECT s.question_id, q.revision, s.kind, s.source, s.record_sha256,"
		"  " SRC_RECORD("s", "q") ", s.page_id, s.updated, :now, :run"
		" FROM question_source_row s JOIN question q ON q.id = s.question_id"
		" WHERE s.question_id = :id AND s.kind = :kind AND s.source = :src",
	[S_REC_TO_REVISION] =
		"INSERT INTO question_revision (question_id, revision, kind, source, record_sha256, record,"
		" page_id, stored, replaced_at, run_id)"
		" SELECT id, revision, :kind, :src, :sha, :r, :page, :now, :now, :run FROM question WHERE id = :id",
	[S_SRC_UPSERT] =
		"INSERT INTO question_source_row (question_id, kind, source, view, lang, as_of, record_sha256,"
		" follows, record, splice_at, splice, page_id, first_seen, last_seen, updated, first_seen_run,"
		" last_seen_run)"
		" VALUES (:id, :kind, :src, :view, :lang, :asof, :sha, :sfollows IS NOT NULL,"
		" iif(:sfollows IS NOT NULL, NULL, :r), iif(:splice IS NULL, NULL, :spat), :splice,"
		" :page, :now, :now, :now, :run, :run)"
		" ON CONFLICT (question_id, kind, source) DO UPDATE SET view = excluded.view,"
		" lang = excluded.lang, as_of = excluded.as_of, record_sha256 = excluded.record_sha256,"
		" follows = excluded.follows, record = excluded.record, splice_at = excluded.splice_at,"
		" splice = excluded.splice, page_id = excluded.page_id, last_seen = excluded.last_seen,"
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
	[S_DEL_TRANSLATION] = "DELETE FROM question_translation_row WHERE question_id = :id",
	[S_DEL_CONFLICT] = "DELETE FROM question_conflict WHERE question_id = :id",
	[S_TRANSLATION_ADD] =
		"INSERT INTO question_translation_row (question_id, lang, original, follows, title,"
		" question_text, answer_text, keywords, record, summary)"
		" SELECT :id, :lang, :lang IS :orig, f, iif(f, NULL, json_extract(:x_title, '$')),"
		"  iif(f, NULL, :qtext), iif(f, NULL, :atext), :kw, iif(f, NULL, :r),"
		"  iif(f, NULL, json_extract(:x_summary, '$'))"
		" FROM (SELECT :follows IS NOT NULL AS f)",
	/* The keywords of every language, lead language first, each label/scheme/lang once,
	 * as {"keywords": [...]} so the keyword statements read them as from a record. */
	[S_KW_ALL] =
		"SELECT json_object('keywords', json_group_array(json(v))) FROM ("
		" SELECT v FROM (SELECT j.value AS v, t.lang IS NOT :lead AS o1, t.lang AS o2, j.key AS o3,"
		"  row_number() OVER (PARTITION BY json_extract(j.value, '$.label'),"
		"   coalesce(json_extract(j.value, '$.scheme'), ''), coalesce(json_extract(j.value, '$.lang'), '')"
		"   ORDER BY t.lang IS NOT :lead, t.lang, j.key) AS n"
		"  FROM question_translation_row t, json_each(coalesce(t.record, :r), '$.keywords') j"
		"  WHERE t.question_id = :id)"
		" WHERE n = 1 ORDER BY o1, o2, o3)",
	[S_KW_TEXT] =
		"SELECT group_concat(l, char(10)) FROM (SELECT json_extract(value, '$.label') AS l"
		" FROM json_each(:x_keywords) WHERE json_type(value, '$.label') = 'text' ORDER BY key)",
	[S_QBODY] = "SELECT json_extract(:x_question, '$.body')",
	[S_TITLE_OF] = "SELECT json_extract(:x_title, '$')",
	[S_ALL_IDS] = "SELECT id FROM question ORDER BY rowid",
	[S_UNKNOWN] =
		"SELECT j.key, coalesce(json_type(:x_extra) = 'object' AND EXISTS"
		" (SELECT 1 FROM json_each(:x_extra) e WHERE e.key = j.key), 0)"
		" FROM json_each(:x_unknown) j WHERE j.key NOT IN (" KNOWN_FIELDS ") ORDER BY j.key",
	/* Own extra first; an extra that is not an object is kept under the key "extra".
	 * Values are rebuilt from their JSON type so true/false/objects survive. */
	[S_EXTRA] =
		"WITH own (k, t, v, o) AS ("
		"  SELECT key, type, value, 0 FROM json_each(:x_extra)"
		"   WHERE json_type(:x_extra) = 'object'"
		"  UNION ALL SELECT 'extra', json_type(:x_extra), json_extract(:x_extra, '$'), 0"
		"   WHERE json_type(:x_extra) <> 'object'),"
		" unk (k, t, v, o) AS ("
		"  SELECT key, type, value, 1 FROM json_each(:x_unknown)"
		"   WHERE key NOT IN (" KNOWN_FIELDS ") AND key NOT IN (SELECT k FROM own)),"
		" alls AS (SELECT * FROM own UNION ALL SELECT * FROM unk ORDER BY o, k)"
		" SELECT NULLIF(json_group_object(k, CASE t WHEN 'object' THEN json(v) WHEN 'array' THEN json(v)"
		"  WHEN 'true' THEN json('true') WHEN 'false' THEN json('false') ELSE v END), '{}') FROM alls",
	[S_QPIECES] =
		"SELECT 0, 0, json_extract(:x_question, '$.intro')"
		" UNION ALL SELECT 1, key, json_extract(value, '$.text') FROM json_each(:x_question, '$.parts')"
		" ORDER BY 1, 2",
	[S_ANSWERS_EACH] =
		"SELECT value, json_extract(value, '$.body') FROM json_each(:x_answers) ORDER BY key",
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
		" SELECT :id, json_extract(:x_parliament, '$'), json_extract(:x_term, '$'),"
		"  json_extract(:x_number, '$'), json_extract(:x_type, '$'), json_extract(:x_lang, '$'),"
		"  json_extract(:x_page_lang, '$'), json_extract(:x_title, '$'), json_extract(:x_status, '$'),"
		"  json_extract(:x_dates, '$.asked'), json_extract(:x_dates, '$.answered'),"
		"  json_extract(:x_dates, '$.published'), json_extract(:x_dates, '$.due'),"
		"  json_extract(:x_dates, '$.withdrawn'), json_extract(:x_source_url, '$'),"
		"  :qtext, :atext, :kw, :tr, 1, :sha, :r, :extra, :page, :now, :now, :now, :run, :run,"
		"  json_extract(:x_summary, '$')"
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
		"INSERT INTO person (name) SELECT json_extract(value, '$.name') FROM json_each(:x_authors)"
		" WHERE json_extract(value, '$.name') IS NOT NULL AND " AUTHOR_KIND("value") " = 'person'"
		" ON CONFLICT (name) DO NOTHING",
	[S_PARTY_ADD] =
		"INSERT INTO party (name) SELECT " AUTHOR_PARTY("value") " FROM json_each(:x_authors)"
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
		" FROM (SELECT key, value, " AUTHOR_KIND("value") " AS k FROM json_each(:x_authors))",
	[S_ADDRESSEE_ADD] =
		"INSERT INTO question_addressee (question_id, position, title, person, raw)"
		" SELECT :id, key, json_extract(value, '$.title'), json_extract(value, '$.person'),"
		"  json_extract(value, '$.raw') FROM json_each(:x_addressees)",
	[S_PART_ADD] =
		"INSERT INTO question_part (question_id, position, number, text)"
		" SELECT :id, key, json_extract(value, '$.number'), json_extract(value, '$.text')"
		" FROM json_each(:x_question, '$.parts')",
	[S_ANSWER_ADD] =
		"INSERT INTO answer (question_id, position, date, kind, by_name, intro, body)"
		" SELECT :id, key, json_extract(value, '$.date'), json_extract(value, '$.kind'),"
		"  json_extract(value, '$.by'), json_extract(value, '$.intro'), json_extract(value, '$.body')"
		" FROM json_each(:x_answers)",
	[S_SECTION_ADD] =
		"INSERT INTO answer_section (answer_id, position, heading, number, text)"
		" SELECT a.id, s.key, json_extract(s.value, '$.heading'), json_extract(s.value, '$.number'),"
		"  json_extract(s.value, '$.text')"
		" FROM json_each(:x_answers) ja CROSS JOIN answer a ON a.question_id = :id AND a.position = ja.key"
		"  CROSS JOIN json_each(ja.value, '$.sections') s",
	/* CROSS JOIN keeps the record's arrays the outer loops: each is parsed once, not
	 * once per matching row of answer or answer_section (same rows, same order). */
	[S_ITEM_ADD] =
		"INSERT INTO answer_item (section_id, position, number, text)"
		" SELECT sec.id, i.key, json_extract(i.value, '$.number'), json_extract(i.value, '$.text')"
		" FROM json_each(:x_answers) ja CROSS JOIN answer a ON a.question_id = :id AND a.position = ja.key"
		"  CROSS JOIN json_each(ja.value, '$.sections') s"
		"  CROSS JOIN answer_section sec ON sec.answer_id = a.id AND sec.position = s.key"
		"  CROSS JOIN json_each(s.value, '$.items') i",
	[S_KEYWORD_ADD] =
		"INSERT INTO keyword (label, scheme, lang)"
		" SELECT json_extract(value, '$.label'), coalesce(json_extract(value, '$.scheme'), ''),"
		"  coalesce(json_extract(value, '$.lang'), '') FROM json_each(:x_keywords)"
		" WHERE true ON CONFLICT (label, scheme, lang) DO NOTHING",
	[S_QKEYWORD_ADD] =
		"INSERT INTO question_keyword (question_id, position, keyword_id)"
		" SELECT :id, j.key, k.id FROM json_each(:x_keywords) j JOIN keyword k"
		"  ON k.label = json_extract(j.value, '$.label')"
		"  AND k.scheme = coalesce(json_extract(j.value, '$.scheme'), '')"
		"  AND k.lang = coalesce(json_extract(j.value, '$.lang'), '')",
	[S_EVENT_ADD] =
		"INSERT INTO event (question_id, position, date, label)"
		" SELECT :id, key, json_extract(value, '$.date'), json_extract(value, '$.label')"
		" FROM json_each(:x_events)",
	[S_RELATED_ADD] =
		"INSERT INTO related (question_id, position, related_id, relation)"
		" SELECT :id, key, json_extract(value, '$.id'), json_extract(value, '$.relation')"
		" FROM json_each(:x_related)",
	[S_ATTACHMENT_ADD] =
		"INSERT INTO attachment (question_id, position, title, url, kind)"
		" SELECT :id, key, json_extract(value, '$.title'), json_extract(value, '$.url'),"
		"  json_extract(value, '$.kind') FROM json_each(:x_attachments)",
	[S_REC_WARN_ADD] =
		"INSERT INTO page_warning (page_id, question_id, message)"
		" SELECT :page, :id, value FROM json_each(:x_warnings) ORDER BY key",
	[S_WARN_ADD] = "INSERT INTO page_warning (page_id, question_id, message) VALUES (:page, :id, :msg)",
	[S_ORG_ADD] =
		"INSERT INTO organisation (kind, name)"
		" SELECT " AUTHOR_KIND("value") ", json_extract(value, '$.name') FROM json_each(:x_authors)"
		" WHERE json_extract(value, '$.name') IS NOT NULL AND " AUTHOR_KIND("value") " <> 'person'"
		" ON CONFLICT (name, kind) DO NOTHING",
	[S_DEL_DOCUMENT] = "DELETE FROM document WHERE question_id = :id",
	[S_DOCUMENT_ADD] =
		"INSERT INTO document (question_id, position, number, kind, date, url, title)"
		" SELECT :id, key, json_extract(value, '$.number'), json_extract(value, '$.kind'),"
		"  json_extract(value, '$.date'), json_extract(value, '$.url'), json_extract(value, '$.title')"
		" FROM json_each(:x_documents)",
	[S_SUMMARY_OF] = "SELECT json_extract(:x_summary, '$')",
	[S_ABODY] = "SELECT json_extract(:a_body, '$')",
	/* S_APIECES over one answer's intro and sections, given apart (answer_text) */
	[S_APIECES_X] =
		"SELECT 0, 0, 0, json_extract(:a_intro, '$')"
		" UNION ALL SELECT 1, s.key, -2, json_extract(s.value, '$.heading')"
		"  FROM json_each(:a_sections) s"
		" UNION ALL SELECT 1, s.key, -1, json_extract(s.value, '$.text')"
		"  FROM json_each(:a_sections) s"
		" UNION ALL SELECT 1, s.key, i.key, json_extract(i.value, '$.text')"
		"  FROM json_each(:a_sections) s, json_each(s.value, '$.items') i"
		" ORDER BY 1, 2, 3",
	/* S_ANSWER_ADD, S_SECTION_ADD and S_ITEM_ADD for the answer :a at position :pos */
	[S_ANSWER_ADD_X] =
		"INSERT INTO answer (question_id, position, date, kind, by_name, intro, body)"
		" SELECT :id, :pos, json_extract(:a, '$.date'), json_extract(:a, '$.kind'),"
		"  json_extract(:a, '$.by'), json_extract(:a, '$.intro'), json_extract(:a, '$.body')",
	[S_SECTION_ADD_X] =
		"INSERT INTO answer_section (answer_id, position, heading, number, text)"
		" SELECT a.id, s.key, json_extract(s.value, '$.heading'), json_extract(s.value, '$.number'),"
		"  json_extract(s.value, '$.text')"
		" FROM answer a CROSS JOIN json_each(:a_sections) s WHERE a.question_id = :id AND a.position = :pos",
	[S_ITEM_ADD_X] =
		"INSERT INTO answer_item (section_id, position, number, text)"
		" SELECT sec.id, i.key, json_extract(i.value, '$.number'), json_extract(i.value, '$.text')"
		" FROM json_each(:a_sections) s"
		"  CROSS JOIN answer_section sec ON sec.answer_id = (SELECT id FROM answer WHERE question_id = :id"
		"   AND position = :pos) AND sec.position = s.key"
		"  CROSS JOIN json_each(s.value, '$.items') i",
	/* the rows of S_ANSWER_ADD_X, S_SECTION_ADD_X and S_ITEM_ADD_X, one at a time
	 * (answer_row, answer_rows) */
	[S_ANSWER_ID] = "SELECT id FROM answer WHERE question_id = ?1 AND position = ?2",
	[S_ANSWER_ROW] =
		"INSERT INTO answer (question_id, position, date, kind, by_name, intro, body)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
	[S_SECTION_ROW] =
		"INSERT INTO answer_section (answer_id, position, heading, number, text) VALUES (?1, ?2, ?3, ?4, ?5)",
	[S_ITEM_ROW] = "INSERT INTO answer_item (section_id, position, number, text) VALUES (?1, ?2, ?3, ?4)",
	[S_SOURCES] = "SELECT count(*) FROM question_source_row WHERE question_id = :id",
	/* S_KW_ALL when the question has one translation, whose record is :r. */
	[S_KW_ONE] =
		"SELECT json_object('keywords', json_group_array(json(v))) FROM ("
		" SELECT v FROM (SELECT j.value AS v, j.key AS o3,"
		"  row_number() OVER (PARTITION BY json_extract(j.value, '$.label'),"
		"   coalesce(json_extract(j.value, '$.scheme'), ''), coalesce(json_extract(j.value, '$.lang'), '')"
		"   ORDER BY j.key) AS n"
		"  FROM json_each(:x_keywords) j)"
		" WHERE n = 1 ORDER BY o3)",
	/* the sources of the question other than :kind/:src (none: the record may follow) */
	[S_SRC_OTHERS] =
		"SELECT count(*) FROM question_source_row WHERE question_id = :id"
		" AND NOT (kind = :kind AND source = :src)",
	/* before the question's record changes under a source that follows it: the record
	 * back into the source's row (the question row still has it) */
	[S_SRC_UNFOLLOW] =
		"UPDATE question_source_row AS s SET follows = 0, record = " SRC_RECORD("s", "q") ","
		" splice_at = NULL, splice = NULL FROM question q"
		" WHERE q.id = :id AND s.question_id = :id AND s.follows = 1",
	/* after it: the question's only source, when it does not follow (refollow) */
	[S_SRC_ALONE] =
		"SELECT record FROM question_source_row WHERE question_id = :id AND follows = 0"
		" AND (SELECT count(*) FROM question_source_row x WHERE x.question_id = :id) = 1",
	[S_SRC_FOLLOW] =
		"UPDATE question_source_row SET follows = 1, record = NULL,"
		" splice_at = iif(:splice IS NULL, NULL, :spat), splice = :splice"
		" WHERE question_id = :id AND follows = 0",
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

enum { R_Q_EXISTS, R_CHECK_GET, R_CHECK_PUT, R_COUNT };

struct pqx_store {
	sqlite3 *db;
	sqlite3_stmt *stmt[S_COUNT];
	char clock[64];   /* fixed timestamp, or "" for the real clock */
	/* long runs (the end of this file) */
	sqlite3_stmt *rstmt[R_COUNT];
	pqx_store_counts last, pending;  /* of the last stored page; of the page being stored */
	pqx_buf keys;                    /* [id, kind, source] of the page's records, JSON */
	char *check_script, *check_sha, *check_pqx, *check_options;  /* page_check is on */
	const char *page_stats;          /* for the next page's page_check row */
	/* group commit: the open transaction, if any, and the pages it holds */
	double window;    /* seconds a transaction may stay open; 0 = commit every page */
	int in_tx;
	double tx_started;/* monotonic seconds */
	long tx_pages;
	struct prof *prof;  /* PQX_STORE_PROFILE: per-statement figures */
	int verify;         /* PQX_STORE_VERIFY: the one-source rebuild checked against SQL */
	int rows_walked;    /* answers_insert: this record's sections and items made in C */
	int sql_only;       /* PQX_STORE_SQL: no C shortcut (merge_one, answer_text_x, answers_insert) */
};

static int note_record(pqx_store *st, const char *id, const char *kind, const char *src, int outcome);
static int check_put(pqx_store *st, int64_t run, int64_t page, const pqx_page_info *pi);
enum { OUT_UNCHANGED, OUT_CHANGED, OUT_NEW_SOURCE };

/* ---------- JSON validity, as SQLite's json_valid ----------
 * A page's records were checked with json_valid(:j) and json_type(:j) in SQL, which
 * parsed the whole array twice more (SQLite's parser costs about 15 instructions a
 * byte, this one about 5). pqx_json_check accepts what the json_valid of SQLite 3.40
 * accepts: RFC 8259 JSON, white space only space, tab, LF and CR, strings without
 * control characters with the escapes \" \\ \/ \b \f \n \r \t and \u and four hex
 * digits (a lone surrogate is not checked, nor is UTF-8), numbers without leading
 * zeros, nesting at most 2000 deep. One difference, on purpose: a NUL byte is never
 * valid (SQLite stops reading the text there). tests/c/test_store.c holds the two
 * equal on generated texts. */
#define JSON_CHECK_DEPTH 2000

/* JSON white space: space, tab, LF, CR (also used by the record scanner below) */
static const char *js_ws(const char *p, const char *e)
{
	while (p < e && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
		p++;
	return p;
}

/* The value at [v, v+n) is JSON null (a span the record scanner found). */
static int js_null(const char *v, int n)
{
	return n == 4 && memcmp(v, "null", 4) == 0;
}

static int jc_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* The end of the scalar at p (string, number or literal), or NULL when it is not one. */
static const char *jc_scalar(const char *p, const char *e)
{
	if (*p == '"') {
		/* bytes that end a plain run in a string: '"', '\\' and the control characters */
		static const unsigned char stop[256] = {[0 ... 0x1f] = 1, ['"'] = 1, ['\\'] = 1};
		for (p++; p < e; p++) {
			while (p < e && !stop[(unsigned char)*p])
				p++;
			if (p >= e)
				break;
			unsigned char c = (unsigned char)*p;
			if (c == '"')
				return p + 1;
			if (c < 0x20)
				return NULL;
			if (c == '\\') {
				if (++p >= e)
					return NULL;
				c = (unsigned char)*p;
				if (c == 'u') {
					if (e - p < 5 || !jc_hex(p[1]) || !jc_hex(p[2]) || !jc_hex(p[3]) || !jc_hex(p[4]))
						return NULL;
					p += 4;
				} else if (!strchr("\"\\/bfnrt", c) || c == 0) {
					return NULL;
				}
			}
		}
		return NULL;
	}
	if (*p == '-' || (*p >= '0' && *p <= '9')) {
		const char *q = p + (*p == '-');
		if (q >= e || *q < '0' || *q > '9')
			return NULL;
		if (*q == '0')
			q++;
		else
			while (q < e && *q >= '0' && *q <= '9')
				q++;
		if (q < e && *q == '.') {
			const char *d = ++q;
			while (q < e && *q >= '0' && *q <= '9')
				q++;
			if (q == d)
				return NULL;
		}
		if (q < e && (*q == 'e' || *q == 'E')) {
			q++;
			if (q < e && (*q == '+' || *q == '-'))
				q++;
			const char *d = q;
			while (q < e && *q >= '0' && *q <= '9')
				q++;
			if (q == d)
				return NULL;
		}
		return q;
	}
	static const char *const lits[] = {"true", "false", "null"};
	for (int i = 0; i < 3; i++) {
		size_t n = strlen(lits[i]);
		if ((size_t)(e - p) >= n && memcmp(p, lits[i], n) == 0)
			return p + n;
	}
	return NULL;
}

int pqx_json_check(const char *s, size_t len)
{
	const char *p = js_ws(s, s + len), *e = s + len;
	if (p >= e)
		return 0;
	int top = *p == '{' || *p == '[' ? *p : *p == '"' ? '"' : *p == 't' || *p == 'f' ? 't' :
	          *p == 'n' ? 'n' : '0';
	/* the open containers, innermost last: '{' or '[' */
	char stack[JSON_CHECK_DEPTH];
	int depth = 0;
	for (;;) {
		/* a value at p */
		if (p >= e)
			return 0;
		if (*p == '{' || *p == '[') {
			if (depth == JSON_CHECK_DEPTH)
				return 0;
			stack[depth++] = *p;
			p = js_ws(p + 1, e);
			if (p < e && *p == (stack[depth - 1] == '{' ? '}' : ']')) {
				depth--;
				p++;
				goto after_value;
			}
			if (stack[depth - 1] == '{')
				goto key;
			continue;
		}
		p = jc_scalar(p, e);
		if (!p)
			return 0;
	after_value:
		p = js_ws(p, e);
		if (depth == 0)
			return p == e ? top : 0;
		if (p < e && *p == ',') {
			p = js_ws(p + 1, e);
			if (stack[depth - 1] == '[')
				continue;
		key:
			if (p >= e || *p != '"' || !(p = jc_scalar(p, e)))
				return 0;
			p = js_ws(p, e);
			if (p >= e || *p != ':')
				return 0;
			p = js_ws(p + 1, e);
			continue;
		}
		if (p < e && *p == (stack[depth - 1] == '{' ? '}' : ']')) {
			depth--;
			p++;
			goto after_value;
		}
		return 0;
	}
}

/* ---------- a record's top-level values, found without parsing it ----------
 * SQLite 3.40 has no binary JSON: json_extract(:r, '$.authors') parses the whole record
 * (tens of KB of question and answer text) on every call. Instead the record's text is
 * scanned once here for where each top-level value starts and ends, and a statement is
 * given just that text (:x_authors). SQLite's path lookup takes the first member with
 * the key, compared as written (escapes not decoded), and so does rview_scan; a missing
 * member binds NULL, which every JSON function treats as the path not found. The text
 * scanned is valid JSON (SQLite checked it or wrote it), so the scanner only skips. */
enum {
	X_SCHEMA, X_ID, X_LANG, X_PAGE_LANG, X_SOURCE, X_DATES, X_EVENTS, X_ANSWERS, X_DOCUMENTS,
	X_WARNINGS, X_QUESTION, X_AUTHORS, X_ADDRESSEES, X_KEYWORDS, X_RELATED, X_ATTACHMENTS,
	X_EXTRA, X_TITLE, X_SUMMARY, X_PARLIAMENT, X_TERM, X_NUMBER, X_TYPE, X_STATUS, X_SOURCE_URL,
	X_COUNT
};
static const char *const x_names[X_COUNT] = {
	"schema", "id", "lang", "page_lang", "source", "dates", "events", "answers", "documents",
	"warnings", "question", "authors", "addressees", "keywords", "related", "attachments",
	"extra", "title", "summary", "parliament", "term", "number", "type", "status", "source_url",
};
/* KNOWN_FIELDS, one by one */
static const char *const known_fields[] = {
	"schema", "id", "parliament", "term", "number", "type", "lang", "page_lang", "title",
	"authors", "addressees", "dates", "question", "answers", "keywords", "events", "related",
	"attachments", "status", "source_url", "extra", "warnings", "source", "documents", "summary",
};

typedef struct rview {
	const char *text;         /* the record the spans point into */
	const char *v[X_COUNT];   /* start of each value, NULL when the key is absent */
	int n[X_COUNT];
	int unknown;              /* a key that may not be in KNOWN_FIELDS: :x_unknown is the record */
	int ok;                   /* the text is an object the scanner could read */
} rview;

/* The end of the value starting at p. */
static const char *js_skip(const char *p, const char *e)
{
	if (p >= e)
		return e;
	if (*p == '"') {
		/* the next quote not escaped: an odd run of backslashes before it escapes it */
		for (const char *q = p + 1; q < e;) {
			const char *c = memchr(q, '"', (size_t)(e - q));
			if (!c)
				return e;
			const char *b = c;
			while (b > p + 1 && b[-1] == '\\')
				b--;
			if ((c - b) % 2 == 0)
				return c + 1;
			q = c + 1;
		}
		return e;
	}
	if (*p == '{' || *p == '[') {
		int depth = 0;
		while (p < e) {
			if (*p == '"') {
				p = js_skip(p, e);
				continue;
			}
			if (*p == '{' || *p == '[')
				depth++;
			else if ((*p == '}' || *p == ']') && --depth == 0)
				return p + 1;
			p++;
		}
		return e;
	}
	while (p < e && *p != ',' && *p != '}' && *p != ']' && *p != ' ' && *p != '\t' && *p != '\n' &&
	       *p != '\r')
		p++;
	return p;
}

static void rview_scan(rview *rv, const char *text, size_t len)
{
	memset(rv, 0, sizeof *rv);
	rv->text = text;
	if (!text)
		return;
	const char *p = js_ws(text, text + len), *e = text + len;
	if (p >= e || *p != '{')
		return;
	p = js_ws(p + 1, e);
	if (p < e && *p == '}') {
		rv->ok = 1;
		return;
	}
	while (p < e && *p == '"') {
		const char *k = p + 1, *ke = js_skip(p, e) - 1;
		size_t kn = (size_t)(ke - k);
		p = js_ws(ke + 1, e);
		if (p >= e || *p != ':')
			return;
		const char *v = js_ws(p + 1, e), *ve = js_skip(v, e);
		int known = 0;
		if (!memchr(k, '\\', kn)) {
			for (size_t i = 0; i < sizeof known_fields / sizeof known_fields[0] && !known; i++)
				known = strlen(known_fields[i]) == kn && memcmp(known_fields[i], k, kn) == 0;
			for (int i = 0; i < X_COUNT; i++)
				if (!rv->v[i] && strlen(x_names[i]) == kn && memcmp(x_names[i], k, kn) == 0) {
					rv->v[i] = v;
					rv->n[i] = (int)(ve - v);
				}
		}
		if (!known)
			rv->unknown = 1;
		p = js_ws(ve, e);
		if (p < e && *p == ',') {
			p = js_ws(p + 1, e);
			continue;
		}
		if (p < e && *p == '}')
			rv->ok = 1;
		return;
	}
}

/* The values a statement may name. bind() looks each parameter up here, so one
 * statement can use any subset and a misspelt name fails loudly instead of binding NULL. */
typedef struct bindings {
	const char *now, *r, *a, *j, *w, *id, *sha, *qtext, *atext, *extra, *msg;
	const char *path, *enc, *encsrc, *status, *error, *name, *version, *pqx, *options;
	const char *kind, *src, *view, *lang, *asof, *orig, *lead, *kw, *tr, *ldonly;
	const char *follows;   /* non-NULL: the translation is the question's merge (S_TRANSLATION_ADD) */
	const char *sfollows;  /* non-NULL: the source's record is the question's (S_SRC_UPSERT) */
	const char *splice;    /* with sfollows: the piece the question's record lacks, at :spat */
	const char *url, *fetched, *archive;
	int64_t page, run, bytes, ok, failed, pos;
	int64_t roff, rinner;  /* record offsets; < 0 binds NULL */
	int64_t spat;          /* where splice goes, in characters */
	const rview *rv;       /* the top-level values of r, for :x_ parameters */
	const pqx_buf *one_merged; /* store_record: r is the question's only source, merged (merge_one) */
	const char *a_body, *a_intro, *a_sections;  /* members of one answer (answer_text) */
	int a_body_n, a_intro_n, a_sections_n;
	int a_n;               /* length of a when > 0 (a span, not NUL-terminated) */
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

/* SQLITE_STATIC: every value bound lives until the statement is reset (stmt() resets
 * and binds again before each use), so the text of a record is not copied per statement. */
static int bind_text(sqlite3_stmt *s, int i, const char *v)
{
	return v ? sqlite3_bind_text(s, i, v, -1, SQLITE_STATIC) : sqlite3_bind_null(s, i);
}

/* :x_NAME is the text of the top-level value NAME of b->r (NULL when absent);
 * :x_unknown the whole record when it may have a key pqx.question/1 lacks, else NULL. */
static int bind_x(sqlite3_stmt *s, int i, const char *name, const bindings *b)
{
	const rview *rv = b->rv;
	if (!rv || !rv->ok || rv->text != b->r)
		return SQLITE_MISUSE; /* a statement ran with a record but not its view */
	if (strcmp(name, "unknown") == 0)
		return rv->unknown ? sqlite3_bind_text(s, i, rv->text, -1, SQLITE_STATIC) : sqlite3_bind_null(s, i);
	for (int k = 0; k < X_COUNT; k++)
		if (strcmp(name, x_names[k]) == 0)
			return rv->v[k] ? sqlite3_bind_text(s, i, rv->v[k], rv->n[k], SQLITE_STATIC)
			                : sqlite3_bind_null(s, i);
	return SQLITE_MISUSE;
}

#define TEXT_PARAM(nm) {":" #nm, offsetof(bindings, nm)}
static const struct { const char *name; size_t off; } text_params[] = {
	TEXT_PARAM(now), TEXT_PARAM(r), TEXT_PARAM(a), TEXT_PARAM(j), TEXT_PARAM(w),
	TEXT_PARAM(id), TEXT_PARAM(sha), TEXT_PARAM(qtext), TEXT_PARAM(atext), TEXT_PARAM(extra),
	TEXT_PARAM(msg), TEXT_PARAM(path), TEXT_PARAM(enc), TEXT_PARAM(encsrc), TEXT_PARAM(status),
	TEXT_PARAM(error), TEXT_PARAM(name), TEXT_PARAM(version), TEXT_PARAM(pqx), TEXT_PARAM(options),
	TEXT_PARAM(kind), TEXT_PARAM(src), TEXT_PARAM(view), TEXT_PARAM(lang), TEXT_PARAM(asof),
	TEXT_PARAM(orig), TEXT_PARAM(lead), TEXT_PARAM(kw), TEXT_PARAM(tr), TEXT_PARAM(ldonly), TEXT_PARAM(follows),
	TEXT_PARAM(sfollows), TEXT_PARAM(splice),
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
		if (strcmp(p, ":a") == 0 && b->a && b->a_n > 0) {
			if ((rc = sqlite3_bind_text(s, i, b->a, b->a_n, SQLITE_STATIC)) != SQLITE_OK)
				return rc;
			continue;
		}
		if (strncmp(p, ":a_", 3) == 0) {
			const char *v = strcmp(p, ":a_body") == 0 ? b->a_body : strcmp(p, ":a_intro") == 0 ? b->a_intro
				: strcmp(p, ":a_sections") == 0 ? b->a_sections : NULL;
			int vn = strcmp(p, ":a_body") == 0 ? b->a_body_n : strcmp(p, ":a_intro") == 0 ? b->a_intro_n
				: b->a_sections_n;
			rc = v ? sqlite3_bind_text(s, i, v, vn, SQLITE_STATIC) : sqlite3_bind_null(s, i);
			if (rc != SQLITE_OK)
				return rc;
			continue;
		}
		if (strncmp(p, ":x_", 3) == 0) {
			if ((rc = bind_x(s, i, p + 3, b)) != SQLITE_OK)
				return rc;
			continue;
		}
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
		else if (strcmp(p, ":spat") == 0)
			rc = sqlite3_bind_int64(s, i, b->spat);
		if (rc != SQLITE_OK)
			return rc;
	}
	return SQLITE_OK;
}

/* Returns the statement (prepared once) reset and without bindings, or NULL (message
 * in the connection). */
static sqlite3_stmt *plain_stmt(pqx_store *st, int which)
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
	return s;
}

/* Returns the statement reset and bound, or NULL (message in the connection). */
static sqlite3_stmt *stmt(pqx_store *st, int which, const bindings *b)
{
	sqlite3_stmt *s = plain_stmt(st, which);
	if (!s || bind(s, b) != SQLITE_OK)
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

/* ---------- group commit ---------- */

static double mono(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void pqx_store_set_commit_window(pqx_store *st, double seconds)
{
	st->window = seconds > 0 ? seconds : 0;
}

/* in_page: the commit is the one of the page just stored (its message names it) */
static int commit_tx(pqx_store *st, int in_page, char *err, size_t errlen)
{
	if (!st->in_tx)
		return 0;
	long pages = st->tx_pages, before = pages - (in_page ? 1 : 0);
	st->in_tx = 0;
	st->tx_pages = 0;
	char *msg = NULL;
	if (sqlite3_exec(st->db, "COMMIT", NULL, NULL, &msg) != SQLITE_OK) {
		const char *why = msg ? msg : sqlite3_errmsg(st->db);
		if (in_page && before > 0)
			set_err(err, errlen, "cannot commit the page: %s (nor the %ld page%s stored before it"
			        " since the last commit: %s not in the database either)", why, before,
			        before == 1 ? "" : "s", before == 1 ? "it is" : "they are");
		else if (in_page)
			set_err(err, errlen, "cannot commit the page: %s", why);
		else
			set_err(err, errlen, "cannot commit the last %ld page%s stored (%s not in the"
			        " database): %s", pages, pages == 1 ? "" : "s", pages == 1 ? "it is" : "they are", why);
		sqlite3_free(msg);
		if (!sqlite3_get_autocommit(st->db))
			sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
		st->window = 0; /* from now on each page alone: what fits is kept (full disk) */
		return -1;
	}
	return 0;
}

int pqx_store_commit(pqx_store *st, char *err, size_t errlen)
{
	return commit_tx(st, 0, err, errlen);
}

double pqx_store_commit_due(pqx_store *st)
{
	if (!st->in_tx)
		return -1;
	double left = st->tx_started + st->window - mono();
	return left > 0 ? left : 0;
}


/* ---------- statement profile (debugging) ----------
 * PQX_STORE_PROFILE=1 in the environment: each statement's run time (SQLite's
 * SQLITE_TRACE_PROFILE, wall nanoseconds from first step to reset, so a statement left
 * open while others run includes them) and VM steps are summed per statement and
 * printed to stderr when the store closes, largest first. Never on by default. */
typedef struct prof_row {
	const char *sql;   /* the statement's text (SQLite's copy; owned here) */
	int which;         /* index in stmt_sql, or -1 */
	long calls;
	double ns;
	long long steps;
} prof_row;

typedef struct prof {
	prof_row *rows;
	size_t n, cap;
	pqx_store *st;
} prof;

static int prof_cb(unsigned type, void *ctx, void *p, void *x)
{
	prof *pf = ctx;
	if (type != SQLITE_TRACE_PROFILE)
		return 0;
	sqlite3_stmt *s = p;
	const char *sql = sqlite3_sql(s);
	if (!sql)
		return 0;
	size_t i;
	for (i = 0; i < pf->n; i++)
		if (strcmp(pf->rows[i].sql, sql) == 0)
			break;
	if (i == pf->n) {
		if (pf->n == pf->cap) {
			size_t cap = pf->cap ? pf->cap * 2 : 64;
			prof_row *r = realloc(pf->rows, cap * sizeof *r);
			if (!r)
				return 0;
			pf->rows = r;
			pf->cap = cap;
		}
		char *copy = strdup(sql);
		if (!copy)
			return 0;
		pf->rows[i] = (prof_row){copy, -1, 0, 0, 0};
		for (int k = 0; k < S_COUNT; k++)
			if (pf->st->stmt[k] == s)
				pf->rows[i].which = k;
		pf->n++;
	}
	pf->rows[i].calls++;
	pf->rows[i].ns += (double)*(sqlite3_int64 *)x;
	pf->rows[i].steps += sqlite3_stmt_status(s, SQLITE_STMTSTATUS_VM_STEP, 1);
	return 0;
}

static int prof_cmp(const void *a, const void *b)
{
	double x = ((const prof_row *)a)->ns, y = ((const prof_row *)b)->ns;
	return x < y ? 1 : x > y ? -1 : 0;
}

static void prof_print(prof *pf)
{
	if (!pf)
		return;
	qsort(pf->rows, pf->n, sizeof *pf->rows, prof_cmp);
	double total = 0;
	for (size_t i = 0; i < pf->n; i++)
		total += pf->rows[i].ns;
	fprintf(stderr, "pqx store profile: %.1f ms in statements\n", total / 1e6);
	fprintf(stderr, "%9s %6s %8s %10s  %s\n", "ms", "share", "calls", "vm steps", "statement");
	for (size_t i = 0; i < pf->n; i++) {
		const prof_row *r = &pf->rows[i];
		fprintf(stderr, "%9.1f %5.1f%% %8ld %10lld  [%d] %.90s\n", r->ns / 1e6,
		        total > 0 ? 100 * r->ns / total : 0, r->calls, r->steps, r->which, r->sql);
		free((char *)r->sql);
	}
	free(pf->rows);
	free(pf);
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

/* Step 6 (see migration6): inside the migration's transaction, each of the three
 * definitions loses exactly the text "CHECK (json_valid(record))" of its record column;
 * then the schema cookie goes up by one, so that every connection (this one too) reads
 * the definitions again. Any other definition than the one pqx wrote fails the step. */
static int migrate6_checks(pqx_store *st, char *err, size_t errlen)
{
	static const char *const tables[] = {"question", "question_source", "question_translation"};
	sqlite3 *db = st->db;
	sqlite3_stmt *q = NULL;
	int cookie = -1, was = 0, rc = -1;
	if (sqlite3_prepare_v2(db, "PRAGMA schema_version", -1, &q, NULL) == SQLITE_OK &&
	    sqlite3_step(q) == SQLITE_ROW)
		cookie = sqlite3_column_int(q, 0);
	sqlite3_finalize(q);
	q = NULL;
	if (cookie < 0) {
		set_err(err, errlen, "cannot read the schema cookie: %s", sqlite3_errmsg(db));
		return -1;
	}
	if (sqlite3_db_config(db, SQLITE_DBCONFIG_WRITABLE_SCHEMA, -1, &was) != SQLITE_OK ||
	    sqlite3_db_config(db, SQLITE_DBCONFIG_WRITABLE_SCHEMA, 1, NULL) != SQLITE_OK) {
		set_err(err, errlen, "cannot edit the table definitions: %s", sqlite3_errmsg(db));
		return -1;
	}
	if (sqlite3_prepare_v2(db,
	                       "UPDATE sqlite_schema SET sql = replace(sql, ' CHECK (json_valid(record))', '')"
	                       " WHERE type = 'table' AND name = ?1"
	                       " AND instr(sql, 'record TEXT NOT NULL CHECK (json_valid(record)),') > 0",
	                       -1, &q, NULL) != SQLITE_OK) {
		set_err(err, errlen, "%s", sqlite3_errmsg(db));
		goto out;
	}
	for (size_t i = 0; i < sizeof tables / sizeof tables[0]; i++) {
		sqlite3_bind_text(q, 1, tables[i], -1, SQLITE_STATIC);
		int step = sqlite3_step(q);
		sqlite3_reset(q);
		if (step != SQLITE_DONE) {
			set_err(err, errlen, "table %s: %s", tables[i], sqlite3_errmsg(db));
			goto out;
		}
		if (sqlite3_changes(db) != 1) {
			set_err(err, errlen, "table %s has no column \"record TEXT NOT NULL CHECK "
			        "(json_valid(record))\" as pqx created it", tables[i]);
			goto out;
		}
	}
	char pragma[64];
	snprintf(pragma, sizeof pragma, "PRAGMA schema_version = %d", cookie + 1);
	if (exec_sql(db, pragma, err, errlen, "raising the schema cookie") != 0)
		goto out;
	rc = 0;
out:
	sqlite3_finalize(q);
	sqlite3_db_config(db, SQLITE_DBCONFIG_WRITABLE_SCHEMA, was, NULL);
	return rc;
}

/* A developer's switch in the environment (PQX_STORE_*): on when set, non-empty and not "0" */
static int env_flag(const char *name)
{
	const char *v = getenv(name);
	return v && *v && strcmp(v, "0") != 0;
}

/* A new file (version 0 and no schema object at all) gets the newest schema at once:
 * schema_new.h holds, in creation order, the definitions that the chain of migrations
 * leaves in such a file (generated from one by tools/gen_schema.py, `make schema`).
 * Running the seven steps of version 7 cost a new file about 6 ms of CPU; test_new_schema in
 * tests/c/test_store.c holds the two schemas equal, object for object and in order.
 * PQX_STORE_MIGRATE_ALL=1 in the environment makes a new file take the chain instead
 * (for that test and the generator). Returns 1 when the schema was created, 0 when the
 * file is not new or the chain was asked for, -1 on error (err set). */
static int new_file_schema(pqx_store *st, char *err, size_t errlen)
{
#ifdef PQX_SCHEMA_BOOTSTRAP
	/* every new file takes the chain; the code below stays compiled (a bare return
	 * would leave schema_new unused, which -Werror refuses) */
	(void)err;
	(void)errlen;
	if (st)
		return 0;
#endif
	if (env_flag("PQX_STORE_MIGRATE_ALL"))
		return 0;
	sqlite3_stmt *q;
	int objects = -1;
	if (sqlite3_prepare_v2(st->db, "SELECT count(*) FROM sqlite_schema", -1, &q, NULL) == SQLITE_OK &&
	    sqlite3_step(q) == SQLITE_ROW)
		objects = sqlite3_column_int(q, 0);
	sqlite3_finalize(q);
	if (objects < 0) {
		set_err(err, errlen, "cannot read the schema: %s", sqlite3_errmsg(st->db));
		return -1;
	}
	if (objects > 0)
		return 0;
	return exec_sql(st->db, schema_new, err, errlen, "creating the schema") == 0 ? 1 : -1;
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
	int made = from == 0 ? new_file_schema(st, err, errlen) : 0;
	if (made < 0)
		goto fail;
	/* a new file that got the newest schema takes no step, only the version and the
	 * COMMIT below, whose messages then say "creating the schema" (each step renames) */
	int first = made ? NMIGRATIONS : from;
	snprintf(what, sizeof what, "creating the schema");
	int last_rebuild = -1;
	for (int i = first; i < NMIGRATIONS; i++)
		if (migrations[i].then == migrate_rebuild)
			last_rebuild = i;
	/* The one rebuild and the part of its step that follows it run after every other
	 * step's SQL: the rebuild stores with this pqx's statements, which need the newest
	 * tables (version 7's translation rows, say), and no later step depends on it. */
	for (int i = first; i <= NMIGRATIONS; i++) {
		int k = i < NMIGRATIONS ? i : last_rebuild;
		if (k < 0)
			break;
		const struct migration *m = &migrations[k];
		snprintf(what, sizeof what, "schema migration to version %d", k + 1);
		if (i < NMIGRATIONS && exec_sql(st->db, m->sql, err, errlen, what) != 0)
			goto fail;
		if (i < NMIGRATIONS && k == last_rebuild)
			continue;
		if (m->then && (m->then != migrate_rebuild || k == last_rebuild)) {
			msg[0] = '\0';
			if (m->then(st, msg, sizeof msg) != 0) {
				set_err(err, errlen, "%s: %s", what, msg);
				goto fail;
			}
		}
		if (m->sql_after && exec_sql(st->db, m->sql_after, err, errlen, what) != 0)
			goto fail;
	}
	if (fk_off && first < NMIGRATIONS) {
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

/* Each page is a savepoint, and SQLite keeps the original of every database page the
 * savepoint changes in a statement journal, which it writes to a temporary file past
 * 64 KiB. A Senate page changes some 370 KB of pages that already exist (b-tree and FTS
 * pages), so the default put as many bytes in temporary files as in the WAL. The journal
 * now always stays in memory (-1), in SQLite's small blocks, freed when the page ends;
 * it holds the pages one stored page changes, so its size follows the page, not the
 * database. A positive threshold is not safe with this SQLite (3.40): it makes the
 * in-memory journal one block of that size, and when a journal outgrows it and is moved
 * to a file, the page fails with "database or disk is full" (every page did with 256
 * KiB; at 4 MiB a page changing more than that would have; tests/cli/test_db.sh stores
 * such a page). A block of 4 MiB was also mapped and unmapped three times a page.
 * sqlite3_config only takes effect before SQLite is initialised (the first open). */
#define STMT_SPILL (-1)

static void store_config(void)
{
	static int done;
	if (!done) {
		done = 1;
		/* SQLITE_MISUSE when already initialised (a test that opened a database first):
		 * then the journal spills at the default size, which is slower, not less safe */
		(void)sqlite3_config(SQLITE_CONFIG_STMTJRNL_SPILL, STMT_SPILL);
	}
}

pqx_store *pqx_store_open(const char *path, char *err, size_t errlen)
{
	store_config();
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
	st->verify = env_flag("PQX_STORE_VERIFY");
	st->sql_only = env_flag("PQX_STORE_SQL");
	if (env_flag("PQX_STORE_PROFILE") && (st->prof = calloc(1, sizeof *st->prof)) != NULL) {
		st->prof->st = st;
		sqlite3_trace_v2(st->db, SQLITE_TRACE_PROFILE, prof_cb, st->prof);
	}
	/* Another pqx (or a Datasette reader) may hold the lock briefly; wait, not fail. */
	sqlite3_busy_timeout(st->db, 5000);
	/* A database pqx must not touch (a newer or foreign schema version) is refused
	 * before anything is written to it, even the switch to WAL below: migrate() finds
	 * it without writing and says why. */
	int v;
	if (read_version(st, &v) == 0 && (v < 0 || v > NMIGRATIONS)) {
		migrate(st, err, errlen);
		pqx_store_close(st);
		return NULL;
	}
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
	/* callers commit first to hear about a failure; this only keeps what is whole */
	pqx_store_commit(st, NULL, 0);
	for (int i = 0; i < S_COUNT; i++)
		sqlite3_finalize(st->stmt[i]);
	for (int i = 0; i < R_COUNT; i++)
		sqlite3_finalize(st->rstmt[i]);
	pqx_buf_free(&st->keys);
	free(st->check_script);
	free(st->check_sha);
	free(st->check_pqx);
	free(st->check_options);
	sqlite3_close(st->db);
	prof_print(st->prof);
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
	if (pqx_store_commit(st, err, errlen) != 0)
		return -1;
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

/* ---------- the merge of a question with one source ----------
 * Most questions have one page: S_MERGE would then copy that source's record with
 * SQLite's rules, parsing the record several times. merge_one writes the same text in
 * C, for records whose every value it can copy as written: the record is SQLite's own
 * minified text (a json_each value), so an object, an array, true, false and a string
 * without a backslash are the text json_group_object writes for them. Anything else (an
 * escape, a number that is not a plain integer, a repeated key, whitespace) returns 1
 * and the caller runs S_MERGE. PQX_STORE_VERIFY=1 runs both and fails on a difference. */
typedef struct mpart {
	const char *k, *v;
	int kn, vn;
	int nest;  /* v is a dates/extra object: its members are merged one by one */
} mpart;

static int mpart_cmp(const void *a, const void *b)
{
	const mpart *x = a, *y = b;
	int n = x->kn < y->kn ? x->kn : y->kn, c = memcmp(x->k, y->k, (size_t)n);
	return c ? c : (x->kn > y->kn) - (x->kn < y->kn);
}

/* 1 when v (n bytes) is written by SQLite exactly as it stands. */
static int verbatim(const char *v, int n)
{
	if (n <= 0)
		return 0;
	if (*v == '"')
		return !memchr(v, '\\', (size_t)n);
	if (*v == '{' || *v == '[') {
		/* minified: no whitespace outside strings, no escapes that json() could change */
		for (const char *p = v, *e = v + n; p < e; p++) {
			if (*p == '"') {
				p = js_skip(p, e) - 1;
				continue;
			}
			if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
				return 0;
		}
		return 1;
	}
	if ((n == 4 && memcmp(v, "true", 4) == 0) || (n == 5 && memcmp(v, "false", 5) == 0))
		return 1;
	/* integers SQLite reads into an int64 and prints back the same */
	const char *p = v, *e = v + n;
	if (*p == '-')
		p++;
	if (p == e || e - p > 18 || (*p == '0' && (e - p > 1 || v[0] == '-')))
		return 0;
	for (; p < e; p++)
		if (*p < '0' || *p > '9')
			return 0;
	return 1;
}

/* The members of the object at [p, e) into parts (at most max); -1 when the object
 * cannot be read or a key has an escape. */
static int members(const char *p, const char *e, mpart *parts, int max)
{
	int n = 0;
	p = js_ws(p, e);
	if (p >= e || *p != '{')
		return -1;
	p = js_ws(p + 1, e);
	if (p < e && *p == '}')
		return 0;
	while (p < e && *p == '"') {
		const char *k = p + 1, *ke = js_skip(p, e) - 1;
		if (memchr(k, '\\', (size_t)(ke - k)) || n == max)
			return -1;
		p = js_ws(ke + 1, e);
		if (p >= e || *p != ':')
			return -1;
		const char *v = js_ws(p + 1, e), *ve = js_skip(v, e);
		parts[n++] = (mpart){k, v, (int)(ke - k), (int)(ve - v), 0};
		p = js_ws(ve, e);
		if (p < e && *p == ',') {
			p = js_ws(p + 1, e);
			continue;
		}
		return p < e && *p == '}' ? n : -1;
	}
	return -1;
}

static int is_key(const mpart *m, const char *name)
{
	return (size_t)m->kn == strlen(name) && memcmp(m->k, name, (size_t)m->kn) == 0;
}

static int is_known(const mpart *m)
{
	for (size_t i = 0; i < sizeof known_fields / sizeof known_fields[0]; i++)
		if (is_key(m, known_fields[i]))
			return 1;
	return 0;
}

#define MERGE_MAX 256

/* S_MERGE of a question whose only source holds record rec (lang = lead): 0 and the
 * text in out, or 1 when the caller must ask SQLite. */
static int merge_one(const char *rec, size_t len, const char *lead, pqx_buf *out)
{
	mpart top[MERGE_MAX + 2], sub[MERGE_MAX];
	int n = members(rec, rec + len, top, MERGE_MAX), m = 0;
	if (n < 0)
		return 1;
	mpart warnv, *warn = NULL;
	for (int i = 0; i < n; i++) {
		mpart t = top[i];
		if (is_key(&t, "warnings")) {
			warnv = t;
			warn = &warnv;
			continue;
		}
		if (is_key(&t, "source") || is_key(&t, "page_lang"))
			continue;
		if (js_null(t.v, t.vn)) {
			if (is_known(&t))
				continue;
		} else if ((is_key(&t, "dates") || is_key(&t, "extra")) && *t.v == '{') {
			t.nest = 1;
		} else if (!verbatim(t.v, t.vn)) {
			return 1;
		}
		top[m++] = t;
	}
	/* warnings: each string once, in the order first given */
	pqx_buf wb = PQX_BUF_INIT;
	int ret = 1;
	if (warn) {
		int wn = 0;
		const char *p = js_ws(warn->v, warn->v + warn->vn), *e = warn->v + warn->vn;
		if (*p != '[')
			goto out;
		p = js_ws(p + 1, e);
		pqx_buf_addc(&wb, '[');
		const char *seen[MERGE_MAX];
		int seenn[MERGE_MAX];
		while (p < e && *p != ']') {
			const char *ve = js_skip(p, e);
			if (*p != '"' || !verbatim(p, (int)(ve - p)) || wn == MERGE_MAX)
				goto out;
			int dup = 0;
			for (int i = 0; i < wn && !dup; i++)
				dup = seenn[i] == ve - p && memcmp(seen[i], p, (size_t)(ve - p)) == 0;
			if (!dup) {
				if (wn)
					pqx_buf_addc(&wb, ',');
				pqx_buf_add(&wb, p, (size_t)(ve - p));
				seen[wn] = p;
				seenn[wn++] = (int)(ve - p);
			}
			p = js_ws(ve, e);
			if (p < e && *p == ',')
				p = js_ws(p + 1, e);
		}
		pqx_buf_addc(&wb, ']');
		if (wn)
			top[m++] = (mpart){"warnings", wb.s, 8, (int)wb.len, 0};
	}
	if (*lead) {
		for (const char *c = lead; *c; c++)
			if (*c == '"' || *c == '\\' || (unsigned char)*c < 0x20)
				goto out;
		top[m++] = (mpart){"page_lang", lead, 9, -1, 0};
	}
	qsort(top, (size_t)m, sizeof *top, mpart_cmp);
	for (int i = 1; i < m; i++)
		if (mpart_cmp(&top[i - 1], &top[i]) == 0)
			goto out; /* a repeated key: S_MERGE decides */
	pqx_buf_addc(out, '{');
	for (int i = 0; i < m; i++) {
		const mpart *t = &top[i];
		if (i)
			pqx_buf_addc(out, ',');
		pqx_buf_addc(out, '"');
		pqx_buf_add(out, t->k, (size_t)t->kn);
		pqx_buf_adds(out, "\":");
		if (t->vn < 0) {
			pqx_buf_addc(out, '"');
			pqx_buf_adds(out, t->v);
			pqx_buf_addc(out, '"');
		} else if (!t->nest) {
			pqx_buf_add(out, t->v, (size_t)t->vn);
		} else {
			int sn = members(t->v, t->v + t->vn, sub, MERGE_MAX), k = 0;
			if (sn < 0)
				goto out;
			for (int j = 0; j < sn; j++) {
				if (js_null(sub[j].v, sub[j].vn))
					continue;
				if (!verbatim(sub[j].v, sub[j].vn))
					goto out;
				sub[k++] = sub[j];
			}
			qsort(sub, (size_t)k, sizeof *sub, mpart_cmp);
			pqx_buf_addc(out, '{');
			for (int j = 0; j < k; j++) {
				if (j && mpart_cmp(&sub[j - 1], &sub[j]) == 0)
					goto out;
				if (j)
					pqx_buf_addc(out, ',');
				pqx_buf_addc(out, '"');
				pqx_buf_add(out, sub[j].k, (size_t)sub[j].kn);
				pqx_buf_adds(out, "\":");
				pqx_buf_add(out, sub[j].v, (size_t)sub[j].vn);
			}
			pqx_buf_addc(out, '}');
		}
	}
	pqx_buf_addc(out, '}');
	ret = out->oom || wb.oom;
out:
	if (ret)
		pqx_buf_reset(out);
	pqx_buf_free(&wb);
	return ret;
}

static int fetch_text(pqx_store *st, int which, bindings *b, pqx_buf *out);

/* 1 when the record's lang (rv) is one the one-source rebuild takes as written: no
 * string with an escape. */
static int one_lang_ok(const rview *rv)
{
	const char *lv = rv->v[X_LANG];
	return !lv || *lv != '"' || !memchr(lv, '\\', (size_t)rv->n[X_LANG]);
}

/* Before store_record stores the source b->kind/b->src of question b->id (record b->r,
 * len bytes): when that source will be the question's only one and rebuild's fast path
 * applies, its merge goes into out and the result is 1; 0 when not (out empty); -1 on a
 * database error. With PQX_STORE_VERIFY or PQX_STORE_SQL it is always 0: rebuild then
 * reads the source's row, which must hold its record, and decides afterwards
 * (refollow), to the same end. */
static int one_source_merge(pqx_store *st, const bindings *b, size_t len, pqx_buf *out)
{
	if (st->sql_only || st->verify || !b->r || !b->rv || !b->lang || !one_lang_ok(b->rv))
		return 0;
	pqx_buf cnt = PQX_BUF_INIT;
	bindings c = *b;
	int r = fetch_text(st, S_SRC_OTHERS, &c, &cnt);
	int alone = r == 0 && strcmp(pqx_buf_cstr(&cnt), "0") == 0;
	pqx_buf_free(&cnt);
	if (r < 0)
		return -1;
	return alone && merge_one(b->r, len, b->lang, out) == 0;
}

/* The characters in the first n bytes of UTF-8 text s: the bytes that are not
 * continuation bytes (10xxxxxx), eight at a time. */
static int64_t utf8_chars(const char *s, size_t n)
{
	int64_t cont = 0;
	size_t i = 0;
	for (; i + 8 <= n; i += 8) {
		uint64_t w;
		memcpy(&w, s + i, 8);
		/* bit 7 set and bit 6 clear (w << 1 puts each byte's bit 6 on its bit 7), as 0
		 * or 1 per byte; the multiplication sums the eight bytes into the top one
		 * (without -mpopcnt, __builtin_popcountll is a call into libgcc) */
		uint64_t c = (w & ~(w << 1) & 0x8080808080808080ULL) >> 7;
		cont += (int64_t)((c * 0x0101010101010101ULL) >> 56);
	}
	for (; i < n; i++)
		cont += ((unsigned char)s[i] & 0xC0) == 0x80;
	return (int64_t)n - cont;
}

/* 1 when the record r (rn bytes) is the question's record m (mn bytes) with at most one
 * piece put in: *p (bytes) and *at (characters, as SQLite's substr counts them) say
 * where, *d how many bytes (0: the same text). The piece goes between two whole
 * characters. */
static int splice_of(const char *m, size_t mn, const char *r, size_t rn, size_t *p, size_t *d, int64_t *at)
{
	if (!m || !r || rn < mn)
		return 0;
	size_t n = 0, dd = rn - mn;
	/* the common start, a block at a time (records run to tens of kilobytes) */
	for (size_t blk = 4096; blk >= 64; blk /= 64)
		while (n + blk <= mn && memcmp(m + n, r + n, blk) == 0)
			n += blk;
	while (n < mn && m[n] == r[n])
		n++;
	while (n > 0 && n < mn && ((unsigned char)m[n] & 0xC0) == 0x80)
		n--;
	if (memcmp(r + n + dd, m + n, mn - n) != 0)
		return 0;
	/* the piece as far left as it goes (`,"source":{...}`, not `ource":{...},"s`), at
	 * the start of a character */
	size_t n0 = n;
	while (dd && n > 0 && m[n - 1] == r[n - 1 + dd])
		n--;
	while (n < n0 && ((unsigned char)m[n] & 0xC0) == 0x80)
		n++;
	if (dd && (((unsigned char)r[n] & 0xC0) == 0x80 || (n + dd < rn && ((unsigned char)r[n + dd] & 0xC0) == 0x80)))
		return 0;
	*p = n;
	*d = dd;
	*at = utf8_chars(m, n);
	return 1;
}

/* The question b->id's only source, when it does not follow the question yet, follows
 * it from now on if its record is the question's new record m (mn bytes) but for one
 * piece (the end of a rebuild that did not take the one-source path). */
static int refollow(pqx_store *st, const bindings *b, const char *m, size_t mn)
{
	bindings c = *b;
	sqlite3_stmt *q = stmt(st, S_SRC_ALONE, &c);
	if (!q)
		return -1;
	int rc = sqlite3_step(q), ret = 0;
	if (rc == SQLITE_ROW) {
		const char *r = (const char *)sqlite3_column_text(q, 0);
		size_t rn = (size_t)sqlite3_column_bytes(q, 0), p, d;
		int64_t at;
		if (splice_of(m, mn, r, rn, &p, &d, &at)) {
			char *piece = d ? strndup(r + p, d) : NULL; /* (a record holds no NUL) */
			sqlite3_reset(q);
			if (d && !piece)
				return -1;
			c.splice = piece;
			c.spat = at;
			ret = exec_stmt(st, S_SRC_FOLLOW, &c);
			free(piece);
			return ret;
		}
	} else if (rc != SQLITE_DONE) {
		ret = -1;
	}
	sqlite3_reset(q);
	return ret;
}

/* Step 8's C part: each source that is its question's only one, with the question's
 * record but for one piece, follows the question (what store_record and refollow decide
 * for the rows they write). It uses SQL of its own, as migrate6_checks does, since a
 * later step may change the statements of this pqx. The rows are read a thousand at a
 * time and changed after each batch is read, never during the reading statement. */
struct follow8 {
	sqlite3_int64 rowid;
	sqlite3_int64 at;
	char *piece;  /* NULL: the whole record is the question's */
};

static int migrate8_follow(pqx_store *st, char *err, size_t errlen)
{
	enum { BATCH = 1000 };
	sqlite3 *db = st->db;
	sqlite3_stmt *q = NULL, *u = NULL;
	struct follow8 *v = calloc(BATCH, sizeof *v);
	size_t n = 0;
	sqlite3_int64 last = 0;
	int ret = -1, more = 1;
	if (!v) {
		set_err(err, errlen, "out of memory");
		return -1;
	}
	if (sqlite3_prepare_v2(db,
	                       "SELECT s.rowid, s.record, q.record FROM question_source_row s"
	                       " JOIN question q ON q.id = s.question_id WHERE s.rowid > ?1 AND NOT EXISTS"
	                       " (SELECT 1 FROM question_source_row x WHERE x.question_id = s.question_id"
	                       " AND x.rowid <> s.rowid) ORDER BY s.rowid LIMIT ?2", -1, &q, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db,
	                       "UPDATE question_source_row SET follows = 1, record = NULL, splice_at = ?2,"
	                       " splice = ?3 WHERE rowid = ?1", -1, &u, NULL) != SQLITE_OK) {
		set_err(err, errlen, "%s", sqlite3_errmsg(db));
		goto out;
	}
	while (more) {
		sqlite3_bind_int64(q, 1, last);
		sqlite3_bind_int(q, 2, BATCH);
		int rc, rows = 0;
		n = 0;
		while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
			rows++;
			last = sqlite3_column_int64(q, 0);
			const char *r = (const char *)sqlite3_column_text(q, 1);
			size_t rn = (size_t)sqlite3_column_bytes(q, 1);
			const char *m = (const char *)sqlite3_column_text(q, 2);
			size_t mn = (size_t)sqlite3_column_bytes(q, 2), p, d;
			int64_t at;
			if (!splice_of(m, mn, r, rn, &p, &d, &at))
				continue;
			v[n] = (struct follow8){last, at, NULL};
			if (d && !(v[n].piece = strndup(r + p, d))) { /* (a record holds no NUL) */
				set_err(err, errlen, "out of memory");
				goto out;
			}
			n++;
		}
		if (rc != SQLITE_DONE) {
			set_err(err, errlen, "%s", sqlite3_errmsg(db));
			goto out;
		}
		sqlite3_reset(q);
		more = rows == BATCH;
		for (size_t i = 0; i < n; i++) {
			sqlite3_bind_int64(u, 1, v[i].rowid);
			if (v[i].piece) {
				sqlite3_bind_int64(u, 2, v[i].at);
				sqlite3_bind_text(u, 3, v[i].piece, -1, SQLITE_STATIC);
			} else {
				sqlite3_bind_null(u, 2);
				sqlite3_bind_null(u, 3);
			}
			int urc = sqlite3_step(u);
			sqlite3_reset(u);
			free(v[i].piece);
			v[i].piece = NULL;
			if (urc != SQLITE_DONE) {
				set_err(err, errlen, "%s", sqlite3_errmsg(db));
				goto out;
			}
		}
		n = 0;
	}
	ret = 0;
out:
	for (size_t i = 0; i < n; i++)
		free(v[i].piece);
	free(v);
	sqlite3_finalize(q);
	sqlite3_finalize(u);
	return ret;
}

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

/* Whether the record's answers can be walked here: 0 with [*pp, *ep) the answers array
 * when it is an array of objects whose members the scanner can read; -1 when there are
 * no answers (the statements have no rows); 1 when the caller must run the SQL. */
static int answers_plain(pqx_store *st, const bindings *b, const char **pp, const char **ep)
{
	const rview *rv = b->rv;
	if (!rv || !rv->ok || rv->text != b->r || st->sql_only)
		return 1;
	const char *p = rv->v[X_ANSWERS], *e = p ? p + rv->n[X_ANSWERS] : NULL;
	if (!p)
		return -1;
	if (*p != '[')
		return 1;
	for (const char *q = js_ws(p + 1, e); q < e && *q != ']';) {
		const char *qe = js_skip(q, e);
		mpart m[MERGE_MAX];
		if (*q != '{' || members(q, qe, m, MERGE_MAX) < 0)
			return 1;
		q = js_ws(qe, e);
		if (q < e && *q == ',')
			q = js_ws(q + 1, e);
	}
	*pp = p;
	*ep = e;
	return 0;
}

/* ---- answers, their sections and items walked in C ----

 * json_each and json_extract parse a value again for every path they look up, and an
 * answer of the Belgian Senate has dozens of sections with items: S_APIECES_X,
 * S_SECTION_ADD_X and S_ITEM_ADD_X were a third of the store's statement time, and
 * S_ANSWER_ADD_X parsed the whole answer once per field. When
 * every section and item has the plain shape (arrays of objects whose heading, number
 * and text are strings, integers or null), they are walked here and bound one row at
 * a time, with the values json_extract gives (the same rows, ids and text); any other
 * shape, and any escape that json_extract would turn into something else (\u0000, a
 * lone surrogate), goes to the SQL. */

enum { JV_NULL, JV_TEXT, JV_INT, JV_OTHER };

/* The value at [v, v+n) (n 0: absent) as json_extract(v, '$') returns it: JV_NULL, JV_TEXT
 * (a string, decoded into out when out is not NULL), JV_INT (an integer, true or false,
 * in *iv) or JV_OTHER (the SQL must take it). */
static int jv_read(const char *v, int n, pqx_buf *out, int64_t *iv)
{
	if (!v || n <= 0 || js_null(v, n))
		return JV_NULL;
	if (*v == '"') {
		if (n < 2 || v[n - 1] != '"')
			return JV_OTHER;
		const char *p = v + 1, *e = v + n - 1;
		while (p < e) {
			const char *bs = memchr(p, '\\', (size_t)(e - p));
			if (!bs) {
				if (out)
					pqx_buf_add(out, p, (size_t)(e - p));
				break;
			}
			if (out)
				pqx_buf_add(out, p, (size_t)(bs - p));
			if (bs + 1 >= e)
				return JV_OTHER;
			char c = bs[1], r;
			p = bs + 2;
			switch (c) {
			case '"': r = '"'; break;
			case '\\': r = '\\'; break;
			case '/': r = '/'; break;
			case 'b': r = '\b'; break;
			case 'f': r = '\f'; break;
			case 'n': r = '\n'; break;
			case 'r': r = '\r'; break;
			case 't': r = '\t'; break;
			case 'u': {
				unsigned cp = 0;
				for (int k = 0; k < 2; k++) {
					unsigned u = 0;
					if (e - p < 4)
						return JV_OTHER;
					for (int d = 0; d < 4; d++) {
						char h = p[d];
						u = u * 16 + (unsigned)(h >= '0' && h <= '9' ? h - '0' : h >= 'a' && h <= 'f' ? h - 'a' + 10
						                        : h >= 'A' && h <= 'F' ? h - 'A' + 10 : 99);
						if (u > 0xFFFF)
							return JV_OTHER;
					}
					p += 4;
					if (k == 0) {
						if (u == 0 || (u >= 0xDC00 && u <= 0xDFFF))
							return JV_OTHER;
						if (u < 0xD800 || u > 0xDBFF) {
							cp = u;
							break;
						}
						/* a high surrogate: its low one must follow */
						if (e - p < 6 || p[0] != '\\' || p[1] != 'u')
							return JV_OTHER;
						p += 2;
						cp = u;
					} else {
						if (u < 0xDC00 || u > 0xDFFF)
							return JV_OTHER;
						cp = 0x10000 + ((cp & 0x3FF) << 10) + (u & 0x3FF);
					}
				}
				if (out)
					pqx_buf_add_utf8(out, cp);
				continue;
			}
			default:
				return JV_OTHER;
			}
			if (out)
				pqx_buf_addc(out, r);
		}
		if (out && out->oom)
			return JV_OTHER;
		return JV_TEXT;
	}
	if (n == 4 && memcmp(v, "true", 4) == 0) {
		*iv = 1;
		return JV_INT;
	}
	if (n == 5 && memcmp(v, "false", 5) == 0) {
		*iv = 0;
		return JV_INT;
	}
	/* integers SQLite reads into an int64 (as verbatim() takes them) */
	if (*v != '{' && *v != '[' && verbatim(v, n)) {
		int64_t x = 0;
		int neg = *v == '-';
		for (const char *p = v + neg; p < v + n; p++)
			x = x * 10 + (*p - '0');
		*iv = neg ? -x : x;
		return JV_INT;
	}
	return JV_OTHER;
}

/* The first member called name in m[0..mn) ("first", as SQLite's path lookup): *v, *vn. */
static void member_of(const mpart *m, int mn, const char *name, const char **v, int *vn)
{
	*v = NULL;
	*vn = 0;
	for (int i = mn - 1; i >= 0; i--)
		if (is_key(&m[i], name)) {
			*v = m[i].v;
			*vn = m[i].vn;
		}
}

/* Where the element after the one ending at qe starts, in an array ending at e; e when
 * that was the last. Loops over an array [p, e):
 *   for (const char *q = js_ws(p + 1, e), *qe; q < e && *q != ']'; q = arr_after(qe, e)) {
 *           qe = js_skip(q, e); ... } */
static const char *arr_after(const char *qe, const char *e)
{
	const char *q = js_ws(qe, e);
	return q < e && *q == ',' ? js_ws(q + 1, e) : e;
}

/* The as-of date of a source (XSRC_AS_OF) without SQLite parsing the record's dates,
 * events, answers and documents again: the greatest of the dates' values and of the
 * elements' "date" members. Only JSON strings without escapes and nulls are taken, since
 * for those max() in SQL compares the same bytes (BINARY collation: memcmp, then length);
 * 1 when anything else is met (a number, an escape, an element that is not an object),
 * and the caller asks SQLite. 0 with *best NULL when the record names no date. */
static int asof_take(const char *v, int n, const char **best, int *bn)
{
	if (js_null(v, n))
		return 0;
	if (n < 2 || v[0] != '"' || v[n - 1] != '"' || memchr(v + 1, '\\', (size_t)n - 2))
		return 1;
	const char *s = v + 1;
	int sn = n - 2;
	if (!*best) {
		*best = s;
		*bn = sn;
		return 0;
	}
	int c = memcmp(s, *best, (size_t)(sn < *bn ? sn : *bn));
	if (c > 0 || (c == 0 && sn > *bn)) {
		*best = s;
		*bn = sn;
	}
	return 0;
}

static int src_as_of(const rview *rv, const char **best, int *bn)
{
	*best = NULL;
	*bn = 0;
	mpart m[MERGE_MAX];
	const char *v = rv->v[X_DATES];
	int vn = rv->n[X_DATES];
	if (v && !js_null(v, vn)) {
		int mn = members(v, v + vn, m, MERGE_MAX);
		if (mn < 0)
			return 1;
		for (int i = 0; i < mn; i++)
			if (asof_take(m[i].v, m[i].vn, best, bn))
				return 1;
	}
	static const int lists[] = {X_EVENTS, X_ANSWERS, X_DOCUMENTS};
	for (size_t l = 0; l < sizeof lists / sizeof lists[0]; l++) {
		v = rv->v[lists[l]];
		vn = rv->n[lists[l]];
		if (!v || js_null(v, vn))
			continue;
		if (*v != '[')
			return 1;
		const char *e = v + vn;
		for (const char *q = js_ws(v + 1, e), *qe; q < e && *q != ']'; q = arr_after(qe, e)) {
			qe = js_skip(q, e);
			int mn = *q == '{' ? members(q, qe, m, MERGE_MAX) : -1;
			if (mn < 0)
				return 1;
			const char *d;
			int dn;
			member_of(m, mn, "date", &d, &dn);
			if (d && asof_take(d, dn, best, bn))
				return 1;
		}
	}
	return 0;
}

/* A text field (heading, text, intro, body): a string or null, as the answer text needs. */
static int text_ok(const char *v, int n)
{
	int64_t iv;
	int t = jv_read(v, n, NULL, &iv);
	return t == JV_NULL || t == JV_TEXT;
}

static int number_ok(const char *v, int n)
{
	int64_t iv;
	return jv_read(v, n, NULL, &iv) != JV_OTHER;
}

/* The member called name of an object (m, mn) as a list: 1 with [*v, *e) the array,
 * 0 when it is absent, -1 when it is something else. */
static int list_of(const mpart *m, int mn, const char *name, const char **v, const char **e)
{
	int n;
	member_of(m, mn, name, v, &n);
	if (!*v)
		return 0;
	*e = *v + n;
	return **v == '[' ? 1 : -1;
}

/* Whether the object's text (and heading, when heading is set) are strings or null
 * and its number a string, an integer or null. */
static int row_fields_ok(const mpart *m, int mn, int heading)
{
	const char *v;
	int vn;
	member_of(m, mn, "text", &v, &vn);
	if (!text_ok(v, vn))
		return 0;
	member_of(m, mn, "number", &v, &vn);
	if (!number_ok(v, vn))
		return 0;
	if (heading) {
		member_of(m, mn, "heading", &v, &vn);
		if (!text_ok(v, vn))
			return 0;
	}
	return 1;
}

/* 0 when the sections of every answer in [p, e) (an array of objects, answers_plain)
 * and their items have the shape answer_rows takes: arrays of objects (or absent),
 * heading and text strings or null, number a string, an integer or null; 1 otherwise. */
static int rows_shape(const char *p, const char *e)
{
	for (const char *q = js_ws(p + 1, e), *qe; q < e && *q != ']'; q = arr_after(qe, e)) {
		qe = js_skip(q, e);
		mpart m[MERGE_MAX];
		int mn = members(q, qe, m, MERGE_MAX);
		const char *sv, *se = NULL;
		int has = mn < 0 ? -1 : list_of(m, mn, "sections", &sv, &se);
		if (has <= 0) {
			if (has < 0)
				return 1;
			continue;
		}
		for (const char *s = js_ws(sv + 1, se), *sqe; s < se && *s != ']'; s = arr_after(sqe, se)) {
			sqe = js_skip(s, se);
			mpart sm[MERGE_MAX];
			int sn = members(s, sqe, sm, MERGE_MAX);
			const char *iv, *ie = NULL;
			int items = sn < 0 || !row_fields_ok(sm, sn, 1) ? -1 : list_of(sm, sn, "items", &iv, &ie);
			if (items < 0)
				return 1;
			for (const char *it = items ? js_ws(iv + 1, ie) : NULL, *iqe; it && it < ie && *it != ']';
			     it = arr_after(iqe, ie)) {
				iqe = js_skip(it, ie);
				mpart im[MERGE_MAX];
				int in = members(it, iqe, im, MERGE_MAX);
				if (in < 0 || !row_fields_ok(im, in, 0))
					return 1;
			}
		}
	}
	return 0;
}

/* Binds the value [v, v+n) as json_extract gives it (the shape was checked). */
static int bind_jv(sqlite3_stmt *s, int i, const char *v, int n, pqx_buf *tmp)
{
	int64_t iv = 0;
	pqx_buf_reset(tmp);
	switch (jv_read(v, n, tmp, &iv)) {
	case JV_NULL:
		return sqlite3_bind_null(s, i);
	case JV_TEXT:
		return sqlite3_bind_text(s, i, tmp->s ? tmp->s : "", (int)tmp->len, SQLITE_TRANSIENT);
	case JV_INT:
		return sqlite3_bind_int64(s, i, iv);
	default:
		return SQLITE_MISMATCH;
	}
}

static int step_done(sqlite3_stmt *s)
{
	int rc = sqlite3_step(s);
	sqlite3_reset(s);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* The answer_section and answer_item rows of the answer [q, qe) at position pos of
 * question b->id, as S_SECTION_ADD_X and then S_ITEM_ADD_X insert them (their ids come
 * out the same: each table numbers its own rows in the same order). The shape was
 * checked (rows_shape). */
static int answer_rows(pqx_store *st, const bindings *b, const char *q, const char *qe, int64_t pos)
{
	mpart m[MERGE_MAX];
	int mn = members(q, qe, m, MERGE_MAX);
	const char *sv;
	int svn;
	member_of(m, mn, "sections", &sv, &svn);
	if (!sv)
		return 0;
	sqlite3_stmt *ids = plain_stmt(st, S_ANSWER_ID);
	if (!ids || bind_text(ids, 1, b->id) != SQLITE_OK || sqlite3_bind_int64(ids, 2, pos) != SQLITE_OK)
		return -1;
	if (sqlite3_step(ids) != SQLITE_ROW) {
		sqlite3_reset(ids);
		return -1;
	}
	int64_t aid = sqlite3_column_int64(ids, 0);
	sqlite3_reset(ids);
	typedef struct { int64_t id; const char *items; int n; } sec_items;
	pqx_buf tmp = PQX_BUF_INIT, secs = PQX_BUF_INIT;  /* secs: the sections' sec_items */
	int ret = -1;
	const char *se = sv + svn;
	int64_t spos = 0;
	/* the sections first, then their items: the order of the two statements */
	for (const char *s = js_ws(sv + 1, se), *sqe; s < se && *s != ']'; s = arr_after(sqe, se), spos++) {
		sqe = js_skip(s, se);
		mpart sm[MERGE_MAX];
		int sn = members(s, sqe, sm, MERGE_MAX);
		const char *h, *num, *t;
		int hn, numn, tn;
		member_of(sm, sn, "heading", &h, &hn);
		member_of(sm, sn, "number", &num, &numn);
		member_of(sm, sn, "text", &t, &tn);
		sqlite3_stmt *ins = plain_stmt(st, S_SECTION_ROW);
		if (!ins || sqlite3_bind_int64(ins, 1, aid) != SQLITE_OK || sqlite3_bind_int64(ins, 2, spos) != SQLITE_OK ||
		    bind_jv(ins, 3, h, hn, &tmp) != SQLITE_OK || bind_jv(ins, 4, num, numn, &tmp) != SQLITE_OK ||
		    bind_jv(ins, 5, t, tn, &tmp) != SQLITE_OK || step_done(ins) != 0)
			goto out;
		sec_items si = {sqlite3_last_insert_rowid(st->db), NULL, 0};
		member_of(sm, sn, "items", &si.items, &si.n);
		if (si.items)
			pqx_buf_add(&secs, (const char *)&si, sizeof si);
	}
	if (secs.oom)
		goto out;
	for (size_t k = 0; k < secs.len / sizeof(sec_items); k++) {
		sec_items si;
		memcpy(&si, secs.s + k * sizeof si, sizeof si);
		const char *ie = si.items + si.n;
		int64_t ipos = 0;
		for (const char *it = js_ws(si.items + 1, ie), *iqe; it < ie && *it != ']'; it = arr_after(iqe, ie), ipos++) {
			iqe = js_skip(it, ie);
			mpart im[MERGE_MAX];
			int in = members(it, iqe, im, MERGE_MAX);
			const char *num, *t;
			int numn, tn;
			member_of(im, in, "number", &num, &numn);
			member_of(im, in, "text", &t, &tn);
			sqlite3_stmt *ins = plain_stmt(st, S_ITEM_ROW);
			if (!ins || sqlite3_bind_int64(ins, 1, si.id) != SQLITE_OK || sqlite3_bind_int64(ins, 2, ipos) != SQLITE_OK ||
			    bind_jv(ins, 3, num, numn, &tmp) != SQLITE_OK || bind_jv(ins, 4, t, tn, &tmp) != SQLITE_OK ||
			    step_done(ins) != 0)
				goto out;
		}
	}
	ret = 0;
out:
	pqx_buf_free(&tmp);
	pqx_buf_free(&secs);
	return ret;
}

/* Whether t is anywhere in body, as strstr(body, t) says. Pieces mostly come in the
 * body's order, so the search starts where the last piece found ended (*hint); only
 * when that fails is the body searched from its start. */
static int in_body(const char *body, const char *t, size_t *hint)
{
	const char *r = strstr(body + *hint, t);
	if (r) {
		*hint = (size_t)(r - body) + strlen(t);
		return 1;
	}
	return *hint > 0 && strstr(body, t) != NULL;
}

/* The answer row of the answer [q, qe) at position pos, as S_ANSWER_ADD_X inserts it
 * (which gives json_extract the whole answer, sections and all, once per field): 0,
 * -1 on an error, 1 when a field is of a kind left to the SQL. */
static int answer_row(pqx_store *st, const bindings *b, const char *q, const char *qe, int64_t pos)
{
	static const char *const cols[] = {"date", "kind", "by", "intro", "body"};
	mpart m[MERGE_MAX];
	int mn = members(q, qe, m, MERGE_MAX);
	if (mn < 0)
		return 1;
	const char *v[5];
	int vn[5];
	for (int i = 0; i < 5; i++) {
		member_of(m, mn, cols[i], &v[i], &vn[i]);
		if (!number_ok(v[i], vn[i]))
			return 1; /* an object, a list, a fraction: the SQL's */
	}
	sqlite3_stmt *ins = plain_stmt(st, S_ANSWER_ROW);
	pqx_buf tmp = PQX_BUF_INIT;
	int ok = ins && bind_text(ins, 1, b->id) == SQLITE_OK && sqlite3_bind_int64(ins, 2, pos) == SQLITE_OK;
	for (int i = 0; ok && i < 5; i++)
		ok = bind_jv(ins, 3 + i, v[i], vn[i], &tmp) == SQLITE_OK;
	ok = ok && step_done(ins) == 0;
	pqx_buf_free(&tmp);
	return ok ? 0 : -1;
}

/* Adds a text field (a string or null) to one answer's search text as flatten() does:
 * skipped when empty or already in the body. 1 when the value is of another kind. */
static int flat_piece(pqx_buf *one, const char *v, int n, pqx_buf *body, int has_body, pqx_buf *tmp,
                      size_t *hint)
{
	int64_t iv;
	pqx_buf_reset(tmp);
	int t = jv_read(v, n, tmp, &iv);
	if (t != JV_TEXT)
		return t == JV_NULL ? 0 : 1;
	if (!tmp->len)
		return 0;
	pqx_buf_addc(tmp, '\0'); /* for strstr */
	if (has_body && in_body(pqx_buf_cstr(body), tmp->s, hint))
		return 0;
	if (one->len)
		pqx_buf_adds(one, "\n\n");
	pqx_buf_add(one, tmp->s, tmp->len - 1);
	return 0;
}

/* flat_piece for the member called name of the object (m, mn). */
static int flat_member(pqx_buf *one, const mpart *m, int mn, const char *name, pqx_buf *body, int has_body,
                       pqx_buf *tmp, size_t *hint)
{
	const char *v;
	int vn;
	member_of(m, mn, name, &v, &vn);
	return flat_piece(one, v, vn, body, has_body, tmp, hint);
}

/* The search text of the answer [q, qe), as S_ABODY, S_APIECES_X and flatten() make it:
 * 0, or 1 when a field or the sections or items are of a shape left to the SQL. */
static int answer_flat(const char *q, const char *qe, pqx_buf *one)
{
	mpart m[MERGE_MAX];
	int mn = members(q, qe, m, MERGE_MAX);
	if (mn < 0)
		return 1;
	pqx_buf body = PQX_BUF_INIT, tmp = PQX_BUF_INIT;
	const char *v;
	int vn, ret = 1;
	int64_t iv;
	member_of(m, mn, "body", &v, &vn);
	int bt = jv_read(v, vn, &body, &iv), has_body = bt == JV_TEXT;
	size_t hint = 0;
	if (bt != JV_TEXT && bt != JV_NULL)
		goto out;
	if (flat_member(one, m, mn, "intro", &body, has_body, &tmp, &hint))
		goto out;
	const char *sv, *se = NULL;
	int has = list_of(m, mn, "sections", &sv, &se);
	if (has < 0)
		goto out;
	if (has) {
		for (const char *s = js_ws(sv + 1, se), *sqe; s < se && *s != ']'; s = arr_after(sqe, se)) {
			sqe = js_skip(s, se);
			mpart sm[MERGE_MAX];
			int sn = members(s, sqe, sm, MERGE_MAX);
			if (sn < 0)
				goto out;
			if (flat_member(one, sm, sn, "heading", &body, has_body, &tmp, &hint))
				goto out;
			if (flat_member(one, sm, sn, "text", &body, has_body, &tmp, &hint))
				goto out;
			const char *ivv, *ie = NULL;
			int items = list_of(sm, sn, "items", &ivv, &ie);
			if (items < 0)
				goto out;
			for (const char *it = items ? js_ws(ivv + 1, ie) : NULL, *iqe; it && it < ie && *it != ']';
			     it = arr_after(iqe, ie)) {
				iqe = js_skip(it, ie);
				mpart im[MERGE_MAX];
				int in = members(it, iqe, im, MERGE_MAX);
				if (in < 0)
					goto out;
				if (flat_member(one, im, in, "text", &body, has_body, &tmp, &hint))
					goto out;
			}
		}
	}
	if (has_body && body.len) {
		if (one->len)
			pqx_buf_adds(one, "\n\n");
		pqx_buf_add(one, body.s, body.len);
	}
	ret = one->oom || body.oom || tmp.oom ? -1 : 0;
out:
	pqx_buf_free(&body);
	pqx_buf_free(&tmp);
	return ret;
}

/* answer_text when answers is an array of objects (the usual case): the text is joined
 * in C (answer_flat); when an answer's fields or sections have another shape, each
 * answer's members are found by the scanner and given to S_ABODY and S_APIECES_X,
 * instead of S_ANSWERS_EACH handing each answer's text to S_APIECES to be parsed four
 * times. 1 when the answers are something else (the caller runs the SQL). */
static int answer_text_x(pqx_store *st, bindings *b, pqx_buf *out)
{
	const char *p, *e;
	int plain = answers_plain(st, b, &p, &e);
	if (plain != 0)
		return plain > 0 ? 1 : 0; /* the SQL's answers, or none (no rows) */
	pqx_buf one = PQX_BUF_INIT, body = PQX_BUF_INIT;
	int ret = 0;
	{
		/* every answer's text joined here; on a shape left to the SQL, the SQL's */
		pqx_buf all = PQX_BUF_INIT;
		int x = 0;
		for (const char *q = js_ws(p + 1, e), *qe; x == 0 && q < e && *q != ']'; q = arr_after(qe, e)) {
			qe = js_skip(q, e);
			pqx_buf_reset(&one);
			x = answer_flat(q, qe, &one);
			if (x == 0 && one.len) {
				if (all.len)
					pqx_buf_adds(&all, "\n\n");
				pqx_buf_add(&all, one.s, one.len);
			}
		}
		if (x == 0 && all.len) {
			if (out->len)
				pqx_buf_adds(out, "\n\n");
			pqx_buf_add(out, all.s, all.len);
		}
		x = x < 0 || all.oom || out->oom ? -1 : x;
		pqx_buf_free(&all);
		if (x <= 0) {
			pqx_buf_free(&one);
			return x;
		}
		pqx_buf_reset(&one);
	}
	for (const char *q = js_ws(p + 1, e); q < e && *q != ']';) {
		const char *qe = js_skip(q, e);
		int an = (int)(qe - q);
		bindings ab = *b;
		mpart m[MERGE_MAX];
		int mn = members(q, q + an, m, MERGE_MAX);
		if (mn < 0) {
			ret = -1; /* cannot happen: the loop above read every answer */
			break;
		}
		/* the first member of each name, as SQLite's path lookup takes it */
		for (int i = mn - 1; i >= 0; i--) {
			if (is_key(&m[i], "body"))
				ab.a_body = m[i].v, ab.a_body_n = m[i].vn;
			else if (is_key(&m[i], "intro"))
				ab.a_intro = m[i].v, ab.a_intro_n = m[i].vn;
			else if (is_key(&m[i], "sections"))
				ab.a_sections = m[i].v, ab.a_sections_n = m[i].vn;
		}
		/* as S_ANSWERS_EACH: the body counts when it is a string */
		pqx_buf_reset(&body);
		sqlite3_stmt *bs = stmt(st, S_ABODY, &ab);
		int brc = bs ? sqlite3_step(bs) : SQLITE_ERROR, has_body = 0;
		if (brc == SQLITE_ROW) {
			has_body = sqlite3_column_type(bs, 0) == SQLITE_TEXT;
			add_text(&body, sqlite3_column_text(bs, 0));
		}
		if (bs)
			sqlite3_reset(bs);
		sqlite3_stmt *pieces = brc == SQLITE_ROW ? stmt(st, S_APIECES_X, &ab) : NULL;
		pqx_buf_reset(&one);
		if (!pieces || flatten(pieces, has_body ? pqx_buf_cstr(&body) : NULL, &one) != 0) {
			ret = -1;
			break;
		}
		if (one.len) {
			if (out->len)
				pqx_buf_adds(out, "\n\n");
			pqx_buf_add(out, one.s, one.len);
		}
		q = js_ws(qe, e);
		if (q < e && *q == ',')
			q = js_ws(q + 1, e);
	}
	pqx_buf_free(&one);
	pqx_buf_free(&body);
	return ret;
}

/* S_ANSWER_ADD (which 0), S_SECTION_ADD (1) or S_ITEM_ADD (2) when answers is an array
 * of objects: the same rows in the same order, each answer parsed on its own; 1 when the
 * caller must run the statement itself. */
static int answers_insert(pqx_store *st, const bindings *b, int which)
{
	const char *p, *e;
	int plain = answers_plain(st, b, &p, &e);
	if (plain != 0)
		return plain > 0 ? 1 : 0; /* the SQL's answers, or none (no rows) */
	static const int x[] = {S_ANSWER_ADD_X, S_SECTION_ADD_X, S_ITEM_ADD_X};
	if (which == 2 && st->rows_walked) {
		/* answer_rows made them at the sections' turn */
		st->rows_walked = 0;
		return 0;
	}
	if (which == 1 && rows_shape(p, e) == 0) {
		/* sections and their items bound row by row, both at the sections' turn
		 * (S_ITEM_ADD always comes right after S_SECTION_ADD: child_inserts) */
		int64_t pos = 0;
		for (const char *q = js_ws(p + 1, e), *qe; q < e && *q != ']'; q = arr_after(qe, e), pos++) {
			qe = js_skip(q, e);
			if (answer_rows(st, b, q, qe, pos) != 0)
				return -1;
		}
		st->rows_walked = 1;
		return 0;
	}
	st->rows_walked = 0;
	int64_t pos = 0;
	for (const char *q = js_ws(p + 1, e); q < e && *q != ']'; pos++) {
		const char *qe = js_skip(q, e);
		bindings ab = *b;
		ab.a = q;
		ab.a_n = (int)(qe - q);
		ab.pos = pos;
		if (which) {
			mpart m[MERGE_MAX];
			int mn = members(q, qe, m, MERGE_MAX);
			for (int i = mn - 1; i >= 0; i--)
				if (is_key(&m[i], "sections"))
					ab.a_sections = m[i].v, ab.a_sections_n = m[i].vn;
		}
		int r = which ? 1 : answer_row(st, b, q, qe, pos);
		if (r < 0 || (r > 0 && exec_stmt(st, x[which], &ab) != 0))
			return -1;
		q = js_ws(qe, e);
		if (q < e && *q == ',')
			q = js_ws(q + 1, e);
	}
	return 0;
}

static int answer_text(pqx_store *st, bindings *b, pqx_buf *out)
{
	int x = answer_text_x(st, b, out);
	if (x <= 0)
		return x;
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
	/* One source, whose record pb->r was just stored (not in a migration): its language
	 * is the lead, its page the best, its keys unique (merge_one checks), so it has no
	 * conflicts and one translation, and merge_one writes what S_MERGE would. */
	int fast = 0;
	if (pb->one_merged && pb->r && pb->rv && pb->lang) {
		/* store_record made sure, before it stored the source (one_source_merge) */
		pqx_buf_add(&merged, pb->one_merged->s, pb->one_merged->len);
		fast = 1;
	} else if (pb->r && pb->rv && pb->lang && !st->sql_only) {
		pqx_buf cnt = PQX_BUF_INIT;
		int r = fetch_text(st, S_SOURCES, &b, &cnt);
		const rview *rv = pb->rv;
		if (r < 0) {
			pqx_buf_free(&cnt);
			RB_FAIL("counting its sources");
		}
		if (r == 0 && strcmp(pqx_buf_cstr(&cnt), "1") == 0 && one_lang_ok(rv) &&
		    merge_one(pb->r, strlen(pb->r), pb->lang, &merged) == 0)
			fast = 1;
		pqx_buf_free(&cnt);
	}
	if (fast) {
		/* S_ORIG_LANG: the record's lang when it is a string */
		const char *lv = pb->rv->v[X_LANG];
		int ln = pb->rv->n[X_LANG];
		if (lv && *lv == '"') {
			pqx_buf_add(&orig, lv + 1, (size_t)ln - 2);
			b.orig = orig.s; /* as below: an empty language binds NULL */
		} else {
			b.orig = NULL;
		}
		pqx_buf_adds(&lead, pb->lang);
		b.lead = pqx_buf_cstr(&lead);
	}
	/* A source that follows the question's record (version 8) gets that record back
	 * before a merge of several sources reads it and replaces the question's record. */
	if ((!fast || st->verify) && exec_stmt(st, S_SRC_UNFOLLOW, &b) != 0)
		RB_FAIL("keeping its source's record");
	if (fast && st->verify) {
		pqx_buf o2 = PQX_BUF_INIT, l2 = PQX_BUF_INIT, m2 = PQX_BUF_INIT;
		int r1 = fetch_text(st, S_ORIG_LANG, &b, &o2);
		const char *o2v = r1 == 0 ? o2.s : NULL;
		int bad = r1 < 0 || (o2v == NULL) != (b.orig == NULL) || (o2v && strcmp(o2v, b.orig) != 0);
		bad |= fetch_text(st, S_LEAD_LANG, &b, &l2) < 0 || strcmp(b.lead, pqx_buf_cstr(&l2)) != 0;
		bad |= fetch_text(st, S_MERGE, &b, &m2) != 0 || m2.len != merged.len ||
			memcmp(m2.s, merged.s, merged.len) != 0;
		pqx_buf_free(&o2);
		pqx_buf_free(&l2);
		pqx_buf_free(&m2);
		if (bad) {
			pqx_buf_addf(what, "record %s: PQX_STORE_VERIFY: the one-source merge differs from S_MERGE", id);
			goto out;
		}
	}
	if (!fast) {
		int r = fetch_text(st, S_ORIG_LANG, &b, &orig);
		if (r < 0)
			RB_FAIL("finding the original language");
		b.orig = r == 0 ? orig.s : NULL;
		if (fetch_text(st, S_LEAD_LANG, &b, &lead) < 0)
			RB_FAIL("finding the lead language");
		b.lead = pqx_buf_cstr(&lead);
	}

	if (exec_stmt(st, S_DEL_TRANSLATION, &b) != 0 || exec_stmt(st, S_DEL_CONFLICT, &b) != 0)
		RB_FAIL("removing the previous translations");
	/* The question's own merge first: its conflicts over every field. */
	b.pos = 0;
	if (!fast && fetch_text(st, S_MERGE, &b, &merged) != 0)
		RB_FAIL("merging its sources");
	if ((!fast || st->verify) && exec_stmt(st, S_CONFLICT_ADD, &b) != 0)
		RB_FAIL("recording where its sources disagree");
	b.pos = fast ? 0 : sqlite3_changes(st->db);
	if (fast && st->verify && sqlite3_changes(st->db) != 0) {
		pqx_buf_addf(what, "record %s: PQX_STORE_VERIFY: a one-source question has conflicts", id);
		goto out;
	}

	/* One translation per language, lead language first. */
	sqlite3_stmt *langs = fast && !st->verify ? NULL : stmt(st, S_LANGS, &b);
	if (!langs && !(fast && !st->verify))
		RB_FAIL("listing its languages");
	/* The message is taken before the reset, which would clear it. */
#define LOOP_FAIL() do { pqx_buf_addf(what, "record %s: building its translations: %s", id, \
                                      sqlite3_errmsg(st->db)); sqlite3_reset(langs); goto out; } while (0)
	/* The languages first (a handful, NUL-separated): when the lead language is the
	 * only one, its merge is the question's own merge above, made from the same
	 * sources with the same lead, so neither it nor its search text is made twice. */
	int rc = SQLITE_DONE;
	size_t nlang = 0;
	if (langs) {
		while ((rc = sqlite3_step(langs)) == SQLITE_ROW) {
			add_text(&lang, sqlite3_column_text(langs, 0));
			pqx_buf_addc(&lang, '\0');
			nlang++;
		}
		if (rc != SQLITE_DONE || lang.oom)
			LOOP_FAIL();
		sqlite3_reset(langs);
	}
	if (fast) {
		/* one source: one language, the lead */
		if (langs && (nlang != 1 || strcmp(lang.s, b.lead) != 0)) {
			pqx_buf_addf(what, "record %s: PQX_STORE_VERIFY: a one-source question has other languages", id);
			goto out;
		}
		pqx_buf_reset(&lang);
		pqx_buf_adds(&lang, b.lead);
		pqx_buf_addc(&lang, '\0');
		nlang = 1;
		if (lang.oom)
			RB_FAIL("out of memory");
	}
	int single = nlang == 1 && strcmp(lang.s, b.lead) == 0;
	rview rv_one;
	const char *lp = lang.s;
	for (size_t li = 0; li < nlang; li++, lp += strlen(lp) + 1) {
		bindings lb = b;
		lb.lang = lb.lead = lp;
		pqx_buf_reset(&one);
		pqx_buf_reset(&qtext);
		pqx_buf_reset(&atext);
		pqx_buf_reset(&kw);
		if (single)
			pqx_buf_add(&one, merged.s, merged.len);
		else if (fetch_text(st, S_MERGE, &lb, &one) != 0) {
			LOOP_FAIL();
		}
		lb.r = pqx_buf_cstr(&one);
		rview_scan(&rv_one, lb.r, one.len);
		lb.rv = &rv_one;
		if (record_texts(st, &lb, &qtext, &atext) != 0 || fetch_text(st, S_KW_TEXT, &lb, &kw) < 0) {
			LOOP_FAIL();
		}
		lb.qtext = qtext.len ? qtext.s : NULL;
		lb.atext = atext.len ? atext.s : NULL;
		lb.kw = kw.len ? kw.s : NULL;
		/* The same merge as the question's (always so for the lead language alone): its
		 * title, summary and texts are the question's too, all made from that record. */
		lb.follows = one.len == merged.len && !one.oom && !merged.oom &&
		             memcmp(pqx_buf_cstr(&one), pqx_buf_cstr(&merged), one.len) == 0 ? "1" : NULL;
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
#undef LOOP_FAIL

	b.r = pqx_buf_cstr(&merged);
	rview rv_merged, rv_kw;
	rview_scan(&rv_merged, b.r, merged.len);
	b.rv = &rv_merged;
	if (!single) {
		/* (with one language, qtext and atext are already those of `merged`) */
		pqx_buf_reset(&qtext);
		pqx_buf_reset(&atext);
		if (record_texts(st, &b, &qtext, &atext) != 0)
			RB_FAIL("flattening its text for search");
	}
	if (fetch_text(st, fast ? S_KW_ONE : S_KW_ALL, &b, &kwobj) != 0)
		RB_FAIL("collecting its keywords");
	if (fast && st->verify) {
		pqx_buf k2 = PQX_BUF_INIT;
		int bad = fetch_text(st, S_KW_ALL, &b, &k2) != 0 || strcmp(pqx_buf_cstr(&k2), pqx_buf_cstr(&kwobj)) != 0;
		pqx_buf_free(&k2);
		if (bad) {
			pqx_buf_addf(what, "record %s: PQX_STORE_VERIFY: S_KW_ONE differs from S_KW_ALL", id);
			goto out;
		}
	}
	pqx_buf_reset(&kw);
	bindings kb = b;
	kb.r = pqx_buf_cstr(&kwobj);
	rview_scan(&rv_kw, kb.r, kwobj.len);
	kb.rv = &rv_kw;
	if (fetch_text(st, S_KW_TEXT, &kb, &kw) < 0)
		RB_FAIL("collecting its keywords");
	if (fetch_text(st, S_EXTRA, &b, &extra) < 0)
		RB_FAIL("collecting extra fields");
	int64_t fast_page = b.page > 0 ? b.page : 0;  /* one source: the page just stored */
	if (!fast || st->verify) {
		sqlite3_stmt *bp = stmt(st, S_BEST_PAGE, &b);
		if (!bp)
			RB_FAIL("finding its best page");
		b.page = sqlite3_step(bp) == SQLITE_ROW && sqlite3_column_type(bp, 0) != SQLITE_NULL
			? sqlite3_column_int64(bp, 0) : 0;
		sqlite3_reset(bp);
		if (fast && b.page != fast_page) {
			pqx_buf_addf(what, "record %s: PQX_STORE_VERIFY: the best page is not the source's", id);
			goto out;
		}
	}
	b.page = fast ? fast_page : b.page;
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
	/* (store_record decided it before it stored the source, on the fast path) */
	if ((!fast || st->verify) && refollow(st, &b, merged.s, merged.len) != 0)
		RB_FAIL("keeping its source's record");
	for (size_t n = 0; n < 2; n++) {
		const int *list = n ? keyword_inserts : child_inserts;
		size_t count = n ? sizeof keyword_inserts / sizeof keyword_inserts[0]
		                 : sizeof child_inserts / sizeof child_inserts[0];
		bindings cb = n ? kb : b;
		for (size_t i = 0; i < count; i++) {
			int w = list[i] == S_ANSWER_ADD ? 0 : list[i] == S_SECTION_ADD ? 1 : list[i] == S_ITEM_ADD ? 2 : -1;
			int x = w >= 0 ? answers_insert(st, &cb, w) : 1;
			if (x < 0 || (x > 0 && exec_stmt(st, list[i], &cb) != 0)) {
				/* Name the table: "INSERT INTO <table> (" is how every insert starts. */
				const char *sql = stmt_sql[list[i]] + strlen("INSERT INTO ");
				pqx_buf_addf(what, "record %s: storing %.*s rows: %s", id,
				             (int)strcspn(sql, " "), sql, sqlite3_errmsg(st->db));
				goto out;
			}
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
	rview rv_rec;
	rview_scan(&rv_rec, rec, reclen);
	b.rv = &rv_rec;
	int ret = -1;
	pqx_buf id = PQX_BUF_INIT, schema = PQX_BUF_INIT, kind = PQX_BUF_INIT, src = PQX_BUF_INIT,
		view = PQX_BUF_INIT, lang = PQX_BUF_INIT, asof = PQX_BUF_INIT, cur = PQX_BUF_INIT,
		premerged = PQX_BUF_INIT, piece = PQX_BUF_INIT;

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
	sqlite3_reset(si);
	const char *ad;
	int adn, has_asof;
	if (src_as_of(&rv_rec, &ad, &adn) == 0) {
		has_asof = ad != NULL;
		if (ad)
			pqx_buf_add(&asof, ad, (size_t)adn);
	} else {
		sqlite3_stmt *sa = stmt(st, S_SRC_AS_OF, &b);
		if (!sa || sqlite3_step(sa) != SQLITE_ROW) {
			if (sa)
				sqlite3_reset(sa);
			REC_DBFAIL("dating its source");
		}
		has_asof = sqlite3_column_type(sa, 0) != SQLITE_NULL;
		add_text(&asof, sqlite3_column_text(sa, 0));
		sqlite3_reset(sa);
	}
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
		if (note_record(st, b.id, b.kind, b.src, OUT_UNCHANGED) != 0)
			REC_FAIL("out of memory");
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
			if (note_record(st, b.id, b.kind, b.src, OUT_UNCHANGED) != 0)
				REC_FAIL("out of memory");
			ret = 0;
			goto out;
		}
		if (!newer) {
			/* An older state of the page, read late: history only. */
			if (exec_stmt(st, S_REC_TO_REVISION, &b) != 0 || exec_stmt(st, S_Q_BUMP, &b) != 0)
				REC_DBFAIL("keeping an earlier version");
			if (note_record(st, b.id, b.kind, b.src, OUT_CHANGED) != 0)
				REC_FAIL("out of memory");
			ret = 0;
			goto out;
		}
		if (exec_stmt(st, S_SRC_TO_REVISION, &b) != 0 || exec_stmt(st, S_Q_BUMP, &b) != 0)
			REC_DBFAIL("keeping the previous version");
	}
	if (note_record(st, b.id, b.kind, b.src, exists ? OUT_CHANGED : OUT_NEW_SOURCE) != 0)
		REC_DBFAIL("counting it");
	/* The only source of its question, whose record is the question's own (version 8):
	 * the row says so and keeps no copy (rebuild then writes that record). */
	int om = one_source_merge(st, &b, reclen, &premerged);
	if (om < 0)
		REC_DBFAIL("counting its question's sources");
	size_t sp, sd;
	if (om > 0) {
		if (premerged.oom)
			REC_FAIL("out of memory");
		b.one_merged = &premerged;
		if (splice_of(premerged.s, premerged.len, rec, reclen, &sp, &sd, &b.spat)) {
			b.sfollows = "1";
			if (sd) {
				pqx_buf_add(&piece, rec + sp, sd);
				if (piece.oom)
					REC_FAIL("out of memory");
				b.splice = pqx_buf_cstr(&piece);
			}
		}
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
	pqx_buf_free(&premerged);
	pqx_buf_free(&piece);
	return ret;
}

#undef REC_FAIL
#undef REC_DBFAIL

/* The transaction ended under us (SQLite rolls the whole of it back after some
 * errors, such as a full disk): the pages stored since the last commit are gone
 * too, and the message says so. */
static void lost_with(pqx_store *st, char *err, size_t errlen)
{
	if (!st->in_tx || !sqlite3_get_autocommit(st->db))
		return;
	if (st->tx_pages > 0 && err && errlen) {
		size_t n = strlen(err);
		snprintf(err + n, errlen - n, "; the %ld page%s stored before it since the last commit"
		         " were rolled back with it", st->tx_pages, st->tx_pages == 1 ? "" : "s");
	}
	st->in_tx = 0;
	st->tx_pages = 0;
	st->window = 0; /* from now on each page alone: what fits is kept (full disk) */
}

/* Undoes the current page only; the pages before it in the transaction stay. */
static void page_rollback(pqx_store *st, char *err, size_t errlen)
{
	if (sqlite3_exec(st->db, "ROLLBACK TO pqx_page", NULL, NULL, NULL) == SQLITE_OK)
		sqlite3_exec(st->db, "RELEASE pqx_page", NULL, NULL, NULL);
	lost_with(st, err, errlen);
	if (st->in_tx && st->window <= 0)
		pqx_store_commit(st, NULL, 0);
}

static int span_cmp(const void *a, const void *b)
{
	const char *const *x = a, *const *y = b;
	size_t xn = (size_t)(x[1] - x[0]), yn = (size_t)(y[1] - y[0]);
	int c = memcmp(x[0], y[0], xn < yn ? xn : yn);
	return c ? c : (xn > yn) - (xn < yn);
}

/* The records of a valid JSON array as [start, end) pairs (malloc'd; *n pairs), when
 * S_RECS_DUP and S_RECS_EACH would find nothing to refuse and give each record as
 * written: the array is minified, every element an object whose members the scanner
 * reads, no text id has an escape or comes twice. NULL for anything else (the caller
 * asks SQLite, which also words the refusal). */
static const char **records_split(const char *j, size_t *n)
{
	size_t len = strlen(j), cap = 16, k = 0;
	const char *p = j, *e = j + len;
	if (!verbatim(j, (int)(len > 0x7fffffff ? 0 : len)) || *p != '[')
		return NULL;
	const char **r = malloc(cap * 2 * sizeof *r), **ids = NULL;
	size_t nid = 0;
	if (!r)
		return NULL;
	for (p = p + 1; p < e && *p != ']';) {
		const char *pe = js_skip(p, e);
		mpart m[MERGE_MAX];
		int mn = *p == '{' ? members(p, pe, m, MERGE_MAX) : -1;
		if (mn < 0)
			goto no;
		if (k == cap) {
			const char **nr = realloc(r, cap * 4 * sizeof *r);
			if (!nr)
				goto no;
			r = nr;
			cap *= 2;
		}
		r[2 * k] = p;
		r[2 * k + 1] = pe;
		k++;
		/* the first id member, as json_extract finds it */
		for (int i = 0; i < mn; i++)
			if (is_key(&m[i], "id")) {
				if (*m[i].v == '"') {
					if (memchr(m[i].v, '\\', (size_t)m[i].vn))
						goto no;
					const char **ni = realloc(ids, (nid + 1) * 2 * sizeof *ids);
					if (!ni)
						goto no;
					ids = ni;
					ids[2 * nid] = m[i].v;
					ids[2 * nid + 1] = m[i].v + m[i].vn;
					nid++;
				}
				break;
			}
		p = pe;
		if (p < e && *p == ',')
			p++;
	}
	if (nid > 1) {
		qsort(ids, nid, 2 * sizeof *ids, span_cmp);
		for (size_t i = 1; i < nid; i++)
			if (span_cmp(&ids[2 * (i - 1)], &ids[2 * i]) == 0)
				goto no;
	}
	free(ids);
	*n = k;
	return r;
no:
	free(ids);
	free(r);
	return NULL;
}

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

	if (!st->in_tx) {
		if (exec_sql(st->db, "BEGIN IMMEDIATE", err, errlen, "cannot start the page's transaction") != 0)
			return -1;
		st->in_tx = 1;
		st->tx_started = mono();
		st->tx_pages = 0;
	}
	if (exec_sql(st->db, "SAVEPOINT pqx_page", err, errlen, "cannot start the page's savepoint") != 0) {
		lost_with(st, err, errlen);
		return -1;
	}
	memset(&st->pending, 0, sizeof st->pending);
	pqx_buf_reset(&st->keys);
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
		int jtype = pqx_json_check(records_json, strlen(records_json));
		if (jtype != '[') {
			pqx_buf_adds(&what, jtype == 0 ? "records are not valid JSON" : "records are not a JSON array");
			goto fail_quiet;
		}
		size_t nrec = 0;
		const char **recs = st->sql_only ? NULL : records_split(records_json, &nrec);
		if (recs) {
			/* each record as S_RECS_EACH would give it, no id twice: store them */
			int bad = 0;
			for (size_t i = 0; i < nrec && !bad; i++) {
				pqx_buf_reset(&rec);
				pqx_buf_add(&rec, recs[2 * i], (size_t)(recs[2 * i + 1] - recs[2 * i]));
				if (rec.oom) {
					pqx_buf_adds(&what, "out of memory");
					bad = 1;
				} else if (store_record(st, &b, rec.s, rec.len, warnings, &what) != 0) {
					bad = 1;
				}
			}
			free(recs);
			if (bad)
				goto fail_quiet;
			goto records_done;
		}
		pqx_buf dup = PQX_BUF_INIT;
		int r = fetch_text(st, S_RECS_DUP, &b, &dup);
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
records_done:
	if (st->check_script && check_put(st, run_id, b.page, page) != 0) {
		pqx_buf_adds(&what, "storing the page check");
		goto fail;
	}
	if (exec_sql(st->db, "RELEASE pqx_page", err, errlen, "cannot finish the page") != 0) {
		page_rollback(st, err, errlen);
		goto out;
	}
	st->tx_pages++;
	st->last = st->pending;
	st->page_stats = NULL;
	ok = 1;
	if (st->window <= 0 || mono() - st->tx_started >= st->window)
		ok = commit_tx(st, 1, err, errlen) == 0;
	goto out;

fail:
	/* Only reached right after a database call failed: its message says what the
	 * database refused (constraint, type, malformed JSON). */
	pqx_buf_adds(&what, ": ");
	pqx_buf_adds(&what, sqlite3_errmsg(st->db));
fail_quiet:
	/* The caller prints the page path; the message says what failed and what it means. */
	set_err(err, errlen, "%s (nothing stored for this page)", pqx_buf_cstr(&what));
	page_rollback(st, err, errlen);
out:
	pqx_buf_free(&what);
	pqx_buf_free(&rec);
	return ok ? 0 : -1;
}

/* ---------- long runs: counts, page checks, run figures, merge ----------
 * Kept apart from the write path above: these functions only add rows of their own
 * (page_check, run_stat, run figures) or, for merge, feed records through store_record
 * exactly as a run does. */

static sqlite3_stmt *rprep(pqx_store *st, int which, const char *sql)
{
	if (!st->rstmt[which] &&
	    sqlite3_prepare_v3(st->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st->rstmt[which], NULL) != SQLITE_OK)
		return NULL;
	sqlite3_reset(st->rstmt[which]);
	sqlite3_clear_bindings(st->rstmt[which]);
	return st->rstmt[which];
}

/* s as a JSON string */
static void json_str(pqx_buf *b, const char *s)
{
	pqx_buf_addc(b, '"');
	for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
		if (*p == '"' || *p == '\\') {
			pqx_buf_addc(b, '\\');
			pqx_buf_addc(b, (char)*p);
		} else if (*p < 0x20) {
			pqx_buf_addf(b, "\\u%04x", *p);
		} else {
			pqx_buf_addc(b, (char)*p);
		}
	}
	pqx_buf_addc(b, '"');
}

static int note_record(pqx_store *st, const char *id, const char *kind, const char *src, int outcome)
{
	if (outcome == OUT_UNCHANGED) {
		st->pending.unchanged++;
	} else if (outcome == OUT_CHANGED) {
		st->pending.changed++;
	} else {
		/* a new source: a new question, or a new page of a known one */
		sqlite3_stmt *q = rprep(st, R_Q_EXISTS, "SELECT 1 FROM question WHERE id = ?1");
		if (!q)
			return -1;
		sqlite3_bind_text(q, 1, id, -1, SQLITE_STATIC);
		int rc = sqlite3_step(q);
		sqlite3_reset(q);
		if (rc == SQLITE_ROW)
			st->pending.changed++;
		else if (rc == SQLITE_DONE)
			st->pending.new_questions++;
		else
			return -1;
	}
	if (st->keys.len)
		pqx_buf_addc(&st->keys, ',');
	pqx_buf_addc(&st->keys, '[');
	json_str(&st->keys, id);
	pqx_buf_addc(&st->keys, ',');
	json_str(&st->keys, kind);
	pqx_buf_addc(&st->keys, ',');
	json_str(&st->keys, src);
	pqx_buf_addc(&st->keys, ']');
	return st->keys.oom ? -1 : 0;
}

void pqx_store_set_page_stats(pqx_store *st, const char *stats_json)
{
	st->page_stats = stats_json;
}

void pqx_store_last_counts(const pqx_store *st, pqx_store_counts *out)
{
	*out = st->last;
}

int pqx_store_set_check(pqx_store *st, const char *script_name, const char *script_sha256,
                        const char *pqx_version, const char *options_key)
{
	free(st->check_script);
	free(st->check_sha);
	free(st->check_pqx);
	free(st->check_options);
	st->check_script = strdup(script_name ? script_name : "");
	st->check_sha = strdup(script_sha256 ? script_sha256 : "");
	st->check_pqx = strdup(pqx_version ? pqx_version : "");
	st->check_options = strdup(options_key ? options_key : "");
	if (!st->check_script || !st->check_sha || !st->check_pqx || !st->check_options) {
		free(st->check_script);
		st->check_script = NULL;
		return -1;
	}
	return 0;
}

#define CHECK_PUT_SQL \
	"INSERT INTO page_check (path, script_name, content_sha256, script_sha256, pqx_version, options," \
	" status, page_id, run_id, last_seen_run, questions, stats)" \
	" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9, json(?10), json(?11))" \
	" ON CONFLICT (path, script_name) DO UPDATE SET content_sha256 = excluded.content_sha256," \
	" script_sha256 = excluded.script_sha256, pqx_version = excluded.pqx_version," \
	" options = excluded.options, status = excluded.status, page_id = excluded.page_id," \
	" run_id = excluded.run_id, last_seen_run = excluded.last_seen_run," \
	" questions = excluded.questions, stats = excluded.stats"

static int check_put(pqx_store *st, int64_t run, int64_t page, const pqx_page_info *pi)
{
	sqlite3_stmt *s = rprep(st, R_CHECK_PUT, CHECK_PUT_SQL);
	if (!s)
		return -1;
	pqx_buf q = PQX_BUF_INIT;
	pqx_buf_addc(&q, '[');
	pqx_buf_add(&q, st->keys.s ? st->keys.s : "", st->keys.len);
	pqx_buf_addc(&q, ']');
	int ok = strcmp(pi->status ? pi->status : "", "ok") == 0;
	sqlite3_bind_text(s, 1, pi->path ? pi->path : "", -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, st->check_script, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, pi->sha256 ? pi->sha256 : "", -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, st->check_sha, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 5, st->check_pqx, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 6, st->check_options, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 7, ok ? "ok" : "error", -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 8, page);
	sqlite3_bind_int64(s, 9, run);
	sqlite3_bind_text(s, 10, ok ? pqx_buf_cstr(&q) : "[]", -1, SQLITE_STATIC);
	if (st->page_stats && ok)
		sqlite3_bind_text(s, 11, st->page_stats, -1, SQLITE_STATIC);
	int rc = q.oom ? SQLITE_NOMEM : sqlite3_step(s);
	sqlite3_reset(s);
	pqx_buf_free(&q);
	return rc == SQLITE_DONE ? 0 : -1;
}

static void copy_col(char *dst, size_t n, sqlite3_stmt *s, int col)
{
	const unsigned char *t = sqlite3_column_text(s, col);
	snprintf(dst, n, "%s", t ? (const char *)t : "");
}

int pqx_store_get_check(pqx_store *st, const char *path, const char *script_name,
                        pqx_page_check *out, char *err, size_t errlen)
{
	sqlite3_stmt *s = rprep(st, R_CHECK_GET,
		"SELECT content_sha256, script_sha256, pqx_version, options, status = 'ok'"
		" FROM page_check WHERE path = ?1 AND script_name = ?2");
	if (!s) {
		set_err(err, errlen, "reading the page check: %s", sqlite3_errmsg(st->db));
		return -1;
	}
	sqlite3_bind_text(s, 1, path, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, script_name, -1, SQLITE_STATIC);
	int rc = sqlite3_step(s), found = rc == SQLITE_ROW;
	if (found) {
		copy_col(out->content_sha256, sizeof out->content_sha256, s, 0);
		copy_col(out->script_sha256, sizeof out->script_sha256, s, 1);
		copy_col(out->pqx_version, sizeof out->pqx_version, s, 2);
		copy_col(out->options, sizeof out->options, s, 3);
		out->ok = sqlite3_column_int(s, 4);
	}
	sqlite3_reset(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		set_err(err, errlen, "reading the page check: %s", sqlite3_errmsg(st->db));
		return -1;
	}
	return found;
}

/* Runs sql with ?1 = now, ?2 = run, ?3 = path, ?4 = script. */
static int seen_step(pqx_store *st, const char *sql, const char *ts, int64_t run, const char *path,
                     const char *script, pqx_buf *out)
{
	sqlite3_stmt *s;
	if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK)
		return -1;
	for (int i = 1; i <= sqlite3_bind_parameter_count(s); i++) {
		const char *n = sqlite3_bind_parameter_name(s, i);
		if (!n)
			continue;
		if (strcmp(n, "?1") == 0) sqlite3_bind_text(s, i, ts, -1, SQLITE_STATIC);
		else if (strcmp(n, "?2") == 0) sqlite3_bind_int64(s, i, run);
		else if (strcmp(n, "?3") == 0) sqlite3_bind_text(s, i, path, -1, SQLITE_STATIC);
		else if (strcmp(n, "?4") == 0) sqlite3_bind_text(s, i, script, -1, SQLITE_STATIC);
	}
	int rc;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW)
		if (out && sqlite3_column_type(s, 0) == SQLITE_TEXT)
			add_text(out, sqlite3_column_text(s, 0));
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? 0 : -1;
}

#define SEEN_KEYS \
	"(SELECT json_extract(j.value, '$[0]') AS q, json_extract(j.value, '$[1]') AS k," \
	" json_extract(j.value, '$[2]') AS s FROM page_check c, json_each(c.questions) j" \
	" WHERE c.path = ?3 AND c.script_name = ?4)"

int pqx_store_page_seen(pqx_store *st, int64_t run_id, const char *path, const char *script_name,
                        pqx_buf *stats, char *err, size_t errlen)
{
	static const char *const steps[] = {
		"UPDATE page SET last_seen = ?1, last_seen_run = ?2"
		" WHERE id = (SELECT page_id FROM page_check WHERE path = ?3 AND script_name = ?4)",
		"UPDATE question_source_row SET last_seen = ?1, last_seen_run = ?2 FROM " SEEN_KEYS " x"
		" WHERE question_source_row.question_id = x.q AND question_source_row.kind = x.k"
		" AND question_source_row.source = x.s",
		"UPDATE question SET last_seen = ?1, last_seen_run = ?2"
		" WHERE id IN (SELECT q FROM " SEEN_KEYS ")",
		"UPDATE page_check SET last_seen_run = ?2 WHERE path = ?3 AND script_name = ?4",
	};
	char ts[64];
	/* its own transaction: the pages of the open group are committed first */
	if (commit_tx(st, 0, err, errlen) != 0)
		return -1;
	if (exec_sql(st->db, "BEGIN IMMEDIATE", err, errlen, "cannot start the page's transaction") != 0)
		return -1;
	if (now(st, ts) != 0)
		goto fail;
	for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++)
		if (seen_step(st, steps[i], ts, run_id, path, script_name, NULL) != 0)
			goto fail;
	if (stats && seen_step(st, "SELECT stats FROM page_check WHERE path = ?3 AND script_name = ?4",
	                       ts, run_id, path, script_name, stats) != 0)
		goto fail;
	if (exec_sql(st->db, "COMMIT", err, errlen, "cannot commit the page") != 0) {
		sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
		return -1;
	}
	return 0;
fail:
	set_err(err, errlen, "marking an unchanged page as seen: %s (nothing stored for this page)",
	        sqlite3_errmsg(st->db));
	sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
	return -1;
}

int pqx_store_run_stats(pqx_store *st, int64_t run_id, const pqx_run_totals *t,
                        const pqx_run_stat *stats, size_t nstats, char *err, size_t errlen)
{
	sqlite3_stmt *u = NULL, *a = NULL;
	if (commit_tx(st, 0, err, errlen) != 0)
		return -1;
	if (exec_sql(st->db, "BEGIN IMMEDIATE", err, errlen, "run figures") != 0)
		return -1;
	if (sqlite3_prepare_v2(st->db,
	        "UPDATE run SET pages_skipped = ?2, records = ?3, questions_new = ?4,"
	        " questions_changed = ?5, questions_unchanged = ?6, seconds = ?7, shard = ?8 WHERE id = ?1",
	        -1, &u, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(st->db,
	        "INSERT INTO run_stat (run_id, kind, name, count, first_path) VALUES (?1, ?2, ?3, ?4, ?5)"
	        " ON CONFLICT (run_id, kind, name) DO UPDATE SET count = count + excluded.count",
	        -1, &a, NULL) != SQLITE_OK)
		goto fail;
	sqlite3_bind_int64(u, 1, run_id);
	sqlite3_bind_int64(u, 2, t->pages_skipped);
	sqlite3_bind_int64(u, 3, t->records);
	sqlite3_bind_int64(u, 4, t->questions_new);
	sqlite3_bind_int64(u, 5, t->questions_changed);
	sqlite3_bind_int64(u, 6, t->questions_unchanged);
	sqlite3_bind_double(u, 7, t->seconds);
	if (t->shard)
		sqlite3_bind_text(u, 8, t->shard, -1, SQLITE_STATIC);
	if (sqlite3_step(u) != SQLITE_DONE)
		goto fail;
	for (size_t i = 0; i < nstats; i++) {
		sqlite3_reset(a);
		sqlite3_clear_bindings(a);
		sqlite3_bind_int64(a, 1, run_id);
		sqlite3_bind_text(a, 2, stats[i].kind, -1, SQLITE_STATIC);
		sqlite3_bind_text(a, 3, stats[i].name, -1, SQLITE_STATIC);
		sqlite3_bind_int64(a, 4, stats[i].count);
		if (stats[i].first_path)
			sqlite3_bind_text(a, 5, stats[i].first_path, -1, SQLITE_STATIC);
		if (sqlite3_step(a) != SQLITE_DONE)
			goto fail;
	}
	sqlite3_finalize(u);
	sqlite3_finalize(a);
	return exec_sql(st->db, "COMMIT", err, errlen, "run figures");
fail:
	set_err(err, errlen, "storing the run's figures: %s", sqlite3_errmsg(st->db));
	sqlite3_finalize(u);
	sqlite3_finalize(a);
	sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
	return -1;
}

/* Copies the database at src into a new file dst (SQLite's backup API), so that an
 * input of an older schema is migrated in a copy, never in place. */
static int copy_db(const char *src, const char *dst, char *err, size_t errlen)
{
	sqlite3 *from = NULL, *to = NULL;
	int rc = sqlite3_open_v2(src, &from, SQLITE_OPEN_READONLY, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_open_v2(dst, &to, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
	if (rc == SQLITE_OK) {
		sqlite3_backup *b = sqlite3_backup_init(to, "main", from, "main");
		if (b) {
			sqlite3_backup_step(b, -1);
			sqlite3_backup_finish(b);
		}
		rc = sqlite3_errcode(to);
	}
	if (rc != SQLITE_OK)
		set_err(err, errlen, "cannot copy it for migration: %s",
		        to ? sqlite3_errmsg(to) : from ? sqlite3_errmsg(from) : "out of memory");
	sqlite3_close(from);
	sqlite3_close(to);
	return rc == SQLITE_OK ? 0 : -1;
}

/* The input's schema version, -1 with err when it is no pqx database. */
static int input_version(const char *path, char *err, size_t errlen)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *s = NULL;
	int v = -1, tables = 0;
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
		set_err(err, errlen, "cannot open database: %s", db ? sqlite3_errmsg(db) : "out of memory");
		sqlite3_close(db);
		return -1;
	}
	if (sqlite3_prepare_v2(db, "SELECT (SELECT user_version FROM pragma_user_version),"
	                       " (SELECT count(*) FROM sqlite_schema WHERE name IN ('run', 'page', 'question'))",
	                       -1, &s, NULL) == SQLITE_OK && sqlite3_step(s) == SQLITE_ROW) {
		v = sqlite3_column_int(s, 0);
		tables = sqlite3_column_int(s, 1);
	} else {
		set_err(err, errlen, "not a pqx database (%s)", sqlite3_errmsg(db));
	}
	sqlite3_finalize(s);
	sqlite3_close(db);
	if (v >= 0 && (v < 1 || tables != 3)) {
		set_err(err, errlen, "not a pqx database (no run, page and question tables)");
		return -1;
	}
	if (v > PQX_STORE_SCHEMA_VERSION) {
		set_err(err, errlen, "database schema version %d is newer than this pqx (version %d);"
		        " use a newer pqx", v, PQX_STORE_SCHEMA_VERSION);
		return -1;
	}
	return v;
}

/* pqx merge reads every input into temporary tables first (k = the input's number),
 * without writing to the output, then merges them all in one transaction: whole or
 * not at all, with one replay order across all inputs. That order is what a single
 * run over all the pages would have used: by generation (the n-th run of a script,
 * shards of one split counting as one run), then by page path, then by time. */
static const char merge_tables[] =
	"DROP TABLE IF EXISTS temp.m_run; DROP TABLE IF EXISTS temp.m_run_stat;"
	" DROP TABLE IF EXISTS temp.m_page; DROP TABLE IF EXISTS temp.m_pw;"
	" DROP TABLE IF EXISTS temp.m_check; DROP TABLE IF EXISTS temp.m_ver;"
	" DROP TABLE IF EXISTS temp.m_src; DROP TABLE IF EXISTS temp.m_q;"
	" DROP TABLE IF EXISTS temp.m_runmap; DROP TABLE IF EXISTS temp.m_pagemap;"
	" DROP TABLE IF EXISTS temp.m_win; DROP TABLE IF EXISTS temp.m_wmax;"
	" DROP TABLE IF EXISTS temp.m_input; DROP TABLE IF EXISTS temp.m_conflict;"
	" DROP TABLE IF EXISTS temp.m_fresh;\n"
	"CREATE TEMP TABLE m_run AS SELECT 0 AS k, * FROM main.run WHERE 0;\n"
	"CREATE TEMP TABLE m_run_stat AS SELECT 0 AS k, * FROM main.run_stat WHERE 0;\n"
	"CREATE TEMP TABLE m_page AS SELECT 0 AS k, * FROM main.page WHERE 0;\n"
	"CREATE TEMP TABLE m_pw AS SELECT 0 AS k, * FROM main.page_warning WHERE 0;\n"
	"CREATE TEMP TABLE m_check AS SELECT 0 AS k, * FROM main.page_check WHERE 0;\n"
	"CREATE TEMP TABLE m_ver (k INTEGER, gen INTEGER, path TEXT, t TEXT, cur INTEGER, question_id TEXT,\n"
	"  kind TEXT, source TEXT, record TEXT, page_id INTEGER, run INTEGER);\n"
	"CREATE TEMP TABLE m_src AS SELECT 0 AS k, question_id, kind, source, first_seen, first_seen_run,\n"
	"  last_seen, last_seen_run FROM main.question_source WHERE 0;\n"
	"CREATE TEMP TABLE m_q AS SELECT 0 AS k, id, first_seen, first_seen_run, last_seen, last_seen_run\n"
	"  FROM main.question WHERE 0;\n"
	"CREATE TEMP TABLE m_runmap (k INTEGER, old INTEGER, new INTEGER, PRIMARY KEY (k, old));\n"
	"CREATE TEMP TABLE m_pagemap (k INTEGER, old INTEGER, new INTEGER, PRIMARY KEY (k, old));\n"
	"CREATE TEMP TABLE m_win (page INTEGER PRIMARY KEY, k INTEGER);\n"
	"CREATE TEMP TABLE m_input (k INTEGER PRIMARY KEY, path TEXT);\n"
	"CREATE TEMP TABLE m_fresh (k INTEGER, path TEXT, sha TEXT);\n";

/* Reading one input (attached as src) into the temporary tables. */
static const char merge_read[] =
	"INSERT INTO temp.m_input VALUES (:k, :input);\n"
	"INSERT INTO temp.m_run SELECT :k, * FROM src.run;\n"
	"INSERT INTO temp.m_run_stat SELECT :k, * FROM src.run_stat;\n"
	"INSERT INTO temp.m_page SELECT :k, * FROM src.page;\n"
	"INSERT INTO temp.m_pw SELECT :k, * FROM src.page_warning;\n"
	"INSERT INTO temp.m_check SELECT :k, * FROM src.page_check;\n"
	"INSERT INTO temp.m_src SELECT :k, question_id, kind, source, first_seen, first_seen_run,\n"
	"  last_seen, last_seen_run FROM src.question_source;\n"
	"INSERT INTO temp.m_q SELECT :k, id, first_seen, first_seen_run, last_seen, last_seen_run\n"
	"  FROM src.question;\n"
	/* every version of every source; a version's run is the run going on when it was stored */
	"INSERT INTO temp.m_ver SELECT :k, coalesce((SELECT g.gen FROM (SELECT id, row_number() OVER\n"
	"  (PARTITION BY script_name, coalesce(shard, '') ORDER BY started, id) AS gen FROM src.run) g\n"
	"  WHERE g.id = (SELECT r.id FROM src.run r WHERE r.started <= v.t ORDER BY r.started DESC, r.id DESC\n"
	"  LIMIT 1)), 0), coalesce(p.path, ''), v.t, v.cur, v.question_id, v.kind, v.source, v.record,\n"
	"  v.page_id, v.run FROM (\n"
	"  SELECT question_id, kind, source, record, page_id, updated AS t, last_seen_run AS run, 1 AS cur\n"
	"    FROM src.question_source\n"
	"  UNION ALL SELECT question_id, kind, source, record, page_id, stored, run_id, 0\n"
	"    FROM src.question_revision) v LEFT JOIN src.page p ON p.id = v.page_id;\n";

/* Runs (one row per uid: merging a run twice adds nothing) and their figures. */
static const char merge_runs[] =
	"CREATE TEMP TABLE m_wmax AS SELECT coalesce(max(id), 0) AS id FROM main.page_warning;\n"
	"INSERT INTO main.run (started, finished, script_name, script_path, script_version, script_sha256,\n"
	"  pqx_version, options, pages_ok, pages_failed, uid, merged_from, shard, pages_skipped, records,\n"
	"  questions_new, questions_changed, questions_unchanged, seconds)\n"
	"  SELECT started, finished, script_name, script_path, script_version, script_sha256, pqx_version,\n"
	"  options, pages_ok, pages_failed, uid,\n"
	"  coalesce(merged_from, (SELECT path FROM temp.m_input i WHERE i.k = r.k)), shard, pages_skipped,\n"
	"  records, questions_new, questions_changed, questions_unchanged, seconds\n"
	"  FROM temp.m_run r WHERE NOT EXISTS (SELECT 1 FROM main.run m WHERE m.uid = r.uid)\n"
	"  AND r.k = (SELECT min(x.k) FROM temp.m_run x WHERE x.uid = r.uid) ORDER BY r.started, r.k, r.id;\n"
	"INSERT INTO temp.m_runmap SELECT r.k, r.id, m.id FROM temp.m_run r JOIN main.run m ON m.uid = r.uid;\n"
	"INSERT INTO main.run_stat (run_id, kind, name, count, first_path)\n"
	"  SELECT mr.new, s.kind, s.name, s.count, s.first_path FROM temp.m_run_stat s\n"
	"  JOIN temp.m_runmap mr ON mr.k = s.k AND mr.old = s.run_id WHERE true ON CONFLICT DO NOTHING;\n";

/* One input's pages (:k): a page version both hold keeps the earlier first sighting and
 * the later processing (m_win remembers which input that was, for its warnings). */
static const char merge_pages[] =
	"INSERT INTO temp.m_win SELECT m.id, :k FROM temp.m_page p JOIN main.page m\n"
	"  ON m.path = p.path AND m.content_sha256 = p.content_sha256 WHERE p.k = :k AND p.last_seen > m.last_seen\n"
	"  ON CONFLICT (page) DO UPDATE SET k = excluded.k;\n"
	"INSERT INTO temp.m_fresh SELECT :k, p.path, p.content_sha256 FROM temp.m_page p WHERE p.k = :k\n"
	"  AND NOT EXISTS (SELECT 1 FROM main.page m WHERE m.path = p.path AND m.content_sha256 = p.content_sha256);\n"
	"INSERT INTO main.page (path, content_sha256, bytes, encoding, encoding_source, status, error,\n"
	"  warnings, first_seen_run, last_seen_run, first_seen, last_seen,\n"
	"  url, fetched, archive, record_offset, record_offset_in_member)\n"
	"  SELECT p.path, p.content_sha256, p.bytes, p.encoding, p.encoding_source, p.status, p.error,\n"
	"  p.warnings, (SELECT new FROM temp.m_runmap WHERE k = :k AND old = p.first_seen_run),\n"
	"  (SELECT new FROM temp.m_runmap WHERE k = :k AND old = p.last_seen_run), p.first_seen, p.last_seen,\n"
	"  p.url, p.fetched, p.archive, p.record_offset, p.record_offset_in_member\n"
	"  FROM temp.m_page p WHERE p.k = :k ORDER BY p.id\n"
	"  ON CONFLICT (path, content_sha256) DO UPDATE SET\n"
	"  first_seen_run = CASE WHEN excluded.first_seen < page.first_seen THEN excluded.first_seen_run\n"
	"    ELSE page.first_seen_run END,\n"
	"  first_seen = min(page.first_seen, excluded.first_seen),\n"
	"  bytes = CASE WHEN excluded.last_seen > page.last_seen THEN excluded.bytes ELSE page.bytes END,\n"
	"  encoding = CASE WHEN excluded.last_seen > page.last_seen THEN excluded.encoding ELSE page.encoding END,\n"
	"  encoding_source = CASE WHEN excluded.last_seen > page.last_seen THEN excluded.encoding_source\n"
	"    ELSE page.encoding_source END,\n"
	"  status = CASE WHEN excluded.last_seen > page.last_seen THEN excluded.status ELSE page.status END,\n"
	"  error = CASE WHEN excluded.last_seen > page.last_seen THEN excluded.error ELSE page.error END,\n"
	"  warnings = CASE WHEN excluded.last_seen > page.last_seen THEN excluded.warnings ELSE page.warnings END,\n"
	"  last_seen_run = CASE WHEN excluded.last_seen > page.last_seen THEN excluded.last_seen_run\n"
	"    ELSE page.last_seen_run END,\n"
	"  url = CASE WHEN excluded.last_seen > page.last_seen THEN excluded.url ELSE page.url END,\n"
	"  fetched = CASE WHEN excluded.last_seen > page.last_seen THEN excluded.fetched ELSE page.fetched END,\n"
	"  archive = CASE WHEN excluded.last_seen > page.last_seen THEN excluded.archive ELSE page.archive END,\n"
	"  record_offset = CASE WHEN excluded.last_seen > page.last_seen THEN excluded.record_offset\n"
	"    ELSE page.record_offset END,\n"
	"  record_offset_in_member = CASE WHEN excluded.last_seen > page.last_seen\n"
	"    THEN excluded.record_offset_in_member ELSE page.record_offset_in_member END,\n"
	"  last_seen = max(page.last_seen, excluded.last_seen);\n"
	"INSERT INTO temp.m_win SELECT m.id, :k FROM temp.m_fresh f JOIN main.page m\n"
	"  ON m.path = f.path AND m.content_sha256 = f.sha WHERE f.k = :k ON CONFLICT (page) DO NOTHING;\n"
	"INSERT INTO temp.m_pagemap SELECT :k, p.id, m.id FROM temp.m_page p JOIN main.page m\n"
	"  ON m.path = p.path AND m.content_sha256 = p.content_sha256 WHERE p.k = :k;\n";

/* After the replay, per input (:k): "seen" times as the inputs knew them, and the page
 * checks of the later run. */
static const char merge_times[] =
	"UPDATE main.question_source_row AS m SET last_seen = s.last_seen,\n"
	"  last_seen_run = (SELECT new FROM temp.m_runmap WHERE k = :k AND old = s.last_seen_run)\n"
	"  FROM temp.m_src s WHERE s.k = :k AND m.question_id = s.question_id AND m.kind = s.kind\n"
	"  AND m.source = s.source AND s.last_seen > m.last_seen;\n"
	"UPDATE main.question_source_row AS m SET first_seen = s.first_seen,\n"
	"  first_seen_run = (SELECT new FROM temp.m_runmap WHERE k = :k AND old = s.first_seen_run)\n"
	"  FROM temp.m_src s WHERE s.k = :k AND m.question_id = s.question_id AND m.kind = s.kind\n"
	"  AND m.source = s.source AND s.first_seen < m.first_seen;\n"
	"UPDATE main.question AS m SET last_seen = s.last_seen,\n"
	"  last_seen_run = (SELECT new FROM temp.m_runmap WHERE k = :k AND old = s.last_seen_run)\n"
	"  FROM temp.m_q s WHERE s.k = :k AND m.id = s.id AND s.last_seen > m.last_seen;\n"
	"UPDATE main.question AS m SET first_seen = s.first_seen,\n"
	"  first_seen_run = (SELECT new FROM temp.m_runmap WHERE k = :k AND old = s.first_seen_run)\n"
	"  FROM temp.m_q s WHERE s.k = :k AND m.id = s.id AND s.first_seen < m.first_seen;\n"
	"INSERT INTO main.page_check (path, script_name, content_sha256, script_sha256, pqx_version,\n"
	"  options, status, page_id, run_id, last_seen_run, questions, stats)\n"
	"  SELECT c.path, c.script_name, c.content_sha256, c.script_sha256, c.pqx_version, c.options,\n"
	"  c.status, mp.new, r1.new, r2.new, c.questions, c.stats FROM temp.m_check c\n"
	"  LEFT JOIN temp.m_pagemap mp ON mp.k = c.k AND mp.old = c.page_id\n"
	"  LEFT JOIN temp.m_runmap r1 ON r1.k = c.k AND r1.old = c.run_id\n"
	"  LEFT JOIN temp.m_runmap r2 ON r2.k = c.k AND r2.old = c.last_seen_run WHERE c.k = :k\n"
	"  ON CONFLICT (path, script_name) DO UPDATE SET content_sha256 = excluded.content_sha256,\n"
	"  script_sha256 = excluded.script_sha256, pqx_version = excluded.pqx_version,\n"
	"  options = excluded.options, status = excluded.status, page_id = excluded.page_id,\n"
	"  run_id = excluded.run_id, last_seen_run = excluded.last_seen_run,\n"
	"  questions = excluded.questions, stats = excluded.stats\n"
	"  WHERE coalesce((SELECT started FROM main.run WHERE id = excluded.last_seen_run), '')\n"
	"    > coalesce((SELECT started FROM main.run WHERE id = page_check.last_seen_run), '');\n";

/* The replay wrote the records' warnings again: what each page version had in the
 * input that processed it last replaces them. */
static const char merge_warnings[] =
	/* Disagreements between sources the inputs held apart (pages in different shards)
	 * first show in the replay: those warnings stay, on the page that brought them. */
	"CREATE TEMP TABLE m_conflict AS SELECT id, page_id, question_id, message FROM main.page_warning\n"
	"  WHERE id > (SELECT id FROM temp.m_wmax) AND message LIKE 'record %: sources disagree on %';\n"
	"DELETE FROM main.page_warning WHERE id > (SELECT id FROM temp.m_wmax);\n"
	"DELETE FROM main.page_warning WHERE id <= (SELECT id FROM temp.m_wmax)\n"
	"  AND page_id IN (SELECT page FROM temp.m_win);\n"
	"INSERT INTO main.page_warning (page_id, question_id, message)\n"
	"  SELECT mp.new, w.question_id, w.message FROM temp.m_pw w\n"
	"  JOIN temp.m_pagemap mp ON mp.k = w.k AND mp.old = w.page_id\n"
	"  JOIN temp.m_win win ON win.page = mp.new AND win.k = w.k ORDER BY mp.new, w.id;\n"
	"INSERT INTO main.page_warning (page_id, question_id, message)\n"
	"  SELECT c.page_id, c.question_id, c.message FROM temp.m_conflict c WHERE NOT EXISTS\n"
	"  (SELECT 1 FROM main.page_warning w WHERE w.page_id = c.page_id AND w.question_id IS c.question_id\n"
	"  AND w.message = c.message) ORDER BY c.id;\n"
	"DROP TABLE temp.m_conflict;\n";

/* sql with :k and :input bound (sqlite3_exec cannot bind) */
static int merge_exec(pqx_store *st, const char *sql, int k, const char *input, char *err, size_t errlen)
{
	const char *tail = sql;
	while (tail && *tail) {
		sqlite3_stmt *s = NULL;
		if (sqlite3_prepare_v2(st->db, tail, -1, &s, &tail) != SQLITE_OK) {
			set_err(err, errlen, "%s", sqlite3_errmsg(st->db));
			return -1;
		}
		if (!s)
			continue;
		int i = sqlite3_bind_parameter_index(s, ":k");
		if (i > 0)
			sqlite3_bind_int(s, i, k);
		i = sqlite3_bind_parameter_index(s, ":input");
		if (i > 0)
			sqlite3_bind_text(s, i, input, -1, SQLITE_STATIC);
		int rc;
		while ((rc = sqlite3_step(s)) == SQLITE_ROW)
			;
		sqlite3_finalize(s);
		if (rc != SQLITE_DONE) {
			set_err(err, errlen, "%s", sqlite3_errmsg(st->db));
			return -1;
		}
	}
	return 0;
}

/* Attaches one input as src and copies it into the temporary tables; an input of
 * an older schema is migrated in a temporary copy first. */
static int merge_read_input(pqx_store *st, const char *in_path, int k, char *err, size_t errlen)
{
	char e[400];
	int v = input_version(in_path, e, sizeof e);
	if (v < 0) {
		set_err(err, errlen, "%s: %s", in_path, e);
		return -1;
	}
	char tmp[64] = "";
	const char *attach = in_path;
	int ret = -1;
	if (v < PQX_STORE_SCHEMA_VERSION) {
		snprintf(tmp, sizeof tmp, "/tmp/pqx-merge-XXXXXX");
		int fd = mkstemp(tmp);
		if (fd < 0) {
			set_err(err, errlen, "%s: cannot create a temporary copy to migrate it", in_path);
			return -1;
		}
		close(fd);
		pqx_store *old = NULL;
		if (copy_db(in_path, tmp, e, sizeof e) != 0 || !(old = pqx_store_open(tmp, e, sizeof e))) {
			set_err(err, errlen, "%s: %s", in_path, e);
			goto out;
		}
		pqx_store_close(old);
		attach = tmp;
	}
	sqlite3_stmt *a = NULL;
	if (sqlite3_prepare_v2(st->db, "ATTACH ?1 AS src", -1, &a, NULL) != SQLITE_OK) {
		set_err(err, errlen, "%s: cannot attach it: %s", in_path, sqlite3_errmsg(st->db));
		goto out;
	}
	sqlite3_bind_text(a, 1, attach, -1, SQLITE_STATIC);
	int arc = sqlite3_step(a);
	sqlite3_finalize(a);
	if (arc != SQLITE_DONE) {
		set_err(err, errlen, "%s: cannot attach it: %s", in_path, sqlite3_errmsg(st->db));
		goto out;
	}
	if (merge_exec(st, merge_read, k, in_path, e, sizeof e) != 0)
		set_err(err, errlen, "%s: reading it: %s", in_path, e);
	else
		ret = 0;
	sqlite3_exec(st->db, "DETACH src", NULL, NULL, NULL);
out:
	if (tmp[0]) {
		char side[80];
		unlink(tmp);
		snprintf(side, sizeof side, "%s-wal", tmp);
		unlink(side);
		snprintf(side, sizeof side, "%s-shm", tmp);
		unlink(side);
	}
	return ret;
}

int pqx_store_merge(pqx_store *st, const char *const *inputs, int n, long *versions,
                    char *err, size_t errlen)
{
	*versions = 0;
	char e[400];
	int ret = -1, in_tx = 0;
	sqlite3_stmt *each = NULL, *mark = NULL;
	pqx_buf what = PQX_BUF_INIT, warns = PQX_BUF_INIT, rec = PQX_BUF_INIT, path = PQX_BUF_INIT,
		when = PQX_BUF_INIT;
	if (merge_exec(st, merge_tables, 0, NULL, e, sizeof e) != 0) {
		set_err(err, errlen, "preparing the merge: %s", e);
		goto out;
	}
	for (int k = 0; k < n; k++)
		if (merge_read_input(st, inputs[k], k + 1, err, errlen) != 0)
			goto out;
	if (exec_sql(st->db, "BEGIN IMMEDIATE", err, errlen, "merge") != 0)
		goto out;
	in_tx = 1;
	if (merge_exec(st, merge_runs, 0, NULL, e, sizeof e) != 0)
		goto fail;
	for (int k = 1; k <= n; k++)
		if (merge_exec(st, merge_pages, k, inputs[k - 1], e, sizeof e) != 0)
			goto fail;
	if (sqlite3_prepare_v2(st->db,
	        "SELECT v.record, mp.new, mr.new, v.t, coalesce(pg.path, '') FROM temp.m_ver v"
	        " LEFT JOIN temp.m_pagemap mp ON mp.k = v.k AND mp.old = v.page_id"
	        " LEFT JOIN main.page pg ON pg.id = mp.new"
	        " LEFT JOIN temp.m_runmap mr ON mr.k = v.k AND mr.old = v.run"
	        " ORDER BY v.gen, v.path, v.t, v.cur, v.question_id, v.kind, v.source, v.record, v.k",
	        -1, &each, NULL) != SQLITE_OK) {
		snprintf(e, sizeof e, "%s", sqlite3_errmsg(st->db));
		goto fail;
	}
	int rc;
	while ((rc = sqlite3_step(each)) == SQLITE_ROW) {
		pqx_buf_reset(&rec);
		pqx_buf_reset(&path);
		pqx_buf_reset(&when);
		pqx_buf_add(&rec, (const char *)sqlite3_column_text(each, 0), (size_t)sqlite3_column_bytes(each, 0));
		add_text(&path, sqlite3_column_text(each, 4));
		add_text(&when, sqlite3_column_text(each, 3));
		if (rec.oom || path.oom || when.oom) {
			snprintf(e, sizeof e, "out of memory");
			goto fail;
		}
		/* replayed at the time it was first stored, so first_seen and updated keep it */
		bindings b = {.now = pqx_buf_cstr(&when), .path = pqx_buf_cstr(&path),
		              .page = sqlite3_column_int64(each, 1), .run = sqlite3_column_int64(each, 2)};
		pqx_buf_reset(&warns);
		pqx_buf_reset(&what);
		long known = st->pending.unchanged;
		int64_t wmark = 0;
		if (sqlite3_prepare_v2(st->db, "SELECT coalesce(max(id), 0) FROM page_warning", -1, &mark, NULL)
		    == SQLITE_OK && sqlite3_step(mark) == SQLITE_ROW)
			wmark = sqlite3_column_int64(mark, 0);
		sqlite3_finalize(mark);
		mark = NULL;
		if (store_record(st, &b, rec.s, rec.len, &warns, &what) != 0) {
			snprintf(e, sizeof e, "replaying a source version: %s", pqx_buf_cstr(&what));
			goto fail;
		}
		/* a version the output already held: the warnings it wrote again are not new */
		if (st->pending.unchanged != known) {
			char del[96];
			snprintf(del, sizeof del, "DELETE FROM page_warning WHERE id > %lld", (long long)wmark);
			if (exec_sql(st->db, del, e, sizeof e, "merge") != 0)
				goto fail;
		}
		++*versions;
	}
	sqlite3_finalize(each);
	each = NULL;
	if (rc != SQLITE_DONE) {
		snprintf(e, sizeof e, "%s", sqlite3_errmsg(st->db));
		goto fail;
	}
	for (int k = 1; k <= n; k++)
		if (merge_exec(st, merge_times, k, inputs[k - 1], e, sizeof e) != 0)
			goto fail;
	if (merge_exec(st, merge_warnings, 0, NULL, e, sizeof e) != 0)
		goto fail;
	if (exec_sql(st->db, "COMMIT", err, errlen, "merge") != 0)
		goto fail_quiet;
	in_tx = 0;
	ret = 0;
	goto out;
fail:
	set_err(err, errlen, "merge: %s", e);
fail_quiet:
	sqlite3_finalize(each);
out:
	if (in_tx)
		sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
	/* the temporary tables go: a store that merged stays usable */
	merge_exec(st, "DROP TABLE IF EXISTS temp.m_run; DROP TABLE IF EXISTS temp.m_run_stat;"
	           " DROP TABLE IF EXISTS temp.m_page; DROP TABLE IF EXISTS temp.m_pw;"
	           " DROP TABLE IF EXISTS temp.m_check; DROP TABLE IF EXISTS temp.m_ver;"
	           " DROP TABLE IF EXISTS temp.m_src; DROP TABLE IF EXISTS temp.m_q;"
	           " DROP TABLE IF EXISTS temp.m_runmap; DROP TABLE IF EXISTS temp.m_pagemap;"
	           " DROP TABLE IF EXISTS temp.m_win; DROP TABLE IF EXISTS temp.m_wmax;"
	           " DROP TABLE IF EXISTS temp.m_conflict; DROP TABLE IF EXISTS temp.m_input;"
	           " DROP TABLE IF EXISTS temp.m_fresh;", 0, NULL, e, sizeof e);
	pqx_buf_free(&what);
	pqx_buf_free(&warns);
	pqx_buf_free(&rec);
	pqx_buf_free(&path);
	pqx_buf_free(&when);
	return ret;
}
