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

#include <string.h>

typedef struct name_row {
	const char *deva, *latin;
} name_row;

static const name_row names[] = {
	/* places and people in the news */
	{"इजराइल", "israel"},
	{"इजराइली", "israeli"},
	{"अमेरिका", "america"},
	{"अमरीका", "america"},
	{"अमेरिकी", "american"},
	{"चीन", "china"},
	{"रूस", "russia"},
	{"यूक्रेन", "ukraine"},
	{"ब्रिटेन", "britain"},
	{"फ्रांस", "france"},
	{"जर्मनी", "germany"},
	{"भाजपा", "bjp"},
	{"कांग्रेस", "congress"},
	/* English words of Hindi news */
	{"साइबर", "cyber"},
	{"पुलिस", "police"},
	{"मिनिस्टर", "minister"},
	{"कोर्ट", "court"},
	{"आर्मी", "army"},
	{"गवर्नमेंट", "government"},
	{"मेजर", "major"},
	{"जनरल", "general"},
	{"प्रेसिडेंट", "president"},
	{"कंपनी", "company"},
	{"बैंक", "bank"},
	{"बजट", "budget"},
	{"टैक्स", "tax"},
	{"टीम", "team"},
	{"मैच", "match"},
	{"क्रिकेट", "cricket"},
	{"फिल्म", "film"},
	{"स्कूल", "school"},
	{"कॉलेज", "college"},
	{"यूनिवर्सिटी", "university"},
	{"डॉक्टर", "doctor"},
	{"हॉस्पिटल", "hospital"},
	{"ट्रेन", "train"},
	{"एयरपोर्ट", "airport"},
	{"कोरोना", "corona"},
	{"वैक्सीन", "vaccine"},
	{"टेक्नोलॉजी", "technology"},
	{"इंटरनेट", "internet"},
	{"ऑनलाइन", "online"},
	{"मोबाइल", "mobile"},
	{"फोन", "phone"},
	{"स्मार्टफोन", "smartphone"},
	{"कंप्यूटर", "computer"},
	{"वीडियो", "video"},
	{"ईमेल", "email"},
	{"फेसबुक", "facebook"},
	{"व्हाट्सएप", "whatsapp"},
	{"व्हाट्सऐप", "whatsapp"},
	{"इंस्टाग्राम", "instagram"},
	{"यूट्यूब", "youtube"},
	{"ट्विटर", "twitter"},
	{"गूगल", "google"},
	{"न्यूज", "news"},
	{"मीडिया", "media"},
	{"सोशल", "social"},
	{"डिजिटल", "digital"},
	{"वेब", "web"},
	{"एप", "app"},
	{"ऐप", "app"},
	{"अपडेट", "update"},
	{"नोटिफिकेशन", "notification"},
	{"रिपोर्ट", "report"},
	/* Hindi words the newsroom spells its own way */
	{"सिंह", "singh"},
	{"राष्ट्रपति", "rashtrapati"}, /* not rashtrapti */
	{"सहमति", "sahmati"},          /* not sahamti */
	{"में", "mein"},
};

/* Contracts of the tx_name_* functions in internal.h. Linear search: the
 * table is small and only whole words are looked up. */
int tx_name_by_deva(const char *deva, size_t n)
{
	for (size_t i = 0; i < KB_COUNT(names); i++)
		if (strlen(names[i].deva) == n && !memcmp(names[i].deva, deva, n))
			return (int)i;
	return -1;
}

int tx_name_by_latin(const char *latin, size_t n)
{
	for (size_t i = 0; i < KB_COUNT(names); i++)
		if (strlen(names[i].latin) == n &&
		    !memcmp(names[i].latin, latin, n))
			return (int)i;
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
