/*
 * labels.c: every word the newsroom shows, in Hindi (the default) and
 * English (a per-user setting on the account page). Templates read them
 * as {{t.KEY}}; handlers through nr_label(). One table, so a missing
 * translation is one grep away.
 */
#include <string.h>

#include "newsroom.h"

static const struct {
	const char *key, *hi, *en;
} labels[] = {
	{"newsroom", "न्यूज़रूम", "Newsroom"},
	{"desk", "खबरें", "Stories"},
	{"new_article", "नई खबर", "New story"},
	{"media", "फ़ोटो", "Photos"},
	{"categories", "श्रेणियाँ", "Categories"},
	{"tags", "टैग", "Tags"},
	{"users", "सदस्य", "Users"},
	{"settings", "साइट सेटिंग", "Site settings"},
	{"audit", "गतिविधि", "Activity"},
	{"account", "मेरा खाता", "My account"},
	{"logout", "लॉग आउट", "Log out"},
	{"logout_all", "हर जगह से लॉग आउट", "Log out everywhere"},
	{"logout_all_help", "आपके सभी फ़ोन और कंप्यूटर से लॉग आउट हो जाएगा।",
	 "Ends your sessions on every phone and computer."},
	{"view_site", "साइट देखें", "View site"},
	{"login", "लॉग इन", "Log in"},
	{"login_title", "न्यूज़रूम में लॉग इन करें", "Log in to the newsroom"},
	{"username", "यूज़रनेम", "Username"},
	{"password", "पासवर्ड", "Password"},
	{"login_failed", "यूज़रनेम या पासवर्ड सही नहीं है।", "Wrong username or password."},
	{"login_throttled", "बहुत सारी गलत कोशिशें हुईं। 15 मिनट बाद फिर कोशिश करें।",
	 "Too many failed attempts. Try again in 15 minutes."},
	{"mine", "मेरी खबरें", "My stories"},
	{"all", "सभी", "All"},
	{"status_draft", "ड्राफ़्ट", "Draft"},
	{"status_review", "समीक्षा में", "In review"},
	{"status_scheduled", "निर्धारित", "Scheduled"},
	{"status_published", "प्रकाशित", "Published"},
	{"status_unpublished", "हटाई गई", "Unpublished"},
	{"no_articles", "यहाँ अभी कोई खबर नहीं है।", "No stories here yet."},
	{"updated", "बदली गई", "Updated"},
	{"by", "लेखक", "By"},
	{"title", "शीर्षक", "Headline"},
	{"title_ph", "खबर का शीर्षक लिखें", "Write the headline"},
	{"summary", "सार", "Summary"},
	{"summary_ph", "दो पंक्तियों में खबर का सार", "The story in two lines"},
	{"body", "खबर", "Story"},
	{"body_ph", "यहाँ खबर लिखें…", "Write the story here…"},
	{"write", "लिखें", "Write"},
	{"preview", "झलक", "Preview"},
	{"preview_empty", "लिखना शुरू करें, झलक यहाँ दिखेगी।", "Start writing; the preview shows here."},
	{"bold", "मोटा", "Bold"},
	{"italic", "तिरछा", "Italic"},
	{"heading", "उपशीर्षक", "Subheading"},
	{"link", "लिंक", "Link"},
	{"quote", "उद्धरण", "Quote"},
	{"list", "सूची", "List"},
	{"category", "श्रेणी", "Category"},
	{"no_category", "— श्रेणी चुनें —", "— Choose a category —"},
	{"tags_ph", "अल्पविराम से अलग करें: इज़राइल, रक्षा", "Separate with commas: Israel, defence"},
	{"dateline", "डेटलाइन (स्थान)", "Dateline (place)"},
	{"dateline_ph", "नई दिल्ली", "New Delhi"},
	{"byline", "बायलाइन (लेखक का नाम)", "Byline (author name)"},
	{"photo", "मुख्य फ़ोटो", "Featured photo"},
	{"photo_choose", "फ़ोटो चुनें", "Choose photo"},
	{"photo_change", "फ़ोटो बदलें", "Change photo"},
	{"photo_remove", "फ़ोटो हटाएँ", "Remove photo"},
	{"photo_help", "JPEG, PNG या WebP, 20 MB तक", "JPEG, PNG or WebP, up to 20 MB"},
	{"photo_processing", "फ़ोटो तैयार हो रही है…", "Preparing the photo…"},
	{"photo_too_big", "फ़ोटो 20 MB से बड़ी है। छोटी फ़ोटो चुनें।",
	 "The photo is larger than 20 MB. Choose a smaller one."},
	{"caption", "फ़ोटो कैप्शन", "Caption"},
	{"credit", "फ़ोटो क्रेडिट", "Credit"},
	{"breaking", "ब्रेकिंग न्यूज़", "Breaking news"},
	{"slug", "URL (स्लग)", "URL (slug)"},
	{"slug_help", "खाली छोड़ें तो शीर्षक से बनेगा", "Left empty, it is made from the headline"},
	{"seo", "सर्च इंजन (SEO)", "Search engines (SEO)"},
	{"seo_title", "SEO शीर्षक", "SEO title"},
	{"seo_description", "SEO विवरण", "SEO description"},
	{"save", "सहेजें", "Save"},
	{"saved", "सहेजा गया", "Saved"},
	{"saving", "सहेजा जा रहा है…", "Saving…"},
	{"autosaved", "अपने-आप सहेजा गया", "Saved automatically"},
	{"unsaved", "बिना सहेजे बदलाव", "Unsaved changes"},
	{"submit", "समीक्षा के लिए भेजें", "Submit for review"},
	{"publish", "अभी प्रकाशित करें", "Publish now"},
	{"update", "बदलाव प्रकाशित करें", "Publish changes"},
	{"schedule", "समय तय करें", "Schedule"},
	{"schedule_at", "प्रकाशन का समय", "Publish at"},
	{"unpublish", "साइट से हटाएँ", "Unpublish"},
	{"return", "लेखक को लौटाएँ", "Return to writer"},
	{"status", "स्थिति", "Status"},
	{"workflow", "प्रकाशन", "Publishing"},
	{"revisions", "संस्करण", "Revisions"},
	{"history", "इतिहास", "History"},
	{"compare", "तुलना करें", "Compare"},
	{"restore", "यह संस्करण वापस लाएँ", "Restore this revision"},
	{"current", "मौजूदा", "Current"},
	{"revision", "संस्करण", "Revision"},
	{"kind_save", "सहेजा", "Saved"},
	{"kind_autosave", "अपने-आप सहेजा", "Autosaved"},
	{"kind_conflict", "टकराव में बचा बदलाव", "Kept from a conflict"},
	{"kind_restore", "वापस लाया गया", "Restored"},
	{"kind_create", "बनाई गई", "Created"},
	{"no_changes", "इन दोनों में कोई अंतर नहीं है।", "These two are the same."},
	{"conflict", "किसी और ने इस बीच यह खबर बदल दी है। आपका लिखा नीचे सुरक्षित है और संस्करणों में भी रखा गया है: ताज़ा संस्करण से तुलना करके फिर सहेजें।",
	 "Someone else changed this story meanwhile. Your text is kept below and in the revisions: compare it with the latest and save again."},
	{"read_only", "यह खबर अब समीक्षा में है; बदलाव संपादक करेंगे।",
	 "This story is in review now; editors make further changes."},
	{"need_title", "शीर्षक और खबर लिखे बिना इसे आगे नहीं भेजा जा सकता।",
	 "A story needs a headline and text before it goes on."},
	{"past_time", "प्रकाशन का समय आगे का होना चाहिए।", "The publishing time must be in the future."},
	{"bad_time", "समय समझ में नहीं आया।", "That time could not be read."},
	{"bad_value", "यह मान स्वीकार नहीं है।", "This value is not accepted."},
	{"scheduled_for", "प्रकाशित होगी", "Goes live"},
	{"published_on", "प्रकाशित", "Published"},
	{"open_live", "साइट पर देखें", "See it live"},
	{"upload", "अपलोड करें", "Upload"},
	{"library_empty", "अभी कोई फ़ोटो नहीं है।", "No photos yet."},
	{"media_pending", "तैयार हो रही है", "Processing"},
	{"media_failed", "नहीं बन सकी", "Failed"},
	{"uploaded_by", "अपलोड", "Uploaded by"},
	{"name", "नाम", "Name"},
	{"role", "भूमिका", "Role"},
	{"role_reporter", "रिपोर्टर", "Reporter"},
	{"role_editor", "संपादक", "Editor"},
	{"role_admin", "एडमिन", "Admin"},
	{"disabled", "बंद", "Disabled"},
	{"active", "सक्रिय", "Active"},
	{"add_user", "सदस्य जोड़ें", "Add user"},
	{"user_exists", "इस यूज़रनेम का सदस्य पहले से है।", "A user with this username exists."},
	{"password_short", "पासवर्ड कम से कम 10 अक्षर का हो।", "The password needs at least 10 characters."},
	{"new_password", "नया पासवर्ड", "New password"},
	{"current_password", "मौजूदा पासवर्ड", "Current password"},
	{"language", "भाषा", "Language"},
	{"lang_switch", "English", "हिंदी"},
	{"add", "जोड़ें", "Add"},
	{"position", "क्रम", "Order"},
	{"articles", "खबरें", "Stories"},
	{"site_name", "साइट का नाम", "Site name"},
	{"tagline", "टैगलाइन", "Tagline"},
	{"logo", "लोगो (फ़ोटो लाइब्रेरी से पता, जैसे /media/…)", "Logo (a path from the photo library, like /media/…)"},
	{"email", "संपर्क ईमेल", "Contact email"},
	{"follow", "फ़ॉलो लिंक", "Follow links"},
	{"when", "कब", "When"},
	{"who", "किसने", "Who"},
	{"what", "क्या", "What"},
	{"scheduler", "शेड्यूलर", "Scheduler"},
	{"act_create", "खबर बनाई", "created"},
	{"act_save", "सहेजी", "saved"},
	{"act_submit", "समीक्षा के लिए भेजी", "submitted"},
	{"act_publish", "प्रकाशित की", "published"},
	{"act_schedule", "समय तय किया", "scheduled"},
	{"act_unpublish", "साइट से हटाई", "unpublished"},
	{"act_return", "लौटाई", "returned"},
	{"act_restore", "पुराना संस्करण वापस लाया", "restored a revision"},
	{"act_conflict", "टकराव में बदलाव बचाया", "kept a conflicting edit"},
	{"act_login", "लॉग इन किया", "logged in"},
	{"act_logout", "लॉग आउट किया", "logged out"},
	{"act_logout_all", "हर जगह से लॉग आउट किया", "logged out everywhere"},
	{"act_upload", "फ़ोटो अपलोड की", "uploaded a photo"},
	{"act_user", "सदस्य बदला", "changed a user"},
	{"act_settings", "सेटिंग बदली", "changed settings"},
	{"act_category", "श्रेणी बदली", "changed a category"},
	{"act_tag", "टैग बदला", "changed a tag"},
	{"saved_ok", "बदलाव सहेज लिए गए।", "Changes saved."},
	{"prev", "पिछला", "Previous"},
	{"next", "अगला", "Next"},
	{"close", "बंद करें", "Close"},
	{"edit", "बदलें", "Edit"},
	{"words", "शब्द", "words"},
};

const char *nr_label(const char *lang, const char *key)
{
	int en = lang && !strcmp(lang, "en");
	for (size_t i = 0; i < KB_COUNT(labels); i++)
		if (!strcmp(labels[i].key, key))
			return en ? labels[i].en : labels[i].hi;
	return key;
}

tv *nr_labels(kb_arena *a, const char *lang)
{
	int en = lang && !strcmp(lang, "en");
	tv *o = tv_obj(a);
	for (size_t i = 0; i < KB_COUNT(labels); i++)
		tv_set_str(o, labels[i].key, en ? labels[i].en : labels[i].hi);
	return o;
}

const char *nr_status_label(const char *lang, const char *status)
{
	static const char *const keys[][2] = {
		{"draft", "status_draft"},	   {"review", "status_review"},
		{"scheduled", "status_scheduled"}, {"published", "status_published"},
		{"unpublished", "status_unpublished"},
	};
	for (size_t i = 0; i < KB_COUNT(keys); i++)
		if (!strcmp(keys[i][0], status))
			return nr_label(lang, keys[i][1]);
	return status;
}
