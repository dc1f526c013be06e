#!/usr/bin/env python3
"""bench/wxr_gen.py N OUT.xml: a WordPress export (WXR 1.2) with N Hindi
posts shaped like WordPress 6.1's own output (block comments, CDATA,
percent-encoded slugs, eight categories, tags), for bench/import.sh.
Deterministic: the same N gives the same file."""
import random
import sys
from urllib.parse import quote

n, out = int(sys.argv[1]), sys.argv[2]
rng = random.Random(42)
cats = ['देश', 'विदेश', 'राजनीति', 'खेल', 'व्यापार', 'मनोरंजन', 'तकनीक', 'रक्षा']
tags = ['इज़राइल', 'क्रिकेट', 'बजट', 'चुनाव', 'मौसम', 'शिक्षा', 'स्वास्थ्य', 'रेलवे', 'संसद', 'बाज़ार']
words = ('रक्षा सचिव राजेश कुमार सिंह और इज़राइली मंत्रालय के महानिदेशक की सह-अध्यक्षता में '
         'संयुक्त कार्य समूह की बैठक हुई जिसमें सहयोग के कई क्षेत्रों की पहचान की गई और दोनों '
         'देशों ने समझौता ज्ञापन पर हस्ताक्षर किए सरकार ने कहा कि इस कदम से आम लोगों को लाभ होगा').split()

def slug(s):
    return quote(s.replace(' ', '-'), safe='-').lower()[:200]

with open(out, 'w', encoding='utf-8') as f:
    w = f.write
    w('<?xml version="1.0" encoding="UTF-8" ?>\n<rss version="2.0"\n'
      '\txmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"\n'
      '\txmlns:content="http://purl.org/rss/1.0/modules/content/"\n'
      '\txmlns:wfw="http://wellformedweb.org/CommentAPI/"\n'
      '\txmlns:dc="http://purl.org/dc/elements/1.1/"\n'
      '\txmlns:wp="http://wordpress.org/export/1.2/"\n>\n<channel>\n'
      '\t<title>बेंचमार्क</title>\n\t<link>http://127.0.0.1:18080</link>\n'
      '\t<wp:wxr_version>1.2</wp:wxr_version>\n')
    w('\t<wp:author><wp:author_id>1</wp:author_id><wp:author_login><![CDATA[admin]]></wp:author_login>'
      '<wp:author_email><![CDATA[admin@example.invalid]]></wp:author_email>'
      '<wp:author_display_name><![CDATA[समाचार डेस्क]]></wp:author_display_name></wp:author>\n')
    for i, c in enumerate(cats):
        w(f'\t<wp:category><wp:term_id>{i + 2}</wp:term_id><wp:category_nicename><![CDATA[{slug(c)}]]>'
          f'</wp:category_nicename><wp:category_parent><![CDATA[]]></wp:category_parent>'
          f'<wp:cat_name><![CDATA[{c}]]></wp:cat_name></wp:category>\n')
    for i, t in enumerate(tags):
        w(f'\t<wp:tag><wp:term_id>{i + 20}</wp:term_id><wp:tag_slug><![CDATA[{slug(t)}]]></wp:tag_slug>'
          f'<wp:tag_name><![CDATA[{t}]]></wp:tag_name></wp:tag>\n')
    for k in range(n):
        pid = 100 + k
        title = ' '.join(rng.choice(words) for _ in range(8)) + f' {k}'
        s = slug(' '.join(title.split()[:4]) + f' {k}')
        paras = '\n\n'.join('<!-- wp:paragraph -->\n<p>' + ' '.join(rng.choice(words) for _ in range(60))
                            + '।</p>\n<!-- /wp:paragraph -->' for _ in range(4))
        c = rng.choice(cats)
        t = rng.sample(tags, 2)
        y, mo, d = 2020 + k % 5, 1 + k % 12, 1 + k % 28
        date = f'{y}-{mo:02d}-{d:02d} {k % 24:02d}:{k % 60:02d}:00'
        w(f'\t<item>\n\t\t<title><![CDATA[{title}]]></title>\n'
          f'\t\t<link>http://127.0.0.1:18080/{s}/</link>\n'
          f'\t\t<dc:creator><![CDATA[admin]]></dc:creator>\n'
          f'\t\t<guid isPermaLink="false">http://127.0.0.1:18080/?p={pid}</guid>\n'
          f'\t\t<content:encoded><![CDATA[{paras}]]></content:encoded>\n'
          f'\t\t<excerpt:encoded><![CDATA[]]></excerpt:encoded>\n'
          f'\t\t<wp:post_id>{pid}</wp:post_id>\n'
          f'\t\t<wp:post_date><![CDATA[{date}]]></wp:post_date>\n'
          f'\t\t<wp:post_date_gmt><![CDATA[{date}]]></wp:post_date_gmt>\n'
          f'\t\t<wp:post_modified_gmt><![CDATA[{date}]]></wp:post_modified_gmt>\n'
          f'\t\t<wp:post_name><![CDATA[{s}]]></wp:post_name>\n'
          f'\t\t<wp:status><![CDATA[publish]]></wp:status>\n'
          f'\t\t<wp:post_type><![CDATA[post]]></wp:post_type>\n'
          f'\t\t<wp:is_sticky>0</wp:is_sticky>\n'
          f'\t\t<category domain="category" nicename="{slug(c)}"><![CDATA[{c}]]></category>\n'
          + ''.join(f'\t\t<category domain="post_tag" nicename="{slug(x)}"><![CDATA[{x}]]></category>\n' for x in t)
          + '\t</item>\n')
    w('</channel>\n</rss>\n')
