/* gen.c: a deterministic corpus of Belgian Senate question pages for `make bench`.
 *
 * Usage: gen OUTDIR N [SEED]
 * Writes OUTDIR/pNNNNN.html (windows-1252, CRLF, 20-60 KB each) and OUTDIR/manifest.tsv with
 * what a correct extraction must give for each page (file, id, status, date asked, date
 * answered, number of answer sections, title), so the benchmark can check the records
 * before it prints a single figure.
 *
 * The pages imitate the layout of senate.be's written questions (examples/be-senate/) and
 * carry the traps of the real site: bytes 0x80-0x9F that only windows-1252 gives meaning
 * (never the five it leaves unassigned, which iconv refuses), named and numeric character
 * references, NBSP, unclosed <p>, tables without <tbody>, CRLF line ends. The same N and
 * SEED always give the same bytes: the generator has its own PRNG and no other input. */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static uint64_t rng_state;

static uint32_t rnd(void) /* xorshift64*: small, fast, the same everywhere */
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return (uint32_t)((rng_state * 0x2545F4914F6CDD1DULL) >> 32);
}

static int pick(int n) { return (int)(rnd() % (uint32_t)n); }
#define ANY(a) (a[pick((int)(sizeof(a) / sizeof(a[0])))])

/* one page is built in memory, then written in one go */
static char *page;
static size_t plen, pcap;

static void put(const char *fmt, ...)
{
	for (;;) {
		va_list ap;
		va_start(ap, fmt);
		int n = vsnprintf(page + plen, pcap - plen, fmt, ap);
		va_end(ap);
		if (n < 0) { perror("vsnprintf"); exit(1); }
		if ((size_t)n < pcap - plen) { plen += (size_t)n; return; }
		pcap = pcap * 2 + (size_t)n + 1;
		page = realloc(page, pcap);
		if (!page) { perror("realloc"); exit(1); }
	}
}

/* strings are windows-1252 bytes: \x92 is ’, \x80 €, \x96 –, \x93 \x94 “ ”, \x85 …,
 * \xa0 NBSP, \xab \xbb « », \xe9 é, \xeb ë, \xef ï, \xfc ü; these are what the real pages hold */
static const char *AUTHORS[][2] = {
	{"Martine Taelman", "Open Vld"}, {"Bert Anciaux", "sp.a"}, {"Fatma Pehlivan", "sp.a"},
	{"Cindy Franssen", "CD&amp;V"}, {"Bart Laeremans", "Vlaams Belang"},
	{"Elke Sleurs", "N-VA"}, {"Nele Lijnen", "Open Vld"}, {"Freya Piryns", "Groen"},
	{"Ren\xe9 Tax", "CD&amp;V"}, {"Karl Vanlouwe", "N-VA"}, {"Dani\xebl Senesael", "PS"},
};
static const char *ADDRESSEES[] = {
	"aan de minister van Justitie",
	"aan de vice-eersteminister en minister van Economie, Consumenten en Noordzee",
	"aan de staatssecretaris voor Asiel en Migratie, Maatschappelijke Integratie en Armoedebestrijding, toegevoegd aan de minister van Justitie",
	"aan de minister van Sociale Zaken en Volksgezondheid",
	"aan de minister van Financi\xebn, belast met Ambtenarenzaken",
	"aan de minister van Binnenlandse Zaken en Gelijke Kansen",
};
static const char *RUBRICS[] = {
	"Federale overheidsdiensten", "Sociale zekerheid", "Belastingen", "Energieprijzen",
	"Asielzoekers", "Gevangenissen", "Kinderbijslag", "Spoorwegen", "Volksgezondheid",
	"Consumentenbescherming", "Politie", "Ontwikkelingssamenwerking",
};
static const char *SUBJECTS[] = {
	"Communicatie met burgers", "Gebruik van sociale media", "Kostprijs \x96 evolutie",
	"Aantal dossiers per jaar", "Wachttijden", "Misbruik en fraude", "Samenwerking met de gewesten",
	"Terugbetaling van \x80 25", "\x93Slimme\x94 meters", "Personeelsbestand", "Tweetaligheid",
};
static const char *KEYWORDS[] = {
	"ministerie", "virtuele gemeenschap", "bewustmaking van de burgers",
	"betrekking tussen overheid en burger", "sociale media", "energieprijs", "fraude",
	"overheidsopdracht", "gevangenis", "asielzoeker", "kinderbijslag", "openbaar vervoer",
	"overheidsadministratie", "statistiek", "gezondheidszorg", "consumentenbescherming",
};
static const char *WORDS[] = {
	"de", "het", "een", "van", "en", "in", "op", "voor", "met", "dat", "die", "is", "niet",
	"overheidsdienst", "burgers", "beleid", "minister", "informatie", "gebruik", "dossiers",
	"maatregelen", "evaluatie", "kosten", "jaar", "aantal", "sociale", "media", "FOD\x92s",
	"co\xf6rdinatie", "geco\xf6rdineerd", "financi\xeble", "re\xeble", "pati\xebnten",
	"\x80 1.250", "2012\x96" "2013", "\xab\xa0verslag\xa0\xbb", "enz\x85", "&eacute;&eacute;n",
	"&euml;", "caf&#233;", "&#8220;aanpak&#8221;", "&nbsp;zie", "ge\xefnformeerd", "d\xe9j\xe0",
	"M&amp;A", "\x93project\x94", "pr\xe9sence", "tevredenheid", "wachttijd", "procedure",
};
static const char *MONTHS[] = {"januari", "februari", "maart", "april", "mei", "juni", "juli",
                               "augustus", "september", "oktober", "november", "december"};
static const char *HEADINGS[] = {
	"Dienst Vreemdelingenzaken (DVZ)", "Fedasil", "FOD Financi\xebn",
	"Raad voor Vreemdelingenbetwistingen (RVV)", "POD Maatschappelijke Integratie",
	"Commissariaat-Generaal voor de Vluchtelingen en de Staatlozen (CGVS)", "Beleidscel",
	"Algemene Directie \x96 Statistiek", "NMBS-Holding",
};

/* days since 1970-01-01 <-> civil date (proleptic Gregorian) */
static long days_from_civil(int y, int m, int d)
{
	y -= m <= 2;
	long era = (y >= 0 ? y : y - 399) / 400;
	long yoe = y - era * 400;
	long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void civil_from_days(long z, int *y, int *m, int *d)
{
	z += 719468;
	long era = (z >= 0 ? z : z - 146096) / 146097;
	long doe = z - era * 146097;
	long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	long mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

static void sentence(int words)
{
	for (int i = 0; i < words; i++)
		put("%s%s", i ? " " : "", ANY(WORDS));
	put(".");
}

static void paragraph(int sentences)
{
	for (int i = 0; i < sentences; i++) {
		if (i) put(" ");
		sentence(6 + pick(14));
	}
}

static void nl(void) { put("\r\n"); }

static void header(int number)
{
	put("<!DOCTYPE HTML PUBLIC \"-//W3C//DTD HTML 4.01 Transitional//EN\">"); nl();
	put("<HTML>"); nl(); put("<HEAD>"); nl();
	put("<meta http-equiv=\"Content-Type\" content=\"text/html; charset=windows-1252\">"); nl();
	put("<TITLE>Schriftelijke vraag 5-%d</TITLE>", number); nl();
	put("<LINK REL=stylesheet TYPE=\"text/css\" HREF=\"/css/senate.css\">"); nl();
	put("<SCRIPT LANGUAGE=\"JavaScript\" TYPE=\"text/javascript\">"); nl();
	put("<!--"); nl(); put("function printVersion(url) { window.open(url, \"print\", \"width=700\"); return false; }"); nl();
	put("//-->"); nl(); put("</SCRIPT>"); nl(); put("</HEAD>"); nl();
	put("<BODY BGCOLOR=\"#FFFFFF\" TEXT=\"#000000\" LEFTMARGIN=0 TOPMARGIN=0>"); nl();
	put("<TABLE WIDTH=\"100%%\" BORDER=0 CELLSPACING=0 CELLPADDING=0>"); nl();
	put("<TR><TD WIDTH=190 ROWSPAN=2 VALIGN=top><A HREF=\"/index_nl.html\"><IMG SRC=\"/img/logo_nl.gif\" ALT=\"Belgische Senaat\"></A></TD>"); nl();
	put("<TD HEIGHT=40 ALIGN=right><A HREF=\"/www/?MIval=/Vragen/SchriftelijkeVraag&LEG=5&NR=%d&LANG=fr\"><IMG SRC=\"/img/lang/fr.gif\" ALT=\"Fran&ccedil;ais\"></A></TD></TR>", number); nl();
	put("<TR><TD COLSPAN=2 BGCOLOR=\"#8C1D18\" HEIGHT=22>");
	static const char *menu[] = {"Home", "Senaat", "Senatoren", "Wetgevingsstukken", "Vragen",
	                             "Handelingen", "Commissies", "Zoeken", "Contact"};
	for (int i = 0; i < 9; i++)
		put("<A HREF=\"/www/?MIval=/index_senate&MENUID=%d&LANG=nl\" TARGET=\"_top\"><IMG SRC=\"/img/menu/nl_%d.gif\" HEIGHT=22 BORDER=0 ALT=\"%s\"></A>",
		    10000 + i * 1000, i, menu[i]);
	nl(); put("</TD></TR>"); nl(); put("</TABLE>"); nl();
	put("<TABLE WIDTH=\"100%%\" BORDER=0 CELLSPACING=0 CELLPADDING=0><TR>"); nl();
	put("<TD WIDTH=170 VALIGN=top BGCOLOR=\"#F3EFE4\">"); nl();
	static const char *sub[] = {"Schriftelijke vragen", "Mondelinge vragen", "Vragen om uitleg",
	                            "Bulletin van Vragen en Antwoorden"};
	for (int i = 0; i < 4; i++) {
		put("<A HREF=\"/www/?MIval=/Vragen/Zoek%d&LANG=nl\"><IMG SRC=\"/img/submenu/nl_%d.gif\" ALT=\"%s\"></A><BR>", i, i, sub[i]);
		nl();
	}
	put("</TD><TD WIDTH=15></TD><TD VALIGN=top>"); nl();
}

static void footer(void)
{
	put("</TD><TD WIDTH=15></TD></TR></TABLE>"); nl();
	put("<TABLE WIDTH=\"100%%\" BORDER=0><TR><TD ALIGN=center><A HREF=\"#top\">Naar boven</A> <A HREF=\"/doc/disclaimer_nl.html\">Belgische Senaat - Natieplein 1 - 1009 Brussel</A></TD></TR></TABLE>"); nl();
	put("</BODY>"); nl(); put("</HTML>"); nl();
}

#define FONT "<FONT FACE=\"Arial, Helvetica, sans-serif\" SIZE=2>"

static void one_page(FILE *manifest, const char *file, int number)
{
	size_t target = 21000 + (size_t)pick(35001); /* the page ends up 21-60 KB */
	int ai = pick((int)(sizeof(AUTHORS) / sizeof(AUTHORS[0])));
	long asked = days_from_civil(2010, 7, 1) + pick(1400);
	int answered = pick(5) != 0;
	long answer_day = asked + 10 + pick(120);
	int y, m, d, ay, am, ad;
	civil_from_days(asked, &y, &m, &d);
	civil_from_days(answer_day, &ay, &am, &ad);
	const char *r1 = ANY(RUBRICS), *r2 = ANY(SUBJECTS), *r3 = ANY(SUBJECTS);

	plen = 0;
	header(number);
	put("<TABLE WIDTH=\"100%%\" BORDER=0 CELLSPACING=0 CELLPADDING=4 CLASS=vraag>"); nl();
	put("<TR><TD BGCOLOR=\"#E9E2CF\"><FONT FACE=\"Arial, Helvetica, sans-serif\" SIZE=3 COLOR=\"#8C1D18\"><B>Schriftelijke vraag nr. 5-%d</B></FONT></TD></TR>", number); nl();
	put("<TR><TD>" FONT); nl();
	put("van <A HREF=\"/www/?MIval=/showSenator&amp;ID=%d&amp;LANG=nl\">%s</A> (%s) d.d. %d %s %d<BR><BR>",
	    4000 + ai, AUTHORS[ai][0], AUTHORS[ai][1], d, MONTHS[m - 1], y); nl();
	put("%s<BR><BR>", ANY(ADDRESSEES)); nl();
	put("<B>%s - %s - %s</B>", r1, r2, r3); nl();
	put("</FONT></TD></TR>"); nl();
	put("<TR><TD>" FONT "<I>"); nl();
	int nk = 3 + pick(4);
	for (int i = 0; i < nk; i++) { put("%s%s", ANY(KEYWORDS), i + 1 < nk ? "<BR>" : ""); nl(); }
	put("</I></FONT></TD></TR>"); nl();
	put("<TR><TD>" FONT "<B>Chronologie</B></FONT>"); nl();
	put("<TABLE BORDER=0 CELLSPACING=0 CELLPADDING=2>"); nl();
	put("<TR><TD WIDTH=80 VALIGN=top>" FONT "%d/%d/%d</FONT></TD><TD>" FONT "Verzending vraag</FONT></TD></TR>", d, m, y); nl();
	if (answered) {
		put("<TR><TD WIDTH=80 VALIGN=top>" FONT "%d/%d/%d</FONT></TD><TD>" FONT "Antwoord</FONT></TD></TR>", ad, am, ay);
		nl();
	}
	put("</TABLE>"); nl(); put("</TD></TR>"); nl();
	int nrel = pick(3) ? 0 : 1 + pick(18);
	if (nrel) {
		put("<TR><TD>" FONT); nl();
		for (int i = 0; i < nrel; i++) {
			put("Ook gesteld aan&nbsp;: <A HREF=\"/www/?MIval=/Vragen/SchriftelijkeVraag&amp;LEG=5&amp;NR=%d&amp;LANG=nl\">schriftelijke vraag 5-%d</A>%s",
			    number + 1 + i, number + 1 + i, i + 1 < nrel ? "<BR>" : "");
			nl();
		}
		put("</FONT></TD></TR>"); nl();
	}
	put("<TR><TD>" FONT); nl();
	put("<B>Vraag nr. 5-%d d.d. %d %s %d : </B>(Vraag gesteld in het Nederlands)<BR><BR>", number, d, MONTHS[m - 1], y); nl();
	paragraph(2 + pick(4)); put("<BR><BR>"); nl();
	put("Graag kreeg ik een antwoord op de volgende vragen:<BR><BR>"); nl();
	int np = 2 + pick(5);
	for (int i = 1; i <= np; i++) {
		put("%d) ", i); paragraph(1 + pick(3)); put(" ?%s", i < np ? "<BR><BR>" : ""); nl();
	}
	put("</FONT></TD></TR>"); nl();
	int sections = 0;
	if (answered) {
		put("<TR><TD>" FONT); nl();
		put("<B>Antwoord ontvangen op %d %s %d :</B>", ad, MONTHS[am - 1], ay); nl();
		put("<p>Het geachte lid vindt hieronder het antwoord op haar vragen.</p>"); nl();
		/* sections until the page reaches its size; the last paragraph of a section is
		 * sometimes left unclosed, as on the real site */
		while (plen < target || sections == 0) {
			put("<p><b><u>%s</u></b></p>", ANY(HEADINGS)); nl();
			int items = 1 + pick(4);
			for (int i = 1; i <= items; i++) {
				put("<p>%d. ", i); paragraph(2 + pick(5));
				put("%s", (i == items && pick(3) == 0) ? "" : "</p>"); nl();
			}
			sections++;
		}
		put("</FONT></TD></TR>"); nl();
	} else {
		while (plen < target) { /* unanswered pages carry comments instead */
			put("<!-- "); paragraph(3); put(" -->"); nl();
		}
	}
	put("</TABLE>"); nl();
	footer();

	FILE *f = fopen(file, "wb");
	if (!f || fwrite(page, 1, plen, f) != plen || fclose(f) != 0) {
		fprintf(stderr, "gen: %s: %s\n", file, strerror(errno));
		exit(1);
	}
	const char *base = strrchr(file, '/');
	fprintf(manifest, "%s\tbe-senate:5-%d\t%s\t%04d-%02d-%02d\t", base ? base + 1 : file, number,
	        answered ? "answered" : "unanswered", y, m, d);
	if (answered) fprintf(manifest, "%04d-%02d-%02d", ay, am, ad);
	fprintf(manifest, "\t%d\t%s - %s - %s\n", sections, r1, r2, r3);
}

int main(int argc, char **argv)
{
	if (argc < 3 || argc > 4) {
		fprintf(stderr, "usage: gen OUTDIR N [SEED]\n");
		return 2;
	}
	const char *dir = argv[1];
	long n = strtol(argv[2], NULL, 10);
	rng_state = argc == 4 ? strtoull(argv[3], NULL, 10) : 20130430;
	if (rng_state == 0) rng_state = 1;
	if (n <= 0 || n > 1000000) { fprintf(stderr, "gen: N must be 1..1000000\n"); return 2; }
	if (mkdir(dir, 0777) != 0 && errno != EEXIST) { perror(dir); return 1; }
	pcap = 1 << 17;
	page = malloc(pcap);
	char path[4096];
	snprintf(path, sizeof path, "%s/manifest.tsv", dir);
	FILE *manifest = fopen(path, "w");
	if (!page || !manifest) { perror(path); return 1; }
	for (long i = 0; i < n; i++) {
		snprintf(path, sizeof path, "%s/p%05ld.html", dir, i);
		one_page(manifest, path, 10000 + (int)i);
	}
	if (fclose(manifest) != 0) { perror("manifest"); return 1; }
	free(page);
	return 0;
}
