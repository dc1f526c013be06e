// HTTP black-box tests of the reading site, against the real binary.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { writeFileSync } from 'node:fs';
import path from 'node:path';

import { khabar, rawRequest, SEED_TITLE, startSite, until } from '../lib/khabar.mjs';

let site;
before(async () => { site = await startSite({ articles: 60 }); });
after(async () => { await site.stop(); });

const get = (p, headers = {}) => fetch(site.base + p, { headers, redirect: 'manual' });

// The seed article's URL, found from the home page.
async function seedPath() {
  const html = await (await get('/')).text();
  const m = html.match(/href="(\/news\/[^"]+)">(?:<span[^>]*>[^<]*<\/span> )?भारत-इज़राइल रक्षा/);
  assert.ok(m, 'home page links the seed article');
  return m[1];
}

describe('home page', () => {
  test('is Hindi HTML with charset, ETag and CDN-friendly caching', async () => {
    const r = await get('/');
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('content-type'), 'text/html; charset=utf-8');
    assert.match(r.headers.get('cache-control'), /^public, max-age=\d+, s-maxage=\d+, stale-while-revalidate=60, stale-if-error=86400$/);
    assert.equal(r.headers.get('xkey'), 'any list mr:0'); // mr:0: its most-read list
    assert.match(r.headers.get('etag'), /^"[0-9a-f]{16}"$/);
    assert.equal(r.headers.get('x-content-type-options'), 'nosniff');
    const html = await r.text();
    assert.match(html, /<html lang="hi">/);
    assert.match(html, /ताज़ा खबरें/);
    for (const c of ['देश', 'विदेश', 'राजनीति', 'खेल', 'व्यापार', 'मनोरंजन', 'तकनीक', 'रक्षा'])
      assert.ok(html.includes(`>${c}</a>`), `navigation lists ${c}`);
  });

  test('answers 304 to a matching If-None-Match', async () => {
    const etag = (await get('/')).headers.get('etag');
    const r = await get('/', { 'if-none-match': etag });
    assert.equal(r.status, 304);
    assert.equal(r.headers.get('etag'), etag);
    assert.equal((await r.text()).length, 0);
    const miss = await get('/', { 'if-none-match': '"0000000000000000"' });
    assert.equal(miss.status, 200);
  });

  test('sends gzip only to clients that accept it', async () => {
    const raw = await rawRequest(site.port, 'GET / HTTP/1.1\r\nHost: x\r\nAccept-Encoding: gzip\r\nConnection: close\r\n\r\n');
    assert.match(raw, /content-encoding: gzip/i);
    assert.match(raw, /vary: accept-encoding/i);
    const plain = await rawRequest(site.port, 'GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    assert.doesNotMatch(plain, /content-encoding/i);
    assert.match(plain, /ताज़ा खबरें/);
  });
});

describe('article page', () => {
  test('has a readable Latin URL', async () => {
    assert.equal(await seedPath(), '/news/bharat-israel-raksha-sahyog-par-samjhauta-gyapan-par-hastakshar');
  });

  test('shows headline, dateline, byline, IST date, body, tags and related news', async () => {
    const r = await get(await seedPath());
    assert.equal(r.status, 200);
    const html = await r.text();
    assert.ok(html.includes(`<h1>${SEED_TITLE}</h1>`));
    assert.ok(html.includes(`<title>${SEED_TITLE} | खबर डेमो</title>`));
    assert.match(html, /<strong class="dateline">नई दिल्ली।<\/strong> रक्षा सचिव राजेश कुमार सिंह/);
    assert.match(html, /लेखक: <a href="\/author\/[a-z-]+" rel="author">समाचार डेस्क<\/a>/);
    assert.match(html, /<time datetime="2025-11-04T18:30:00\+05:30">4 नवंबर, 2025, 18:30 IST<\/time>/);
    assert.ok(html.includes('कृत्रिम बुद्धिमत्ता और साइबर सुरक्षा'));
    // The portal's appeal to readers is not part of the story.
    assert.ok(!html.includes('dainikbharat24@gmail.com'));
    assert.match(html, /<a href="\/tag\/[a-z-]+">इज़राइल<\/a>/);
    assert.match(html, /<h2 id="related-h" class="section-h">खबरें और भी हैं<\/h2>/);
    const related = html.slice(html.indexOf('id="related-h"'));
    assert.ok((related.match(/class="card"/g) || []).length >= 3, 'related block lists stories');
    assert.ok(!related.includes(`>${SEED_TITLE}<`), 'related block excludes the story itself');
  });

  test('has share links and the follow block', async () => {
    const p = await seedPath();
    const html = await (await get(p)).text();
    const abs = encodeURIComponent(`http://127.0.0.1:8080${p}`);
    assert.ok(html.includes(`href="https://wa.me/?text=${encodeURIComponent(SEED_TITLE)}%20${abs}"`), 'WhatsApp share');
    assert.ok(html.includes(`https://www.facebook.com/sharer/sharer.php?u=${abs}`), 'Facebook share');
    assert.ok(html.includes('https://x.com/intent/tweet?text='), 'X share');
    assert.ok(html.includes(`https://t.me/share/url?url=${abs}`), 'Telegram share');
    assert.match(html, /<button type="button" class="copy" data-url="http:\/\/127\.0\.0\.1:8080\/news\//);
    assert.match(html, /class="native"[^>]*hidden/);
    for (const f of ['फेसबुक', 'इंस्टाग्राम', 'अरट्टई', 'व्हाट्सएप', 'गूगल न्यूज़'])
      assert.ok(html.includes(`<span>${f}</span></a></li>`), `follow link ${f}`);
    assert.ok(html.includes('https://chat.whatsapp.com/H5n5EBsvk6S4fpctWHfcLK'));
  });

  test('makes no request to a third party', async () => {
    const html = await (await get(await seedPath())).text();
    // Only links (<a href>) may leave the site; nothing the browser loads.
    const loads = [...html.matchAll(/<(?:script|link|img|iframe)[^>]+(?:src|href)="([^"]+)"/g)].map((m) => m[1]);
    assert.ok(loads.length >= 3);
    for (const u of loads)
      assert.ok(u.startsWith('/') || u.startsWith('http://127.0.0.1:8080/'), `loads only own URLs, not ${u}`);
  });

  test('unknown slug is the Hindi 404 with search and latest news', async () => {
    const r = await get('/news/no-such-story');
    assert.equal(r.status, 404);
    const html = await r.text();
    assert.match(html, /यह पेज नहीं मिला/);
    assert.match(html, /<form class="search big" action="\/search"/);
    assert.match(html, /ताज़ा खबरें/);
    assert.ok(html.includes(SEED_TITLE), '404 lists the latest news');
  });
});

describe('lists', () => {
  test('category, tag and author pages list their stories', async () => {
    const home = await (await get('/')).text();
    for (const kind of ['category', 'tag', 'author']) {
      const p = (await (await get(await seedPath())).text()).match(new RegExp(`href="(/${kind}/[a-z0-9-]+)"`));
      assert.ok(p, `article links a ${kind} page`);
      const r = await get(p[1]);
      assert.equal(r.status, 200, `${p[1]} answers`);
      assert.match(await r.text(), /class="card wide"/);
    }
    assert.ok(home.length > 0);
  });

  test('paginate with ?page= and refuse nonsense page numbers', async () => {
    // 61 articles over ten categories: the first has seven, fewer than a
    // page; the whole site does not fit on one author page either way.
    const r = await get('/category/desh?page=1');
    assert.equal(r.status, 200);
    assert.equal((await get('/category/desh?page=999')).status, 404);
    assert.equal((await get('/category/desh?page=abc')).status, 404);
    assert.equal((await get('/category/desh?page=-1')).status, 404);
    assert.equal((await get('/category/nothing')).status, 404);
  });
});

describe('static files and robots', () => {
  test('have fingerprinted names and a year of caching', async () => {
    const html = await (await get('/')).text();
    const css = html.match(/href="(\/static\/style\.[0-9a-f]{8}\.css)"/)[1];
    const r = await get(css);
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('content-type'), 'text/css; charset=utf-8');
    assert.equal(r.headers.get('cache-control'), 'public, max-age=31536000, immutable');
    const body = await r.text();
    assert.match(body, /Noto Sans Devanagari/);
    assert.equal((await get('/static/style.00000000.css')).status, 404);
    const robots = await get('/robots.txt');
    assert.match(await robots.text(), /User-agent: \*/);
  });
});

describe('bad requests', () => {
  test('malformed request line gets 400 and the server keeps serving', async () => {
    const raw = await rawRequest(site.port, 'GARBAGE\r\n\r\n');
    assert.match(raw, /^HTTP\/1\.1 400/);
    assert.equal((await get('/')).status, 200);
  });

  test('oversized headers get 431, oversized bodies 413', async () => {
    const big = await rawRequest(site.port, `GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20000)}\r\nConnection: close\r\n\r\n`);
    assert.match(big, /^HTTP\/1\.1 431/);
    // Past the largest body any route takes (a 20 MB photo), refused
    // before the body is read; past a route's own limit (1 MiB for all
    // but uploads), refused once it arrived.
    const body = await rawRequest(site.port, `POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 30000000\r\n\r\n${'a'.repeat(1000)}`);
    assert.match(body, /^HTTP\/1\.1 413/);
    const route = await fetch(site.base + '/newsroom/login', {
      method: 'POST', body: 'a'.repeat(2 << 20), headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    assert.equal(route.status, 413);
    assert.match(await route.text(), /भेजी गई सामग्री बहुत बड़ी है/);
    assert.equal((await get('/')).status, 200);
  });

  test('undecodable or non-UTF-8 paths get 400 in Hindi', async () => {
    for (const p of ['/news/%ff%fe', '/news/%zz', '/news/%e0%a4']) {
      const raw = await rawRequest(site.port, `GET ${p} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
      assert.match(raw, /^HTTP\/1\.1 400/, p);
      assert.match(raw, /अनुरोध समझ में नहीं आया/, p);
    }
  });

  test('wrong method gets 405 with Allow', async () => {
    const r = await fetch(site.base + '/', { method: 'POST', body: 'x' });
    assert.equal(r.status, 405);
    assert.equal(r.headers.get('allow'), 'GET, HEAD');
  });

  test('a trailing slash redirects to the one URL of the page', async () => {
    const r = await get('/category/desh/');
    assert.equal(r.status, 301);
    assert.equal(r.headers.get('location'), '/category/desh');
  });

  test('HEAD answers without a body', async () => {
    const raw = await rawRequest(site.port, 'HEAD / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    assert.match(raw, /^HTTP\/1\.1 200/);
    assert.ok(!raw.includes('<html'));
  });
});

describe('publishing', () => {
  test('an article added while serving appears within seconds', async () => {
    const file = path.join(site.dir, 'new.md');
    writeFileSync(file, '---\ntitle: ताज़ा <b>जाँचखबर</b> खबर\ncategory: खेल\nauthor: परीक्षक\n'
      + 'tags: जाँचखबर\nsummary: "सार <script>alert(1)</script>"\ndateline: पटना\n---\n\nपहला पैरा।\n');
    const before = await (await get('/')).text();
    assert.ok(!before.includes('जाँचखबर'));
    const r = khabar(['article', 'add', file, '--db', site.db]);
    assert.equal(r.status, 0, r.stderr);
    const slug = r.stdout.match(/(\/news\/[a-z0-9-]+)/)[1];
    let html = '';
    for (let i = 0; i < 40 && !html.includes('जाँचखबर'); i++) {
      await new Promise((res) => setTimeout(res, 100));
      html = await (await get('/')).text();
    }
    assert.ok(html.includes('ताज़ा &lt;b&gt;जाँचखबर&lt;/b&gt; खबर'), 'home shows the new story, escaped');
    const page = await (await get(slug)).text();
    assert.ok(page.includes('सार &lt;script&gt;alert(1)&lt;/script&gt;'));
    assert.ok(!page.includes('<script>alert(1)'));
  });
});

describe('access log', () => {
  test('has one line per request', async () => {
    await get('/robots.txt?marker=log-check');
    // A second request after it is the sentinel: once its line is there,
    // any line the first one wrote is too.
    await get('/robots.txt?marker=log-sentinel');
    await until('the sentinel\'s log line', () => site.log().includes('marker=log-sentinel'));
    const lines = site.log().split('\n').filter((l) => l.includes('marker=log-check'));
    assert.equal(lines.length, 1);
    assert.match(lines[0], /"GET \/robots\.txt\?marker=log-check HTTP\/1\.1" 200/);
  });
});
