/*
 * demo.c: "khabar demo [--articles N]": a demo site. The first article is
 * the real report in demo/article-hi.txt (built into the binary); the
 * others are generated from the vocabulary below, deterministically (the
 * same N always gives the same site), across every default category, for
 * demos, tests and benchmarks. The static pages init makes are published.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../db/live_store.h"
#include "../db/pages_store.h"
#include "../render/assets.h"
#include "cli.h"

/* splitmix64: small, fast, and the same on every machine. */
static uint64_t rng_state = 0x6b686162617221ULL; /* "khabar!" */
static uint64_t rng(void)
{
	uint64_t z = (rng_state += 0x9E3779B97F4A7C15ULL);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	return z ^ (z >> 31);
}
#define PICK(arr) (arr[rng() % KB_COUNT(arr)])

typedef struct topic {
	const char *category; /* Hindi name, as khabar init creates it */
	const char *subjects[6];
	const char *events[6];
	const char *tags[5];
} topic;

static const topic topics[] = {
	{"देश",
	 {"केंद्र सरकार", "सुप्रीम कोर्ट", "चुनाव आयोग", "रेल मंत्रालय", "मौसम विभाग", "गृह मंत्रालय"},
	 {"नई योजना की घोषणा की", "अहम फ़ैसला सुनाया", "दिशानिर्देश जारी किए", "समीक्षा बैठक की", "चेतावनी जारी की",
	  "सुधारों को मंज़ूरी दी"},
	 {"सरकार", "अदालत", "रेलवे", "मौसम", "योजना"}},
	{"विदेश",
	 {"ब्रिटेन", "अमेरिका", "जापान", "संयुक्त राष्ट्र", "रूस", "फ़्रांस"},
	 {"भारत के साथ समझौते पर हस्ताक्षर किए", "नई व्यापार नीति घोषित की", "शांति वार्ता शुरू की",
	  "राजनयिक संबंधों को मज़बूत किया", "साझा बयान जारी किया", "शिखर सम्मेलन की मेज़बानी की"},
	 {"ब्रिटेन", "अमेरिका", "कूटनीति", "संयुक्त राष्ट्र", "विदेश नीति"}},
	{"राजनीति",
	 {"प्रधानमंत्री", "विपक्ष", "मुख्यमंत्री", "संसद", "राज्यसभा", "चुनाव आयोग"},
	 {"विधेयक पर चर्चा की", "रैली को संबोधित किया", "बजट सत्र की तैयारी की", "गठबंधन पर बैठक की", "नई घोषणाएँ कीं",
	  "सरकार से जवाब माँगा"},
	 {"संसद", "चुनाव", "विपक्ष", "प्रधानमंत्री", "विधेयक"}},
	{"राज्य",
	 {"उत्तर प्रदेश सरकार", "बिहार पुलिस", "राजस्थान सरकार", "मध्य प्रदेश प्रशासन", "दिल्ली नगर निगम",
	  "महाराष्ट्र सरकार"},
	 {"सड़क परियोजना शुरू की", "किसानों के लिए राहत पैकेज दिया", "अभियान चलाया", "स्कूलों के लिए नई नीति बनाई",
	  "जल संरक्षण योजना लागू की", "अस्पतालों का निरीक्षण किया"},
	 {"उत्तर प्रदेश", "बिहार", "पुलिस", "किसान", "शिक्षा"}},
	{"खेल",
	 {"भारतीय क्रिकेट टीम", "हॉकी टीम", "ओलंपिक संघ", "महिला क्रिकेट टीम", "फ़ुटबॉल महासंघ", "बैडमिंटन खिलाड़ी"},
	 {"शानदार जीत दर्ज की", "सीरीज़ अपने नाम की", "फ़ाइनल में जगह बनाई", "नए कोच का एलान किया",
	  "रिकॉर्ड तोड़ प्रदर्शन किया", "विश्व कप की तैयारी शुरू की"},
	 {"क्रिकेट", "हॉकी", "ओलंपिक", "विश्व कप", "फ़ुटबॉल"}},
	{"व्यापार",
	 {"रिज़र्व बैंक", "शेयर बाज़ार", "सेंसेक्स", "वित्त मंत्रालय", "ऑटो कंपनियाँ", "आईटी कंपनियाँ"},
	 {"ब्याज दरों पर फ़ैसला किया", "रिकॉर्ड ऊँचाई छुई", "निवेशकों को राहत दी", "नए निर्यात आँकड़े जारी किए",
	  "जीएसटी संग्रह में बढ़ोतरी बताई", "विदेशी निवेश आकर्षित किया"},
	 {"बाज़ार", "रिज़र्व बैंक", "जीएसटी", "निवेश", "निर्यात"}},
	{"मनोरंजन",
	 {"बॉलीवुड", "फ़िल्म निर्देशक", "संगीतकार", "वेब सीरीज़", "अभिनेत्री", "फ़िल्म समारोह"},
	 {"नई फ़िल्म का ट्रेलर जारी किया", "बॉक्स ऑफ़िस पर कमाई की", "पुरस्कार जीता", "शूटिंग शुरू की",
	  "दर्शकों का दिल जीता", "नए गाने की घोषणा की"},
	 {"बॉलीवुड", "फ़िल्म", "संगीत", "वेब सीरीज़", "पुरस्कार"}},
	{"तकनीक",
	 {"इसरो", "साइबर सुरक्षा एजेंसी", "स्टार्टअप कंपनियाँ", "दूरसंचार विभाग", "कृत्रिम बुद्धिमत्ता केंद्र",
	  "मोबाइल कंपनियाँ"},
	 {"नया उपग्रह लॉन्च किया", "साइबर हमले को नाकाम किया", "5जी सेवा का विस्तार किया",
	  "डिजिटल भुगतान का रिकॉर्ड बनाया", "नया ऐप पेश किया", "डेटा सुरक्षा नियम जारी किए"},
	 {"इसरो", "साइबर सुरक्षा", "स्टार्टअप", "मोबाइल", "डिजिटल"}},
	{"रक्षा",
	 {"रक्षा मंत्रालय", "भारतीय सेना", "वायुसेना", "नौसेना", "डीआरडीओ", "थल सेना प्रमुख"},
	 {"मिसाइल का सफल परीक्षण किया", "संयुक्त सैन्य अभ्यास शुरू किया", "स्वदेशी लड़ाकू विमान शामिल किया",
	  "रक्षा सहयोग पर बैठक की", "सीमा पर सुरक्षा की समीक्षा की", "नई क्षमताएँ हासिल कीं"},
	 {"सेना", "रक्षा सहयोग", "मिसाइल", "वायुसेना", "नौसेना"}},
	{"स्वास्थ्य",
	 {"स्वास्थ्य मंत्रालय", "एम्स", "विश्व स्वास्थ्य संगठन", "डॉक्टरों की टीम", "आयुष मंत्रालय", "राज्य स्वास्थ्य विभाग"},
	 {"टीकाकरण अभियान शुरू किया", "नई दवा को मंज़ूरी दी", "डेंगू से बचाव की सलाह दी", "मुफ़्त जाँच शिविर लगाया",
	  "स्वास्थ्य रिपोर्ट जारी की", "योग दिवस की तैयारी की"},
	 {"स्वास्थ्य", "टीकाकरण", "अस्पताल", "डेंगू", "योग"}},
};

static const char *const places[] = {
	"नई दिल्ली", "मुंबई",  "लखनऊ",    "पटना",    "जयपुर",    "भोपाल",   "कोलकाता",
	"चेन्नई",     "बेंगलुरु", "हैदराबाद", "वाराणसी", "तेल अवीव", "वॉशिंगटन", "टोक्यो",
};
static const char *const authors[] = {
	"समाचार डेस्क", "राजीव शर्मा", "सुनीता वर्मा", "अमित कुमार", "प्रिया सिंह", "मोहम्मद आरिफ़",
};
static const char *const sentences[] = {
	"अधिकारियों ने बताया कि इस कदम से आम लोगों को सीधा लाभ होगा।",
	"विशेषज्ञों का मानना है कि आने वाले महीनों में इसका असर साफ़ दिखाई देगा।",
	"बैठक में कई अहम मुद्दों पर विस्तार से चर्चा हुई और आगे की रणनीति तय की गई।",
	"सूत्रों के मुताबिक इस पर अंतिम फ़ैसला अगले सप्ताह तक लिया जा सकता है।",
	"स्थानीय लोगों ने इस पहल का स्वागत किया और इसे ज़रूरी बताया।",
	"इस दौरान सुरक्षा के कड़े इंतज़ाम किए गए थे।",
	"सरकार ने कहा है कि सभी पक्षों से बातचीत जारी रहेगी।",
	"आँकड़ों के अनुसार पिछले वर्ष की तुलना में इसमें 12 प्रतिशत की बढ़ोतरी हुई है।",
	"कार्यक्रम में बड़ी संख्या में युवाओं और महिलाओं ने हिस्सा लिया।",
	"प्रवक्ता ने कहा कि नियमों का पालन नहीं करने वालों पर सख़्त कार्रवाई होगी।",
	"इस मुद्दे पर विपक्ष ने भी अपनी प्रतिक्रिया दी है।",
	"जानकारों के अनुसार यह फ़ैसला दूरगामी साबित होगा।",
};

/* Seed article: the report of demo/article-hi.txt. Its paragraphs up to
 * the portal's appeal to readers are the story; the appeal itself is what
 * khabar's follow block and notifications provide. */
static int add_seed(store *st, const char *text, size_t len)
{
	kb_buf body = {0};
	const char *p = text, *end = text + len;
	const char *stop = memmem(text, len, "खबरें और भी हैं", strlen("खबरें और भी हैं"));
	if (stop)
		end = stop;
	const char *dl = "नई दिल्ली";
	const char *danda = "। ";
	if ((size_t)(end - p) > strlen(dl) + strlen(danda) && !memcmp(p, dl, strlen(dl)) &&
	    !memcmp(p + strlen(dl), danda, strlen(danda)))
		p += strlen(dl) + strlen(danda);
	/* One paragraph per line in the file; Markdown wants blank lines. */
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *e = nl ? nl : end;
		if (e > p) {
			kb_buf_append(&body, p, (size_t)(e - p));
			kb_buf_puts(&body, "\n\n");
		}
		p = nl ? nl + 1 : end;
	}
	const char *tags[] = {"इज़राइल", "रक्षा सहयोग", "भारत"};
	kb_article_input in = {
		.title = "भारत-इज़राइल रक्षा सहयोग पर समझौता ज्ञापन पर हस्ताक्षर",
		.summary = "तेल अवीव में संयुक्त कार्य समूह की 17वीं बैठक में दोनों देशों ने रक्षा सहयोग पर "
			   "समझौता ज्ञापन पर हस्ताक्षर किए; कृत्रिम बुद्धिमत्ता और साइबर सुरक्षा भी सहयोग के क्षेत्रों में।",
		.body = kb_buf_str(&body),
		.status = "published",
		.category_slug = NULL,
		.author_name = "समाचार डेस्क",
		.tags = tags,
		.ntags = KB_COUNT(tags),
		.dateline = dl,
	};
	kb_arena a = {0};
	kb_category *cats;
	size_t n;
	int rc = store_category_list(st, &a, &cats, &n);
	for (size_t i = 0; !rc && i < n; i++)
		if (!strcmp(cats[i].name, "रक्षा"))
			in.category_slug = cats[i].slug;
	int64_t id;
	if (!rc && !kb_parse_time("2025-11-04T18:30:00+05:30", &in.published_at))
		rc = store_article_add(st, &in, &id);
	kb_arena_free(&a);
	kb_buf_free(&body);
	return rc;
}

static int add_generated(store *st, kb_arena *a, const kb_category *cats, size_t ncats, long i, int64_t when)
{
	const kb_category *cat = &cats[(size_t)i % ncats];
	const topic *t = &topics[0];
	for (size_t k = 0; k < KB_COUNT(topics); k++)
		if (!strcmp(topics[k].category, cat->name))
			t = &topics[k];
	const char *place = PICK(places), *subject = PICK(t->subjects), *event = PICK(t->events);
	kb_buf title = {0}, summary = {0}, body = {0};
	kb_buf_printf(&title, "%s: %s ने %s", place, subject, event);
	kb_buf_printf(&summary, "%s में %s ने %s। जानिए इस खबर से जुड़ी पूरी जानकारी।", place, subject, event);
	int paras = 3 + (int)(rng() % 3);
	kb_buf_printf(&body, "%s ने %s। %s\n\n", subject, event, PICK(sentences));
	for (int p = 1; p < paras; p++) {
		for (int s = 0; s < 3; s++)
			kb_buf_printf(&body, "%s ", PICK(sentences));
		kb_buf_puts(&body, "\n\n");
	}
	const char *tags[3] = {PICK(t->tags), PICK(t->tags), place};
	kb_article_input in = {
		.title = title.data,
		.summary = summary.data,
		.body = body.data,
		.status = "published",
		.published_at = when,
		.category_slug = cat->slug,
		.author_name = PICK(authors),
		.tags = tags,
		.ntags = 3,
		.dateline = place,
		.breaking = rng() % 25 == 0,
	};
	int64_t id;
	int rc = store_article_add(st, &in, &id);
	kb_buf_free(&title);
	kb_buf_free(&summary);
	kb_buf_free(&body);
	(void)a;
	return rc;
}

/* The live story of --live (live_store.h): a flood covered as it
 * happens, a handful of entries 20 minutes apart from start, two of them
 * key events, one pinned, one with a video link; still open. */
static int add_live(store *st, int64_t start)
{
	static const char *const entries[][3] = {
		/* text, key event, pinned */
		{"**तेज़ बारिश जारी।** मौसम विभाग ने दिल्ली और एनसीआर के लिए ऑरेंज अलर्ट जारी किया है।", "1", ""},
		{"मिंटो ब्रिज के नीचे पानी भरने से यातायात रोका गया। पुलिस ने वैकल्पिक रास्तों की सूची जारी की है।", "",
		 ""},
		{"यमुना का जलस्तर 204.5 मीटर पहुँचा, चेतावनी का निशान 204.5 मीटर है। निचले इलाक़ों में मुनादी कराई जा रही है।",
		 "1", ""},
		{"दिल्ली मेट्रो की सभी लाइनें सामान्य रूप से चल रही हैं; दो स्टेशनों के निकास द्वार बंद।", "", ""},
		{"**हेल्पलाइन:** जलभराव की शिकायत के लिए 1031 पर फ़ोन करें। राहत शिविरों की सूची नगर निगम की साइट पर है।",
		 "", "1"},
	};
	kb_category *cats;
	size_t ncats;
	kb_arena a = {0};
	int rc = store_category_list(st, &a, &cats, &ncats);
	const char *tags[] = {"बारिश", "दिल्ली"};
	kb_article_input in = {
		.title = "लाइव: दिल्ली में भारी बारिश, कई इलाक़ों में जलभराव",
		.summary = "राजधानी में हो रही बारिश से यातायात पर असर; हर अपडेट यहाँ।",
		.body = "दिल्ली और एनसीआर में भारी बारिश हो रही है। इस पेज पर हर ताज़ा जानकारी सबसे ऊपर है।",
		.status = "published",
		.published_at = start,
		.author_name = "समाचार डेस्क",
		.tags = tags,
		.ntags = 2,
		.dateline = "नई दिल्ली",
		.breaking = 1,
	};
	for (size_t i = 0; !rc && i < ncats; i++)
		if (!strcmp(cats[i].name, "देश"))
			in.category_slug = cats[i].slug;
	int64_t id, entry;
	if (!rc)
		rc = store_article_add(st, &in, &id);
	if (!rc)
		rc = live_store_start(st, id, start, 0, 0, start);
	for (size_t i = 0; !rc && i < KB_COUNT(entries); i++) {
		kb_live_input e = {
			.body = entries[i][0], .key_event = *entries[i][1], .pinned = *entries[i][2]};
		rc = live_store_entry_add(st, id, &e, 0, start + (int64_t)i * 20 * 60, &entry);
	}
	kb_live_input video = {.body = "नगर निगम आयुक्त का बयान: सभी पंप चालू, कुछ घंटों में पानी निकाल लिया जाएगा।",
			       .link = "https://www.youtube.com/watch?v=dQw4w9WgXcQ"};
	if (!rc)
		rc = live_store_entry_add(st, id, &video, 0, start + (int64_t)KB_COUNT(entries) * 20 * 60,
					  &entry);
	kb_arena_free(&a);
	return rc;
}

int cmd_demo(int argc, char **argv)
{
	const char *db = KB_DEFAULT_DB, *count = "60", *seed = NULL;
	int live = 0;
	for (int i = 2; i < argc; i++) {
		if (cli_opt(argc, argv, &i, "--db", &db) || cli_opt(argc, argv, &i, "--articles", &count) ||
		    cli_opt(argc, argv, &i, "--seed", &seed))
			continue;
		if (!strcmp(argv[i], "--live")) {
			live = 1;
			continue;
		}
		fprintf(stderr,
			"khabar demo: unknown option %s\n"
			"usage: khabar demo [--articles N] [--db PATH] [--seed FILE] [--live]\n",
			argv[i]);
		return 2;
	}
	char *end;
	long n = strtol(count, &end, 10);
	if (*end || n < 0 || n > 10000000)
		kb_fatal("--articles must be a number from 0 to 10000000, not \"%s\"", count);

	kb_buf text = {0};
	if (seed) {
		if (kb_read_file(seed, &text))
			kb_fatal("cannot read %s", seed);
	} else {
		for (const struct kb_asset *as = kb_assets; as->name; as++)
			if (!strcmp(as->name, "demo/article-hi.txt"))
				kb_buf_append(&text, as->data, as->len);
	}
	if (!text.len || !kb_utf8_valid(text.data, text.len, NULL))
		kb_fatal("the seed article is missing or not UTF-8");

	store *st = cli_open_store(db);
	int64_t existing = 0;
	if (store_article_count(st, &existing) || existing)
		kb_fatal("%s already has articles; khabar demo fills only a new database", db);
	if (cli_site_setup(st, "खबर डेमो", "http://127.0.0.1:8080"))
		return 1;
	kb_arena a = {0};
	kb_settings s;
	if (store_settings(st, &a, &s))
		kb_fatal("%s", store_errmsg(st));
	kb_set_timezone(s.timezone);
	static const char *const settings[][2] = {
		{"tagline", "हिंदी खबरें, सबसे पहले"},
		{"email", "khabar@example.com"},
		{"facebook", "https://www.facebook.com/khabar.demo"},
		{"instagram", "https://www.instagram.com/khabar.demo"},
		{"x", "https://x.com/khabar_demo"},
		{"arattai",
		 "https://chat.arattai.in/groups/t43545f313238383036363337343930333731343936395f32303030323937303330392d47437c3031303131353032363138323137353934323036313934393230"},
		{"whatsapp", "https://chat.whatsapp.com/H5n5EBsvk6S4fpctWHfcLK"},
		{"google_news", "https://news.google.com/"},
	};
	kb_category *cats;
	size_t ncats;
	/* One transaction; the search index is built once at the end, not
	 * article by article. */
	int rc = store_begin(st) || store_bulk_begin(st);
	for (size_t i = 0; !rc && i < KB_COUNT(settings); i++)
		rc = store_setting_set(st, settings[i][0], settings[i][1]);
	/* The static pages init made, published as they are (each says it
	 * is sample text), so the footer has its links. */
	kb_page *pages;
	size_t npages = 0;
	if (!rc)
		rc = pages_store_list(st, &a, 0, &pages, &npages);
	for (size_t i = 0; !rc && i < npages; i++)
		rc = pages_store_set_status(st, pages[i].id, "published", 0, kb_now());
	if (!rc)
		rc = add_seed(st, text.data, text.len);
	if (!rc)
		rc = store_category_list(st, &a, &cats, &ncats);
	int64_t when = 0;
	if (!rc)
		rc = kb_parse_time("2025-11-04T18:00:00+05:30", &when);
	for (long i = 0; !rc && i < n; i++) {
		rc = add_generated(st, &a, cats, ncats, i, when - i * 47 * 60);
		if (!rc && i % 5000 == 4999)
			fprintf(stderr, "\rkhabar demo: %ld of %ld articles", i + 1, n);
	}
	/* The live story began two hours ago: it leads the home page, its
	 * newest entry just posted. */
	if (!rc && live)
		rc = add_live(st, kb_now() - 2 * 3600);
	if (!rc)
		rc = store_bulk_end(st) || store_commit(st);
	if (rc) {
		fprintf(stderr, "khabar: demo not created: %s\n", store_errmsg(st));
		store_rollback(st);
	} else {
		if (n >= 5000)
			fputc('\n', stderr);
		printf("khabar: demo site with %ld articles in %s\n", n + 1 + live, db);
	}
	kb_arena_free(&a);
	kb_buf_free(&text);
	store_close(st);
	return rc ? 1 : 0;
}
