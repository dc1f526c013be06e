// HTTP black-box tests of search: the page, the API and bad input.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { khabar, rawRequest, SEED_TITLE, startSite, until } from '../lib/khabar.mjs';

let site;
before(async () => { site = await startSite({ articles: 120 }); });
after(async () => { await site.stop(); });

const api = async (params) => {
  const r = await fetch(`${site.base}/api/v1/search?${new URLSearchParams(params)}`);
  return { status: r.status, type: r.headers.get('content-type'), body: await r.json() };
};
const page = async (q) => {
  const r = await fetch(`${site.base}/search?${new URLSearchParams({ q })}`);
  return { status: r.status, html: await r.text() };
};

describe('the seed article is found first', () => {
  // The demo's generated stories do not mention Israel or the defence
  // secretary: the seed is the one story about them, in every spelling.
  for (const q of ['israel', 'Israel', 'इजराइल', 'इज़राइल', 'इज़राइल', 'रक्षा सचिव', 'raksha sachiv', 'rakshaa sachiv']) {
    test(`by "${q}"`, async () => {
      const { status, type, body } = await api({ q });
      assert.equal(status, 200);
      assert.equal(type, 'application/json; charset=utf-8');
      assert.ok(body.total >= 1, `found something for ${q}`);
      assert.equal(body.results[0].title, SEED_TITLE);
      assert.equal(body.results[0].url, '/news/bharat-israel-raksha-sahyog-par-samjhauta-gyapan-par-hastakshar');
      assert.match(body.results[0].published_at, /^2025-11-04T18:30:00\+05:30$/);
      assert.match(body.results[0].snippet, /<mark>/);
      assert.equal(typeof body.results[0].id, 'number');
    });
  }
});

describe('search page', () => {
  test('shows the count, highlighted extracts and the query in the box', async () => {
    const { status, html } = await page('इजराइल');
    assert.equal(status, 200);
    assert.match(html, /“इजराइल” के लिए 1 नतीजा</);
    assert.match(html, /<p class="snippet">[^<]*<mark>इज़राइल/);
    assert.match(html, /<input id="q2" name="q" type="search" value="इजराइल"/);
    assert.match(html, /<meta name="robots" content="noindex, follow">/);
  });

  test('paginates with the query kept', async () => {
    const { html } = await page('ने'); // a word in every generated title
    assert.match(html, /पेज 1 \/ \d+/);
    const next = html.match(/href="(\/search\?q=[^"]+&amp;page=2)"/);
    assert.ok(next, 'a next-page link keeps the query');
    const r = await fetch(site.base + next[1].replaceAll('&amp;', '&'));
    assert.equal(r.status, 200);
    assert.match(await r.text(), /पेज 2 \//);
  });

  test('nothing found: a Hindi message, tips, a suggestion and the latest news', async () => {
    const { status, html } = await page('इज़राइल ज़ेब्राक्रॉसिंग');
    assert.equal(status, 200);
    assert.match(html, /“इज़राइल ज़ेब्राक्रॉसिंग” से कोई खबर नहीं मिली।/);
    assert.match(html, /क्या आप <a href="\/search\?q=[^"]+">इज़राइल<\/a> खोजना चाहते थे\?/);
    assert.match(html, /ताज़ा खबरें/);
  });

  test('an empty query shows the search page', async () => {
    for (const q of ['', '   ', '***', '""']) {
      const { status, html } = await page(q);
      assert.equal(status, 200);
      assert.match(html, /<form class="search big" action="\/search"/);
    }
  });

  test('every page has a search box', async () => {
    for (const p of ['/', '/news/bharat-israel-raksha-sahyog-par-samjhauta-gyapan-par-hastakshar', '/category/raksha', '/news/nope']) {
      const html = await (await fetch(site.base + p)).text();
      assert.match(html, /<form class="search" action="\/search" method="get" role="search">/, p);
    }
  });
});

describe('query language', () => {
  test('phrases, exclusion and prefixes', async () => {
    const phrase = await api({ q: '"रक्षा सहयोग"' });
    assert.ok(phrase.body.total >= 1);
    const all = await api({ q: 'रक्षा', limit: 50 });
    const without = await api({ q: 'रक्षा -इज़राइल', limit: 50 });
    assert.ok(without.body.total < all.body.total, 'exclusion removes stories');
    assert.ok(!without.body.results.some((r) => r.title === SEED_TITLE));
    const prefix = await api({ q: 'राज*' });
    assert.ok(prefix.body.total > (await api({ q: 'राज' })).body.total, 'राज* finds राजनीति, राजस्थान...');
  });

  test('the page offers category and date filters and keeps the chosen ones', async () => {
    const r = await fetch(`${site.base}/search?q=${encodeURIComponent('इज़राइल')}&category=raksha&from=2025-11-01`);
    const html = await r.text();
    assert.match(html, /<details class="filters" open>/);
    assert.match(html, /<option value="raksha" selected>रक्षा<\/option>/);
    assert.match(html, /<input id="ffrom" name="from" type="date" value="2025-11-01">/);
    assert.match(html, /“इज़राइल” के लिए 1 नतीजा/);
    const later = await (await fetch(`${site.base}/search?q=${encodeURIComponent('इज़राइल')}&from=2025-11-05`)).text();
    assert.match(later, /से कोई खबर नहीं मिली/, 'a date range after the story finds nothing');
  });

  test('a category filter narrows the results', async () => {
    const all = await api({ q: 'इज़राइल' });
    const defence = await api({ q: 'इज़राइल', category: 'raksha' });
    const sport = await api({ q: 'इज़राइल', category: 'khel' });
    assert.ok(defence.body.total >= 1 && defence.body.total <= all.body.total);
    assert.equal(defence.body.results[0].title, SEED_TITLE);
    assert.equal(sport.body.total, 0);
  });

  test('FTS5 syntax typed by a reader is text, never an error', async () => {
    for (const q of ['"', '*', ':', 'AND', 'OR', 'NEAR', '(रक्षा', 'रक्षा)', 'NEAR(a b)', 'title:x', '^रक्षा', '"रक्षा', 'रक्षा OR', '- -', '-']) {
      const r = await fetch(`${site.base}/search?${new URLSearchParams({ q })}`);
      assert.equal(r.status, 200, `q=${q}`);
      const j = await api({ q });
      assert.equal(j.status, 200, `api q=${q}`);
    }
    const or = await api({ q: 'रक्षा OR' });
    const plain = await api({ q: 'रक्षा' });
    assert.ok(or.body.total <= plain.body.total, 'OR is a word, not an operator');
  });

  test('queries over 200 characters are cut', async () => {
    const long = 'रक्षा '.repeat(100); // 600 characters
    const { status, html } = await page(long);
    assert.equal(status, 200);
    const shown = html.match(/value="([^"]*)"/)[1];
    assert.ok([...shown].length <= 200, `shown query has ${[...shown].length} characters`);
  });

  test('invalid UTF-8 gets a 400', async () => {
    const raw = await rawRequest(site.port, 'GET /search?q=%ff%fe HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    assert.match(raw, /^HTTP\/1\.1 400/);
    assert.match(raw, /अनुरोध समझ में नहीं आया/);
    const r = await fetch(`${site.base}/api/v1/search?q=%ff`);
    assert.equal(r.status, 400);
    assert.match((await r.json()).error.message, /UTF-8/);
  });
});

describe('API limits', () => {
  test('limit defaults to 10, allows 50, refuses more', async () => {
    assert.equal((await api({ q: 'ने' })).body.results.length, 10);
    assert.equal((await api({ q: 'ने', limit: 50 })).body.results.length, 50);
    for (const limit of ['51', '0', '-1', 'x']) {
      const r = await api({ q: 'ने', limit });
      assert.equal(r.status, 400, `limit=${limit}`);
      assert.match(r.body.error.message, /limit/);
    }
    const a = await api({ q: 'ने', limit: 5 });
    const b = await api({ q: 'ने', limit: 5, offset: 5 });
    assert.notEqual(a.body.results[0].id, b.body.results[0].id);
    assert.equal(a.body.total, b.body.total);
  });
});

describe('the index follows the articles', () => {
  test('a new article is searchable at once', async () => {
    const file = path.join(site.dir, 'zebra.md');
    writeFileSync(file, '---\ntitle: चिड़ियाघर में ज़ेब्रा का जन्म\ncategory: देश\n---\n\nनन्हा ज़ेब्रा स्वस्थ है।\n');
    assert.equal((await api({ q: 'ज़ेब्रा' })).body.total, 0);
    assert.equal(khabar(['article', 'add', file, '--db', site.db]).status, 0);
    const found = await api({ q: 'जेब्रा' });
    assert.equal(found.body.total, 1);
    assert.equal(found.body.results[0].title, 'चिड़ियाघर में ज़ेब्रा का जन्म');
  });
});

describe('suggestions as the reader types (/api/v1/suggest)', () => {
  const suggest = async (q) => {
    const r = await fetch(`${site.base}/api/v1/suggest?q=${encodeURIComponent(q)}`);
    return { status: r.status, cc: r.headers.get('cache-control'), body: await r.json() };
  };
  const texts = (b) => b.suggestions.map((s) => s.text);

  test('topics and headlines in Hindi, typed in Devanagari or Latin', async () => {
    let got;
    await until('the suggestions built', async () => (got = await suggest('raksha')).body.suggestions.length > 0);
    assert.equal(got.status, 200);
    assert.match(got.cc, /^public, max-age=60/);
    assert.deepEqual(got.body.suggestions[0], { text: 'रक्षा', url: '/category/raksha', kind: 'category' });
    for (const q of ['रक्', 'raks', 'rakshaa']) {
      const b = (await suggest(q)).body;
      assert.equal(b.suggestions[0].text, 'रक्षा', q);
      assert.ok(b.suggestions.some((s) => s.kind === 'headline' && s.url.startsWith('/news/')), q);
    }
    const two = texts((await suggest('israel raksha')).body);
    assert.ok(two.includes(SEED_TITLE), two.join(' | '));
    assert.ok(texts((await suggest('इज़रा')).body).includes('इज़राइल'));
    // One letter, nothing like it, no q: an empty list.
    for (const q of ['र', 'zqxw']) assert.deepEqual((await suggest(q)).body, { suggestions: [] });
    const none = await fetch(`${site.base}/api/v1/suggest`);
    assert.deepEqual(await none.json(), { suggestions: [] });
    // What is not UTF-8 is refused, as every declared input.
    const bad = await fetch(`${site.base}/api/v1/suggest?q=%FF%FE`);
    assert.equal(bad.status, 400);
  });

  test('a story published by the CLI is suggested within seconds', async () => {
    const file = path.join(site.dir, 'suggest.md');
    writeFileSync(file, '---\ntitle: सुझावों में दिखी नई ख़बर कबड्डी\ncategory: khel\nstatus: published\n---\n\nपाठ\n');
    assert.equal(khabar(['article', 'add', '--db', site.db, file]).status, 0);
    await until('the new headline suggested', async () =>
      texts((await suggest('kabaddi')).body).includes('सुझावों में दिखी नई ख़बर कबड्डी'), 15000);
  });
});

describe('did you mean (a Latin word misspelt, nothing found)', () => {
  test('the page proposes the Hindi words, and they find the story', async () => {
    let html;
    await until('the proposal', async () => /क्या आपका मतलब था/.test(html = (await page('israil rakhsa')).html));
    const m = /class="correct">क्या आपका मतलब था: <a href="([^"]+)" lang="hi">([^<]+)<\/a>/.exec(html);
    assert.ok(m, html);
    assert.equal(m[2], 'इज़राइल रक्षा');
    const next = await (await fetch(site.base + m[1].replace(/&amp;/g, '&'))).text();
    assert.ok(next.includes(SEED_TITLE), 'the proposal finds the seed');
    // A query that finds something, or Devanagari, gets no proposal.
    assert.doesNotMatch((await page('israel')).html, /क्या आपका मतलब था/);
    assert.doesNotMatch((await page('इजरायली गगग')).html, /क्या आपका मतलब था/);
  });
});
