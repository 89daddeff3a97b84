/*
 * test_store.c: the SQLite store against the fixtures in tests/fixtures/store/: schema
 * and migration, every table of a stored Senate record, idempotent re-runs, revisions,
 * full-text search, unknown fields, error pages, whole-page rollback, and the five
 * README queries (tests/fixtures/store/queries.sql). Run from the project root.
 * Databases are temporary files under /tmp, removed at the end; it writes nothing else.
 */
#define _POSIX_C_SOURCE 200809L  /* strdup, getpid */

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "sha256.h"
#include "store.h"
#include "t.h"

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
	                    NULL, NULL};
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
	CHECK_INT(db, "PRAGMA user_version", 2, "user_version is 2");
	CHECK_ROWS(db, "PRAGMA journal_mode", "wal\n", "journal mode is WAL");
	CHECK_INT(db, "PRAGMA foreign_keys", 1, "foreign keys on");
	CHECK_ROWS(db, "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'question_fts%'"
	           " ORDER BY name",
	           "answer\nanswer_item\nanswer_section\nattachment\nevent\nkeyword\npage\npage_warning\n"
	           "party\nperson\nquestion\nquestion_addressee\nquestion_author\nquestion_conflict\n"
	           "question_keyword\nquestion_part\nquestion_revision\nquestion_source\nquestion_translation\n"
	           "related\nrun\n", "all tables exist");
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
	long long tables = q_int(db, "SELECT count(*) FROM sqlite_master");
	pqx_store_close(st);

	st = pqx_store_open(dbpath, err, sizeof err);
	CHECK(st != NULL, "store reopens");
	if (!st)
		return;
	CHECK(pqx_store_schema_version(st) == 2, "reopen keeps version 2");
	CHECK_INT(pqx_store_db(st), "SELECT count(*) FROM sqlite_master", tables, "reopen creates nothing twice");
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
	                    "[\"stray byte 0x8e read as windows-1252\"]"};
	CHECK(pqx_store_page(st, run, &pi, full, &w, err, sizeof err) == 0, "store the 5-8916 page");
	CHECK(w.len == 0, "no store warnings for a known-fields record");
	CHECK(pqx_store_run_end(st, run, 1, 0, err, sizeof err) == 0, "run end");

	CHECK_ROWS(db, "SELECT id, started, finished, script_name, script_path, script_version, pqx_version,"
	           " options, pages_ok, pages_failed FROM run",
	           "1|2024-01-01T10:00:00.000Z|2024-01-01T10:00:00.000Z|be-senate|scripts/be-senate.lua|2024.1|"
	           "0.1.0|{\"max_bytes\":1000000}|1|0\n", "run row");
	char want[2048];
	snprintf(want, sizeof want, "1|examples/be-senate/5-8916.html|%s|31337|windows-1252|meta|ok|NULL|"
	         "[\"stray byte 0x8e read as windows-1252\"]|1|1|2024-01-01T10:00:00.000Z|2024-01-01T10:00:00.000Z\n",
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
	           "be-senate:5-8916|0|1|1|Martine Taelman (Open Vld)|NULL|NULL\n", "author row");
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
	pqx_page_info pi = {"bad.html", "ffff", 10, NULL, NULL, "ok", NULL, "[\"w\"]"};
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
	                    NULL};
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
	pqx_page_info bad = {"badstatus.html", "dddd", 1, NULL, NULL, "maybe", NULL, NULL};
	CHECK(pqx_store_page(st, run, &bad, NULL, NULL, err, sizeof err) == -1 &&
	      strstr(err, "storing the page row: CHECK constraint failed") != NULL, "bad page status refused");
	pqx_page_info badw = {"badw.html", "dddd", 1, NULL, NULL, "ok", NULL, "[not json"};
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

int main(void)
{
	static const char *const tags[] = {"schema", "full", "rev", "unknown", "errors", "queries"};
	test_schema();
	test_full();
	test_revisions();
	test_unknown();
	test_errors();
	test_queries();
	/* fresh_db removes a database and its WAL files: clean up after ourselves. */
	for (size_t i = 0; i < sizeof tags / sizeof tags[0]; i++)
		fresh_db(tags[i]);
	T_DONE();
}
