// Live coverage (issue 20), black box on one server: the newsroom's live
// desk (roles, CSRF, bad input refused with nothing written), the story's
// live blog and its updates (/live/ID/since/SEQ.json: contents, caching
// headers, the page cache), the LiveBlogPosting JSON-LD, the feeds, a key
// event pushed within the hourly limit, closing, and the breaking ticker
// with its end.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { khabar, root, setServerClock, sql, startSite, until } from '../lib/khabar.mjs';
import { addUser, Client, loggedIn, publishStory } from '../lib/newsroom.mjs';

let site, editor, reporter, story, clockFile, now;

before(async () => {
  clockFile = path.join(mkdtempSync('/tmp/khabar-live-'), 'now');
  now = Math.floor(Date.now() / 1000);
  writeFileSync(clockFile, String(now));
  site = await startSite({ articles: 3, extraArgs: ['--fake-clock', clockFile] });
  addUser(site.db, 'sampadak', 'editor', 'संपादक जी');
  addUser(site.db, 'riporter', 'reporter', 'रिपोर्टर जी');
  assert.equal(khabar(['settings', 'set', 'push_hourly_limit', '1', '--db', site.db]).status, 0);
  editor = await loggedIn(site.base, 'sampadak');
  reporter = await loggedIn(site.base, 'riporter');
  story = await publishStory(editor, { title: 'लाइव: मतगणना के रुझान', category: 'desh', summary: 'हर अपडेट यहाँ' });
  await editor.page(`/newsroom/articles/${story.id}/live`);
  await reporter.page(`/newsroom/articles/${story.id}/live`);
});
after(async () => { await site?.stop(); });

const get = (p) => fetch(site.base + p, { redirect: 'manual' });
const since = async (n) => {
  const r = await get(`/live/${story.id}/since/${n}.json`);
  assert.equal(r.status, 200, `since/${n}`);
  return r.json();
};
const page = async () => (await get(`/news/${story.slug}`)).text();
const post = (c, text, extra = {}) => c.post(`/newsroom/articles/${story.id}/live/entries`, { body: text, ...extra });
const jsonld = (html) => JSON.parse(/<script type="application\/ld\+json">([\s\S]*?)<\/script>/.exec(html)[1]);

describe('live coverage', () => {
  test('only an editor with the CSRF token starts live coverage', async () => {
    let res = await reporter.post(`/newsroom/articles/${story.id}/live`, { starts: '', ends: '' });
    assert.equal(res.status, 403, 'a reporter may not start it');
    res = await editor.post(`/newsroom/articles/${story.id}/live`, { starts: '', ends: '', csrf: 'x' });
    assert.equal(res.status, 403, 'a wrong token is refused');
    res = await editor.post(`/newsroom/articles/${story.id}/live`, { starts: 'कल', ends: '' });
    assert.equal(res.status, 400, 'a time that is no time');
    res = await editor.post(`/newsroom/articles/${story.id}/live`, { starts: '', ends: '' });
    assert.equal(res.status, 303);
    const html = await page();
    assert.match(html, /<section class="live" id="live" data-live="\d+" data-seq="1" data-open="1"/);
    assert.match(html, /अभी कोई अपडेट नहीं।/);
  });

  test('a writer\'s entry is on the page and in the updates, which the page cache answers', async () => {
    const first = await since(0);
    assert.equal(first.entries.length, 0);
    const res = await post(reporter, 'पहला रुझान: **कांटे की टक्कर**');
    assert.equal(res.status, 303, await res.clone().text());
    const html = await page();
    assert.match(html, /<article class="entry" id="e-(\d+)"[^]*<strong>कांटे की टक्कर<\/strong>/);
    const r = await get(`/live/${story.id}/since/${first.seq}.json`);
    assert.equal(r.status, 200);
    assert.match(r.headers.get('cache-control'), /^public, max-age=2, s-maxage=2,/);
    assert.ok(r.headers.get('xkey').split(' ').includes(`a:${story.id}`), r.headers.get('xkey'));
    assert.equal(r.headers.get('content-type'), 'application/json');
    const j = await r.json();
    assert.equal(j.seq, first.seq + 1);
    assert.equal(j.open, true);
    assert.equal(j.entries.length, 1);
    assert.match(j.entries[0].html, /^<article class="entry" id="e-\d+"/);
    assert.match(j.entries[0].html, new RegExp(`data-url="${site.origin}/news/${story.slug}#e-${j.entries[0].id}"`),
      'the share buttons share the entry\'s own URL');
    // Everyone at the newest seq gets the same few bytes, from memory.
    const a = await get(`/live/${story.id}/since/${j.seq}.json`);
    const b = await get(`/live/${story.id}/since/${j.seq}.json`);
    assert.deepEqual(await a.json(), { seq: j.seq, open: true, entries: [], keys: null });
    assert.equal(b.headers.get('x-khabar-cache'), 'hit');
    assert.equal((await get(`/live/${story.id}/since/${j.seq + 1}.json`)).status, 404, 'a seq not reached yet');
    assert.equal((await get(`/live/${story.id}/since/x.json`)).status, 404);
  });

  test('bad input gets a clear 4xx and writes nothing', async () => {
    const before = (await since(0)).entries.length;
    let res = await post(reporter, '   ');
    assert.equal(res.status, 400);
    assert.match(await res.text(), /अपडेट का पाठ लिखें/);
    res = await post(reporter, 'लिंक के साथ', { link: 'javascript:alert(1)' });
    assert.equal(res.status, 400);
    assert.match(await res.text(), /लिंक http\(s\) पता हो/);
    res = await post(reporter, 'फ़ोटो के साथ', { photo: new Blob(['not a photo'], { type: 'image/jpeg' }) });
    assert.equal(res.status, 415, 'a file that is not a photo');
    res = await post(reporter, 'अ'.repeat(2000));
    assert.equal(res.status, 400, 'longer than 5000 bytes');
    res = await reporter.post(`/newsroom/articles/${story.id}/live/entries`, { body: 'बिना टोकन', csrf: '' });
    assert.equal(res.status, 403);
    assert.equal((await since(0)).entries.length, before, 'no entry was added');
    assert.equal(sql(site.db, `SELECT count(*) FROM media`), '0', 'no photo was kept');
  });

  test('an entry\'s markup stays text', async () => {
    const res = await post(reporter, '<script>alert(1)</script> <img src=x onerror=alert(2)> [क्लिक](javascript:alert(3))');
    assert.equal(res.status, 303);
    const html = await page();
    assert.ok(!html.includes('<script>alert(1)') && !html.includes('<img src=x'), 'no live markup');
    assert.ok(!html.includes('href="javascript:'), 'no script link');
    const j = await since(0);
    assert.ok(!j.entries[0].html.includes('<img src=x'));
    assert.equal((await reporter.post(`/newsroom/live/entries/${j.entries[0].id}/delete`)).status, 303);
  });

  test('a photo goes through the photo pipeline and shows once made', async () => {
    const jpeg = readFileSync(path.join(root, 'tests/fixtures/photo-gps.jpg'));
    const res = await post(reporter, 'घटनास्थल की तस्वीर', { photo: new Blob([jpeg], { type: 'image/jpeg' }) });
    assert.equal(res.status, 303, await res.clone().text());
    await until('the entry\'s photo to be made', async () => /class="entry-photo"><picture><source type="image\/webp" srcset="\/media\/[0-9a-f]+-320\.webp/.test(await page()));
  });

  test('a link to a known embed becomes its page\'s link, as the importer makes it', async () => {
    const res = await post(reporter, 'वीडियो देखें', { link: 'https://www.youtube.com/embed/abc123XYZ?rel=0' });
    assert.equal(res.status, 303);
    assert.match(await page(), /<p class="embed"><a href="https:\/\/www\.youtube\.com\/watch\?v=abc123XYZ" rel="noopener nofollow">/);
  });

  test('entries are edited, pinned, marked key events and deleted; followers learn of each', async () => {
    const all = (await since(0)).entries;
    const first = all[all.length - 1]; // the oldest
    let seq = (await since(0)).seq;
    let res = await reporter.post(`/newsroom/live/entries/${first.id}/pin`, { on: '1' });
    assert.equal(res.status, 303);
    let j = await since(seq);
    assert.deepEqual(j.entries.map((e) => [e.id, e.pinned]), [[first.id, true]]);
    let html = await page();
    assert.ok(html.indexOf(`id="e-${first.id}"`) < html.indexOf('<div class="live-feed">'), 'the pinned entry is above the others');
    res = await reporter.post(`/newsroom/live/entries/${first.id}/key`, { on: '1' });
    assert.equal(res.status, 303);
    html = await page();
    assert.match(html, new RegExp(`<ol class="live-keys-list"><li><a href="#e-${first.id}"><time>\\d\\d:\\d\\d</time> पहला रुझान: कांटे की टक्कर</a>`));
    res = await reporter.post(`/newsroom/live/entries/${first.id}`, { body: 'पहला रुझान (सुधार): बराबरी', link: '', key: '1', pin: '1' });
    assert.equal(res.status, 303);
    assert.match(await page(), /पहला रुझान \(सुधार\): बराबरी/);
    const victim = (await since(0)).entries.find((e) => !e.pinned);
    seq = (await since(0)).seq;
    res = await reporter.post(`/newsroom/live/entries/${victim.id}/delete`);
    assert.equal(res.status, 303);
    j = await since(seq);
    assert.deepEqual(j.entries.map((e) => [e.id, e.deleted]), [[victim.id, true]]);
    assert.ok(!(await page()).includes(`id="e-${victim.id}"`));
    assert.equal((await reporter.post(`/newsroom/live/entries/${victim.id}/delete`)).status, 404, 'gone already');
  });

  test('the story is a LiveBlogPosting with its updates; the feeds carry it once, updated', async () => {
    const html = await page();
    const art = jsonld(html)['@graph'].find((n) => n['@type'] === 'LiveBlogPosting');
    assert.ok(art, 'a LiveBlogPosting');
    assert.equal(art.headline, 'लाइव: मतगणना के रुझान');
    assert.match(art.coverageStartTime, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+05:30$/);
    assert.equal(art.coverageEndTime, undefined, 'no end planned yet');
    const entries = (await since(0)).entries;
    assert.equal(art.liveBlogUpdate.length, entries.length);
    for (const u of art.liveBlogUpdate) {
      assert.equal(u['@type'], 'BlogPosting');
      assert.ok(u.headline && u.headline.length <= 110, u.headline);
      assert.match(u.url, new RegExp(`^${site.origin}/news/${story.slug}#e-\\d+$`));
      assert.match(u.datePublished, /\+05:30$/);
      assert.ok(u.articleBody);
      assert.ok(html.includes(`id="${u.url.split('#')[1]}"`), 'each update has its anchor on the page');
    }
    const times = art.liveBlogUpdate.map((u) => Date.parse(u.datePublished));
    assert.deepEqual(times, [...times].sort((a, b) => b - a), 'newest first');
    // An entry is a significant change: the story's dateModified is its
    // newest entry's, and the feed says so too.
    const newest = Math.max(...art.liveBlogUpdate.map((u) => Date.parse(u.dateModified)));
    assert.ok(Date.parse(art.dateModified) >= newest, `${art.dateModified} is before the newest entry`);
    const feed = await (await get('/feed/atom')).text();
    const entriesOf = feed.split('<entry>').filter((e) => e.includes(`/news/${story.slug}`));
    assert.equal(entriesOf.length, 1, 'the story once');
    assert.ok(Date.parse(/<updated>([^<]+)<\/updated>/.exec(entriesOf[0])[1]) >= newest);
  });

  test('a key event is pushed to the story\'s category by an editor, within the hourly limit', async () => {
    const key = (await since(0)).entries.find((e) => e.pinned);
    const plain = (await since(0)).entries.find((e) => !e.pinned);
    assert.equal((await reporter.post(`/newsroom/live/entries/${key.id}/push`)).status, 403, 'reporters send no alerts');
    assert.equal((await editor.post(`/newsroom/live/entries/${plain.id}/push`)).status, 409, 'only key events');
    let res = await editor.post(`/newsroom/live/entries/${key.id}/push`);
    assert.equal(res.status, 303);
    assert.match(res.headers.get('location'), /msg=alert_sent/);
    const [url, cat] = sql(site.db, 'SELECT url, category_id FROM push_alerts').split('|');
    assert.equal(url, `/news/${story.slug}#e-${key.id}`);
    assert.equal(cat, sql(site.db, `SELECT category_id FROM articles WHERE id = ${story.id}`));
    res = await editor.post(`/newsroom/live/entries/${key.id}/push`);
    assert.match(res.headers.get('location'), /msg=limit/, 'the second in the hour is over the limit of 1');
    assert.equal(sql(site.db, 'SELECT count(*) FROM push_alerts'), '1');
    const desk = await (await editor.get(res.headers.get('location'))).text();
    assert.match(desk, /सीमा पूरी हो चुकी है \(1\/घंटा\)/);
  });

  test('the breaking ticker is on every cached page while it runs, and gone at its end', async () => {
    for (const p of ['/', '/category/desh', `/news/${story.slug}`]) await get(p); // cached now
    assert.equal((await reporter.post('/newsroom/ticker', { text: 'x', url: '', minutes: '5' })).status, 403);
    assert.equal((await editor.post('/newsroom/ticker', { text: 'x', url: 'javascript:alert(1)', minutes: '5' })).status, 400);
    assert.equal((await editor.post('/newsroom/ticker', { text: 'x', url: '/', minutes: '99999' })).status, 400);
    const res = await editor.post('/newsroom/ticker', { text: 'मतगणना जारी: हर रुझान लाइव', url: `/news/${story.slug}`, minutes: '2' });
    assert.equal(res.status, 303);
    for (const p of ['/', '/category/desh', `/news/${story.slug}`]) {
      const html = await (await get(p)).text();
      assert.ok(html.includes(`<div class="ticker" role="status"><div class="wrap"><span class="ticker-label">ब्रेकिंग</span> <a href="/news/${story.slug}">मतगणना जारी: हर रुझान लाइव</a>`), p);
    }
    await setServerClock(clockFile, now + 121, site.base);
    await until('the ticker to end', async () => !(await (await get('/')).text()).includes('class="ticker"'));
  });

  test('closing ends the updates and keeps the page', async () => {
    assert.equal((await reporter.post(`/newsroom/articles/${story.id}/live/close`)).status, 403);
    assert.equal((await editor.post(`/newsroom/articles/${story.id}/live/close`)).status, 303);
    const res = await post(reporter, 'बंद होने के बाद');
    assert.equal(res.status, 409);
    assert.match(await res.text(), /लाइव कवरेज बंद हो चुकी है/);
    const html = await page();
    assert.match(html, /लाइव कवरेज समाप्त/);
    assert.ok(!/data-open="1"/.test(html), 'readers stop following');
    assert.match(jsonld(html)['@graph'][0].coverageEndTime, /\+05:30$/);
    assert.equal((await since(0)).open, false);
  });
});
