// Black-box tests of what reaches readers away from the site itself (issue
// 6): RSS and Atom feeds (parsed by Debian's python3-feedparser), sitemaps
// (xmllint against the sitemaps.org XSD shipped by npm `sitemap`, and
// Google's news-sitemap rules checked here), JSON-LD and social previews,
// the public JSON API, and the Nu HTML Checker (npm `vnu-jar`) on the main
// pages (a static page among them, which the sitemap lists too). Every
// validator also gets a broken input, to prove it really runs.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { khabar, newDb, root, SEED_TITLE, startSite, tempDir } from '../lib/khabar.mjs';

const SITEMAP_XSD = path.join(root, 'node_modules/sitemap/schema/sitemap.xsd');
const VNU_JAR = path.join(root, 'node_modules/vnu-jar/build/dist/vnu.jar');
const PYTHON = '/usr/bin/python3'; // Debian's, which has feedparser
const BASE = 'http://127.0.0.1:8080'; // the demo site's base_url
const HOUR = 3600 * 1000;

// A headline that tries to break out of <script>, attributes and XML, and
// a summary that would be an image in a feed reader rendering it as HTML.
const TRICKY = 'जाँच </script><!-- "उद्धरण" & \'एकल\' <b>खबर</b>';
const TRICKY_SUMMARY = 'एक घंटे पुरानी खबर का सार <img src=x onerror=alert(1)> & ]]>';

let site;
let work;
let published = 0; // published articles on the site
const now = Date.now();

// An article file for "khabar article add".
function articleFile(name, fields, body = 'पहला पैरा।\n\nदूसरा पैरा।\n') {
  const file = path.join(work.dir, name);
  const lines = Object.entries(fields).map(([k, v]) => `${k}: ${v}`);
  writeFileSync(file, `---\n${lines.join('\n')}\n---\n\n${body}`);
  return file;
}

const isoSeconds = (ms) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

before(async () => {
  work = tempDir();
  const db = newDb(work.dir);
  let r = khabar(['demo', '--db', db, '--articles', '60']);
  assert.equal(r.status, 0, r.stderr);
  published = 61;
  const add = (file) => {
    const res = khabar(['article', 'add', file, '--db', db]);
    assert.equal(res.status, 0, res.stderr);
  };
  add(articleFile('fresh.md', {
    title: TRICKY, category: 'खेल', author: 'जाँच लेखक', tags: 'ताज़ा जाँच',
    published_at: isoSeconds(now - HOUR), summary: TRICKY_SUMMARY,
    dateline: 'पटना', image: '/media/2026/jaanch.jpg', caption: 'जाँच की तस्वीर', credit: 'खबर डेमो',
  }));
  add(articleFile('day.md', {
    title: 'तीस घंटे पुरानी खबर', category: 'देश', author: 'जाँच लेखक', tags: 'ताज़ा जाँच',
    published_at: isoSeconds(now - 30 * HOUR), summary: 'सार', dateline: 'भोपाल',
  }));
  add(articleFile('old.md', {
    title: 'तीन दिन पुरानी खबर', category: 'देश', author: 'जाँच लेखक', tags: 'ताज़ा जाँच',
    published_at: isoSeconds(now - 72 * HOUR), summary: 'सार', dateline: 'जयपुर',
  }));
  add(articleFile('draft.md', {
    title: 'अप्रकाशित मसौदा', category: 'देश', author: 'जाँच लेखक', status: 'draft',
    summary: 'सार', dateline: 'जयपुर',
  }));
  published += 3;
  site = await startSite({ db });
});
after(async () => {
  await site?.stop();
  work?.remove();
});

// A GET, once more if its connection fails: fetch keeps idle connections,
// and after a pause as long as the server's idle timeout (10 s; the Nu
// checker's run takes about that) it may reuse one the server is closing.
const get = (p, headers = {}) => fetch(site.base + p, { headers, redirect: 'manual' })
  .catch(() => fetch(site.base + p, { headers, redirect: 'manual' }));
// The site path of an absolute URL on the demo's base_url.
function local(u) {
  assert.ok(u.startsWith(BASE + '/'), `${u} is an absolute URL on ${BASE}`);
  return u.slice(BASE.length);
}
async function json(p) {
  const r = await get(p);
  assert.equal(r.status, 200, `${p} answers 200`);
  return r.json();
}

// Counts the stories a list page (and its next pages) shows.
async function countListed(p) {
  let n = 0;
  for (let next = p; next;) {
    const html = await (await get(next)).text();
    n += (html.match(/class="card wide"/g) || []).length;
    const m = html.match(/<a href="([^"]+)" rel="next">/);
    next = m ? m[1].replace(/&amp;/g, '&') : null;
  }
  return n;
}

// ---- feeds ----

// Parses a feed with feedparser; returns what it saw. Titles and summaries
// come back as the text a reader shows: khabar's RSS titles and
// descriptions are HTML (escaped text), which feedparser hands over as
// HTML, so they are unescaped here. (Its summary_detail cannot tell: the
// photo's media:description overwrites it.)
function feedparser(xml) {
  const py = `
import calendar, html, json, sys, feedparser
d = feedparser.parse(sys.stdin.buffer.read())
t = lambda x: calendar.timegm(x) if x else None
def text(o, k):
  v = o.get(k)
  return html.unescape(v) if v is not None and d.version.startswith('rss') else v
print(json.dumps({
  'bozo': int(d.bozo), 'error': str(d.get('bozo_exception', '')), 'version': d.version,
  'title': text(d.feed, 'title'), 'link': d.feed.get('link'),
  'entries': [{
    'title': text(e, 'title'), 'link': e.get('link'), 'id': e.get('id'),
    'published': t(e.get('published_parsed')), 'updated': t(e.get('updated_parsed')),
    'summary': text(e, 'summary'), 'content': [c.value for c in e.get('content', [])],
    'media': [m.get('url') for m in e.get('media_content', [])],
  } for e in d.entries]}))
`;
  const r = spawnSync(PYTHON, ['-c', py], { input: xml, encoding: 'utf8' });
  assert.equal(r.status, 0, `feedparser ran: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

describe('feeds', () => {
  let subjects;
  before(async () => {
    // The test's own tag and author: three stories each.
    const fresh = (await json('/api/v1/articles?limit=1')).articles[0];
    assert.equal(fresh.title, TRICKY);
    subjects = [
      { name: 'site', path: '', count: published },
      { name: 'category', path: '/category/desh' },
      { name: 'tag', path: local(fresh.tags[0].url) },
      { name: 'author', path: local(fresh.author.url) },
    ];
    for (const s of subjects) s.count ??= await countListed(s.path);
  });

  test('feedparser has a validator that flags broken feeds', () => {
    const bad = feedparser('<?xml version="1.0"?><rss version="2.0"><channel><title>x</title><item><title>a & b</item></channel></rss>');
    assert.equal(bad.bozo, 1, 'a malformed feed is flagged');
  });

  for (const format of ['rss', 'atom']) {
    test(`${format}: site, category, tag and author feeds parse cleanly with the latest 50 stories`, async () => {
      for (const s of subjects) {
        const p = `${s.path}/feed${format === 'atom' ? '/atom' : ''}`;
        const r = await get(p);
        assert.equal(r.status, 200, p);
        assert.equal(r.headers.get('content-type'), `application/${format === 'atom' ? 'atom' : 'rss'}+xml; charset=utf-8`);
        assert.match(r.headers.get('etag'), /^"[0-9a-f]{16}"$/);
        const xml = await r.text();
        const f = feedparser(xml);
        assert.equal(f.bozo, 0, `${p}: feedparser found no problem (${f.error})`);
        assert.equal(f.version, format === 'atom' ? 'atom10' : 'rss20', p);
        assert.equal(f.entries.length, Math.min(50, s.count), `${p} has the latest ${Math.min(50, s.count)} stories`);
        if (s.name !== 'site') assert.ok(s.count >= 2, `${s.name} has stories to list`);
        assert.equal(f.link, BASE + (s.path || '/'), `${p} links its page`);
        // Newest first, every entry dated, GUIDs unique and stable.
        const ids = new Set();
        for (let i = 0; i < f.entries.length; i++) {
          const e = f.entries[i];
          assert.ok(e.published, `${p}: entry ${i} has a date`);
          if (i) assert.ok(e.published <= f.entries[i - 1].published, `${p}: newest first`);
          assert.match(e.id, /^http:\/\/127\.0\.0\.1:8080\/api\/v1\/articles\/\d+$/);
          assert.ok(!ids.has(e.id), `${p}: unique GUID ${e.id}`);
          ids.add(e.id);
          assert.match(e.link, /^http:\/\/127\.0\.0\.1:8080\/news\/[a-z0-9-]+$/);
          assert.ok(e.content.length === 1 && e.content[0].length > 20, `${p}: entry ${i} has the full story`);
        }
        const again = feedparser(await (await get(p)).text());
        assert.deepEqual(again.entries.map((e) => e.id), f.entries.map((e) => e.id), 'GUIDs are stable');
      }
    });

    test(`${format}: dates are the stories' own, in IST, and entries match the API`, async () => {
      const p = format === 'atom' ? '/feed/atom' : '/feed';
      const xml = await (await get(p)).text();
      if (format === 'rss') {
        const dates = [...xml.matchAll(/<pubDate>([^<]+)<\/pubDate>/g)].map((m) => m[1]);
        assert.equal(dates.length, 50);
        for (const d of dates) assert.match(d, /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d\d (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d\d:\d\d:\d\d \+0530$/);
      } else {
        const dates = [...xml.matchAll(/<published>([^<]+)<\/published>/g)].map((m) => m[1]);
        assert.equal(dates.length, 50);
        for (const d of dates) assert.match(d, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+05:30$/);
      }
      const f = feedparser(xml);
      for (const e of f.entries) {
        const a = (await json(local(e.id))).article; // the GUID resolves to the story
        assert.equal(e.title, a.title);
        assert.equal(e.link, a.url);
        assert.equal(e.published, Date.parse(a.published_at) / 1000, `${a.title}: same date as the API`);
      }
      const seed = f.entries.find((e) => e.title === SEED_TITLE);
      assert.equal(seed.published, Date.parse('2025-11-04T18:30:00+05:30') / 1000, 'seed story dated 4 Nov 2025, 18:30 IST');
      const fresh = f.entries[0];
      assert.equal(fresh.title, TRICKY, 'a headline with markup survives XML escaping');
      if (format === 'rss') {
        // Readers render RSS titles and descriptions as HTML: one XML
        // decoding must leave escaped HTML, never markup.
        const htmlText = (v) => v.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
        const xmlText = (v) => htmlText(v).replace(/"/g, '&quot;').replace(/'/g, '&#39;');
        assert.ok(xml.includes(`<title>${xmlText(htmlText(TRICKY))}</title>`), 'the headline is HTML-escaped, then XML-escaped');
        assert.ok(xml.includes(`<description>${xmlText(htmlText(TRICKY_SUMMARY))}</description>`), 'so is the summary');
      }
      assert.equal(fresh.published, Math.floor((now - HOUR) / 1000));
    });

    test(`${format}: the featured image is a media element, ?full=0 keeps only the summary`, async () => {
      const p = format === 'atom' ? '/feed/atom' : '/feed';
      const full = feedparser(await (await get(p)).text());
      const fresh = full.entries.find((e) => e.title === TRICKY);
      assert.deepEqual(fresh.media, [`${BASE}/media/2026/jaanch.jpg`]);
      assert.match(fresh.content[0], /पहला पैरा/);
      assert.equal(fresh.summary, TRICKY_SUMMARY, 'the summary reads as its own characters');
      const seed = full.entries.find((e) => e.title === SEED_TITLE);
      assert.deepEqual(seed.media, [], 'no image, no media element');
      assert.match(seed.content[0], /नई दिल्ली।/, 'the story opens with its dateline');
      const shortXml = await (await get(`${p}?full=0`)).text();
      assert.doesNotMatch(shortXml, /<content[:> ]/, 'no full story with ?full=0');
      const short = feedparser(shortXml);
      assert.equal(short.bozo, 0);
      assert.equal(short.entries.length, 50);
      for (const e of short.entries) {
        assert.ok(e.summary.length > 0, 'the summary stays');
        // feedparser may report the image caption as content; never the story.
        assert.ok(e.content.every((c) => !c.includes('<p>') && !c.includes('पहला पैरा')), 'no full story with ?full=0');
      }
      assert.equal((await get(`${p}?full=maybe`)).status, 400);
    });
  }

  test('unknown category, tag or author in a feed URL is a 404', async () => {
    for (const p of ['/category/nothing/feed', '/category/nothing/feed/atom', '/tag/nothing/feed',
      '/tag/nothing/feed/atom', '/author/nobody/feed', '/author/nobody/feed/atom'])
      assert.equal((await get(p)).status, 404, p);
  });

  test('pages advertise their feeds with <link rel="alternate">', async () => {
    const want = {
      '/': ['/feed', '/feed/atom'],
      '/category/desh': ['/feed', '/feed/atom', '/category/desh/feed', '/category/desh/feed/atom'],
      [subjects[2].path]: ['/feed', '/feed/atom', `${subjects[2].path}/feed`, `${subjects[2].path}/feed/atom`],
      [subjects[3].path]: ['/feed', '/feed/atom', `${subjects[3].path}/feed`, `${subjects[3].path}/feed/atom`],
      '/news/bharat-israel-raksha-sahyog-par-samjhauta-gyapan-par-hastakshar': ['/feed', '/feed/atom'],
    };
    for (const [page, feeds] of Object.entries(want)) {
      const html = await (await get(page)).text();
      const links = [...html.matchAll(/<link rel="alternate" type="(application\/(?:rss|atom)\+xml)" title="[^"]+" href="([^"]+)">/g)];
      assert.deepEqual(links.map((m) => local(m[2])), feeds, `${page} advertises its feeds`);
      for (const [, type, href] of links) {
        const r = await get(local(href));
        assert.equal(r.status, 200, href);
        assert.equal(r.headers.get('content-type'), `${type}; charset=utf-8`);
      }
    }
  });
});

// ---- sitemaps ----

// Runs xmllint --schema; returns {ok, out}.
function xmllint(schema, xml) {
  const file = path.join(work.dir, `doc-${Math.random().toString(36).slice(2)}.xml`);
  writeFileSync(file, xml);
  const r = spawnSync('xmllint', ['--noout', '--nonet', '--schema', schema, file], { encoding: 'utf8' });
  return { ok: r.status === 0, out: `${r.stdout}${r.stderr}` };
}

// The sitemaps.org XSD ships only <urlset>; the index schema reuses its
// types (xsd:include), and the news schema writes down Google's documented
// elements so xmllint can check the whole news sitemap strictly.
function schemas() {
  const index = path.join(work.dir, 'siteindex.xsd');
  writeFileSync(index, `<?xml version="1.0" encoding="UTF-8"?>
<xsd:schema xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
  targetNamespace="http://www.sitemaps.org/schemas/sitemap/0.9" elementFormDefault="qualified">
  <xsd:include schemaLocation="${SITEMAP_XSD}"/>
  <xsd:element name="sitemapindex"><xsd:complexType><xsd:sequence>
    <xsd:element name="sitemap" maxOccurs="50000"><xsd:complexType><xsd:sequence>
      <xsd:element name="loc" type="tLoc"/>
      <xsd:element name="lastmod" type="tLastmod" minOccurs="0"/>
    </xsd:sequence></xsd:complexType></xsd:element>
  </xsd:sequence></xsd:complexType></xsd:element>
</xsd:schema>`);
  const newsNs = path.join(work.dir, 'news-elements.xsd');
  writeFileSync(newsNs, `<?xml version="1.0" encoding="UTF-8"?>
<xsd:schema xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns="http://www.google.com/schemas/sitemap-news/0.9"
  targetNamespace="http://www.google.com/schemas/sitemap-news/0.9" elementFormDefault="qualified">
  <xsd:simpleType name="text"><xsd:restriction base="xsd:string"><xsd:minLength value="1"/></xsd:restriction></xsd:simpleType>
  <xsd:simpleType name="date"><xsd:union memberTypes="xsd:date xsd:dateTime"/></xsd:simpleType>
  <xsd:element name="news"><xsd:complexType><xsd:sequence>
    <xsd:element name="publication"><xsd:complexType><xsd:sequence>
      <xsd:element name="name" type="text"/>
      <xsd:element name="language"><xsd:simpleType><xsd:restriction base="xsd:string">
        <xsd:pattern value="[a-z]{2,3}|zh-cn|zh-tw"/></xsd:restriction></xsd:simpleType></xsd:element>
    </xsd:sequence></xsd:complexType></xsd:element>
    <xsd:element name="publication_date" type="date"/>
    <xsd:element name="title" type="text"/>
  </xsd:sequence></xsd:complexType></xsd:element>
</xsd:schema>`);
  const news = path.join(work.dir, 'news-sitemap.xsd');
  writeFileSync(news, `<?xml version="1.0" encoding="UTF-8"?>
<xsd:schema xmlns:xsd="http://www.w3.org/2001/XMLSchema">
  <xsd:import namespace="http://www.sitemaps.org/schemas/sitemap/0.9" schemaLocation="${SITEMAP_XSD}"/>
  <xsd:import namespace="http://www.google.com/schemas/sitemap-news/0.9" schemaLocation="${newsNs}"/>
</xsd:schema>`);
  return { index, news };
}

const locs = (xml) => [...xml.matchAll(/<loc>([^<]+)<\/loc>/g)].map((m) => m[1]);

describe('sitemaps', () => {
  let xsd;
  before(() => {
    assert.ok(existsSync(SITEMAP_XSD), 'npm sitemap ships schema/sitemap.xsd (run scripts/node-deps)');
    xsd = schemas();
  });

  test('xmllint and the schemas reject broken sitemaps', () => {
    const bad = xmllint(SITEMAP_XSD, '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>http://127.0.0.1:8080/x</loc><lastmod>yesterday</lastmod></url></urlset>');
    assert.equal(bad.ok, false, bad.out);
    assert.match(bad.out, /lastmod/);
    const noTitle = xmllint(xsd.news, '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"><url><loc>http://127.0.0.1:8080/x</loc><news:news><news:publication><news:name>x</news:name><news:language>hi</news:language></news:publication><news:publication_date>2025-11-04</news:publication_date></news:news></url></urlset>');
    assert.equal(noTitle.ok, false, noTitle.out);
    const badIndex = xmllint(xsd.index, '<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><sitemap><lastmod>2025-11-04</lastmod></sitemap></sitemapindex>');
    assert.equal(badIndex.ok, false, badIndex.out);
  });

  test('robots.txt lists the sitemap index and the news sitemap', async () => {
    const txt = await (await get('/robots.txt')).text();
    assert.match(txt, /^Sitemap: http:\/\/127\.0\.0\.1:8080\/sitemap\.xml$/m);
    assert.match(txt, /^Sitemap: http:\/\/127\.0\.0\.1:8080\/news-sitemap\.xml$/m);
  });

  test('the index and every sitemap it lists validate, and together list every story once', async () => {
    const r = await get('/sitemap.xml');
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('content-type'), 'application/xml; charset=utf-8');
    const index = await r.text();
    const v = xmllint(xsd.index, index);
    assert.ok(v.ok, `sitemap index validates: ${v.out}`);
    const parts = locs(index).map(local);
    assert.deepEqual(parts, ['/sitemap-pages.xml', '/sitemap-1.xml', '/news-sitemap.xml']);
    const stories = [];
    for (const p of parts) {
      const res = await get(p);
      assert.equal(res.status, 200, p);
      const xml = await res.text();
      const check = xmllint(p === '/news-sitemap.xml' ? xsd.news : SITEMAP_XSD, xml);
      assert.ok(check.ok, `${p} validates: ${check.out}`);
      const urls = locs(xml);
      assert.ok(urls.length >= 1 && urls.length <= 50000, `${p}: 1 to 50,000 URLs`);
      if (p.startsWith('/sitemap-') && p !== '/sitemap-pages.xml') stories.push(...urls);
      if (p === '/sitemap-pages.xml') {
        assert.ok(urls.includes(`${BASE}/`) && urls.includes(`${BASE}/category/desh`));
        assert.ok(urls.some((u) => u.startsWith(`${BASE}/author/`)));
        assert.ok(urls.includes(`${BASE}/page/about`) && urls.includes(`${BASE}/page/grievance-officer`), 'static pages');
      }
      for (const m of xml.matchAll(/<lastmod>([^<]+)<\/lastmod>/g))
        assert.match(m[1], /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+05:30$/);
    }
    assert.equal(stories.length, published, 'every published story, drafts left out');
    assert.equal(new Set(stories).size, stories.length);
    assert.ok(stories.every((u) => /^http:\/\/127\.0\.0\.1:8080\/news\/[a-z0-9-]+$/.test(u)));
    for (const u of stories.slice(0, 5)) assert.equal((await get(local(u))).status, 200, u);
    assert.equal((await get('/sitemap-2.xml')).status, 404, 'no empty second part');
    assert.equal((await get('/sitemap-01.xml')).status, 404, 'one URL per part');
  });

  test('the news sitemap follows Google\'s rules', async () => {
    const r = await get('/news-sitemap.xml');
    assert.equal(r.status, 200);
    const xml = await r.text();
    const v = xmllint(xsd.news, xml);
    assert.ok(v.ok, `news sitemap validates: ${v.out}`);
    assert.match(xml, /<urlset xmlns="http:\/\/www\.sitemaps\.org\/schemas\/sitemap\/0\.9" xmlns:news="http:\/\/www\.google\.com\/schemas\/sitemap-news\/0\.9">/);
    const urls = [...xml.matchAll(/<url>([\s\S]*?)<\/url>/g)].map((m) => m[1]);
    assert.ok(urls.length <= 1000, 'at most 1,000 articles');
    const one = (block, tag) => {
      const all = [...block.matchAll(new RegExp(`<${tag}>([^<]*)</${tag}>`, 'g'))];
      assert.equal(all.length, 1, `exactly one <${tag}>`);
      return all[0][1];
    };
    const titles = [];
    for (const u of urls) {
      one(u, 'loc');
      assert.equal(one(u, 'news:name'), 'खबर डेमो', 'publication name is the site name');
      assert.equal(one(u, 'news:language'), 'hi', 'language is Hindi, ISO 639');
      const date = one(u, 'news:publication_date');
      assert.match(date, /^\d{4}-\d\d-\d\d(T\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:\d\d))?$/, 'W3C date');
      const t = Date.parse(date);
      assert.ok(t >= Date.now() - 48 * HOUR && t <= Date.now() + 60000, `${date}: within the last two days`);
      titles.push(one(u, 'news:title').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&'));
    }
    assert.deepEqual(titles, [TRICKY, 'तीस घंटे पुरानी खबर'], 'the stories of the last two days, newest first');
  });
});

// ---- structured data and previews ----

// The <meta property|name=key content> values of a page.
function metas(html) {
  const out = {};
  for (const m of html.matchAll(/<meta (?:property|name)="([^"]+)" content="([^"]*)">/g))
    (out[m[1]] ??= []).push(m[2].replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&'));
  return out;
}

// The JSON-LD blocks of a page, parsed.
function jsonld(html) {
  return [...html.matchAll(/<script type="application\/ld\+json">([\s\S]*?)<\/script>/g)].map((m) => JSON.parse(m[1]));
}

// Width and height of a PNG from its IHDR chunk.
function pngSize(buf) {
  assert.equal(buf.subarray(1, 4).toString(), 'PNG', 'is a PNG');
  return { width: buf.readUInt32BE(16), height: buf.readUInt32BE(20) };
}

describe('structured data and social previews', () => {
  const seedPath = '/news/bharat-israel-raksha-sahyog-par-samjhauta-gyapan-par-hastakshar';

  test('NewsArticle JSON-LD has every recommended property, with real images and IST dates', async () => {
    const html = await (await get(seedPath)).text();
    const blocks = jsonld(html);
    assert.equal(blocks.length, 1);
    const graph = blocks[0]['@graph'];
    assert.equal(blocks[0]['@context'], 'https://schema.org');
    const art = graph.find((n) => n['@type'] === 'NewsArticle');
    assert.ok(art, 'a NewsArticle');
    assert.equal(art.headline, SEED_TITLE);
    assert.ok(art.headline.length <= 110, 'headline fits Google\'s length');
    assert.equal(art.mainEntityOfPage['@id'], `${BASE}${seedPath}`);
    assert.equal(art.datePublished, '2025-11-04T18:30:00+05:30');
    assert.match(art.dateModified, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+05:30$/);
    assert.ok(Date.parse(art.dateModified) >= Date.parse(art.datePublished));
    assert.match(art.description, /तेल अवीव/);
    assert.equal(art.inLanguage, 'hi');
    assert.equal(art.articleSection, 'रक्षा');
    // Images: 16:9, 4:3 and 1:1, at least 1200 px wide, and really that size.
    const ratios = new Set();
    for (const img of art.image) {
      const r = await get(local(img.url));
      assert.equal(r.status, 200, img.url);
      const size = pngSize(Buffer.from(await r.arrayBuffer()));
      assert.deepEqual(size, { width: img.width, height: img.height }, `${img.url} is as big as it says`);
      assert.ok(size.width >= 1200, `${img.url} is at least 1200 px wide`);
      ratios.add((size.width / size.height).toFixed(3));
    }
    assert.deepEqual([...ratios].sort(), [(16 / 9).toFixed(3), (4 / 3).toFixed(3), '1.000'].sort());
    // Author with a URL that answers; publisher with a logo that answers.
    assert.equal(art.author.length, 1);
    assert.equal(art.author[0]['@type'], 'Person');
    assert.equal(art.author[0].name, 'समाचार डेस्क');
    assert.equal((await get(local(art.author[0].url))).status, 200);
    assert.equal(art.publisher.name, 'खबर डेमो');
    assert.match(art.publisher['@type'], /Organization$/);
    const logo = await get(local(art.publisher.logo.url));
    assert.equal(logo.status, 200);
    assert.deepEqual(pngSize(Buffer.from(await logo.arrayBuffer())), { width: 512, height: 512 });
    // BreadcrumbList: home, category, story.
    const crumbs = graph.find((n) => n['@type'] === 'BreadcrumbList');
    assert.ok(crumbs, 'a BreadcrumbList');
    const items = crumbs.itemListElement;
    assert.deepEqual(items.map((i) => i.position), [1, 2, 3]);
    assert.deepEqual(items.map((i) => i.name), ['होम', 'रक्षा', SEED_TITLE]);
    assert.deepEqual(items.map((i) => i.item), [`${BASE}/`, `${BASE}/category/raksha`, `${BASE}${seedPath}`]);
  });

  test('canonical URL, robots, Open Graph and Twitter card are complete', async () => {
    const html = await (await get(seedPath)).text();
    assert.ok(html.includes(`<link rel="canonical" href="${BASE}${seedPath}">`));
    assert.match(html, /<meta name="robots" content="[^"]*max-image-preview:large[^"]*">/);
    const m = metas(html);
    assert.deepEqual(m['og:type'], ['article']);
    assert.deepEqual(m['og:title'], [SEED_TITLE]);
    assert.deepEqual(m['og:url'], [`${BASE}${seedPath}`]);
    assert.deepEqual(m['og:site_name'], ['खबर डेमो']);
    assert.deepEqual(m['og:locale'], ['hi_IN']);
    assert.match(m['og:description'][0], /तेल अवीव/);
    assert.deepEqual(m['article:published_time'], ['2025-11-04T18:30:00+05:30']);
    assert.deepEqual(m['article:section'], ['रक्षा']);
    assert.ok(m['article:tag'].includes('इज़राइल'));
    assert.deepEqual(m['twitter:card'], ['summary_large_image']);
    assert.deepEqual(m['twitter:site'], ['@khabar_demo']);
    assert.deepEqual(m['twitter:title'], [SEED_TITLE]);
    // og:image: small enough for a WhatsApp preview (under 300 KB), with its size.
    assert.equal(m['og:image'].length, 1);
    const img = await get(local(m['og:image'][0]));
    assert.equal(img.status, 200);
    const bytes = Buffer.from(await img.arrayBuffer());
    assert.ok(bytes.length < 300 * 1024, `og:image is ${bytes.length} bytes`);
    const size = pngSize(bytes);
    assert.deepEqual([String(size.width), String(size.height)], [m['og:image:width'][0], m['og:image:height'][0]]);
    assert.ok(size.width >= 1200);
    assert.deepEqual(m['twitter:image'], m['og:image']);
  });

  test('a story\'s own photo is its og:image and JSON-LD image', async () => {
    const fresh = (await json('/api/v1/articles?limit=1')).articles[0];
    assert.equal(fresh.title, TRICKY);
    const html = await (await get(local(fresh.url))).text();
    const m = metas(html);
    assert.deepEqual(m['og:image'], [`${BASE}/media/2026/jaanch.jpg`]);
    assert.deepEqual(m['og:image:alt'], ['जाँच की तस्वीर']);
    const art = jsonld(html)[0]['@graph'].find((n) => n['@type'] === 'NewsArticle');
    assert.deepEqual(art.image.map((i) => i.url), [`${BASE}/media/2026/jaanch.jpg`]);
    assert.equal(art.author[0].name, 'जाँच लेखक');
  });

  test('JSON-LD cannot be broken out of by a headline', async () => {
    const fresh = (await json('/api/v1/articles?limit=1')).articles[0];
    const html = await (await get(local(fresh.url))).text();
    const script = html.match(/<script type="application\/ld\+json">([\s\S]*?)<\/script>/)[1];
    assert.ok(!script.includes('<') && !script.includes('>'), 'no raw < or > inside the script');
    const art = JSON.parse(script)['@graph'].find((n) => n['@type'] === 'NewsArticle');
    assert.equal(art.headline, TRICKY, 'the headline round-trips exactly, Hindi included');
    assert.equal(metas(html)['og:title'][0], TRICKY);
    assert.ok(!html.includes('<b>खबर</b>'), 'markup in the headline is escaped everywhere');
  });
});

// ---- public API ----

describe('public API', () => {
  test('lists articles newest first and pages through all of them with a cursor', async () => {
    const first = await get('/api/v1/articles');
    assert.equal(first.status, 200);
    assert.equal(first.headers.get('content-type'), 'application/json; charset=utf-8');
    assert.equal((await first.json()).articles.length, 20, 'default limit 20');
    const seen = [];
    let cursor = null;
    let pages = 0;
    do {
      const body = await json(`/api/v1/articles?limit=7${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      assert.ok(body.articles.length <= 7);
      seen.push(...body.articles);
      cursor = body.next_cursor;
      pages++;
    } while (cursor && pages < 50);
    assert.equal(seen.length, published, 'every published story once');
    assert.equal(new Set(seen.map((a) => a.id)).size, published);
    for (let i = 1; i < seen.length; i++)
      assert.ok(Date.parse(seen[i].published_at) <= Date.parse(seen[i - 1].published_at), 'newest first');
    assert.ok(!seen.some((a) => a.title === 'अप्रकाशित मसौदा'), 'no drafts');
    const a = seen.find((x) => x.title === SEED_TITLE);
    assert.equal(a.published_at, '2025-11-04T18:30:00+05:30');
    assert.equal(a.category.slug, 'raksha');
    assert.equal(a.author.name, 'समाचार डेस्क');
    assert.ok(a.tags.some((t) => t.name === 'इज़राइल'));
    assert.equal(a.url, `${BASE}/news/bharat-israel-raksha-sahyog-par-samjhauta-gyapan-par-hastakshar`);
    assert.equal(a.body_html, undefined, 'lists leave the body out');
  });

  test('filters by category, tag and since', async () => {
    const cat = await json('/api/v1/articles?category=desh&limit=100');
    assert.equal(cat.articles.length, await countListed('/category/desh'));
    assert.ok(cat.articles.every((a) => a.category.slug === 'desh'));
    const fresh = (await json('/api/v1/articles?limit=1')).articles[0];
    const tag = fresh.tags[0].slug;
    const tagged = await json(`/api/v1/articles?tag=${tag}`);
    assert.deepEqual(tagged.articles.map((a) => a.title), [TRICKY, 'तीस घंटे पुरानी खबर', 'तीन दिन पुरानी खबर']);
    const since = await json(`/api/v1/articles?since=${encodeURIComponent(isoSeconds(now - 48 * HOUR))}`);
    assert.deepEqual(since.articles.map((a) => a.title), [TRICKY, 'तीस घंटे पुरानी खबर']);
    const day = await json('/api/v1/articles?since=2025-11-04&category=raksha');
    assert.ok(day.articles.some((a) => a.title === SEED_TITLE));
    const both = await json(`/api/v1/articles?tag=${tag}&category=desh`);
    assert.deepEqual(both.articles.map((a) => a.title), ['तीस घंटे पुरानी खबर', 'तीन दिन पुरानी खबर']);
    assert.equal((await get('/api/v1/articles?category=nothing')).status, 404);
    assert.equal((await get('/api/v1/articles?tag=nothing')).status, 404);
  });

  test('one article with its body, and categories', async () => {
    const { article } = await json('/api/v1/articles/1');
    assert.equal(article.title, SEED_TITLE);
    assert.match(article.body_html, /^<p><strong class="dateline">नई दिल्ली।<\/strong>/);
    const missing = await get('/api/v1/articles/999999');
    assert.equal(missing.status, 404);
    assert.equal((await missing.json()).error.status, 404);
    assert.equal((await get('/api/v1/articles/abc')).status, 404);
    const draft = (await json('/api/v1/articles?limit=100')).articles.length; // ids 1..64 published
    assert.equal(draft, published);
    assert.equal((await get(`/api/v1/articles/${published + 1}`)).status, 404, 'a draft is not public');
    const { categories } = await json('/api/v1/categories');
    assert.deepEqual(categories.slice(0, 3).map((c) => c.name), ['देश', 'विदेश', 'राजनीति']);
    assert.ok(categories.every((c) => c.url.startsWith(`${BASE}/category/`) && c.feed.endsWith('/feed')));
  });

  test('answers with ETags (304) and CORS for GET', async () => {
    for (const p of ['/api/v1/articles?limit=3', '/api/v1/articles/1', '/api/v1/categories']) {
      const r = await get(p);
      assert.equal(r.headers.get('access-control-allow-origin'), '*', p);
      const etag = r.headers.get('etag');
      assert.match(etag, /^"[0-9a-f]{16}"$/);
      const again = await get(p, { 'if-none-match': etag });
      assert.equal(again.status, 304, p);
      assert.equal(again.headers.get('access-control-allow-origin'), '*');
    }
    assert.equal((await get('/')).headers.get('access-control-allow-origin'), null, 'pages are not CORS');
    // Different query values are different responses, not one cached page.
    const a = await json('/api/v1/articles?limit=2');
    const b = await json('/api/v1/articles?limit=3');
    assert.equal(a.articles.length, 2);
    assert.equal(b.articles.length, 3);
  });

  test('a limit out of range or a bad cursor is a 400 with a JSON error', async () => {
    await get('/api/v1/articles'); // a cached first page must not answer for bad input
    for (const q of ['limit=0', 'limit=101', 'limit=abc', 'limit=-1', 'limit=1.5', 'limit=', 'limit=%ff',
      'cursor=abc', 'cursor=1-', 'cursor=-1', 'cursor=12-x', 'cursor=%ff', 'cursor=', 'since=yesterday',
      'since=2025-13-01', 'since=2025-11-+4', 'since=2025-11-04T18:30']) {
      const r = await get(`/api/v1/articles?${q}`);
      assert.equal(r.status, 400, q);
      assert.equal(r.headers.get('content-type'), 'application/json; charset=utf-8', q);
      const body = await r.json();
      assert.equal(body.error.status, 400, q);
      assert.ok(body.error.message.length > 10, `${q}: says what is wrong`);
    }
  });
});

// ---- Nu HTML Checker ----

// Runs vnu.jar on files; returns {status, messages}.
function vnu(files) {
  const r = spawnSync('java', ['-jar', VNU_JAR, '--errors-only', '--format', 'json', ...files], { encoding: 'utf8' });
  const text = `${r.stdout}${r.stderr}`;
  const at = text.indexOf('{"');
  assert.ok(at >= 0, `vnu printed a JSON report: ${text.slice(0, 500)}`);
  return { status: r.status, messages: JSON.parse(text.slice(at)).messages };
}

describe('HTML validity', () => {
  test('the Nu HTML Checker runs and catches errors', () => {
    const bad = path.join(work.dir, 'bad.html');
    writeFileSync(bad, '<!doctype html><html lang="hi"><head><meta charset="utf-8"></head><body><div aria-label="x"><p></div></body></html>');
    const r = vnu([bad]);
    assert.notEqual(r.status, 0);
    assert.ok(r.messages.some((m) => m.type === 'error'));
  });

  test('home, article, category, static and search pages have zero errors', async () => {
    const fresh = (await json('/api/v1/articles?limit=1')).articles[0];
    const pages = {
      home: '/',
      article: '/news/bharat-israel-raksha-sahyog-par-samjhauta-gyapan-par-hastakshar',
      photo_article: local(fresh.url),
      category: '/category/desh',
      static_page: '/page/grievance-officer',
      search: '/search?q=israel',
    };
    const files = [];
    for (const [name, p] of Object.entries(pages)) {
      const r = await get(p);
      assert.equal(r.status, 200, p);
      const file = path.join(work.dir, `${name}.html`);
      writeFileSync(file, await r.text());
      files.push(file);
    }
    const r = vnu(files);
    assert.deepEqual(r.messages.map((m) => `${m.url}:${m.lastLine}: ${m.message}`), [], 'no errors');
    assert.equal(r.status, 0);
  });
});
