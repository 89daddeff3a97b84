/*
 * test_store.c: the SQLite store against the fixtures in tests/fixtures/store/: schema
 * and migrations (tests/fixtures/migrate/v1.db and v2.db, killed and failing migrations),
 * every table of a stored Senate record, authors' kinds, documents and summaries of German
 * pages, idempotent re-runs, order independence, revisions, full-text search, unknown
 * fields, error pages, whole-page rollback, and the five README queries
 * (tests/fixtures/store/queries.sql). Run from the project root.
 * Databases are temporary files under /tmp, removed at the end; it writes nothing else.
 */
#define _POSIX_C_SOURCE 200809L  /* strdup, getpid, fork, waitpid */

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "buf.h"
#include "sha256.h"
#include "store.h"
#include "t.h"

#define PQX_STR_(x) #x
#define PQX_STR(x) PQX_STR_(x)

#define FIX "tests/fixtures/store/"

static char dbpath[256];
static char err[1024];

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		printf("# cannot open %s (run from the project root)\n", path);
		exit(2);
	}
	pqx_buf b = PQX_BUF_INIT;
	char chunk[4096];
	size_t n;
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		pqx_buf_add(&b, chunk, n);
	fclose(f);
	char *s = strdup(pqx_buf_cstr(&b));
	pqx_buf_free(&b);
	return s;
}

/* Every row of a query as "a|b|c\n" lines (NULL shown as NULL); caller frees. */
static char *rows(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *s;
	pqx_buf b = PQX_BUF_INIT;
	if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK) {
		pqx_buf_addf(&b, "SQL ERROR: %s", sqlite3_errmsg(db));
	} else {
		while (sqlite3_step(s) == SQLITE_ROW) {
			for (int i = 0; i < sqlite3_column_count(s); i++) {
				const unsigned char *t = sqlite3_column_text(s, i);
				pqx_buf_addf(&b, "%s%s", i ? "|" : "", t ? (const char *)t : "NULL");
			}
			pqx_buf_addc(&b, '\n');
		}
		sqlite3_finalize(s);
	}
	char *r = strdup(pqx_buf_cstr(&b));
	pqx_buf_free(&b);
	return r;
}

static long long q_int(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *s;
	long long v = -999;
	if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK) {
		printf("# SQL error: %s\n", sqlite3_errmsg(db));
		return v;
	}
	if (sqlite3_step(s) == SQLITE_ROW)
		v = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return v;
}

#define CHECK_ROWS(db, sql, want, name) do { \
	char *got_ = rows((db), (sql)); \
	CHECK_STR(got_, (want), (name)); \
	free(got_); \
} while (0)

#define CHECK_INT(db, sql, want, name) do { \
	long long got_ = q_int((db), (sql)); \
	if (got_ != (want)) printf("#   got %lld, want %lld\n", got_, (long long)(want)); \
	CHECK(got_ == (want), (name)); \
} while (0)

static void fresh_db(const char *tag)
{
	snprintf(dbpath, sizeof dbpath, "/tmp/pqx_test_store_%ld_%s.db", (long)getpid(), tag);
	char p[300];
	unlink(dbpath);
	snprintf(p, sizeof p, "%s-wal", dbpath);
	unlink(p);
	snprintf(p, sizeof p, "%s-shm", dbpath);
	unlink(p);
}

static int store(pqx_store *st, int64_t run, const char *path, const char *sha, const char *records,
                 pqx_buf *warnings)
{
	pqx_page_info pi = {path, sha, records ? strlen(records) : 0, "windows-1252", "meta", "ok",
	                    NULL, NULL, NULL};
	int rc = pqx_store_page(st, run, &pi, records, warnings, err, sizeof err);
	if (rc != 0)
		printf("# store: %s\n", err);
	return rc;
}

static int64_t run_begin(pqx_store *st)
{
	pqx_run_info ri = {"be-senate", "scripts/be-senate.lua", "2024.1",
	                   "0000000000000000000000000000000000000000000000000000000000000000",
	                   "0.1.0", "{\"max_bytes\":1000000}"};
	return pqx_store_run_begin(st, &ri, err, sizeof err);
}

static int fts_ok(sqlite3 *db)
{
	/* rank = 1: also compare the index with the content table (external content). */
	return sqlite3_exec(db, "INSERT INTO question_fts (question_fts, rank) VALUES ('integrity-check', 1)",
	                    NULL, NULL, NULL) == SQLITE_OK;
}

static long long matches(sqlite3 *db, const char *query)
{
	sqlite3_stmt *s;
	long long n = -1;
	if (sqlite3_prepare_v2(db, "SELECT count(*) FROM question_fts WHERE question_fts MATCH ?", -1, &s,
	                       NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_text(s, 1, query, -1, SQLITE_STATIC);
	if (sqlite3_step(s) == SQLITE_ROW)
		n = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return n;
}

/* ---------- schema ---------- */

static void test_schema(void)
{
	fresh_db("schema");
	pqx_store *st = pqx_store_open(dbpath, err, sizeof err);
	CHECK(st != NULL, "store opens a new file");
	if (!st)
		return;
	sqlite3 *db = pqx_store_db(st);
	CHECK(pqx_store_schema_version(st) == PQX_STORE_SCHEMA_VERSION, "schema version after creation");
	CHECK_INT(db, "PRAGMA user_version", PQX_STORE_SCHEMA_VERSION, "user_version is the latest");
	CHECK_ROWS(db, "PRAGMA journal_mode", "wal\n", "journal mode is WAL");
	CHECK_INT(db, "PRAGMA foreign_keys", 1, "foreign keys on");
	CHECK_ROWS(db, "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'question_fts%'"
	           " ORDER BY name",
	           "answer\nanswer_item\nanswer_section\nattachment\ndocument\nevent\nkeyword\norganisation\npage\npage_check\npage_warning\n"
	           "party\nperson\nquestion\nquestion_addressee\nquestion_author\nquestion_conflict\n"
	           "question_keyword\nquestion_part\nquestion_revision\nquestion_source_row\nquestion_translation_row\n"
	           "related\nrun\nrun_stat\n", "all tables exist");
	CHECK_INT(db, "SELECT count(*) FROM pragma_table_list WHERE schema = 'main' AND type = 'table'"
	          " AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'question_fts%' AND strict = 0", 0,
	          "every table is STRICT");
	CHECK_ROWS(db, "SELECT name FROM sqlite_master WHERE type = 'trigger' ORDER BY name",
	           "question_ad\nquestion_ai\nquestion_au\n", "FTS triggers in the sqlite-utils names");
	CHECK_INT(db, "SELECT count(*) FROM sqlite_master WHERE rootpage = 0"
	          " AND sql LIKE '%VIRTUAL TABLE%USING FTS%content=\"question\"%'", 1,
	          "question_fts is what Datasette/sqlite-utils detect");
	CHECK_INT(db, "SELECT count(*) FROM pragma_foreign_key_list('answer_item') WHERE on_delete = 'CASCADE'", 1,
	          "child rows cascade");
	CHECK_INT(db, "SELECT count(*) FROM pragma_table_info('question') WHERE name = 'id' AND pk = 1", 1,
	          "question keyed by record id");
	/* version 6: the record columns a page writes are not parsed again by a CHECK */
	CHECK_ROWS(db, "SELECT name FROM sqlite_master WHERE type = 'table'"
	           " AND sql LIKE '%record TEXT NOT NULL,%' ORDER BY name",
	           "question\n",
	           "the record column of question has no CHECK");
	/* version 7: translation rows, and the view that shows them as version 6's table */
	CHECK_INT(db, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'question_translation_row'"
	          " AND sql LIKE '%record TEXT,%'", 1, "question_translation_row.record has no CHECK and may be NULL");
	CHECK_ROWS(db, "SELECT type FROM sqlite_master WHERE name = 'question_translation'", "view\n",
	           "question_translation is a view");
	CHECK_ROWS(db, "SELECT group_concat(name, ' ') FROM pragma_table_info('question_translation')",
	           "question_id lang original title question_text answer_text keywords record summary\n",
	           "the view has version 6's columns in their order");
	/* version 8: source rows, and the view that shows them as version 7's table */
	CHECK_INT(db, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'question_source_row'"
	          " AND sql LIKE '%record TEXT,%'", 1, "question_source_row.record has no CHECK and may be NULL");
	CHECK_ROWS(db, "SELECT type FROM sqlite_master WHERE name = 'question_source'", "view\n",
	           "question_source is a view");
	CHECK_ROWS(db, "SELECT group_concat(name, ' ') FROM pragma_table_info('question_source')",
	           "question_id kind source view lang as_of record_sha256 record page_id first_seen last_seen"
	           " updated first_seen_run last_seen_run\n",
	           "the view has version 7's columns in their order");
	CHECK_INT(db, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'question_revision'"
	          " AND sql LIKE '%record TEXT NOT NULL CHECK (json_valid(record)),%'", 1,
	          "question_revision.record keeps its json_valid CHECK");
	CHECK_INT(db, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'question'"
	          " AND sql LIKE '%extra TEXT CHECK (extra IS NULL OR json_valid(extra))%'", 1,
	          "question.extra keeps its json_valid CHECK");
	CHECK_ROWS(db, "PRAGMA integrity_check", "ok\n", "integrity_check after the schema edit");
	/* this connection reads the edited definitions: a record column takes any text */
	CHECK(sqlite3_exec(db, "SAVEPOINT t6; INSERT INTO question_translation_row (question_id, lang, original,"
	                   " follows, record) VALUES ('x:1', 'nl', 1, 0, 'not json'); ROLLBACK TO t6; RELEASE t6",
	                   NULL, NULL, NULL) == SQLITE_OK, "the store's own connection has dropped the CHECK");
	long long tables = q_int(db, "SELECT count(*) FROM sqlite_master");
	pqx_store_close(st);

	st = pqx_store_open(dbpath, err, sizeof err);
	CHECK(st != NULL, "store reopens");
	if (!st)
		return;
	CHECK(pqx_store_schema_version(st) == PQX_STORE_SCHEMA_VERSION, "reopen keeps the version");
	CHECK_INT(pqx_store_db(st), "SELECT count(*) FROM sqlite_master", tables, "reopen creates nothing twice");
	/* step 6 refuses a definition it does not know (here: already edited) and leaves
	 * the file at version 5 */
	sqlite3_exec(pqx_store_db(st), "PRAGMA user_version = 5", NULL, NULL, NULL);
	pqx_store_close(st);
	st = pqx_store_open(dbpath, err, sizeof err);
	CHECK(st == NULL && strstr(err, "schema migration to version 6: table question has no column") != NULL,
	      "step 6 refuses an unknown definition of question");
	pqx_store_close(st);
	{
		sqlite3 *raw;
		sqlite3_open(dbpath, &raw);
		CHECK_INT(raw, "PRAGMA user_version", 5, "the refused step leaves version 5");
		sqlite3_exec(raw, "PRAGMA user_version = " PQX_STR(PQX_STORE_SCHEMA_VERSION), NULL, NULL, NULL);
		sqlite3_close(raw);
	}
	st = pqx_store_open(dbpath, err, sizeof err);
	CHECK(st != NULL, "store reopens at the latest version");
	if (!st)
		return;
	sqlite3_exec(pqx_store_db(st), "PRAGMA user_version = 99", NULL, NULL, NULL);
	pqx_store_close(st);
	st = pqx_store_open(dbpath, err, sizeof err);
	CHECK(st == NULL && strstr(err, "schema version 99 is newer") != NULL, "newer schema refused");
	pqx_store_close(st);

	CHECK(pqx_store_open("/nonexistent-dir/x.db", err, sizeof err) == NULL && err[0],
	      "unopenable path gives an error");
}

/* ---------- a full record ---------- */

static void test_full(void)
{
	fresh_db("full");
	pqx_store *st = pqx_store_open(dbpath, err, sizeof err);
	if (!st) {
		CHECK(0, "open for full record");
		return;
	}
	sqlite3 *db = pqx_store_db(st);
	pqx_store_set_clock(st, "2024-01-01T10:00:00.000Z");
	int64_t run = run_begin(st);
	CHECK(run == 1, "run id");
	char *full = slurp(FIX "5-8916.json");
	char pagesha[65];
	pqx_sha256_hex("page bytes v1", 13, pagesha);
	pqx_buf w = PQX_BUF_INIT;
	pqx_page_info pi = {"examples/be-senate/5-8916.html", pagesha, 31337, "windows-1252", "meta", "ok", NULL,
	                    "[\"stray byte 0x8e read as windows-1252\"]", NULL};
	CHECK(pqx_store_page(st, run, &pi, full, &w, err, sizeof err) == 0, "store the 5-8916 page");
	CHECK(w.len == 0, "no store warnings for a known-fields record");
	CHECK(pqx_store_run_end(st, run, 1, 0, err, sizeof err) == 0, "run end");

	CHECK_ROWS(db, "SELECT id, started, finished, script_name, script_path, script_version, pqx_version,"
	           " options, pages_ok, pages_failed FROM run",
	           "1|2024-01-01T10:00:00.000Z|2024-01-01T10:00:00.000Z|be-senate|scripts/be-senate.lua|2024.1|"
	           "0.1.0|{\"max_bytes\":1000000}|1|0\n", "run row");
	char want[2048];
	snprintf(want, sizeof want, "1|examples/be-senate/5-8916.html|%s|31337|windows-1252|meta|ok|NULL|"
	         "[\"stray byte 0x8e read as windows-1252\"]|1|1|2024-01-01T10:00:00.000Z|2024-01-01T10:00:00.000Z"
	         "|NULL|NULL|NULL|NULL|NULL\n",
	         pagesha);
	CHECK_ROWS(db, "SELECT * FROM page", want, "page row");
	CHECK_ROWS(db, "SELECT page_id, question_id, message FROM page_warning",
	           "1|NULL|stray byte 0x8e read as windows-1252\n", "page warning row");

	CHECK_ROWS(db, "SELECT id, parliament, term, number, type, lang, page_lang, title, status, date_asked,"
	           " date_answered, date_published, date_due, date_withdrawn, source_url, revision, extra, page_id,"
	           " first_seen, last_seen, updated, first_seen_run, last_seen_run FROM question",
	           "be-senate:5-8916|be-senate|5|8916|written|nl|nl|Federale overheidsdiensten - Communicatie met "
	           "burgers - Gebruik van sociale media|answered|2013-04-30|2013-06-04|NULL|NULL|NULL|"
	           "https://www.senate.be/www/?MIval=/Vragen/SchriftelijkeVraag&LEG=5&NR=8916&LANG=nl|1|NULL|1|"
	           "2024-01-01T10:00:00.000Z|2024-01-01T10:00:00.000Z|2024-01-01T10:00:00.000Z|1|1\n",
	           "question row");
	/* The fixture is compact canonical JSON: the hash is over exactly those bytes. */
	size_t flen = strlen(full);
	char recsha[65];
	pqx_sha256_hex(full + 1, flen - 3, recsha); /* strip "[" and "]\n" */
	snprintf(want, sizeof want, "%s\n", recsha);
	CHECK_ROWS(db, "SELECT record_sha256 FROM question", want, "record_sha256 is the record text's SHA-256");
	CHECK_INT(db, "SELECT record = json(record) FROM question", 1, "record column holds the record JSON");
	CHECK_INT(db, "SELECT json_extract(record, '$.related[17].id') = 'be-senate:5-8918' FROM question", 1,
	          "record column is complete");
	CHECK_INT(db, "SELECT question_text LIKE 'Bedrijven en overheden%permanente aandacht ?' FROM question", 1,
	          "question_text is the full question");
	CHECK_INT(db, "SELECT instr(question_text, 'Graag kreeg ik') > 0 AND"
	          " length(question_text) - length(replace(question_text, 'Graag kreeg ik', '')) = 14"
	          " FROM question", 1, "question_text holds the intro once (body contains it)");
	CHECK_INT(db, "SELECT answer_text LIKE 'Het geachte lid%Er zijn geen gevallen van misbruik bekend.'"
	          " FROM question", 1, "answer_text is the full answer");

	CHECK_ROWS(db, "SELECT * FROM person", "1|Martine Taelman\n", "person row");
	CHECK_ROWS(db, "SELECT * FROM party", "1|Open Vld\n", "party row");
	CHECK_ROWS(db, "SELECT * FROM question_author",
	           "be-senate:5-8916|0|person|1|NULL|1|Martine Taelman (Open Vld)|NULL|NULL\n", "author row");
	CHECK_ROWS(db, "SELECT position, title, person, substr(raw, 1, 26) FROM question_addressee",
	           "0|de staatssecretaris voor Asiel en Migratie, Maatschappelijke Integratie en "
	           "Armoedebestrijding, toegevoegd aan de minister van Justitie|NULL|aan de staatssecretaris vo\n",
	           "addressee row");
	CHECK_ROWS(db, "SELECT position, number, substr(text, 1, 30) FROM question_part ORDER BY position",
	           "0|1|Maken de FOD's die onder uw be\n1|2|Hoe evalueert u het gebruik va\n"
	           "2|3|Hoe wordt de informatie gesele\n3|4|Zijn er bij de FOD's die onder\n", "four parts");
	CHECK_ROWS(db, "SELECT id, position, date, kind, by_name, intro, substr(body, 1, 15) FROM answer",
	           "1|0|2013-06-04|answer|NULL|Het geachte lid vindt hieronder het antwoord op haar vragen.|"
	           "Het geachte lid\n", "answer row");
	CHECK_ROWS(db, "SELECT position, heading, number, substr(text, 1, 20),"
	           " (SELECT count(*) FROM answer_item WHERE section_id = answer_section.id)"
	           " FROM answer_section WHERE answer_id = 1 ORDER BY position",
	           "0|Dienst Vreemdelingenzaken (DVZ)|NULL|De Dienst Vreemdelin|0\n"
	           "1|Commissariaat-Generaal voor de Vluchtelingen en de Staatlozen (CGVS)|NULL|NULL|4\n"
	           "2|Raad voor Vreemdelingenbetwistingen (RVV)|NULL|De Raad voor Vreemde|0\n"
	           "3|Fedasil|NULL|NULL|4\n"
	           "4|Programmatorische Overheidsdienst (POD) Maatschappelijke Integratie|NULL|NULL|4\n",
	           "five answer sections with their items");
	CHECK_ROWS(db, "SELECT position, number, substr(text, 1, 40) FROM answer_item WHERE section_id = 4"
	           " ORDER BY position",
	           "0|1|Fedasil maakt gebruik van Facebook. Late\n1|2|De evaluatie en de reacties zijn positie\n"
	           "2|3|Een directienota van de Dienst Communica\n3|4|Er zijn geen gevallen van misbruik beken\n",
	           "Fedasil items 1-4");
	CHECK_INT(db, "SELECT count(*) FROM answer_item", 12, "twelve answer items");
	CHECK_ROWS(db, "SELECT qk.position, k.label, k.scheme, k.lang FROM question_keyword qk"
	           " JOIN keyword k ON k.id = qk.keyword_id ORDER BY qk.position",
	           "0|ministerie|be-senate-thesaurus|nl\n1|virtuele gemeenschap|be-senate-thesaurus|nl\n"
	           "2|bewustmaking van de burgers|be-senate-thesaurus|nl\n"
	           "3|betrekking tussen overheid en burger|be-senate-thesaurus|nl\n"
	           "4|sociale media|be-senate-thesaurus|nl\n", "five keywords in order");
	CHECK_ROWS(db, "SELECT * FROM event ORDER BY position",
	           "be-senate:5-8916|0|2013-04-30|Verzending vraag\nbe-senate:5-8916|1|2013-06-04|Antwoord\n",
	           "two events");
	CHECK_INT(db, "SELECT count(*) FROM related", 18, "18 related questions");
	CHECK_ROWS(db, "SELECT related_id, relation FROM related WHERE position IN (0, 15, 16, 17) ORDER BY position",
	           "be-senate:5-8900|also_asked\nbe-senate:5-8915|also_asked\nbe-senate:5-8917|also_asked\n"
	           "be-senate:5-8918|also_asked\n", "related ids in order");
	CHECK_INT(db, "SELECT count(*) FROM related WHERE related_id = 'be-senate:5-8916'", 0, "no self link");
	CHECK_INT(db, "SELECT count(*) FROM attachment", 0, "no attachments");
	CHECK_INT(db, "SELECT count(*) FROM question_revision", 0, "no revision for a first version");
	CHECK(fts_ok(db), "FTS index consistent after insert");

	/* Search by column and by folding. */
	CHECK(matches(db, "title:burgers") == 1, "FTS finds a title word");
	CHECK(matches(db, "question_text:ogenschijnlijk") == 1, "FTS finds a question word");
	CHECK(matches(db, "Fedasil") == 1, "FTS finds an answer-only word");
	CHECK(matches(db, "question_text:Fedasil") == 0, "answer-only word is not in question_text");
	CHECK(matches(db, "geevalueerd") == 1, "FTS folds diacritics (geëvalueerd)");
	CHECK(matches(db, "GEËVALUEERD") == 1, "FTS folds case and diacritics in the query");
	CHECK(matches(db, "\"sociale media\"") == 1, "FTS phrase search");
	CHECK(matches(db, "nonexistentword") == 0, "FTS finds nothing for an absent word");

	/* ---- re-store unchanged: only last_seen moves ---- */
	char *cols = rows(db, "SELECT group_concat(name, ', ') FROM pragma_table_info('question')"
	                  " WHERE name NOT IN ('last_seen', 'last_seen_run')");
	cols[strlen(cols) - 1] = '\0';
	char sql[1024];
	snprintf(sql, sizeof sql, "SELECT rowid, %s FROM question", cols);
	char *before = rows(db, sql);
	const char *children = "SELECT (SELECT group_concat(quote(a.id)||a.body, ',') FROM answer a),"
		" (SELECT group_concat(s.id||s.heading) FROM answer_section s),"
		" (SELECT count(*) FROM answer_item), (SELECT group_concat(related_id) FROM related),"
		" (SELECT group_concat(keyword_id) FROM question_keyword), (SELECT count(*) FROM keyword),"
		" (SELECT count(*) FROM person), (SELECT count(*) FROM event), (SELECT count(*) FROM page_warning)";
	char *kids_before = rows(db, children);
	pqx_store_set_clock(st, "2024-02-02T10:00:00.000Z");
	int64_t run2 = run_begin(st);
	pi.sha256 = pagesha;
	CHECK(pqx_store_page(st, run2, &pi, full, &w, err, sizeof err) == 0, "re-store the same page");
	char *after = rows(db, sql);
	CHECK_STR(after, before, "unchanged record: every question column except last_seen is unchanged");
	char *kids_after = rows(db, children);
	CHECK_STR(kids_after, kids_before, "unchanged record: child rows untouched");
	CHECK_ROWS(db, "SELECT last_seen, last_seen_run, updated FROM question",
	           "2024-02-02T10:00:00.000Z|2|2024-01-01T10:00:00.000Z\n", "unchanged record: last_seen moved");
	CHECK_ROWS(db, "SELECT count(*), first_seen, last_seen, first_seen_run, last_seen_run FROM page",
	           "1|2024-01-01T10:00:00.000Z|2024-02-02T10:00:00.000Z|1|2\n", "page row: last_seen moved");
	CHECK_INT(db, "SELECT count(*) FROM question_revision", 0, "unchanged record: no revision");

	/* Same record from changed page bytes: a second page row, the question keeps its source. */
	char pagesha2[65];
	pqx_sha256_hex("page bytes v2", 13, pagesha2);
	pi.sha256 = pagesha2;
	CHECK(pqx_store_page(st, run2, &pi, full, &w, err, sizeof err) == 0, "store same record from new bytes");
	CHECK_INT(db, "SELECT count(*) FROM page", 2, "one page row per content version");
	CHECK_INT(db, "SELECT page_id FROM question", 1, "question keeps the page of its version");
	CHECK_INT(db, "SELECT count(*) FROM question_revision", 0, "still no revision");
	CHECK(fts_ok(db), "FTS index consistent after unchanged re-store");
	free(cols);
	free(before);
	free(after);
	free(kids_before);
	free(kids_after);
	free(full);
	pqx_buf_free(&w);
	pqx_store_close(st);
}

/* ---------- a changing record ---------- */

static char *replace(const char *s, const char *from, const char *to)
{
	pqx_buf b = PQX_BUF_INIT;
	const char *p;
	while ((p = strstr(s, from)) != NULL) {
		pqx_buf_add(&b, s, (size_t)(p - s));
		pqx_buf_adds(&b, to);
		s = p + strlen(from);
	}
	pqx_buf_adds(&b, s);
	char *r = strdup(pqx_buf_cstr(&b));
	pqx_buf_free(&b);
	return r;
}

static void test_revisions(void)
{
	fresh_db("rev");
	pqx_store *st = pqx_store_open(dbpath, err, sizeof err);
	if (!st) {
		CHECK(0, "open for revisions");
		return;
	}
	sqlite3 *db = pqx_store_db(st);
	char *v1 = slurp(FIX "5-8916-unanswered.json");
	char *v2 = slurp(FIX "5-8916.json");
	char *v3 = replace(v2, "testplatform", "proefplatform");
	pqx_store_set_clock(st, "2013-05-01T00:00:00.000Z");
	CHECK(store(st, run_begin(st), "5-8916.html", "aa", v1, NULL) == 0, "store the unanswered version");
	long long rowid = q_int(db, "SELECT rowid FROM question");
	CHECK_ROWS(db, "SELECT status, date_answered, answer_text, revision FROM question",
	           "unanswered|NULL|NULL|1\n", "unanswered question row");
	CHECK_INT(db, "SELECT count(*) FROM event", 1, "one event before the answer");
	CHECK(matches(db, "Fedasil") == 0, "FTS: no answer words before the answer");

	pqx_store_set_clock(st, "2013-06-05T00:00:00.000Z");
	CHECK(store(st, run_begin(st), "5-8916.html", "bb", v2, NULL) == 0, "store the answered version");
	CHECK_INT(db, "SELECT rowid FROM question", rowid, "question updated in place (same rowid)");
	CHECK_ROWS(db, "SELECT status, date_answered, revision, first_seen, updated, page_id FROM question",
	           "answered|2013-06-04|2|2013-05-01T00:00:00.000Z|2013-06-05T00:00:00.000Z|2\n",
	           "answered question row");
	CHECK_ROWS(db, "SELECT question_id, revision, json_extract(record, '$.status'), page_id, stored,"
	           " replaced_at, run_id FROM question_revision",
	           "be-senate:5-8916|1|unanswered|1|2013-05-01T00:00:00.000Z|2013-06-05T00:00:00.000Z|2\n",
	           "previous version kept as revision 1");
	CHECK_INT(db, "SELECT count(*) FROM question_revision r JOIN question q ON q.id = r.question_id"
	          " WHERE r.record_sha256 <> q.record_sha256", 1, "revision hash differs from the current one");
	CHECK_INT(db, "SELECT count(*) FROM event", 2, "events replaced (2)");
	CHECK_INT(db, "SELECT count(*) FROM answer", 1, "answer added");
	CHECK_INT(db, "SELECT count(*) FROM answer_section", 5, "sections added");
	CHECK_INT(db, "SELECT count(*) FROM question_keyword", 5, "keywords replaced, not doubled");
	CHECK_INT(db, "SELECT count(*) FROM related", 18, "related replaced, not doubled");
	CHECK(matches(db, "Fedasil") == 1, "FTS finds the new answer's words");
	CHECK(matches(db, "testplatform") == 1, "FTS finds testplatform in v2");

	pqx_store_set_clock(st, "2013-06-10T00:00:00.000Z");
	CHECK(store(st, run_begin(st), "5-8916.html", "cc", v3, NULL) == 0, "store a corrected answer");
	CHECK_INT(db, "SELECT revision FROM question", 3, "revision 3 current");
	CHECK_INT(db, "SELECT count(*) FROM question_revision", 2, "two revisions kept");
	CHECK_INT(db, "SELECT count(*) FROM answer", 1, "still one answer");
	CHECK_INT(db, "SELECT count(*) FROM answer_section", 5, "still five sections (old ones deleted)");
	CHECK_INT(db, "SELECT count(*) FROM answer_item", 12, "still twelve items (cascade)");
	CHECK_INT(db, "SELECT count(*) FROM answer_item WHERE text LIKE '%proefplatform%'", 1, "item text replaced");
	CHECK(matches(db, "proefplatform") == 1, "FTS finds the corrected word");
	CHECK(matches(db, "testplatform") == 0, "FTS no longer finds the removed word");
	CHECK(fts_ok(db), "FTS index consistent after updates");
	CHECK_INT(db, "SELECT count(*) FROM pragma_foreign_key_check", 0, "no dangling foreign keys");
	CHECK_INT(db, "SELECT count(*) FROM person", 1, "people are not duplicated");

	/* Deleting a question (by hand, say) cascades and keeps the index right. */
	CHECK(sqlite3_exec(db, "DELETE FROM question", NULL, NULL, NULL) == SQLITE_OK, "delete a question");
	CHECK_INT(db, "SELECT (SELECT count(*) FROM answer_item) + (SELECT count(*) FROM question_revision)"
	          " + (SELECT count(*) FROM related)", 0, "delete cascades to children and revisions");
	CHECK(matches(db, "Fedasil") == 0 && fts_ok(db), "FTS delete trigger passes old values");
	free(v1);
	free(v2);
	free(v3);
	pqx_store_close(st);
}

/* ---------- unknown fields ---------- */

static void test_unknown(void)
{
	fresh_db("unknown");
	pqx_store *st = pqx_store_open(dbpath, err, sizeof err);
	if (!st) {
		CHECK(0, "open for unknown fields");
		return;
	}
	sqlite3 *db = pqx_store_db(st);
	char *rec = slurp(FIX "unknown-field.json");
	pqx_buf w = PQX_BUF_INIT;
	CHECK(store(st, 0, "x.html", "aa", rec, &w) == 0, "record with unknown fields is stored");
	CHECK_STR(pqx_buf_cstr(&w),
	          "record be-senate:5-8917: field 'native_type' is not in pqx.question/1; kept in extra\n"
	          "record be-senate:5-8917: field 'title_segments' is not in pqx.question/1; kept in extra\n",
	          "one warning line per unknown field");
	CHECK_ROWS(db, "SELECT extra FROM question",
	           "{\"bulletin\":\"5-95\",\"native_type\":\"Schriftelijke vraag\",\"title_segments\":"
	           "[\"Federale overheidsdiensten\",\"Communicatie met burgers\",\"Gebruik van sociale media\"]}\n",
	           "unknown fields merged into extra");
	CHECK_ROWS(db, "SELECT question_id, message FROM page_warning ORDER BY id",
	           "be-senate:5-8917|record be-senate:5-8917: field 'native_type' is not in pqx.question/1; kept in extra\n"
	           "be-senate:5-8917|record be-senate:5-8917: field 'title_segments' is not in pqx.question/1; kept in extra\n",
	           "warnings stored as page_warning rows");
	CHECK_INT(db, "SELECT count(*) FROM question_author", 1, "known fields stored as usual");

	/* JSON types survive the merge; a clash keeps the record's own extra. */
	pqx_buf_reset(&w);
	const char *typed = "[{\"authors\":[{\"name\":\"A\"}],\"dates\":{\"asked\":\"2020-01-01\"},"
		"\"extra\":{\"foo\":1},\"flag\":true,\"foo\":2,\"id\":\"x:1\",\"n\":3.5,\"no\":false,\"none\":null,"
		"\"number\":\"1\",\"obj\":{\"a\":[1,2]},\"parliament\":\"x\",\"schema\":\"pqx.question/1\","
		"\"status\":\"unanswered\",\"type\":\"written\",\"warnings\":[\"date guessed from URL\"]}]";
	CHECK(store(st, 0, "y.html", "bb", typed, &w) == 0, "record with typed unknown fields");
	CHECK_ROWS(db, "SELECT extra FROM question WHERE id = 'x:1'",
	           "{\"foo\":1,\"flag\":true,\"n\":3.5,\"no\":false,\"none\":null,\"obj\":{\"a\":[1,2]}}\n",
	           "extra keeps JSON types; own extra wins a clash");
	CHECK(strstr(pqx_buf_cstr(&w), "record x:1: field 'foo' is not in pqx.question/1; extra already has 'foo'")
	      != NULL, "clash is reported");
	CHECK_INT(db, "SELECT json_extract(record, '$.foo') FROM question WHERE id = 'x:1'", 2,
	          "clashing value kept in the record column");
	CHECK_INT(db, "SELECT count(*) FROM page_warning WHERE message = 'date guessed from URL'"
	          " AND question_id = 'x:1'", 1, "record's own warnings stored per page");
	CHECK_INT(db, "SELECT count(*) FROM page_warning WHERE question_id = 'x:1'", 7,
	          "six unknown fields + one record warning");
	free(rec);
	pqx_buf_free(&w);
	pqx_store_close(st);
}

/* ---------- errors and rollback ---------- */

static const char *snapshot_sql =
	"SELECT (SELECT count(*) FROM page), (SELECT count(*) FROM page_warning), (SELECT count(*) FROM question),"
	" (SELECT count(*) FROM person), (SELECT count(*) FROM party), (SELECT count(*) FROM keyword),"
	" (SELECT count(*) FROM question_keyword), (SELECT count(*) FROM answer), (SELECT count(*) FROM answer_section),"
	" (SELECT count(*) FROM answer_item), (SELECT count(*) FROM related), (SELECT count(*) FROM event),"
	" (SELECT count(*) FROM question_revision), (SELECT count(*) FROM question_fts_docsize),"
	" (SELECT group_concat(id || status || last_seen) FROM page),"
	" (SELECT group_concat(id || last_seen || record_sha256) FROM question)";

static void expect_refused(pqx_store *st, const char *records, const char *msg, const char *name)
{
	sqlite3 *db = pqx_store_db(st);
	char *before = rows(db, snapshot_sql);
	pqx_buf w = PQX_BUF_INIT;
	pqx_page_info pi = {"bad.html", "ffff", 10, NULL, NULL, "ok", NULL, "[\"w\"]", NULL};
	int rc = pqx_store_page(st, 1, &pi, records, &w, err, sizeof err);
	char *after = rows(db, snapshot_sql);
	char n1[200], n2[200], n3[200];
	snprintf(n1, sizeof n1, "%s: refused", name);
	snprintf(n2, sizeof n2, "%s: message names the failure", name);
	snprintf(n3, sizeof n3, "%s: database unchanged", name);
	CHECK(rc == -1, n1);
	if (!strstr(err, msg))
		printf("#   message: %s\n#   wanted:  %s\n", err, msg);
	CHECK(strstr(err, msg) != NULL && strstr(err, "(nothing stored for this page)") != NULL, n2);
	CHECK_STR(after, before, n3);
	CHECK(sqlite3_get_autocommit(db), "no transaction left open");
	free(before);
	free(after);
	pqx_buf_free(&w);
}

static void test_errors(void)
{
	fresh_db("errors");
	pqx_store *st = pqx_store_open(dbpath, err, sizeof err);
	if (!st) {
		CHECK(0, "open for errors");
		return;
	}
	sqlite3 *db = pqx_store_db(st);
	pqx_store_set_clock(st, "2024-03-01T00:00:00.000Z");
	int64_t run = run_begin(st);
	char *full = slurp(FIX "5-8916.json");
	CHECK(store(st, run, "ok.html", "aaaa", full, NULL) == 0, "store a good page first");

	/* An error page: stored as such, no records. */
	pqx_page_info ep = {"broken.html", "eeee", 5, "utf-8", "bom", "error",
	                    "be-senate.lua: record be-senate:5-1: dates.asked: \"30 april 2013\" is not YYYY-MM-DD",
	                    NULL, NULL};
	CHECK(pqx_store_page(st, run, &ep, NULL, NULL, err, sizeof err) == 0, "store an error page");
	CHECK_ROWS(db, "SELECT path, status, error, encoding_source FROM page WHERE path = 'broken.html'",
	           "broken.html|error|be-senate.lua: record be-senate:5-1: dates.asked: \"30 april 2013\" is not "
	           "YYYY-MM-DD|bom\n", "error page row");
	CHECK_INT(db, "SELECT count(*) FROM question", 1, "error page adds no question");

	expect_refused(st, "{\"id\":\"x\"}", "records are not a JSON array", "object instead of array");
	expect_refused(st, "[{\"id\": ", "records are not valid JSON", "malformed JSON");
	expect_refused(st, "[42]", "record 1 is a JSON integer, not an object", "array of numbers");
	expect_refused(st, "[{\"schema\":\"pqx.question/1\",\"parliament\":\"x\"}]", "a record has no id",
	               "record without id");
	expect_refused(st, "[{\"schema\":\"pqx.question/1\",\"id\":7}]", "a record has no id", "numeric id");
	expect_refused(st, "[{\"id\":\"x:1\",\"number\":\"1\"}]",
	               "record x:1: schema is missing, not \"pqx.question/1\"", "record without schema");
	expect_refused(st, "[{\"id\":\"x:1\",\"schema\":\"pqx.question/2\"}]",
	               "record x:1: schema is \"pqx.question/2\", not \"pqx.question/1\"", "other schema");
	expect_refused(st, "[{\"id\":\"x:1\",\"schema\":\"pqx.question/1\"},{\"id\":\"x:1\",\"schema\":\"pqx.question/1\"}]",
	               "record x:1 appears twice in one page", "duplicate ids");
	/* A valid record followed by a bad one: the first must not survive. */
	char *two = malloc(strlen(full) + 200);
	size_t fl = strlen(full);
	memcpy(two, full, fl);
	/* "...}]\n" -> "...},{bad}]" with the good record's id changed so it would be new */
	snprintf(two + fl - 2, 200, ",{\"id\":\"x:2\",\"parliament\":\"x\",\"schema\":\"pqx.question/1\","
	         "\"status\":\"answered\",\"type\":\"written\"}]");
	char *two_new = replace(two, "be-senate:5-8916", "be-senate:5-7777");
	expect_refused(st, two_new, "record x:2: storing the question row: NOT NULL constraint failed: question.number",
	               "second record fails");
	expect_refused(st, "[{\"id\":\"x:3\",\"keywords\":[{\"scheme\":\"s\"}],\"number\":\"3\",\"parliament\":\"x\","
	               "\"schema\":\"pqx.question/1\",\"status\":\"answered\",\"type\":\"written\"}]",
	               "record x:3: storing keyword rows: NOT NULL constraint failed: keyword.label",
	               "child row fails");
	CHECK_INT(db, "SELECT count(*) FROM question WHERE id = 'be-senate:5-7777'", 0, "first record rolled back");
	CHECK(fts_ok(db), "FTS consistent after rollbacks");

	/* Page-level problems are refused too. */
	pqx_page_info bad = {"badstatus.html", "dddd", 1, NULL, NULL, "maybe", NULL, NULL, NULL};
	CHECK(pqx_store_page(st, run, &bad, NULL, NULL, err, sizeof err) == -1 &&
	      strstr(err, "storing the page row: CHECK constraint failed") != NULL, "bad page status refused");
	pqx_page_info badw = {"badw.html", "dddd", 1, NULL, NULL, "ok", NULL, "[not json", NULL};
	CHECK(pqx_store_page(st, run, &badw, NULL, NULL, err, sizeof err) == -1 &&
	      strstr(err, "malformed JSON") != NULL, "malformed page warnings refused");
	CHECK(pqx_store_run_begin(st, &(pqx_run_info){"s", "p", "v", "h", "x", "{oops"}, err, sizeof err) == -1,
	      "malformed run options refused");
	CHECK_INT(db, "SELECT count(*) FROM page", 2, "only the good and the error page are stored");
	free(two);
	free(two_new);
	free(full);
	pqx_store_close(st);
}

/* ---------- group commit ---------- */

/* Pages stored within the commit window share one transaction: another connection
 * sees none of them until the commit, a page that fails in the middle takes only
 * itself back, and a commit after the window lands them all. */
static void test_group_commit(void)
{
	fresh_db("group");
	pqx_store *st = pqx_store_open(dbpath, err, sizeof err);
	if (!st) {
		CHECK(0, "open for group commit");
		return;
	}
	sqlite3 *other = NULL;
	CHECK(sqlite3_open(dbpath, &other) == SQLITE_OK, "a second connection (a reader)");
	pqx_store_set_commit_window(st, 3600);
	CHECK(pqx_store_commit_due(st) < 0, "no transaction open before the first page");
	int64_t run = run_begin(st);
	char *full = slurp(FIX "5-8916.json");
	char *other_q = replace(full, "be-senate:5-8916", "be-senate:5-7777");
	char *bad = malloc(strlen(full) + 200);
	size_t fl = strlen(full);
	memcpy(bad, full, fl);
	snprintf(bad + fl - 2, 200, ",{\"id\":\"x:2\",\"parliament\":\"x\",\"schema\":\"pqx.question/1\","
	         "\"status\":\"answered\",\"type\":\"written\"}]");
	char *bad_new = replace(bad, "be-senate:5-8916", "be-senate:5-6666");
	CHECK(store(st, run, "a.html", "aaaa", full, NULL) == 0, "group: first page stored");
	double due = pqx_store_commit_due(st);
	CHECK(due > 3500 && due <= 3600, "group: the transaction is due within its window");
	pqx_page_info pi = {"b.html", "bbbb", 1, NULL, NULL, "ok", NULL, NULL, NULL};
	CHECK(pqx_store_page(st, run, &pi, bad_new, NULL, err, sizeof err) == -1 &&
	      strstr(err, "(nothing stored for this page)") != NULL, "group: a failing page in the middle");
	CHECK(store(st, run, "c.html", "cccc", other_q, NULL) == 0, "group: a page after the failure");
	CHECK_INT(other, "SELECT count(*) FROM page", 0, "group: a reader sees nothing before the commit");
	CHECK(pqx_store_commit(st, err, sizeof err) == 0, "group: commit");
	CHECK(pqx_store_commit_due(st) < 0, "group: no transaction open after the commit");
	CHECK_ROWS(other, "SELECT path FROM page ORDER BY path", "a.html\nc.html\n",
	           "group: both good pages committed, the failed one absent");
	CHECK_ROWS(other, "SELECT id FROM question ORDER BY id", "be-senate:5-7777\nbe-senate:5-8916\n",
	           "group: the failed page's first record rolled back with it");
	CHECK(fts_ok(pqx_store_db(st)), "group: FTS consistent");
	/* window 0: every page is committed at once */
	pqx_store_set_commit_window(st, 0);
	char *third = replace(full, "be-senate:5-8916", "be-senate:5-5555");
	CHECK(store(st, run, "d.html", "dddd", third, NULL) == 0 && pqx_store_commit_due(st) < 0,
	      "window 0: the page is committed on its own");
	CHECK_INT(other, "SELECT count(*) FROM question", 3, "window 0: a reader sees it at once");
	/* close commits what a caller left open */
	pqx_store_set_commit_window(st, 3600);
	char *fourth = replace(full, "be-senate:5-8916", "be-senate:5-4444");
	CHECK(store(st, run, "e.html", "eeee", fourth, NULL) == 0, "group: one more page, left open");
	pqx_store_close(st);
	CHECK_INT(other, "SELECT count(*) FROM question", 4, "close commits the open transaction");
	sqlite3_close(other);
	free(full);
	free(other_q);
	free(bad);
	free(bad_new);
	free(third);
	free(fourth);
}

/* ---------- README queries ---------- */

typedef struct query_case {
	const char *name;
	const char *want;
} query_case;

static void test_queries(void)
{
	fresh_db("queries");
	pqx_store *st = pqx_store_open(dbpath, err, sizeof err);
	if (!st) {
		CHECK(0, "open for queries");
		return;
	}
	sqlite3 *db = pqx_store_db(st);
	char *full = slurp(FIX "5-8916.json");
	char *small = slurp(FIX "queries.json");
	CHECK(store(st, 0, "5-8916.html", "aa", full, NULL) == 0, "store 5-8916 for queries");
	CHECK(store(st, 0, "small.html", "bb", small, NULL) == 0, "store 4 more records for queries");

	static const query_case cases[] = {
		{"questions_per_author_and_party",
		 "Cindy Franssen|CD&V|2\nMartine Taelman|Open Vld|2\nBert Anciaux|sp.a|1\n"},
		{"unanswered_older_than", "be-senate:5-9001|Asielzoekers - Opvang - Wachtlijsten|2013-05-14|48\n"},
		{"answer_delay_per_addressee",
		 "de minister van Justitie|2|43.0|76\nde staatssecretaris voor Asiel en Migratie, Maatschappelijke "
		 "Integratie en Armoedebestrijding, toegevoegd aan de minister van Justitie|1|35.0|35\n"},
		{"keyword_counts",
		 "sociale media|be-senate-thesaurus|nl|3\nasielzoeker|be-senate-thesaurus|nl|2\n"
		 "betrekking tussen overheid en burger|be-senate-thesaurus|nl|2\n"
		 "bewustmaking van de burgers|be-senate-thesaurus|nl|2\nministerie|be-senate-thesaurus|nl|2\n"
		 "virtuele gemeenschap|be-senate-thesaurus|nl|2\ngevangenis|be-senate-thesaurus|nl|1\n"},
		{"full_text_search",
		 "be-senate:5-8916|Federale overheidsdiensten - Communicatie met burgers - Gebruik van sociale media|"
		 "…Later dit jaar zal [Fedasil] ook gebruik maken van Twitter…\n"},
	};
	char *text = slurp(FIX "queries.sql");
	size_t found = 0;
	for (char *p = strstr(text, "-- name: "); p; ) {
		char *name = p + strlen("-- name: ");
		char *nl = strchr(name, '\n');
		if (!nl)
			break;
		*nl = '\0';
		char *next = strstr(nl + 1, "-- name: ");
		if (next)
			*next = '\0';
		const query_case *c = NULL;
		for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
			if (strcmp(cases[i].name, name) == 0)
				c = &cases[i];
		char label[128];
		snprintf(label, sizeof label, "README query %s", name);
		sqlite3_stmt *s = NULL;
		if (!c || sqlite3_prepare_v2(db, nl + 1, -1, &s, NULL) != SQLITE_OK) {
			printf("#   %s\n", c ? sqlite3_errmsg(db) : "no expected rows for this query");
			CHECK(0, label);
		} else {
			found++;
			int i;
			if ((i = sqlite3_bind_parameter_index(s, ":as_of")) > 0)
				sqlite3_bind_text(s, i, "2013-07-01", -1, SQLITE_STATIC);
			if ((i = sqlite3_bind_parameter_index(s, ":days")) > 0)
				sqlite3_bind_text(s, i, "30", -1, SQLITE_STATIC); /* as sqlite-utils -p binds it */
			if ((i = sqlite3_bind_parameter_index(s, ":query")) > 0)
				sqlite3_bind_text(s, i, "Fedasil", -1, SQLITE_STATIC);
			pqx_buf b = PQX_BUF_INIT;
			while (sqlite3_step(s) == SQLITE_ROW) {
				for (int k = 0; k < sqlite3_column_count(s); k++) {
					const unsigned char *t = sqlite3_column_text(s, k);
					pqx_buf_addf(&b, "%s%s", k ? "|" : "", t ? (const char *)t : "NULL");
				}
				pqx_buf_addc(&b, '\n');
			}
			sqlite3_finalize(s);
			CHECK_STR(pqx_buf_cstr(&b), c->want, label);
			pqx_buf_free(&b);
		}
		/* Put back the byte cut off to end this query's text. */
		if (next)
			*next = '-';
		p = next;
	}
	CHECK(found == 5, "five README queries found in queries.sql");
	CHECK(matches(db, "\"sociale media\"") == 3,
	      "phrase search finds both questions with that text and the one with that keyword");
	CHECK(matches(db, "keywords:gevangenis") == 1, "FTS searches keywords");
	CHECK(matches(db, "asielzoekers") == 2, "word search over two titles");
	free(text);
	free(full);
	free(small);
	pqx_store_close(st);
}

/* ---------- one question, many pages ---------- */

/* Everything a question is, without timestamps, run ids or synthetic row ids (page ids
 * become paths): two databases with the same questions give the same text. */
static const char *const dump_sql[] = {
	"SELECT id, parliament, term, number, type, lang, page_lang, title, status, date_asked,"
	" date_answered, date_published, date_due, date_withdrawn, source_url, question_text, answer_text,"
	" keywords, translations, revision, record_sha256, record, extra,"
	" (SELECT path FROM page WHERE page.id = question.page_id), summary FROM question ORDER BY id",
	"SELECT question_id, kind, source, view, lang, as_of, record_sha256,"
	" (SELECT path FROM page WHERE page.id = s.page_id) FROM question_source s ORDER BY 1, 2, 3",
	"SELECT * FROM question_translation ORDER BY question_id, lang",
	"SELECT * FROM question_conflict ORDER BY question_id, position",
	"SELECT question_id, revision, kind, source, record_sha256 FROM question_revision ORDER BY 1, 2",
	"SELECT a.question_id, a.position, a.kind, p.name, o.kind, o.name, y.name, a.raw, a.constituency, a.ref"
	" FROM question_author a LEFT JOIN person p ON p.id = a.person_id"
	" LEFT JOIN organisation o ON o.id = a.organisation_id LEFT JOIN party y ON y.id = a.party_id ORDER BY 1, 2",
	"SELECT * FROM question_addressee ORDER BY 1, 2",
	"SELECT * FROM question_part ORDER BY 1, 2",
	"SELECT question_id, position, date, kind, by_name, intro, body FROM answer ORDER BY 1, 2",
	"SELECT a.question_id, a.position, s.position, s.heading, s.number, s.text FROM answer_section s"
	" JOIN answer a ON a.id = s.answer_id ORDER BY 1, 2, 3",
	"SELECT a.question_id, a.position, s.position, i.position, i.number, i.text FROM answer_item i"
	" JOIN answer_section s ON s.id = i.section_id JOIN answer a ON a.id = s.answer_id ORDER BY 1, 2, 3, 4",
	"SELECT qk.question_id, qk.position, k.label, k.scheme, k.lang FROM question_keyword qk"
	" JOIN keyword k ON k.id = qk.keyword_id ORDER BY 1, 2",
	"SELECT * FROM event ORDER BY 1, 2",
	"SELECT * FROM related ORDER BY 1, 2",
	"SELECT * FROM attachment ORDER BY 1, 2",
	"SELECT * FROM document ORDER BY 1, 2",
	"SELECT count(*) FROM question_fts WHERE question_fts MATCH '\"sociale media\"'",
	"SELECT count(*) FROM question_fts WHERE question_fts MATCH '\"médias sociaux\"'",
	"SELECT count(*) FROM question_fts WHERE question_fts MATCH 'summary : Sonderungsverbot'",
	"SELECT kind, name FROM organisation ORDER BY kind, name",
};

static char *dump(sqlite3 *db)
{
	pqx_buf b = PQX_BUF_INIT;
	for (size_t i = 0; i < sizeof dump_sql / sizeof dump_sql[0]; i++) {
		char *r = rows(db, dump_sql[i]);
		pqx_buf_addf(&b, "-- %zu\n%s", i, r);
		free(r);
	}
	char *r = strdup(pqx_buf_cstr(&b));
	pqx_buf_free(&b);
	return r;
}

/* The pages of 5-8916 (three) and of DIP Vorgang 18-83903 (two views), as the scripts
 * give them: the golden files are exactly those records. */
static const char *const page_files[] = {
	"examples/be-senate/5-8916-unanswered.expected.json",
	"examples/be-senate/5-8916.expected.json",
	"examples/be-senate/5-8916-fr.expected.json",
	"examples/de-bundestag/dip21-18-13660.expected.json",
	"examples/de-bundestag/dip21-18-13660-ablauf.expected.json",
};
#define NPAGES 5

static int store_file(pqx_store *st, int64_t run, int which, char *const *recs)
{
	char sha[65];
	pqx_sha256_hex(recs[which], strlen(recs[which]), sha);
	return store(st, run, page_files[which], sha, recs[which], NULL);
}

/* Stores n pages (at most 5) in every order, each order in a new database; returns the
 * dump of the first order (caller frees), and in *same how many orders gave that dump. */
static char *every_order(const char *const *files, int n, int *perms_out, int *same_out, int *ok_out)
{
	char *recs[5];
	for (int i = 0; i < n; i++)
		recs[i] = slurp(files[i]);
	char *first = NULL;
	int perms = 0, same = 0, stored_ok = 1, total = 1;
	int idx[5];
	for (int k = 0; k < n; k++)
		total *= n;
	/* every order of the n pages: all n^n index tuples, keeping those without repeats */
	for (int t = 0; t < total; t++) {
		int used = 0, ok = 1;
		for (int k = 0, m = t; k < n; k++, m /= n) {
			idx[k] = m % n;
			if (used & (1 << idx[k]))
				ok = 0;
			used |= 1 << idx[k];
		}
		if (!ok)
			continue;
		pqx_store *st = pqx_store_open(":memory:", err, sizeof err);
		if (!st) {
			stored_ok = 0;
			break;
		}
		pqx_store_set_clock(st, perms % 2 ? "2024-05-05T00:00:00.000Z" : "2024-01-01T00:00:00.000Z");
		int64_t run = run_begin(st);
		for (int k = 0; k < n; k++) {
			char sha[65];
			pqx_sha256_hex(recs[idx[k]], strlen(recs[idx[k]]), sha);
			if (store(st, run, files[idx[k]], sha, recs[idx[k]], NULL) != 0)
				stored_ok = 0;
		}
		char *d = dump(pqx_store_db(st));
		if (!first) {
			first = d;
			same++;
		} else {
			if (strcmp(first, d) == 0)
				same++;
			else if (same == perms)
				printf("# order %d %d %d %d %d differs\n", idx[0], idx[1], n > 2 ? idx[2] : -1,
				       n > 3 ? idx[3] : -1, n > 4 ? idx[4] : -1);
			free(d);
		}
		perms++;
		pqx_store_close(st);
	}
	for (int i = 0; i < n; i++)
		free(recs[i]);
	*perms_out = perms;
	*same_out = same;
	*ok_out = stored_ok;
	return first;
}

static void test_permutations(void)
{
	int perms, same, stored_ok;
	char *first = every_order(page_files, NPAGES, &perms, &same, &stored_ok);
	CHECK(stored_ok, "every order stores every page");
	CHECK(perms == 120, "120 orders of the five pages");
	if (same != perms)
		printf("#   %d of %d orders give the first order's rows\n", same, perms);
	CHECK(same == perms, "every order gives the same question rows, child rows, sources and translations");
	/* What that one result is. */
	CHECK(first && strstr(first, "be-senate:5-8916|be-senate|5|8916|written|nl|nl|Federale overheidsdiensten") != NULL,
	      "the question row is Dutch (the original language) whatever the order");
	CHECK(first && strstr(first, "be-senate:5-8916|1|detail|nl|") != NULL,
	      "the unanswered Dutch page is a revision of the Dutch source in every order");
	CHECK(first && strstr(first, "\n-- 17\n1\n") != NULL, "the French text is found in every order");
	free(first);

	/* German pages: a list and a detail page of one question, a group, a party and a
	 * committee as authors, documents and summaries. */
	static const char *const de_files[] = {
		"examples/de-by/detail.expected.json",
		"examples/de-by/overview.expected.json",
		"examples/de-he/detail_major.expected.json",
		"examples/de-mv/detail_6_4640.expected.json",
	};
	first = every_order(de_files, 4, &perms, &same, &stored_ok);
	CHECK(stored_ok && perms == 24, "24 orders of four German pages store every page");
	if (same != perms)
		printf("#   %d of %d orders give the first order's rows\n", same, perms);
	CHECK(same == perms, "every order gives the same authors, organisations, documents and summaries");
	CHECK(first && strstr(first, "de-he:19/1126|0|group|NULL|group|Fraktion der SPD|SPD|") != NULL,
	      "the Hessen group author is an organisation in every order");
	CHECK(first && strstr(first, "de-by:17/4838|0|party|NULL|party|BÜNDNIS 90/DIE GRÜNEN|BÜNDNIS 90/DIE GRÜNEN|") != NULL,
	      "the Bayern party author comes from the detail page in every order");
	CHECK(first && strstr(first, "de-he:19/1126|2|19/42|other|2015-04-28|") != NULL,
	      "the Hessen documents are rows in every order");
	CHECK(first && strstr(first, "\n-- 18\n1\n") != NULL, "the summary is searchable in every order");
	free(first);
}

static void test_sources(void)
{
	char *recs[NPAGES];
	for (int i = 0; i < NPAGES; i++)
		recs[i] = slurp(page_files[i]);
	pqx_store *st = pqx_store_open(":memory:", err, sizeof err);
	if (!st) {
		CHECK(0, "open for sources");
		return;
	}
	sqlite3 *db = pqx_store_db(st);
	pqx_store_set_clock(st, "2024-01-01T00:00:00.000Z");
	int64_t run = run_begin(st);
	CHECK(store_file(st, run, 0, recs) == 0 && store_file(st, run, 2, recs) == 0,
	      "store the unanswered Dutch page, then the French page");
	CHECK_INT(db, "SELECT count(*) FROM question_revision", 0, "a second language is not a revision");
	CHECK_ROWS(db, "SELECT lang, page_lang, status, revision FROM question", "nl|nl|unanswered|1\n",
	           "the question row stays Dutch and unanswered (the French page is an answered translation)");
	CHECK_ROWS(db, "SELECT lang, original, substr(title, 1, 30), keywords LIKE '%médias sociaux%'"
	           " FROM question_translation ORDER BY original DESC, lang",
	           "nl|1|Federale overheidsdiensten - C|0\nfr|0|Services publics fédéraux - Co|1\n",
	           "one translation per language, the original marked");
	CHECK(matches(db, "\"médias sociaux\"") == 1 && matches(db, "\"sociale media\"") == 1,
	      "FTS finds the question in Dutch and in French");
	CHECK(matches(db, "keywords:\"médias sociaux\"") == 1, "FTS finds a French keyword");
	CHECK_INT(db, "SELECT count(*) FROM question_keyword", 10, "keywords of both languages are linked");
	CHECK_INT(db, "SELECT count(*) FROM question_conflict", 1, "one disagreement between the languages");
	CHECK_ROWS(db, "SELECT field, kind, source, value, chosen_source, chosen_value FROM question_conflict",
	           "status|detail|fr|\"answered\"|nl|\"unanswered\"\n",
	           "the status disagreement is kept: fr says answered, nl (leading) unanswered");

	/* The answer arrives on the Dutch page: one revision, of the Dutch source. */
	pqx_store_set_clock(st, "2024-02-01T00:00:00.000Z");
	int64_t run2 = run_begin(st);
	pqx_buf w = PQX_BUF_INIT;
	char sha[65];
	pqx_sha256_hex(recs[1], strlen(recs[1]), sha);
	pqx_page_info pi = {page_files[1], sha, 10, NULL, NULL, "ok", NULL, NULL, NULL};
	CHECK(pqx_store_page(st, run2, &pi, recs[1], &w, err, sizeof err) == 0, "store the answered Dutch page");
	CHECK_ROWS(db, "SELECT question_id, revision, kind, source, json_extract(record, '$.status'), replaced_at"
	           " FROM question_revision",
	           "be-senate:5-8916|1|detail|nl|unanswered|2024-02-01T00:00:00.000Z\n",
	           "exactly one revision: the Dutch source's old version");
	CHECK_ROWS(db, "SELECT status, revision, updated FROM question", "answered|2|2024-02-01T00:00:00.000Z\n",
	           "the question is answered, revision 2");
	CHECK_INT(db, "SELECT count(*) FROM question_conflict", 0, "the languages agree now");
	CHECK_INT(db, "SELECT count(*) FROM answer_section WHERE heading = 'Fedasil'", 1,
	          "child rows come from the Dutch page");
	CHECK(fts_ok(db), "FTS consistent after the rebuild");

	/* Re-running every page, old ones included: nothing but last_seen. */
	char *before = dump(db);
	char *times = rows(db, "SELECT first_seen, updated FROM question UNION ALL SELECT first_seen || updated"
	                   " FROM question_source UNION ALL SELECT stored || replaced_at FROM question_revision");
	pqx_store_set_clock(st, "2024-03-01T00:00:00.000Z");
	int64_t run3 = run_begin(st);
	for (int i = NPAGES - 1; i >= 0; i--)
		store_file(st, run3, i, recs);
	for (int i = 0; i < NPAGES; i++)
		store_file(st, run3, i, recs);
	char *after = dump(db);
	char *times2 = rows(db, "SELECT first_seen, updated FROM question UNION ALL SELECT first_seen || updated"
	                    " FROM question_source UNION ALL SELECT stored || replaced_at FROM question_revision");
	/* the DIP pages were new in this run: compare the Senate question only */
	CHECK_INT(db, "SELECT count(*) FROM question_revision WHERE question_id = 'be-senate:5-8916'", 1,
	          "re-running every page (an old one too) adds no revision");
	CHECK_ROWS(db, "SELECT revision, last_seen, last_seen_run FROM question WHERE id = 'be-senate:5-8916'",
	           "2|2024-03-01T00:00:00.000Z|3\n", "last_seen moves");
	free(before);
	free(after);
	free(times);
	free(times2);
	before = dump(db);
	times = rows(db, "SELECT first_seen, updated FROM question UNION ALL SELECT first_seen || updated"
	             " FROM question_source UNION ALL SELECT stored || replaced_at FROM question_revision");
	pqx_store_set_clock(st, "2024-04-01T00:00:00.000Z");
	int64_t run4 = run_begin(st);
	int changes = sqlite3_total_changes(db);
	for (int i = 0; i < NPAGES; i++)
		store_file(st, run4, i, recs);
	after = dump(db);
	times2 = rows(db, "SELECT first_seen, updated FROM question UNION ALL SELECT first_seen || updated"
	              " FROM question_source UNION ALL SELECT stored || replaced_at FROM question_revision");
	CHECK_STR(after, before, "unchanged pages: every question, source, translation and child row unchanged");
	CHECK_STR(times2, times, "unchanged pages: no first_seen, updated or revision time moved");
	CHECK_INT(db, "SELECT count(*) FROM question_source WHERE last_seen_run = 4", 4,
	          "unchanged pages: every current source was seen by the run");
	printf("# %d rows written by re-running 5 unchanged pages (page rows, their warnings, last_seen)\n",
	       sqlite3_total_changes(db) - changes);
	free(before);
	free(after);
	free(times);
	free(times2);

	/* The French page changes: one revision, of the French source. */
	char *fr2 = replace(recs[2], "Fedasil utilise Facebook.", "Fedasil utilise Facebook et Instagram.");
	pqx_sha256_hex(fr2, strlen(fr2), sha);
	pqx_store_set_clock(st, "2024-05-01T00:00:00.000Z");
	CHECK(store(st, run_begin(st), page_files[2], sha, fr2, NULL) == 0, "store a changed French page");
	CHECK_ROWS(db, "SELECT revision, kind, source, json_extract(record, '$.page_lang') FROM question_revision"
	           " WHERE question_id = 'be-senate:5-8916' ORDER BY revision",
	           "1|detail|nl|nl\n2|detail|fr|fr\n", "the French source's old version is revision 2");
	CHECK(matches(db, "Instagram") == 1, "the changed French text is searchable");
	CHECK_INT(db, "SELECT revision FROM question WHERE id = 'be-senate:5-8916'", 3, "question revision 3");

	/* DIP: two views merge; the disagreement is kept and named. */
	CHECK_ROWS(db, "SELECT status, date_asked, date_answered, length(keywords) > 0, source_url IS NOT NULL,"
	           " (SELECT count(*) FROM attachment WHERE question_id = id) FROM question"
	           " WHERE id = 'de-bundestag:18-83903'", "answered|2017-09-13|2017-09-29|1|1|1\n",
	           "the DIP views merge: dates, keywords and the static URL of the extract");
	CHECK_ROWS(db, "SELECT field, source, chosen_source FROM question_conflict"
	           " WHERE question_id = 'de-bundestag:18-83903' ORDER BY position",
	           "attachments|ablauf|extract\ndocuments|ablauf|extract\n",
	           "the views' disagreements on attachments and Drucksachen are recorded");
	CHECK_INT(db, "SELECT count(*) FROM page_warning WHERE message LIKE"
	          " 'record de-bundestag:18-83903: sources disagree on attachments: detail source ablauf gives %'", 2,
	          "the disagreement is a warning of both pages that take part, also after a re-run");
	free(fr2);
	pqx_buf_free(&w);
	pqx_store_close(st);
	for (int i = 0; i < NPAGES; i++)
		free(recs[i]);
}

static void test_lists(void)
{
	pqx_store *st = pqx_store_open(":memory:", err, sizeof err);
	if (!st) {
		CHECK(0, "open for lists");
		return;
	}
	sqlite3 *db = pqx_store_db(st);
	const char *list = "[{\"dates\":{\"asked\":\"2013-04-29\"},\"id\":\"be-senate:5-8916\",\"number\":\"8916\","
		"\"page_lang\":\"nl\",\"parliament\":\"be-senate\",\"schema\":\"pqx.question/1\","
		"\"source\":{\"kind\":\"list\"},\"title\":\"Gebruik van sociale media\"}]";
	CHECK(store(st, 0, "list.html", "l1", list, NULL) == 0, "a list record alone is stored");
	CHECK_ROWS(db, "SELECT number, type, status, title, date_asked FROM question",
	           "8916|NULL|NULL|Gebruik van sociale media|2013-04-29\n",
	           "a list-only question has what the list gives, and no invented type or status");
	char *full = slurp(FIX "5-8916.json");
	CHECK(store(st, 0, "detail.html", "d1", full, NULL) == 0, "then the detail page");
	CHECK_ROWS(db, "SELECT type, status, substr(title, 1, 26), date_asked FROM question",
	           "written|answered|Federale overheidsdiensten|2013-04-30\n", "the detail page beats the list");
	CHECK_ROWS(db, "SELECT field, kind, source, value, chosen_kind, chosen_source FROM question_conflict ORDER BY position",
	           "dates.asked|list|nl|\"2013-04-29\"|detail|nl\ntitle|list|nl|\"Gebruik van sociale media\"|detail|nl\n",
	           "the list's other values are kept as conflicts");
	CHECK_INT(db, "SELECT count(*) FROM question_source", 2, "list and detail are two sources of one language");
	free(full);
	pqx_store_close(st);
}

/* ---------- schema version 3: authors' kinds, documents, summaries ---------- */

static void test_v3_rows(void)
{
	static const char *const de_files[] = {
		"examples/de-by/detail.expected.json",
		"examples/de-by/overview.expected.json",
		"examples/de-he/detail_major.expected.json",
		"examples/de-mv/detail_6_4640.expected.json",
	};
	pqx_store *st = pqx_store_open(":memory:", err, sizeof err);
	if (!st) {
		CHECK(0, "open for version 3 rows");
		return;
	}
	sqlite3 *db = pqx_store_db(st);
	pqx_store_set_clock(st, "2024-01-01T00:00:00.000Z");
	char *recs[4];
	int ok = 1;
	for (int i = 0; i < 4; i++) {
		recs[i] = slurp(de_files[i]);
		if (store(st, 0, de_files[i], de_files[i], recs[i], NULL) != 0)
			ok = 0;
	}
	CHECK(ok, "store four German pages");
	CHECK_ROWS(db, "SELECT a.kind, o.kind, o.name, y.name FROM question_author a"
	           " JOIN organisation o ON o.id = a.organisation_id LEFT JOIN party y ON y.id = a.party_id"
	           " ORDER BY a.question_id",
	           "party|party|BÜNDNIS 90/DIE GRÜNEN|BÜNDNIS 90/DIE GRÜNEN\n"
	           "group|group|Fraktion der SPD|SPD\n"
	           "committee|committee|Ausschuss|NULL\n",
	           "a party, a group and a committee are organisations, with their party when printed");
	CHECK_INT(db, "SELECT count(*) FROM person WHERE name IN ('Ausschuss', 'Fraktion der SPD', 'BÜNDNIS 90/DIE GRÜNEN')",
	          0, "none of them is a person");
	CHECK_ROWS(db, "SELECT position, number, kind, date, title FROM document WHERE question_id = 'de-he:19/1126'"
	           " ORDER BY position",
	           "0|19/1126|question|2014-11-19|NULL\n1|19/1632|answer|2015-02-23|NULL\n"
	           "2|19/42|other|2015-04-28|Plenarprotokoll 19/42\n",
	           "the Hessen papers in the record's order, with kind, date and title");
	CHECK_ROWS(db, "SELECT url FROM document WHERE question_id = 'de-he:19/1126' AND position = 1",
	           "http://starweb.hessen.de/cgi-bin/webhltlinks.pl?form=/webhlt_links.html&typ=drs&title=Drucksache&nb=19/1632\n",
	           "a paper's URL");
	CHECK_INT(db, "SELECT count(*) FROM document WHERE question_id = 'de-by:17/4838'", 1,
	          "Bayern 17/4838: one paper, from the detail page (the list's is the same)");
	CHECK_ROWS(db, "SELECT id FROM question WHERE summary LIKE 'Fragenkatalog zur Entwicklung%'", "de-he:19/1126\n",
	           "question.summary");
	CHECK(matches(db, "summary : Lehrkräftebezahlung") == 1, "the summary is searched (its own FTS column)");
	CHECK(matches(db, "title : Lehrkräftebezahlung") == 0, "... and only there");
	/* Unchanged pages again: nothing but last_seen. */
	char *before = dump(db);
	pqx_store_set_clock(st, "2024-02-01T00:00:00.000Z");
	for (int i = 3; i >= 0; i--)
		store(st, 0, de_files[i], de_files[i], recs[i], NULL);
	char *after = dump(db);
	CHECK_STR(after, before, "re-storing the German pages changes no author, organisation, document or summary");
	CHECK_INT(db, "SELECT count(*) FROM question_revision", 0, "... and adds no revision");
	free(before);
	free(after);
	for (int i = 0; i < 4; i++)
		free(recs[i]);

	/* A party author without `party`: its name is the party. A person named like a group
	 * stays a person (the kind decides, never the name). */
	const char *kinds = "[{\"authors\":[{\"kind\":\"party\",\"name\":\"B90/Grüne\"},"
		"{\"name\":\"Fraktion der SPD\"},{\"kind\":\"government\",\"name\":\"Landesregierung\"}],"
		"\"dates\":{\"asked\":\"2015-01-01\"},\"id\":\"de-sl:15/1\",\"number\":\"15/1\",\"parliament\":\"de-sl\","
		"\"schema\":\"pqx.question/1\",\"status\":\"unanswered\",\"type\":\"written\"}]";
	CHECK(store(st, 0, "kinds.html", "k1", kinds, NULL) == 0, "store a record with three kinds of author");
	CHECK_ROWS(db, "SELECT a.position, a.kind, p.name, o.name, y.name FROM question_author a"
	           " LEFT JOIN person p ON p.id = a.person_id LEFT JOIN organisation o ON o.id = a.organisation_id"
	           " LEFT JOIN party y ON y.id = a.party_id WHERE a.question_id = 'de-sl:15/1' ORDER BY 1",
	           "0|party|NULL|B90/Grüne|B90/Grüne\n1|person|Fraktion der SPD|NULL|NULL\n"
	           "2|government|NULL|Landesregierung|NULL\n",
	           "party author's name is its party; no kind means person; a government is an organisation");
	CHECK_INT(db, "SELECT count(*) FROM organisation WHERE name = 'Fraktion der SPD'", 1,
	          "the same name as a person and as a group: one row in each table");

	/* Documents and summaries follow the language of their page: two languages with their
	 * own titles and URLs are not a disagreement. */
	const char *nl = "[{\"authors\":[{\"name\":\"A\"}],\"dates\":{\"asked\":\"2015-01-01\"},"
		"\"documents\":[{\"kind\":\"question\",\"number\":\"6-1/1\",\"title\":\"Vraag\",\"url\":\"https://x.be/?LANG=nl\"}],"
		"\"id\":\"be-x:6-1\",\"lang\":\"nl\",\"number\":\"6-1\",\"page_lang\":\"nl\",\"parliament\":\"be-x\","
		"\"schema\":\"pqx.question/1\",\"status\":\"unanswered\",\"summary\":\"Samenvatting over fietspaden\","
		"\"title\":\"Fietspaden\",\"type\":\"written\"}]";
	const char *fr = "[{\"authors\":[{\"name\":\"A\"}],\"dates\":{\"asked\":\"2015-01-01\"},"
		"\"documents\":[{\"kind\":\"question\",\"number\":\"6-1/1\",\"title\":\"Question\",\"url\":\"https://x.be/?LANG=fr\"}],"
		"\"id\":\"be-x:6-1\",\"lang\":\"nl\",\"number\":\"6-1\",\"page_lang\":\"fr\",\"parliament\":\"be-x\","
		"\"schema\":\"pqx.question/1\",\"status\":\"unanswered\",\"summary\":\"Résumé sur les pistes cyclables\","
		"\"title\":\"Pistes cyclables\",\"type\":\"written\"}]";
	CHECK(store(st, 0, "fr.html", "f1", fr, NULL) == 0 && store(st, 0, "nl.html", "n1", nl, NULL) == 0,
	      "store a question in French, then in Dutch (the original)");
	CHECK_ROWS(db, "SELECT title, url FROM document WHERE question_id = 'be-x:6-1'", "Vraag|https://x.be/?LANG=nl\n",
	           "the document rows are the original language's");
	CHECK_INT(db, "SELECT count(*) FROM question_conflict WHERE question_id = 'be-x:6-1'", 0,
	          "two languages' papers and summaries are not a disagreement");
	CHECK_ROWS(db, "SELECT summary FROM question WHERE id = 'be-x:6-1'", "Samenvatting over fietspaden\n",
	           "question.summary is the original language's");
	CHECK_ROWS(db, "SELECT lang, summary, json_extract(record, '$.documents[0].title') FROM question_translation"
	           " WHERE question_id = 'be-x:6-1' ORDER BY lang",
	           "fr|Résumé sur les pistes cyclables|Question\nnl|Samenvatting over fietspaden|Vraag\n",
	           "each translation keeps its summary and its papers");
	CHECK(matches(db, "cyclables") == 1 && matches(db, "translations : Résumé") == 1,
	      "the French summary is searchable (through translations)");
	CHECK(fts_ok(db), "FTS consistent with summaries");
	pqx_store_close(st);
}

/* ---------- migration from version 1 ---------- */

static int copy_file(const char *from, const char *to)
{
	char *unused = NULL;
	(void)unused;
	FILE *in = fopen(from, "rb"), *out = fopen(to, "wb");
	int ok = in && out;
	char chunk[8192];
	size_t n;
	while (ok && (n = fread(chunk, 1, sizeof chunk, in)) > 0)
		ok = fwrite(chunk, 1, n, out) == n;
	if (in)
		fclose(in);
	if (out && fclose(out) != 0)
		ok = 0;
	return ok ? 0 : -1;
}

/* The rows of a version-1 file that version 2 keeps as they were. */
static const char *const v1_rows[] = {
	"SELECT id, started, finished, script_name, script_path, script_version, script_sha256, pqx_version,"
	" options, pages_ok, pages_failed FROM run ORDER BY id",
	"SELECT id, path, content_sha256, bytes, encoding, encoding_source, status, error, warnings,"
	" first_seen_run, last_seen_run, first_seen, last_seen FROM page ORDER BY id",
	"SELECT * FROM page_warning ORDER BY id",
	"SELECT question_id, revision, record_sha256, record, page_id, stored, replaced_at, run_id"
	" FROM question_revision ORDER BY 1, 2",
	"SELECT rowid, id, first_seen, last_seen, updated, first_seen_run, last_seen_run, revision FROM question ORDER BY id",
	"SELECT * FROM person ORDER BY id",
	"SELECT * FROM party ORDER BY id",
	"SELECT * FROM keyword ORDER BY id",
	/* child rows of the questions that had one source */
	"SELECT a.question_id, a.position, a.person_id, a.party_id, a.raw FROM question_author a"
	" WHERE a.question_id <> 'be-senate:5-8916' ORDER BY 1, 2",
	"SELECT question_id, position, date, kind, by_name, intro, body FROM answer"
	" WHERE question_id <> 'be-senate:5-8916' ORDER BY 1, 2",
	"SELECT a.question_id, a.position, s.position, s.heading, s.text FROM answer_section s"
	" JOIN answer a ON a.id = s.answer_id WHERE a.question_id <> 'be-senate:5-8916' ORDER BY 1, 2, 3",
	"SELECT * FROM question_keyword WHERE question_id <> 'be-senate:5-8916' ORDER BY 1, 2",
	"SELECT * FROM event WHERE question_id <> 'be-senate:5-8916' ORDER BY 1, 2",
	"SELECT * FROM related WHERE question_id <> 'be-senate:5-8916' ORDER BY 1, 2",
	"SELECT * FROM attachment WHERE question_id <> 'be-senate:5-8916' ORDER BY 1, 2",
	"SELECT * FROM question_part WHERE question_id <> 'be-senate:5-8916' ORDER BY 1, 2",
	"SELECT * FROM question_addressee WHERE question_id <> 'be-senate:5-8916' ORDER BY 1, 2",
	"SELECT id, title, question_text, answer_text, record_sha256, record, extra FROM question"
	" WHERE id <> 'be-senate:5-8916' ORDER BY id",
};
#define NV1 (sizeof v1_rows / sizeof v1_rows[0])

static void test_migration(void)
{
	fresh_db("migrate");
	if (copy_file("tests/fixtures/migrate/v1.db", dbpath) != 0) {
		CHECK(0, "copy the version-1 fixture");
		return;
	}
	sqlite3 *raw;
	char *before[NV1];
	sqlite3_open(dbpath, &raw);
	CHECK_INT(raw, "PRAGMA user_version", 1, "the fixture is schema version 1");
	for (size_t i = 0; i < NV1; i++)
		before[i] = rows(raw, v1_rows[i]);
	long long questions = q_int(raw, "SELECT count(*) FROM question");
	sqlite3_close(raw);

	pqx_store *st = pqx_store_open(dbpath, err, sizeof err);
	CHECK(st != NULL, "a version-1 file opens and migrates");
	if (!st) {
		printf("# %s\n", err);
		return;
	}
	sqlite3 *db = pqx_store_db(st);
	CHECK_INT(db, "PRAGMA user_version", PQX_STORE_SCHEMA_VERSION, "migrated to the latest version");
	for (size_t i = 0; i < NV1; i++) {
		char name[80];
		snprintf(name, sizeof name, "migration keeps every row: query %zu", i + 1);
		char *after = rows(db, v1_rows[i]);
		CHECK_STR(after, before[i], name);
		free(after);
		free(before[i]);
	}
	CHECK_INT(db, "SELECT count(*) FROM question", questions, "every question kept");
	CHECK_INT(db, "SELECT count(*) FROM question_source", questions + 1,
	          "one source per question, plus the Dutch source version 1 had made a revision");
	CHECK_ROWS(db, "SELECT kind, source, lang, json_extract(record, '$.status') FROM question_source"
	           " WHERE question_id = 'be-senate:5-8916' ORDER BY source",
	           "detail|fr|fr|answered\ndetail|nl|nl|answered\n", "5-8916 has its Dutch and French sources");
	CHECK_ROWS(db, "SELECT revision, kind, source FROM question_revision ORDER BY revision",
	           "1|detail|nl\n2|detail|nl\n", "the revisions are named by their source");
	CHECK_ROWS(db, "SELECT lang, page_lang, revision, substr(title, 1, 26) FROM question WHERE id = 'be-senate:5-8916'",
	           "nl|nl|3|Federale overheidsdiensten\n", "5-8916 is Dutch again, its revision count kept");
	CHECK_ROWS(db, "SELECT kind, source FROM question_source WHERE question_id = 'be-senate:5-7001'",
	           "detail|tests/fixtures/db/page-extra.html\n", "a record without page_lang is named by its path");
	CHECK(matches(db, "\"sociale media\"") == 1 && matches(db, "\"médias sociaux\"") == 1,
	      "after migration both languages are searchable");
	CHECK(fts_ok(db), "FTS index consistent after migration");
	CHECK_INT(db, "SELECT count(*) FROM pragma_foreign_key_check", 0, "no dangling references");
	CHECK_INT(db, "PRAGMA foreign_keys", 1, "foreign keys back on");
	CHECK_ROWS(db, "PRAGMA integrity_check", "ok\n", "integrity check");
	/* The Dutch page again: it is the Dutch source's current record, nothing changes. */
	char *nl = slurp("examples/be-senate/5-8916.expected.json");
	long long revs = q_int(db, "SELECT count(*) FROM question_revision");
	CHECK(store(st, 0, "examples/be-senate/5-8916.html", "x", nl, NULL) == 0, "store the Dutch page again");
	CHECK_INT(db, "SELECT count(*) FROM question_revision", revs, "no revision: the migration restored it");
	free(nl);
	pqx_store_close(st);

	/* A step that fails leaves the file at version 1, whole. */
	fresh_db("migrate");
	copy_file("tests/fixtures/migrate/v1.db", dbpath);
	sqlite3_open(dbpath, &raw);
	sqlite3_exec(raw, "CREATE TABLE question_source (x)", NULL, NULL, NULL);
	sqlite3_close(raw);
	st = pqx_store_open(dbpath, err, sizeof err);
	CHECK(st == NULL && strstr(err, "schema migration to version 2: table question_source already exists"),
	      "a failing migration says which step and why");
	pqx_store_close(st);
	sqlite3_open(dbpath, &raw);
	CHECK_INT(raw, "PRAGMA user_version", 1, "a failing migration leaves version 1");
	CHECK_INT(raw, "SELECT count(*) FROM question", questions, "... with every question");
	CHECK_INT(raw, "SELECT count(*) FROM answer_section", 5, "... and every child row");
	sqlite3_close(raw);
}

/* ---------- migration from version 2 (and 1) to 3 ---------- */

/* The SHA-256 of a file's bytes, or "" when it cannot be read. */
static void file_sha(const char *path, char out[65])
{
	FILE *f = fopen(path, "rb");
	out[0] = '\0';
	if (!f)
		return;
	pqx_sha256_ctx c;
	unsigned char d[32], chunk[8192];
	size_t n;
	pqx_sha256_init(&c);
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		pqx_sha256_update(&c, chunk, n);
	fclose(f);
	pqx_sha256_final(&c, d);
	pqx_sha256_tohex(d, out);
}

/* "table count" lines for every table of the file (FTS shadow tables aside). */
static char *table_counts(sqlite3 *db)
{
	char *names = rows(db, "SELECT name FROM sqlite_master WHERE type = 'table'"
	                   " AND name NOT LIKE 'question_fts%' AND name NOT LIKE 'sqlite_%' ORDER BY name");
	pqx_buf b = PQX_BUF_INIT;
	for (char *p = names, *nl; (nl = strchr(p, '\n')) != NULL; p = nl + 1) {
		*nl = '\0';
		char sql[200];
		snprintf(sql, sizeof sql, "SELECT count(*) FROM \"%s\"", p);
		pqx_buf_addf(&b, "%s %lld\n", p, q_int(db, sql));
	}
	pqx_buf_addf(&b, "question_fts %lld\n", q_int(db, "SELECT count(*) FROM question_fts"));
	free(names);
	char *r = strdup(pqx_buf_cstr(&b));
	pqx_buf_free(&b);
	return r;
}

static char *schema_of(sqlite3 *db)
{
	return rows(db, "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name");
}

/* What version 3 must keep of a version-2 file, row for row: everything but the author
 * rows' new columns, the summary columns and the person rows that moved. */
static const char *const v2_rows[] = {
	"SELECT id, started, finished, script_name, script_path, script_version, script_sha256, pqx_version,"
	" options, pages_ok, pages_failed FROM run ORDER BY id",
	"SELECT id, path, content_sha256, bytes, encoding, encoding_source, status, error, warnings,"
	" first_seen_run, last_seen_run, first_seen, last_seen FROM page ORDER BY id",
	"SELECT * FROM page_warning ORDER BY id",
	"SELECT * FROM question_source ORDER BY 1, 2, 3",
	"SELECT * FROM question_revision ORDER BY 1, 2",
	"SELECT * FROM question_conflict ORDER BY 1, 2",
	"SELECT question_id, lang, original, title, question_text, answer_text, keywords, record"
	" FROM question_translation ORDER BY 1, 2",
	"SELECT rowid, id, parliament, term, number, type, lang, page_lang, title, status, date_asked,"
	" date_answered, date_published, date_due, date_withdrawn, source_url, question_text, answer_text,"
	" keywords, translations, revision, record_sha256, record, extra, page_id, first_seen, last_seen,"
	" updated, first_seen_run, last_seen_run FROM question ORDER BY rowid",
	"SELECT * FROM party ORDER BY id",
	"SELECT * FROM keyword ORDER BY id",
	"SELECT * FROM question_keyword ORDER BY 1, 2",
	"SELECT * FROM question_addressee ORDER BY 1, 2",
	"SELECT * FROM question_part ORDER BY 1, 2",
	/* answers, sections and items by position: their ids are new (the rows are rebuilt) */
	"SELECT question_id, position, date, kind, by_name, intro, body FROM answer ORDER BY 1, 2",
	"SELECT a.question_id, a.position, s.position, s.heading, s.number, s.text FROM answer_section s"
	" JOIN answer a ON a.id = s.answer_id ORDER BY 1, 2, 3",
	"SELECT a.question_id, a.position, s.position, i.position, i.number, i.text FROM answer_item i"
	" JOIN answer_section s ON s.id = i.section_id JOIN answer a ON a.id = s.answer_id ORDER BY 1, 2, 3, 4",
	"SELECT * FROM event ORDER BY 1, 2",
	"SELECT * FROM related ORDER BY 1, 2",
	"SELECT * FROM attachment ORDER BY 1, 2",
	/* the people: every person row but those version 2 made for groups, parties, committees */
	"SELECT * FROM person WHERE name NOT IN (SELECT json_extract(a.value, '$.name') FROM question q,"
	" json_each(q.record, '$.authors') a WHERE coalesce(json_extract(a.value, '$.kind'), 'person') <> 'person')"
	" ORDER BY id",
};
#define NV2 (sizeof v2_rows / sizeof v2_rows[0])

/* The author rows by name, as version 2 and version 3 each store them. */
#define V2_AUTHORS "SELECT a.question_id, a.position, p.name, y.name, a.raw, a.constituency, a.ref" \
	" FROM question_author a JOIN person p ON p.id = a.person_id LEFT JOIN party y ON y.id = a.party_id" \
	" ORDER BY 1, 2"
#define V3_AUTHORS "SELECT a.question_id, a.position, coalesce(p.name, o.name), y.name, a.raw," \
	" a.constituency, a.ref FROM question_author a LEFT JOIN person p ON p.id = a.person_id" \
	" LEFT JOIN organisation o ON o.id = a.organisation_id LEFT JOIN party y ON y.id = a.party_id" \
	" ORDER BY 1, 2"

/* A child process that opens the store on dbpath and is killed (SIGKILL, as kill -9) when
 * SQLite starts the statement `kill_at` for the `kill_nth` time: the migration is then
 * under way inside its transaction. The hook is SQLite's own trace callback, installed by
 * an auto-extension, so store.c needs no test hook. */
static const char *kill_at;
static int kill_nth, kill_seen;

static int kill_trace(unsigned type, void *ctx, void *p, void *x)
{
	(void)type;
	(void)ctx;
	(void)p;
	if (x && strncmp((const char *)x, kill_at, strlen(kill_at)) == 0 && ++kill_seen >= kill_nth)
		raise(SIGKILL);
	return 0;
}

static int kill_ext(sqlite3 *db, char **msg, const void *api)
{
	(void)msg;
	(void)api;
	sqlite3_trace_v2(db, SQLITE_TRACE_STMT, kill_trace, NULL);
	return SQLITE_OK;
}

/* 1 when the child was killed where it should be. */
static int killed_migration(const char *at, int nth)
{
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		kill_at = at;
		kill_nth = nth;
		sqlite3_auto_extension((void (*)(void))kill_ext);
		pqx_store *st = pqx_store_open(dbpath, err, sizeof err);
		pqx_store_close(st);
		_exit(0);
	}
	int status = 0;
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return 0;
	return WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL;
}

/* The schema of a new file (the one every migrated file must have), then a copy of
 * fixture at dbpath; NULL (and a failed check) when either cannot be made. */
static char *fixture_copy(const char *n, const char *fixture)
{
	char tag[32];
	snprintf(tag, sizeof tag, "fresh%s", n);
	fresh_db(tag);
	pqx_store *st = pqx_store_open(dbpath, err, sizeof err);
	if (!st) {
		CHECK(0, "open a new file");
		return NULL;
	}
	char *fresh = schema_of(pqx_store_db(st));
	pqx_store_close(st);
	snprintf(tag, sizeof tag, "migrate%s", n);
	fresh_db(tag);
	if (copy_file(fixture, dbpath) != 0) {
		CHECK(0, fixture);
		free(fresh);
		return NULL;
	}
	return fresh;
}

/* ---------- a new file's schema (src/schema_new.h) ---------- */

/* Everything a file holds that could tell the two ways of making it apart: every
 * schema object in SQLite's order, the version, and each table's rows (a new file's
 * tables are empty but for the FTS5 configuration). */
static char *file_state(sqlite3 *db)
{
	pqx_buf b = PQX_BUF_INIT;
	char *objs = rows(db, "SELECT type, name, tbl_name, sql FROM sqlite_schema ORDER BY rowid");
	pqx_buf_addf(&b, "%s", objs);
	free(objs);
	pqx_buf_addf(&b, "version %lld\n", q_int(db, "PRAGMA user_version"));
	char *tables = rows(db, "SELECT name FROM sqlite_schema WHERE type = 'table' AND sql NOT LIKE 'CREATE VIRTUAL%' ORDER BY rowid");
	for (char *t = tables, *nl; t && (nl = strchr(t, '\n')); t = nl + 1) {
		*nl = '\0';
		char sql[200];
		snprintf(sql, sizeof sql, "SELECT * FROM \"%s\"", t);
		char *r = rows(db, sql);
		pqx_buf_addf(&b, "%s:\n%s", t, r);
		free(r);
	}
	free(tables);
	char *out = strdup(pqx_buf_cstr(&b));
	pqx_buf_free(&b);
	return out;
}

static void test_new_schema(void)
{
	char *state[2] = {NULL, NULL};
	for (int chain = 0; chain < 2; chain++) {
		fresh_db(chain ? "chain" : "direct");
		if (chain)
			setenv("PQX_STORE_MIGRATE_ALL", "1", 1);
		pqx_store *st = pqx_store_open(dbpath, err, sizeof err);
		unsetenv("PQX_STORE_MIGRATE_ALL");
		CHECK(st != NULL, chain ? "a new file through every migration" : "a new file from schema_new.h");
		if (!st) {
			free(state[0]);
			return;
		}
		state[chain] = file_state(pqx_store_db(st));
		pqx_store_close(st);
	}
	int same = strcmp(state[0], state[1]) == 0;
	CHECK(same, "a new file's schema is the migrations' own: the same objects in the same order, "
	      "the same version and rows (if not: make schema)");
	if (!same)
		printf("# schema_new.h:\n%s# the migrations:\n%s", state[0], state[1]);
	CHECK(strstr(state[0], "version " PQX_STR(PQX_STORE_SCHEMA_VERSION) "\n") != NULL,
	      "a new file is at the newest version");
	CHECK(strstr(state[0], "table|question_fts_data|") != NULL && strstr(state[0], "trigger|") != NULL,
	      "with the FTS5 shadow tables and the triggers");
	free(state[0]);
	free(state[1]);

	/* a file at version 0 that already holds something is not new: it takes the
	 * migrations, which leave what they do not know alone */
	fresh_db("notnew");
	sqlite3 *raw;
	sqlite3_open(dbpath, &raw);
	sqlite3_exec(raw, "CREATE TABLE mine (x)", NULL, NULL, NULL);
	sqlite3_close(raw);
	pqx_store *st = pqx_store_open(dbpath, err, sizeof err);
	CHECK(st != NULL, "a version-0 file with a table of its own opens");
	if (st) {
		sqlite3 *db = pqx_store_db(st);
		CHECK_INT(db, "SELECT count(*) FROM sqlite_schema WHERE name IN ('mine', 'question', 'question_source')", 3,
		          "its own table is kept beside the new schema");
		CHECK_INT(db, "PRAGMA user_version", PQX_STORE_SCHEMA_VERSION, "and it is at the newest version");
		pqx_store_close(st);
	}
	fresh_db("notnew");
}

/* ---------- migration from version 6 to 7 ---------- */

/* version 6's table and version 7's view, row for row, every column */
#define V6_TRANSLATIONS "SELECT * FROM question_translation ORDER BY question_id, lang"

static void test_migration7(void)
{
	char *fresh = fixture_copy("7", "tests/fixtures/migrate/v6.db");
	if (!fresh)
		return;
	pqx_store *st;
	sqlite3 *raw;
	sqlite3_open(dbpath, &raw);
	CHECK_INT(raw, "PRAGMA user_version", 6, "the fixture is schema version 6");
	char *before = rows(raw, V6_TRANSLATIONS);
	long long n = q_int(raw, "SELECT count(*) FROM question_translation");
	long long same = q_int(raw, "SELECT count(*) FROM question_translation t JOIN question q ON q.id = t.question_id"
	                       " WHERE t.record = q.record");
	long long bytes = q_int(raw, "SELECT sum(length(record)) FROM question_translation");
	sqlite3_close(raw);
	CHECK(n > same && same > 0, "the fixture has translations that are the question and some that are not");

	st = pqx_store_open(dbpath, err, sizeof err);
	CHECK(st != NULL, "a version-6 file opens and migrates");
	if (!st) {
		printf("# %s\n", err);
		free(fresh);
		free(before);
		return;
	}
	sqlite3 *db = pqx_store_db(st);
	CHECK_INT(db, "PRAGMA user_version", PQX_STORE_SCHEMA_VERSION, "migrated to the latest version");
	char *after = rows(db, V6_TRANSLATIONS);
	CHECK_STR(after, before, "version 7's view gives version 6's translation rows, every column");
	CHECK_INT(db, "SELECT count(*) FROM question_translation_row WHERE follows = 1", same,
	          "each translation that was the question's merge follows the question");
	long long kept = q_int(db, "SELECT coalesce(sum(length(record)), 0) FROM question_translation_row");
	printf("# translation records: %lld bytes in version 6, %lld in version 7\n", bytes, kept);
	CHECK(kept < bytes, "the records that are the question's are no longer stored twice");
	char *counts7 = table_counts(db);
	CHECK(strstr(counts7, "question_translation_row ") != NULL, "the rows are in question_translation_row");
	free(counts7);
	char *migrated = schema_of(db);
	CHECK_STR(migrated, fresh, "a migrated version-6 file has exactly the schema of a new file");
	free(migrated);
	CHECK_ROWS(db, "PRAGMA integrity_check", "ok\n", "integrity check after migration 7");
	CHECK_INT(db, "SELECT count(*) FROM pragma_foreign_key_check", 0, "no dangling references after migration 7");
	CHECK(fts_ok(db), "FTS index consistent after migration 7");
	/* The Dutch page again: unchanged, and its translation rows stay as they were. */
	char *nl = slurp("examples/be-senate/5-8916.expected.json");
	CHECK(store(st, 0, "examples/be-senate/5-8916.html", "x", nl, NULL) == 0, "store a Senate page again");
	char *again = rows(db, V6_TRANSLATIONS);
	CHECK_STR(again, before, "storing a page again after migration 7 gives the same translation rows");
	free(again);
	free(nl);
	pqx_store_close(st);
	free(after);
	free(before);
	free(fresh);
}

/* ---------- schema version 8: a source's record kept once ---------- */

#define V7_SOURCES "SELECT * FROM question_source ORDER BY question_id, kind, source"
#define V7_SOURCES_KEPT \
	"SELECT question_id, kind, source, view, lang, as_of, record_sha256, record, page_id, first_seen," \
	" updated, first_seen_run FROM question_source ORDER BY question_id, kind, source"
/* A v7 source row that version 8 keeps as following its question: the question's only
 * source, with the question's record. */
#define V7_FOLLOWING \
	"SELECT count(*) FROM question_source s JOIN question q ON q.id = s.question_id" \
	" WHERE s.record = q.record AND (SELECT count(*) FROM question_source x" \
	" WHERE x.question_id = s.question_id) = 1"

static void test_migration8(void)
{
	char *fresh = fixture_copy("8", "tests/fixtures/migrate/v7.db");
	if (!fresh)
		return;
	sqlite3 *raw;
	sqlite3_open(dbpath, &raw);
	CHECK_INT(raw, "PRAGMA user_version", 7, "the fixture is schema version 7");
	char *before = rows(raw, V7_SOURCES);
	char *before_kept = rows(raw, V7_SOURCES_KEPT);
	char *revs = rows(raw, "SELECT * FROM question_revision ORDER BY 1, 2");
	long long n = q_int(raw, "SELECT count(*) FROM question_source");
	long long same = q_int(raw, V7_FOLLOWING);
	long long bytes = q_int(raw, "SELECT sum(length(record)) FROM question_source");
	sqlite3_close(raw);
	CHECK(n > same && same > 0, "the fixture has sources that are their question's record and some that are not");

	pqx_store *st = pqx_store_open(dbpath, err, sizeof err);
	CHECK(st != NULL, "a version-7 file opens and migrates");
	if (!st) {
		printf("# %s\n", err);
		free(fresh);
		free(before);
		free(before_kept);
		free(revs);
		return;
	}
	sqlite3 *db = pqx_store_db(st);
	CHECK_INT(db, "PRAGMA user_version", PQX_STORE_SCHEMA_VERSION, "migrated to the latest version");
	char *after = rows(db, V7_SOURCES);
	CHECK_STR(after, before, "version 8's view gives version 7's source rows, every column");
	CHECK_INT(db, "SELECT count(*) FROM question_source_row WHERE follows = 1 AND splice IS NULL", same,
	          "each only source that was its question's record follows the question");
	CHECK(q_int(db, "SELECT count(*) FROM question_source_row WHERE follows = 1 AND splice IS NOT NULL") > 0,
	      "and so do the list sources whose record only adds its source member");
	CHECK_INT(db, "SELECT count(*) FROM question_source_row WHERE follows = 1 AND splice IS NOT NULL"
	          " AND splice <> ',\"source\":{\"kind\":\"list\"}'", 0,
	          "the piece they keep is that member");
	CHECK_INT(db, "SELECT count(*) FROM question_source_row", n, "every source row kept");
	long long kept = q_int(db, "SELECT coalesce(sum(length(record)), 0) FROM question_source_row");
	printf("# source records: %lld bytes in version 7, %lld in version 8\n", bytes, kept);
	CHECK(kept < bytes, "the records that are the question's are no longer stored twice");
	char *migrated = schema_of(db);
	CHECK_STR(migrated, fresh, "a migrated version-7 file has exactly the schema of a new file");
	free(migrated);
	CHECK_ROWS(db, "PRAGMA integrity_check", "ok\n", "integrity check after migration 8");
	CHECK_INT(db, "SELECT count(*) FROM pragma_foreign_key_check", 0, "no dangling references after migration 8");
	CHECK(fts_ok(db), "FTS index consistent after migration 8");
	/* The Senate pages again, unchanged: the sources stay as they were. */
	static const char *const pages[] = {"5-8916-unanswered", "5-8916", "5-8916-fr"};
	for (size_t i = 0; i < 3; i++) {
		char path[128], json[128];
		snprintf(path, sizeof path, "examples/be-senate/%s.html", pages[i]);
		snprintf(json, sizeof json, "examples/be-senate/%s.expected.json", pages[i]);
		char *recs = slurp(json);
		CHECK(recs && store(st, 0, path, "x", recs, NULL) == 0, "store a Senate page again");
		free(recs);
	}
	char *again = rows(db, V7_SOURCES_KEPT);
	CHECK_STR(again, before_kept, "storing pages again after migration 8 gives the same source rows"
	          " (but for when they were last seen)");
	char *revs8 = rows(db, "SELECT * FROM question_revision ORDER BY 1, 2");
	CHECK_STR(revs8, revs, "and the same revisions");
	free(revs8);
	free(again);
	pqx_store_close(st);
	free(after);
	free(before);
	free(before_kept);
	free(revs);
	free(fresh);
}

/* A source follows its question while it is the only one, and gets its record back
 * before a second source changes the question's record; a version of it kept as a
 * revision keeps its text. Every step is checked against the text the page gave. */
static void test_source_follows(void)
{
	pqx_store *st = pqx_store_open(":memory:", err, sizeof err);
	if (!st) {
		CHECK(0, "open for following sources");
		return;
	}
	sqlite3 *db = pqx_store_db(st);
#define A_OBJ "{\"id\":\"x:1\",\"lang\":\"nl\",\"number\":\"1\",\"page_lang\":\"nl\",\"parliament\":\"x\",\"schema\":\"pqx.question/1\"," \
	"\"status\":\"asked\",\"title\":\"Eerste\"}"
	const char *a = "[" A_OBJ "]";
	const char *b = "[{\"id\":\"x:1\",\"lang\":\"nl\",\"number\":\"1\",\"page_lang\":\"nl\",\"parliament\":\"x\",\"schema\":\"pqx.question/1\","
		"\"status\":\"answered\",\"title\":\"Tweede\"}]";
	const char *fr = "[{\"id\":\"x:1\",\"lang\":\"nl\",\"number\":\"1\",\"page_lang\":\"fr\",\"parliament\":\"x\","
		"\"schema\":\"pqx.question/1\",\"status\":\"answered\",\"title\":\"Deuxième\"}]";
#define L_OBJ "{\"id\":\"x:2\",\"number\":\"twee-één\",\"page_lang\":\"nl\",\"parliament\":\"x\"," \
	"\"schema\":\"pqx.question/1\",\"source\":{\"kind\":\"list\"},\"title\":\"Lijst één\"}"
	const char *sorted_src = "[" L_OBJ "]";
	const char *two = "[{\"id\":\"x:3\",\"number\":\"3\",\"title\":\"Drie\",\"page_lang\":\"nl\","
		"\"parliament\":\"x\",\"schema\":\"pqx.question/1\",\"source\":{\"kind\":\"list\"}}]";
	CHECK(store(st, 0, "a.html", "a", a, NULL) == 0, "one source");
	CHECK_ROWS(db, "SELECT follows, record IS NULL FROM question_source_row", "1|1\n",
	           "the only source, whose record is the question's, follows it");
	CHECK_ROWS(db, "SELECT (SELECT record FROM question_source) = '" A_OBJ "',"
	           " (SELECT record FROM question) = '" A_OBJ "'", "1|1\n",
	           "the view gives the page's record, which is the question's");
	CHECK(store(st, 0, "a.html", "b", b, NULL) == 0, "a new version of it");
	CHECK_INT(db, "SELECT count(*) FROM question_revision WHERE record = '" A_OBJ "'",
	          1, "the revision keeps the first version's text, which the row did not hold");
	CHECK_ROWS(db, "SELECT follows FROM question_source_row", "1\n", "the new version follows the question too");
	CHECK_INT(db, "SELECT count(*) FROM question_source WHERE record LIKE '%\"title\":\"Tweede\"}'", 1,
	          "and the view gives the new version");
	CHECK(store(st, 0, "fr.html", "f", fr, NULL) == 0, "a second source, in French");
	CHECK_ROWS(db, "SELECT lang, follows, record IS NULL FROM question_source_row ORDER BY lang",
	           "fr|0|0\nnl|0|0\n", "two sources: neither follows the question");
	CHECK_INT(db, "SELECT count(*) FROM question_source WHERE lang = 'nl'"
	          " AND record = '{\"id\":\"x:1\",\"lang\":\"nl\",\"number\":\"1\",\"page_lang\":\"nl\",\"parliament\":\"x\",\"schema\":\"pqx.question/1\","
	          "\"status\":\"answered\",\"title\":\"Tweede\"}'", 1,
	          "the Dutch source got its own text back before the question became the merge");
	CHECK_INT(db, "SELECT count(*) FROM question WHERE record LIKE '%Tweede%'", 1, "the merge leads with Dutch");
	CHECK(store(st, 0, "l.html", "l", sorted_src, NULL) == 0, "a record with a source member");
	CHECK_ROWS(db, "SELECT follows, record IS NULL, splice_at, splice FROM question_source_row"
	           " WHERE question_id = 'x:2'", "1|1|91|,\"source\":{\"kind\":\"list\"}\n",
	           "its question's record lacks only that member: the row keeps that piece and where it goes"
	           " (in characters)");
	CHECK_INT(db, "SELECT count(*) FROM question_source WHERE question_id = 'x:2' AND record = '" L_OBJ "'", 1,
	          "and the view gives the page's record");
	/* the piece after a long run of two- and three-byte characters: the common start is
	 * found a block at a time and its characters counted eight bytes at a time */
#define LONG_NUM "één€–één€–één€–één€–één€–één€–één€–één€–één€–één€–één€–één€–één€–één€–één€–één€–één€–één€–x"
#define M_OBJ "{\"id\":\"x:4\",\"number\":\"" LONG_NUM "\",\"page_lang\":\"nl\",\"parliament\":\"x\"," \
	"\"schema\":\"pqx.question/1\",\"source\":{\"kind\":\"list\"},\"title\":\"Vier\"}"
	CHECK(store(st, 0, "m.html", "m", "[" M_OBJ "]", NULL) == 0, "a source member after many multibyte characters");
	CHECK_INT(db, "SELECT count(*) FROM question_source_row WHERE question_id = 'x:4' AND follows = 1"
	          " AND splice_at = 174", 1, "it follows, the piece placed after 174 characters (282 bytes)");
	CHECK_INT(db, "SELECT count(*) FROM question_source WHERE question_id = 'x:4' AND record = '" M_OBJ "'", 1,
	          "and the view gives the page's record byte for byte");
#undef M_OBJ
#undef LONG_NUM
	CHECK(store(st, 0, "t.html", "t", two, NULL) == 0, "a record with a source member, its keys out of order");
	CHECK_ROWS(db, "SELECT follows, record IS NULL FROM question_source_row WHERE question_id = 'x:3'", "0|0\n",
	           "its question's record differs in more than one piece: the source keeps its own text");
	CHECK_ROWS(db, "PRAGMA integrity_check", "ok\n", "integrity");
	CHECK_INT(db, "SELECT count(*) FROM pragma_foreign_key_check", 0, "no dangling references");
#undef A_OBJ
#undef L_OBJ
	pqx_store_close(st);
}

static void test_migration3(void)
{
	char *fresh = fixture_copy("3", "tests/fixtures/migrate/v2.db");
	if (!fresh)
		return;
	pqx_store *st;
	sqlite3 *raw;
	sqlite3_open(dbpath, &raw);
	CHECK_INT(raw, "PRAGMA user_version", 2, "the fixture is schema version 2");
	char *before[NV2];
	for (size_t i = 0; i < NV2; i++)
		before[i] = rows(raw, v2_rows[i]);
	char *authors = rows(raw, V2_AUTHORS);
	char *counts = table_counts(raw);
	long long people = q_int(raw, "SELECT count(*) FROM person");
	long long bodies = q_int(raw, "SELECT count(DISTINCT json_extract(a.value, '$.name')) FROM question q,"
	                         " json_each(q.record, '$.authors') a WHERE json_extract(a.value, '$.kind') <> 'person'");
	long long docs = q_int(raw, "SELECT sum(json_array_length(record, '$.documents')) FROM question");
	long long summaries = q_int(raw, "SELECT count(*) FROM question WHERE json_type(record, '$.summary') = 'text'");
	char *kinds = rows(raw, "SELECT coalesce(json_extract(a.value, '$.kind'), 'person'), count(*) FROM question q,"
	                   " json_each(q.record, '$.authors') a GROUP BY 1 ORDER BY 1");
	sqlite3_close(raw);
	printf("# version 2 fixture: %lld people (%lld of them groups, parties or committees), %lld documents,"
	       " %lld summaries in the record JSON\n", people, bodies, docs, summaries);
	CHECK(bodies > 0 && docs > 0 && summaries > 0, "the fixture has group authors, documents and summaries");

	st = pqx_store_open(dbpath, err, sizeof err);
	CHECK(st != NULL, "a version-2 file opens and migrates");
	if (!st) {
		printf("# %s\n", err);
		free(fresh);
		return;
	}
	sqlite3 *db = pqx_store_db(st);
	CHECK_INT(db, "PRAGMA user_version", PQX_STORE_SCHEMA_VERSION, "migrated to the latest version");
	for (size_t i = 0; i < NV2; i++) {
		char name[100];
		snprintf(name, sizeof name, "migration 3 keeps every row: query %zu (%.40s)", i + 1, v2_rows[i] + 14);
		char *after = rows(db, v2_rows[i]);
		CHECK_STR(after, before[i], name);
		free(after);
		free(before[i]);
	}
	char *authors3 = rows(db, V3_AUTHORS);
	CHECK_STR(authors3, authors, "every author row kept: the same names, parties, raw text and positions");
	free(authors3);
	free(authors);

	/* Row counts: the same in every table, but the people who were not people. */
	char *counts3 = table_counts(db);
	printf("# row counts before:\n%s# row counts after:\n%s", counts, counts3);
	pqx_buf want = PQX_BUF_INIT;
	for (char *p = counts, *nl; (nl = strchr(p, '\n')) != NULL; p = nl + 1) {
		*nl = '\0';
		if (strncmp(p, "person ", 7) == 0)
			pqx_buf_addf(&want, "person %lld\n", people - bodies);
		else if (strncmp(p, "event ", 6) == 0)
			pqx_buf_addf(&want, "document %lld\n%s\n", docs, p);
		else if (strncmp(p, "page ", 5) == 0)
			pqx_buf_addf(&want, "organisation %lld\n%s\npage_check 0\n", bodies, p);
		else if (strncmp(p, "run ", 4) == 0)
			pqx_buf_addf(&want, "%s\nrun_stat 0\n", p); /* the long-run tables start empty */
		else if (strncmp(p, "question_translation ", 21) == 0)
			pqx_buf_addf(&want, "question_translation_row %s\n", p + 21); /* version 7 */
		else if (strncmp(p, "question_source ", 16) == 0)
			pqx_buf_addf(&want, "question_source_row %s\n", p + 16); /* version 8 */
		else
			pqx_buf_addf(&want, "%s\n", p);
	}
	CHECK_STR(counts3, pqx_buf_cstr(&want),
	          "row counts: every table the same, people minus the groups and committees, which are organisations now");
	pqx_buf_free(&want);
	free(counts);
	free(counts3);

	/* The new data is there. */
	char *kinds3 = rows(db, "SELECT kind, count(*) FROM question_author GROUP BY 1 ORDER BY 1");
	CHECK_STR(kinds3, kinds, "question_author.kind as the records say");
	free(kinds3);
	free(kinds);
	CHECK_INT(db, "SELECT count(*) FROM question_author WHERE (kind = 'person') <> (person_id IS NOT NULL)"
	          " OR (kind = 'person') = (organisation_id IS NOT NULL)", 0,
	          "people have a person row, the other kinds an organisation row");
	CHECK_INT(db, "SELECT count(*) FROM person WHERE name IN (SELECT name FROM organisation)", 0,
	          "no group or committee is left in person");
	CHECK_ROWS(db, "SELECT o.kind, o.name, y.name FROM question_author a JOIN organisation o ON o.id = a.organisation_id"
	           " LEFT JOIN party y ON y.id = a.party_id WHERE a.question_id = 'de-he:19/1126'",
	           "group|Fraktion der SPD|SPD\n", "Hessen 19/1126: asked by the SPD group, its party kept");
	CHECK_INT(db, "SELECT count(*) FROM document", docs, "every document of the records is a document row");
	CHECK_ROWS(db, "SELECT question_id, position, kind, date FROM document WHERE number = '19/1632'",
	           "de-he:19/1126|1|answer|2015-02-23\n", "the question of Drucksache 19/1632, by its number");
	CHECK_INT(db, "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND tbl_name = 'document'"
	          " AND sql LIKE '%(number)%'", 1, "document.number is indexed");
	CHECK_INT(db, "SELECT count(*) FROM question WHERE summary IS NOT NULL AND summary = json_extract(record, '$.summary')",
	          summaries, "every summary is in question.summary");
	CHECK_INT(db, "SELECT count(*) FROM question_translation WHERE summary IS NOT NULL", summaries,
	          "... and in its language's translation row");
	CHECK(matches(db, "summary : Sonderungsverbot") == 1, "FTS searches the summaries");
	CHECK(matches(db, "\"sociale media\"") == 1 && matches(db, "\"médias sociaux\"") == 1,
	      "the Senate question is still found in both languages");
	CHECK(fts_ok(db), "FTS index consistent after migration 3");
	CHECK_INT(db, "SELECT count(*) FROM pragma_foreign_key_check", 0, "no dangling references after migration 3");
	CHECK_INT(db, "PRAGMA foreign_keys", 1, "foreign keys back on after migration 3");
	CHECK_ROWS(db, "PRAGMA integrity_check", "ok\n", "integrity check after migration 3");
	char *migrated = schema_of(db);
	CHECK_STR(migrated, fresh, "a migrated version-2 file has exactly the schema of a new file");
	free(migrated);
	/* A page of the fixture again: it is its source's current record, nothing changes. */
	char *he = slurp("examples/de-he/detail_major.expected.json");
	long long revs = q_int(db, "SELECT count(*) FROM question_revision");
	CHECK(store(st, 0, "examples/de-he/detail_major.html", "x", he, NULL) == 0, "store a Hessen page again");
	CHECK_INT(db, "SELECT count(*) FROM question_revision", revs, "no revision: the migration kept its source as it was");
	free(he);
	pqx_store_close(st);

	/* Version 1 goes to version 3 in one transaction, with the schema of a new file. */
	fresh_db("migrate3");
	copy_file("tests/fixtures/migrate/v1.db", dbpath);
	sqlite3_open(dbpath, &raw);
	char *counts1 = table_counts(raw);
	sqlite3_close(raw);
	st = pqx_store_open(dbpath, err, sizeof err);
	CHECK(st != NULL, "a version-1 file migrates to version 3");
	if (st) {
		db = pqx_store_db(st);
		char *c3 = table_counts(db);
		printf("# version 1 row counts before:\n%s# after:\n%s", counts1, c3);
		/* Every version-1 table keeps its count; versions 2 and 3 add their tables, and
		 * version 2 links the keywords of every language (the 5 French ones of 5-8916). */
		int kept = 1;
		for (char *p = counts1, *nl; (nl = strchr(p, '\n')) != NULL; p = nl + 1) {
			*nl = '\0';
			char line[200];
			snprintf(line, sizeof line, "\n%s\n", strcmp(p, "question_keyword 33") == 0 ? "question_keyword 38" : p);
			pqx_buf wrapped = PQX_BUF_INIT;
			pqx_buf_addf(&wrapped, "\n%s", c3);
			if (!strstr(pqx_buf_cstr(&wrapped), line)) {
				printf("#   not kept: %s\n", p);
				kept = 0;
			}
			pqx_buf_free(&wrapped);
		}
		CHECK(kept, "version 1 to 3: every table of version 1 keeps its row count");
		free(c3);
		char *m1 = schema_of(db);
		CHECK_STR(m1, fresh, "a migrated version-1 file has exactly the schema of a new file");
		free(m1);
		CHECK(fts_ok(db), "FTS index consistent after migrating version 1");
		pqx_store_close(st);
	} else {
		printf("# %s\n", err);
	}
	free(counts1);

	/* Killed during the migration (SIGKILL while the questions are being rebuilt, and
	 * again just before the commit): the file stays at its version, byte for byte. */
	static const struct { const char *fixture; int version; const char *at; int nth; const char *what; } kills[] = {
		{"tests/fixtures/migrate/v2.db", 2, "INSERT INTO question (id,", 30, "while rebuilding question 30"},
		{"tests/fixtures/migrate/v2.db", 2, "PRAGMA user_version = " PQX_STR(PQX_STORE_SCHEMA_VERSION), 1, "just before the commit"},
		{"tests/fixtures/migrate/v1.db", 1, "PRAGMA user_version = " PQX_STR(PQX_STORE_SCHEMA_VERSION), 1, "just before the commit (version 1)"},
		{"tests/fixtures/migrate/v6.db", 6, "DROP TABLE question_translation", 1, "replacing the translation table (version 6)"},
		{"tests/fixtures/migrate/v7.db", 7, "UPDATE question_source_row SET follows = 1", 5,
		 "marking the fifth source that follows its question (version 7)"},
	};
	for (size_t k = 0; k < sizeof kills / sizeof kills[0]; k++) {
		char name[160], sha0[65], sha1[65];
		fresh_db("migrate3");
		copy_file(kills[k].fixture, dbpath);
		file_sha(dbpath, sha0);
		sqlite3_open(dbpath, &raw);
		char *c0 = table_counts(raw);
		sqlite3_close(raw);
		snprintf(name, sizeof name, "kill -9 %s: the process was killed inside the migration", kills[k].what);
		CHECK(killed_migration(kills[k].at, kills[k].nth), name);
		file_sha(dbpath, sha1);
		snprintf(name, sizeof name, "kill -9 %s: the database file is unchanged", kills[k].what);
		CHECK_STR(sha1, sha0, name);
		sqlite3_open(dbpath, &raw);
		snprintf(name, sizeof name, "kill -9 %s: still schema version %d", kills[k].what, kills[k].version);
		CHECK_INT(raw, "PRAGMA user_version", kills[k].version, name);
		char *c1 = table_counts(raw);
		snprintf(name, sizeof name, "kill -9 %s: every row as it was", kills[k].what);
		CHECK_STR(c1, c0, name);
		free(c0);
		free(c1);
		snprintf(name, sizeof name, "kill -9 %s: integrity check", kills[k].what);
		CHECK_ROWS(raw, "PRAGMA integrity_check", "ok\n", name);
		sqlite3_close(raw);
		st = pqx_store_open(dbpath, err, sizeof err);
		snprintf(name, sizeof name, "kill -9 %s: the next open migrates", kills[k].what);
		CHECK(st && pqx_store_schema_version(st) == PQX_STORE_SCHEMA_VERSION, name);
		pqx_store_close(st);
	}

	/* A step that fails, in its SQL or in its C part, leaves version 2 whole and says why. */
	static const struct { const char *sabotage; const char *msg; const char *what; } fails[] = {
		{"CREATE TABLE organisation (x)", "schema migration to version 3: table organisation already exists",
		 "its SQL"},
		{"UPDATE question_source SET record = json_set(record, '$.documents[0].number', json('null'))"
		 " WHERE question_id = 'de-he:19/1126'",
		 "schema migration to version 3: record de-he:19/1126: storing document rows: NOT NULL constraint failed:"
		 " document.number", "its C part (rebuilding a question)"},
	};
	for (size_t k = 0; k < sizeof fails / sizeof fails[0]; k++) {
		char name[160];
		fresh_db("migrate3");
		copy_file("tests/fixtures/migrate/v2.db", dbpath);
		sqlite3_open(dbpath, &raw);
		sqlite3_exec(raw, fails[k].sabotage, NULL, NULL, NULL);
		char *c0 = table_counts(raw);
		sqlite3_close(raw);
		st = pqx_store_open(dbpath, err, sizeof err);
		snprintf(name, sizeof name, "migration 3 failing in %s says which step and why", fails[k].what);
		if (st || !strstr(err, fails[k].msg))
			printf("#   error: %s\n", st ? "(none)" : err);
		CHECK(st == NULL && strstr(err, fails[k].msg), name);
		pqx_store_close(st);
		sqlite3_open(dbpath, &raw);
		snprintf(name, sizeof name, "migration 3 failing in %s leaves version 2", fails[k].what);
		CHECK_INT(raw, "PRAGMA user_version", 2, name);
		char *c1 = table_counts(raw);
		snprintf(name, sizeof name, "migration 3 failing in %s keeps every row", fails[k].what);
		CHECK_STR(c1, c0, name);
		free(c0);
		free(c1);
		sqlite3_close(raw);
	}
	free(fresh);
}


/* ---------- long runs: counts, page checks, skipped pages, merge ---------- */

static void test_runs(void)
{
	fresh_db("runs");
	pqx_store *st = pqx_store_open(dbpath, err, sizeof err);
	if (!st) {
		CHECK(0, "open for runs");
		return;
	}
	sqlite3 *db = pqx_store_db(st);
	char *v1 = slurp(FIX "5-8916-unanswered.json");
	char *v2 = slurp(FIX "5-8916.json");
	pqx_store_counts c;
	CHECK(pqx_store_set_check(st, "be-senate", "5c", "0.1.0", "encoding= base-url=") == 0, "page checks on");
	pqx_store_set_clock(st, "2013-05-01T00:00:00.000Z");
	int64_t r1 = run_begin(st);
	pqx_store_set_page_stats(st, "{\"records\":1,\"fields\":{\"title\":1},\"warnings\":{}}");
	CHECK(store(st, r1, "5-8916.html", "aa", v1, NULL) == 0, "store a page");
	pqx_store_last_counts(st, &c);
	CHECK(c.new_questions == 1 && c.changed == 0 && c.unchanged == 0, "a new question is counted as new");
	CHECK_ROWS(db, "SELECT path, script_name, content_sha256, script_sha256, pqx_version, options, status,"
	           " page_id, run_id, last_seen_run, questions, json_extract(stats, '$.fields.title') FROM page_check",
	           "5-8916.html|be-senate|aa|5c|0.1.0|encoding= base-url=|ok|1|1|1|"
	           "[[\"be-senate:5-8916\",\"detail\",\"nl\"]]|1\n", "the page check names the page's sources");
	pqx_page_check pc;
	CHECK(pqx_store_get_check(st, "5-8916.html", "be-senate", &pc, err, sizeof err) == 1 &&
	      strcmp(pc.content_sha256, "aa") == 0 && strcmp(pc.script_sha256, "5c") == 0 && pc.ok,
	      "get_check reads it back");
	CHECK(pqx_store_get_check(st, "5-8916.html", "other-script", &pc, err, sizeof err) == 0,
	      "another script has no check for the page");

	pqx_store_set_clock(st, "2013-05-02T00:00:00.000Z");
	int64_t r2 = run_begin(st);
	pqx_store_set_page_stats(st, "{\"records\":1,\"fields\":{\"title\":1},\"warnings\":{}}");
	CHECK(store(st, r2, "5-8916.html", "aa", v1, NULL) == 0, "store it again");
	pqx_store_last_counts(st, &c);
	CHECK(c.new_questions == 0 && c.changed == 0 && c.unchanged == 1, "an unchanged record is counted as unchanged");
	CHECK(store(st, r2, "5-8916-answered.html", "bb", v2, NULL) == 0, "store the answered page");
	pqx_store_last_counts(st, &c);
	CHECK(c.new_questions == 0 && c.changed == 1 && c.unchanged == 0, "a new version is counted as changed");

	char *before = rows(db, "SELECT id, record_sha256, revision, updated FROM question;"
	                        " SELECT record_sha256, updated FROM question_source");
	pqx_store_set_clock(st, "2013-06-01T00:00:00.000Z");
	int64_t r3 = run_begin(st);
	pqx_buf stats = PQX_BUF_INIT;
	CHECK(pqx_store_page_seen(st, r3, "5-8916.html", "be-senate", &stats, err, sizeof err) == 0,
	      "a skipped page is marked seen");
	CHECK_STR(pqx_buf_cstr(&stats), "{\"records\":1,\"fields\":{\"title\":1},\"warnings\":{}}",
	          "its figures come back");
	CHECK_ROWS(db, "SELECT last_seen, last_seen_run FROM page WHERE path = '5-8916.html'",
	           "2013-06-01T00:00:00.000Z|3\n", "the page row is seen by the new run");
	CHECK_ROWS(db, "SELECT last_seen, last_seen_run FROM question", "2013-06-01T00:00:00.000Z|3\n",
	           "its question is seen");
	CHECK_ROWS(db, "SELECT last_seen_run, run_id FROM page_check WHERE path = '5-8916.html'", "3|2\n",
	           "the page check is seen, its processing still that of run 2");
	char *after = rows(db, "SELECT id, record_sha256, revision, updated FROM question;"
	                       " SELECT record_sha256, updated FROM question_source");
	CHECK_STR(after, before, "nothing but last seen changes");
	free(before);
	free(after);
	pqx_buf_free(&stats);

	pqx_run_totals t = {1, 2, 1, 1, 0, 0.5, "2/3"};
	pqx_run_stat rs[] = {{"total", "records", 2, NULL}, {"field", "title", 2, NULL},
	                     {"failure", "script error", 1, "x.html"}};
	CHECK(pqx_store_run_stats(st, r3, &t, rs, 3, err, sizeof err) == 0, "run figures stored");
	CHECK_ROWS(db, "SELECT pages_skipped, records, questions_new, questions_changed, questions_unchanged,"
	           " seconds, shard FROM run WHERE id = 3", "1|2|1|1|0|0.5|2/3\n", "run columns");
	CHECK_ROWS(db, "SELECT kind, name, count, first_path FROM run_stat ORDER BY kind",
	           "failure|script error|1|x.html\nfield|title|2|NULL\ntotal|records|2|NULL\n", "run_stat rows");
	pqx_store_close(st);

	/* merge: the answered page in one database, the unanswered in another, merged in
	 * either order, gives the question of one run over both */
	char a[300], b[300], m[300];
	snprintf(a, sizeof a, "%s", dbpath);
	fresh_db("runs-b");
	snprintf(b, sizeof b, "%s", dbpath);
	fresh_db("runs-m");
	snprintf(m, sizeof m, "%s", dbpath);
	st = pqx_store_open(b, err, sizeof err);
	if (st) {
		pqx_store_set_clock(st, "2013-04-01T00:00:00.000Z");
		store(st, run_begin(st), "5-8916-answered.html", "bb", v2, NULL);
		pqx_store_close(st);
	}
	st = pqx_store_open(m, err, sizeof err);
	CHECK(st != NULL, "open the merge output");
	if (st) {
		const char *in[] = {b, a};
		long n = 0;
		CHECK(pqx_store_merge(st, in, 2, &n, err, sizeof err) == 0, "merge two databases");
		if (n == 0)
			printf("# %s\n", err);
		db = pqx_store_db(st);
		CHECK_ROWS(db, "SELECT status, revision FROM question", "answered|2\n",
		           "the answered version is current, the unanswered one a revision");
		CHECK_INT(db, "SELECT count(*) FROM run", 4, "every input run is kept");
		CHECK_INT(db, "SELECT count(*) FROM page", 2, "both pages are kept");
		CHECK_INT(db, "SELECT count(*) FROM page_check", 2, "both page checks are kept");
		CHECK(pqx_store_merge(st, in, 2, &n, err, sizeof err) == 0, "merge them again");
		CHECK_INT(db, "SELECT count(*) FROM run", 4, "merging again adds no run");
		CHECK_ROWS(db, "SELECT status, revision FROM question", "answered|2\n", "nor a revision");
		const char *self[] = {"/nonexistent/pqx.db"};
		CHECK(pqx_store_merge(st, self, 1, &n, err, sizeof err) != 0 && strstr(err, "/nonexistent/pqx.db"),
		      "a missing input fails, named");
		CHECK(fts_ok(db), "FTS consistent after the merge");
		pqx_store_close(st);
	}
	unlink(a);
	free(v1);
	free(v2);
}

/* pqx_json_check against SQLite's own json_valid and json_type: fixed cases, then
 * texts generated from JSON pieces, mutated and cut (seeded, so a failure repeats). */
static int sqlite_json_type(sqlite3 *db, const char *s, size_t n)
{
	sqlite3_stmt *q;
	if (sqlite3_prepare_v2(db, "SELECT CASE WHEN json_valid(?1) THEN json_type(?1) END", -1, &q, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_text(q, 1, s, (int)n, SQLITE_STATIC);
	int t = -1;
	if (sqlite3_step(q) == SQLITE_ROW) {
		const char *ty = (const char *)sqlite3_column_text(q, 0);
		t = !ty ? 0 : !strcmp(ty, "object") ? '{' : !strcmp(ty, "array") ? '[' : !strcmp(ty, "text") ? '"' :
		    !strcmp(ty, "true") || !strcmp(ty, "false") ? 't' : !strcmp(ty, "null") ? 'n' : '0';
	}
	sqlite3_finalize(q);
	return t;
}

static void test_json_check(void)
{
	sqlite3 *db;
	sqlite3_open(":memory:", &db);
	static const char *const fixed[] = {
		"[]", "{}", " [ ] ", "[1,2]", "[1,]", "[,1]", "{\"a\":1}", "{\"a\":1,}", "{\"a\" 1}", "{1:2}",
		"{\"a\":}", "\"x\"", "\"\\u00e9\"", "\"\\u00g9\"", "\"\\x\"", "\"\\/\"", "\"a\tb\"", "\"\\", "\"",
		"0", "-0", "01", "-01", "1.", "1.5", ".5", "-.5", "1e5", "1E+5", "1e-5", "1e", "1.e5", "-", "--1",
		"true", "false", "null", "truex", "nul", "[true,false,null]", "[truefalse]", "\f[]", "[]\v",
		"[1] [2]", "", " ", "[\"\xc3\xa9\"]", "[\"\xff\"]", "\xef\xbb\xbf[]", "{\"a\":{\"b\":[{}]}}",
		"[[[[]]]]", "[[[[]]]", "[]]", "{\"a\":1}}", "[\"a\"\"b\"]", "[1 2]", "{\"a\":1 \"b\":2}",
		"\"\\ud800\"", "[-1.5e+10,0.0,-0e0]", "[1e400]", "123abc", "[\"\\u12\"]",
	};
	int bad = 0;
	for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++) {
		size_t n = strlen(fixed[i]);
		int want = sqlite_json_type(db, fixed[i], n), got = pqx_json_check(fixed[i], n);
		if (want != got) {
			bad++;
			printf("#   json_check(%s): %d, json_valid/json_type: %d\n", fixed[i], got, want);
		}
	}
	CHECK(bad == 0, "pqx_json_check agrees with SQLite on fixed cases");
	/* generated: pieces of JSON glued at random, sometimes one byte changed or cut */
	static const char *const pieces[] = {"[", "]", "{", "}", ",", ":", "\"a\"", "\"k\":", "1", "-2.5e3",
		"0", "true", "null", " ", "\n", "\"\\n\"", "\"\\u0041\"", "[]", "{}", "\"x\\\"y\"", "e", ".", "-"};
	char buf[256];
	unsigned seed = 20130430;
	int gbad = 0, valid = 0;
	for (int k = 0; k < 200000; k++) {
		size_t n = 0;
		int np = 1 + (int)((seed = seed * 1103515245u + 12345u) >> 16) % 12;
		for (int j = 0; j < np; j++) {
			const char *pc = pieces[((seed = seed * 1103515245u + 12345u) >> 16) % (sizeof pieces / sizeof pieces[0])];
			size_t l = strlen(pc);
			if (n + l >= sizeof buf)
				break;
			memcpy(buf + n, pc, l);
			n += l;
		}
		unsigned r = (seed = seed * 1103515245u + 12345u) >> 16;
		if (n && r % 4 == 0)
			buf[r / 4 % n] = (char)(r >> 8 & 0x7f);
		if (n && r % 7 == 0)
			n = r / 7 % n;
		for (size_t j = 0; j < n; j++)
			if (buf[j] == 0)
				buf[j] = ' ';
		int want = sqlite_json_type(db, buf, n), got = pqx_json_check(buf, n);
		valid += want > 0;
		if (want != got && gbad++ < 5)
			printf("#   json_check(%.*s): %d, json_valid/json_type: %d\n", (int)n, buf, got, want);
	}
	printf("#   %d of 200000 generated texts are valid JSON\n", valid);
	CHECK(gbad == 0 && valid > 5000, "pqx_json_check agrees with SQLite on 200,000 generated texts");
	/* nesting: 2000 levels are JSON to both, 2001 to neither */
	static char deep[2 * 2001 + 1];
	for (int d = 2000; d <= 2001; d++) {
		memset(deep, '[', (size_t)d);
		memset(deep + d, ']', (size_t)d);
		int want = sqlite_json_type(db, deep, 2 * (size_t)d), got = pqx_json_check(deep, 2 * (size_t)d);
		CHECK(want == got && got == (d == 2000 ? '[' : 0),
		      d == 2000 ? "2000 nested arrays are valid" : "2001 nested arrays are not (as in SQLite)");
	}
	CHECK(pqx_json_check("[1]\0x", 5) == 0, "a NUL byte is never valid");
	sqlite3_close(db);
}

/* question_source.as_of, which store_record works out in C where it can, against the
 * definition in SQL (docs/schema.md: the latest date the record mentions) over the stored
 * record, for dates of every shape a record may hold. */
static void test_as_of(void)
{
	fresh_db("asof");
	pqx_store *st = pqx_store_open(dbpath, err, sizeof err);
	if (!st) {
		CHECK(0, "open for as_of");
		return;
	}
	sqlite3 *db = pqx_store_db(st);
	static const char *const shapes[] = {
		"",
		"\"dates\":{}",
		"\"dates\":null",
		"\"dates\":{\"asked\":\"2020-01-01\"}",
		"\"dates\":{\"asked\":\"2020-01-01\",\"answered\":\"2020-03-01\"}",
		"\"dates\":{\"asked\":\"2020-01-01\",\"answered\":null}",
		"\"dates\":{\"asked\":\"2020-01-01\",\"asked\":\"2021-01-01\"}",
		"\"dates\":{\"asked\":\"2020-01-01\",\"answered\":\"2020-01-01x\"}",
		"\"dates\":{\"asked\":\"2020-01-01\",\"answered\":\"2020-01\"}",
		"\"dates\":{\"asked\":\"2020-01-01\",\"answered\":\"\\u0032021-01-01\"}",
		"\"dates\":{\"asked\":\"\\u00e9\",\"answered\":\"\xc3\xa9\"}",
		"\"dates\":{\"asked\":\"2020-01-01\",\"answered\":\"\"}",
		"\"dates\":{\"asked\":\"\"}",
		"\"dates\":{\"asked\":\"2020-01-01\"},\"events\":[{\"date\":\"2020-05-05\",\"what\":\"x\"}]",
		"\"dates\":{\"asked\":\"2020-01-01\"},\"events\":[{\"what\":\"x\"},{\"date\":null}]",
		"\"dates\":{\"asked\":\"2020-01-01\"},\"events\":[]",
		"\"dates\":{\"asked\":\"2020-01-01\"},\"events\":null",
		"\"dates\":{\"asked\":\"2020-01-01\"},\"events\":[{\"date\":\"2019-01-01\",\"date\":\"2022-01-01\"}]",
		"\"dates\":{\"asked\":\"2020-01-01\"},\"answers\":[{\"date\":\"2020-02-02\",\"body\":\"b\"},"
		"{\"date\":\"2020-04-04\",\"body\":\"c\"}]",
		"\"dates\":{\"asked\":\"2020-01-01\"},\"documents\":[{\"number\":\"5-1\",\"kind\":\"other\",\"date\":\"2023-01-01\"}]",
		"\"dates\":{\"asked\":\"2020-01-01\"},\"answers\":[{\"body\":\"b\"}],\"documents\":[{\"number\":\"5-1\",\"kind\":\"answer\"}]",
		"\"events\":[{\"date\":\"2020-05-05\"}],\"answers\":[{\"date\":\"2020-06-06\",\"body\":\"b\"}],"
		"\"documents\":[{\"date\":\"2020-04-04\",\"kind\":\"question\",\"number\":\"9\"}],\"dates\":{\"due\":\"2020-05-06\"}",
	};
	int stored = 0;
	for (size_t i = 0; i < sizeof shapes / sizeof shapes[0]; i++) {
		char rec[1024];
		snprintf(rec, sizeof rec, "[{%s%s\"id\":\"x:%zu\",\"number\":\"%zu\",\"parliament\":\"x\","
		         "\"schema\":\"pqx.question/1\",\"status\":\"unanswered\",\"type\":\"written\"}]",
		         shapes[i], *shapes[i] ? "," : "", i, i);
		char path[32], sha[8];
		snprintf(path, sizeof path, "asof%zu.html", i);
		snprintf(sha, sizeof sha, "a%zu", i);
		pqx_buf w = PQX_BUF_INIT;
		if (store(st, 0, path, sha, rec, &w) == 0)
			stored++;
		else
			printf("#   refused: %s\n", rec);
		pqx_buf_free(&w);
	}
	CHECK_INT(db, "SELECT count(*) FROM question_source", stored, "every as_of record stored");
	CHECK(stored >= 19, "most as_of shapes are records the store takes");
	CHECK_INT(db, "SELECT count(*) FROM question_source WHERE as_of IS NOT"
	          " (SELECT max(d) FROM (SELECT value AS d FROM json_each(record, '$.dates')"
	          " UNION ALL SELECT json_extract(value, '$.date') FROM json_each(record, '$.events')"
	          " UNION ALL SELECT json_extract(value, '$.date') FROM json_each(record, '$.answers')"
	          " UNION ALL SELECT json_extract(value, '$.date') FROM json_each(record, '$.documents')))",
	          0, "as_of is the latest date the record mentions, for every shape");
	CHECK_ROWS(db, "SELECT as_of FROM question_source WHERE question_id IN ('x:0', 'x:12', 'x:4', 'x:6', 'x:9', 'x:21')"
	           " ORDER BY question_id",
	           "NULL\n\n2020-06-06\n2020-03-01\n2021-01-01\n2021-01-01\n", "as_of of a few records");
	pqx_store_close(st);
}

int main(void)
{
	static const char *const tags[] = {"schema", "full", "rev", "unknown", "errors", "group", "queries",
	                                   "migrate", "fresh3", "migrate3", "runs", "runs-b", "runs-m", "asof"};
	test_schema();
	test_full();
	test_revisions();
	test_unknown();
	test_errors();
	test_group_commit();
	test_queries();
	test_permutations();
	test_sources();
	test_lists();
	test_v3_rows();
	test_migration();
	test_migration3();
	test_new_schema();
	test_migration7();
	test_migration8();
	test_source_follows();
	test_runs();
	test_json_check();
	test_as_of();
	/* fresh_db removes a database and its WAL files: clean up after ourselves. */
	for (size_t i = 0; i < sizeof tags / sizeof tags[0]; i++)
		fresh_db(tags[i]);
	T_DONE();
}
