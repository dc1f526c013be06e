/*
 * names.c: the table of words whose Latin spelling transliteration cannot
 * produce: English-origin words and foreign names as Hindi news writes them
 * (इज़राइल is "israel" in a URL, not "izrail"), and a few Hindi words whose
 * newsroom spelling breaks the rules (सिंह is "singh"). translit.c and
 * slug.c write the Latin column; latin.c keys both columns alike, so a
 * reader's "israel" finds इज़राइल.
 *
 * To extend: add a row. The Devanagari column is in text_normalise() form
 * (no nukta, anusvara not chandrabindu), which the unit tests check; the
 * Latin column is lower-case ASCII letters and digits. Several Devanagari
 * spellings may share one Latin spelling (एप, ऐप -> app).
 */
#include "internal.h"

#include <pthread.h>
#include <stdint.h>
#include <string.h>

typedef struct name_row {
	const char *deva, *latin;
	size_t deva_len, latin_len; /* lookups compare lengths first */
} name_row;

#define N(deva, latin)                                           \
	{                                                        \
		deva, latin, sizeof(deva) - 1, sizeof(latin) - 1 \
	}

static const name_row names[] = {
	/* places and people in the news */
	N("इजराइल", "israel"),
	N("इजराइली", "israeli"),
	N("अमेरिका", "america"),
	N("अमरीका", "america"),
	N("अमेरिकी", "american"),
	N("चीन", "china"),
	N("रूस", "russia"),
	N("यूक्रेन", "ukraine"),
	N("ब्रिटेन", "britain"),
	N("फ्रांस", "france"),
	N("जर्मनी", "germany"),
	N("भाजपा", "bjp"),
	N("कांग्रेस", "congress"),
	/* English words of Hindi news */
	N("साइबर", "cyber"),
	N("पुलिस", "police"),
	N("मिनिस्टर", "minister"),
	N("कोर्ट", "court"),
	N("आर्मी", "army"),
	N("गवर्नमेंट", "government"),
	N("मेजर", "major"),
	N("जनरल", "general"),
	N("प्रेसिडेंट", "president"),
	N("कंपनी", "company"),
	N("बैंक", "bank"),
	N("बजट", "budget"),
	N("टैक्स", "tax"),
	N("टीम", "team"),
	N("मैच", "match"),
	N("क्रिकेट", "cricket"),
	N("हॉकी", "hockey"),
	N("ग्रैमी", "grammy"),
	N("सुप्रीम", "supreme"),
	N("फिल्म", "film"),
	N("स्कूल", "school"),
	N("कॉलेज", "college"),
	N("यूनिवर्सिटी", "university"),
	N("डॉक्टर", "doctor"),
	N("हॉस्पिटल", "hospital"),
	N("ट्रेन", "train"),
	N("एयरपोर्ट", "airport"),
	N("कोरोना", "corona"),
	N("वैक्सीन", "vaccine"),
	N("टेक्नोलॉजी", "technology"),
	N("इंटरनेट", "internet"),
	N("ऑनलाइन", "online"),
	N("मोबाइल", "mobile"),
	N("फोन", "phone"),
	N("स्मार्टफोन", "smartphone"),
	N("कंप्यूटर", "computer"),
	N("वीडियो", "video"),
	N("ईमेल", "email"),
	N("फेसबुक", "facebook"),
	N("व्हाट्सएप", "whatsapp"),
	N("व्हाट्सऐप", "whatsapp"),
	N("इंस्टाग्राम", "instagram"),
	N("यूट्यूब", "youtube"),
	N("ट्विटर", "twitter"),
	N("गूगल", "google"),
	N("न्यूज", "news"),
	N("मीडिया", "media"),
	N("सोशल", "social"),
	N("डिजिटल", "digital"),
	N("वेब", "web"),
	N("एप", "app"),
	N("ऐप", "app"),
	N("अपडेट", "update"),
	N("नोटिफिकेशन", "notification"),
	N("रिपोर्ट", "report"),
	/* English words the key's spelling rules (latin.c, step 0) cannot
	 * reach: a closed a that Hindi writes ऐ (Latin "a" must stay अ/आ for
	 * Hindi), a u written अ, an i written आइ, unstressed vowels */
	N("कैबिनेट", "cabinet"),
	N("कैमरा", "camera"),
	N("कैंसर", "cancer"),
	N("ट्रैफिक", "traffic"),
	N("रैली", "rally"),
	N("कैप्टन", "captain"),
	N("चैंपियन", "champion"),
	N("चैनल", "channel"),
	N("फैक्ट्री", "factory"),
	N("बैटरी", "battery"),
	N("लैपटॉप", "laptop"),
	N("सैटेलाइट", "satellite"),
	N("प्लेटफॉर्म", "platform"),
	N("बस", "bus"),
	N("फंड", "fund"),
	N("स्टार्टअप", "startup"),
	N("फाइनल", "final"),
	N("सेमीफाइनल", "semifinal"),
	N("वायरस", "virus"),
	N("पायलट", "pilot"),
	N("इंजीनियर", "engineer"),
	N("टूर्नामेंट", "tournament"),
	N("सर्विस", "service"),
	N("टिकट", "ticket"),
	N("लाइसेंस", "license"),
	N("डीजल", "diesel"),
	N("एंबुलेंस", "ambulance"),
	N("सिलेंडर", "cylinder"),
	N("इलेक्शन", "election"),
	N("ऑपरेशन", "operation"),
	/* Hindi words the newsroom spells its own way */
	N("सिंह", "singh"),
	N("राष्ट्रपति", "rashtrapati"), /* not rashtrapti */
	N("सहमति", "sahmati"),        /* not sahamti */
	N("में", "mein"),
};

/* Contracts of the tx_name_* functions in internal.h. Linear search: the
 * table is small and only whole words are looked up. */
/* Both columns are looked up for every word the search index keys, so
 * each has an open-addressing hash (row + 1; 0 is empty), built once.
 * Rows go in in table order and a lookup probes in that order, so the
 * first row of a spelling wins, as in a scan of the table. */
#define SLOTS 1024
_Static_assert(KB_COUNT(names) < SLOTS / 2, "names.c: grow SLOTS");
static unsigned short by_deva[SLOTS], by_latin[SLOTS];
static pthread_once_t hashed = PTHREAD_ONCE_INIT;

static size_t slot(const char *s, size_t n)
{
	uint32_t h = 2166136261u; /* FNV-1a */
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 16777619u;
	return h & (SLOTS - 1);
}

static void build(void)
{
	for (size_t i = 0; i < KB_COUNT(names); i++) {
		size_t d = slot(names[i].deva, names[i].deva_len),
		       l = slot(names[i].latin, names[i].latin_len);
		while (by_deva[d])
			d = (d + 1) & (SLOTS - 1);
		by_deva[d] = (unsigned short)(i + 1);
		while (by_latin[l])
			l = (l + 1) & (SLOTS - 1);
		by_latin[l] = (unsigned short)(i + 1);
	}
}

int tx_name_by_deva(const char *deva, size_t n)
{
	pthread_once(&hashed, build);
	for (size_t k = slot(deva, n); by_deva[k]; k = (k + 1) & (SLOTS - 1)) {
		const name_row *r = &names[by_deva[k] - 1];
		if (r->deva_len == n && !memcmp(r->deva, deva, n))
			return by_deva[k] - 1;
	}
	return -1;
}

int tx_name_by_latin(const char *latin, size_t n)
{
	pthread_once(&hashed, build);
	for (size_t k = slot(latin, n); by_latin[k]; k = (k + 1) & (SLOTS - 1)) {
		const name_row *r = &names[by_latin[k] - 1];
		if (r->latin_len == n && !memcmp(r->latin, latin, n))
			return by_latin[k] - 1;
	}
	return -1;
}

const char *tx_name_latin(int i)
{
	return i >= 0 && (size_t)i < KB_COUNT(names) ? names[i].latin : NULL;
}

const char *tx_name_deva(int i)
{
	return i >= 0 && (size_t)i < KB_COUNT(names) ? names[i].deva : NULL;
}

int tx_name_count(void)
{
	return (int)KB_COUNT(names);
}

int tx_name_lookup_word(const char *s, size_t n)
{
	/* A word far longer than every row cannot match; skip the work. */
	if (n > 256)
		return -1;
	kb_buf b = {0};
	text_normalise(&b, s, n, 0);
	int r = tx_name_by_deva(b.data, b.len);
	kb_buf_free(&b);
	return r;
}
