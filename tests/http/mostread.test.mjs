// Most read (issue 21), black box on one server whose reads job writes
// every 0.1 s and computes the lists every 0.3 s: the beacon (/r/ID.gif,
// never stored), readers counted once per story however often they
// reload, bots and prefetches not at all, the batch in the hourly
// buckets with no address or User-Agent anywhere in the database, the
// lists on the home, category and story pages in order, reads that move
// no story's dateModified and leave the pages' ETags alone while the
// lists stay the same, a second server on the database adding its own
// counts (written at its stop), and the newsroom's desk and editor
// showing reads.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { dumpDb, requestFrom, sleep, sql, startSite, until } from '../lib/khabar.mjs';
import { addUser, loggedIn } from '../lib/newsroom.mjs';

const PHONE = 'Mozilla/5.0 (Linux; Android 13; SM-A146B) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Mobile Safari/537.36';
let site, a, b, d;

before(async () => {
  process.env.KHABAR_READS_FLUSH_MS = '100';
  process.env.KHABAR_MOSTREAD_REFRESH_MS = '300';
  site = await startSite({ articles: 12 });
  delete process.env.KHABAR_READS_FLUSH_MS;
  delete process.env.KHABAR_MOSTREAD_REFRESH_MS;
  // Two stories of one category (a, b) and one of another (d).
  const rows = sql(site.db, "SELECT a.id, a.slug, a.title, a.category_id, c.slug FROM articles a JOIN categories c ON c.id = a.category_id WHERE a.status = 'published' ORDER BY a.id")
    .split('\n').map((l) => { const [id, slug, title, cat, cslug] = l.split('|'); return { id, slug, title, cat, cslug }; });
  const two = rows.find((r) => rows.filter((x) => x.cat === r.cat).length >= 2);
  [a, b] = rows.filter((x) => x.cat === two.cat);
  d = rows.find((r) => r.cat !== a.cat);
  assert.ok(a && b && d, 'the demo site has the stories this test needs');
});
after(async () => { await site?.stop(); });

// One read of story s by a reader at address from (127.0.0.x) with agent.
const read = (s, from = '127.0.0.1', agent = PHONE, headers = {}) =>
  requestFrom(from, `${site.base}/r/${s.id}.gif`, { headers: { 'user-agent': agent, ...headers } });
const counted = (s) => Number(sql(site.db, `SELECT coalesce(sum(reads), 0) FROM article_reads WHERE article_id = ${s.id}`));
const html = async (p) => (await fetch(site.base + p)).text();
// The titles of the most-read list of period on a page, in order.
const list = (page, period) => {
  const m = new RegExp(`<ol class="mr-list mr-${period}"[^>]*>(.*?)</ol>`).exec(page);
  return m ? [...m[1].matchAll(/<a href="\/news\/([^"]+)">/g)].map((x) => x[1]) : null;
};

describe('most read', () => {
  test('the beacon answers a small GIF that nothing stores; a bad id is not found', async () => {
    const res = await read(a);
    assert.equal(res.status, 200);
    assert.equal(res.headers['content-type'], 'image/gif');
    assert.match(res.headers['cache-control'], /no-store/);
    assert.ok(!res.headers['set-cookie'], 'no cookie');
    for (const bad of ['abc', '0', '-1', '12x'])
      assert.equal((await fetch(`${site.base}/r/${bad}.gif`, { headers: { 'user-agent': PHONE } })).status, 404, bad);
    // The story's page asks for it once seen, and without JavaScript too.
    const page = await html(`/news/${a.slug}`);
    assert.match(page, new RegExp(`<article class="story" data-read="/r/${a.id}.gif">`));
    assert.match(page, new RegExp(`<noscript><img class="read-px" src="/r/${a.id}.gif"`));
  });

  test('readers count once per story however often they reload; bots and prefetches not at all', async () => {
    await until('the first read written', () => counted(a) === 1);
    await read(a); // the same reader again: no
    for (const from of ['127.0.0.2', '127.0.0.3', '127.0.0.4']) {
      await read(b, from);
      await read(b, from);
      await read(b, from);
    }
    // Another browser on the same address is another reader.
    await read(b, '127.0.0.2', PHONE.replace('Chrome/120', 'Chrome/121'));
    for (const bot of [
      'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
      'Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)',
      'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/120.0 Safari/537.36',
      'curl/7.88.1', '']) await read(b, '127.0.0.9', bot);
    await read(b, '127.0.0.8', PHONE, { 'sec-purpose': 'prefetch;prerender' });
    await requestFrom('127.0.0.10', `${site.base}/r/${b.id}.gif`, { method: 'HEAD', headers: { 'user-agent': PHONE } });
    await until('the reads of b written', () => counted(b) === 4);
    await sleep(400);
    assert.equal(counted(b), 4, 'three readers and a second browser; no bot, reload, prefetch or HEAD');
    assert.equal(counted(a), 1);
    // One bucket per story and hour, and nothing that names a reader.
    assert.equal(sql(site.db, `SELECT count(*) FROM article_reads WHERE article_id = ${b.id}`), '1');
    const dump = dumpDb(site.db);
    assert.ok(!/127\.0\.0\.[2-4]/.test(dump), 'no address in the database');
    assert.ok(!dump.includes('SM-A146B'), 'no User-Agent in the database');
  });

  test('the lists show on the home, category and story pages, most read first', async () => {
    await until('the home page\'s list', async () => (list(await html('/'), 'day') || []).length === 2);
    const home = await html('/');
    assert.match(home, /<h2 id="mostread-h" class="section-h">सबसे ज़्यादा पढ़ी गई<\/h2>/);
    for (const p of ['hour', 'day', 'week']) assert.deepEqual(list(home, p), [b.slug, a.slug], p);
    assert.match(home, /id="mr-day" class="mr-r mr-r-day" checked>/, 'the day\'s list is open');
    assert.deepEqual(list(await html(`/category/${a.cslug}`), 'day'), [b.slug, a.slug]);
    assert.deepEqual(list(await html(`/news/${a.slug}`), 'week'), [b.slug, a.slug], 'its category\'s list');
    // A category nobody read yet shows none; once read, its own.
    assert.equal(list(await html(`/category/${d.cslug}`), 'day'), null);
    assert.doesNotMatch(await html(`/news/${d.slug}`), /class="mostread"/);
    for (const from of ['127.0.0.5', '127.0.0.6', '127.0.0.7', '127.0.1.1', '127.0.1.2', '127.0.1.3']) await read(d, from);
    await until('d at the top of the site\'s list', async () => (list(await html('/'), 'day') || [])[0] === d.slug);
    assert.deepEqual(list(await html('/'), 'day'), [d.slug, b.slug, a.slug]);
    assert.deepEqual(list(await html(`/category/${d.cslug}`), 'day'), [d.slug]);
    assert.deepEqual(list(await html(`/news/${a.slug}`), 'day'), [b.slug, a.slug], 'another category\'s reads stay off');
  });

  test('reads move no story\'s dateModified, and pages keep their ETags while the lists stay the same', async () => {
    const before = sql(site.db, `SELECT updated_at, modified_at, version FROM articles WHERE id = ${d.id}`);
    const page0 = await fetch(`${site.base}/news/${d.slug}`);
    const tag0 = page0.headers.get('etag');
    const modified0 = /"dateModified":"([^"]+)"/.exec(await page0.text())[1];
    const home0 = (await fetch(site.base + '/')).headers.get('etag');
    const n = counted(d);
    // d stays first: more reads change no list.
    for (const from of ['127.0.2.1', '127.0.2.2', '127.0.2.3']) await read(d, from);
    await until('the new reads written', () => counted(d) === n + 3);
    await sleep(700); // two refreshes of the lists
    const page1 = await fetch(`${site.base}/news/${d.slug}`);
    assert.equal(page1.headers.get('etag'), tag0, 'the story\'s ETag');
    assert.equal(page1.headers.get('x-khabar-cache'), 'hit', 'still the cached page');
    assert.equal(/"dateModified":"([^"]+)"/.exec(await page1.text())[1], modified0);
    assert.equal((await fetch(site.base + '/')).headers.get('etag'), home0, 'the home page\'s ETag');
    assert.equal(sql(site.db, `SELECT updated_at, modified_at, version FROM articles WHERE id = ${d.id}`), before);
  });

  test('a second server on the database adds its own counts, written at its stop at the latest', async () => {
    // Its batches every minute: only the stop writes what it counted.
    process.env.KHABAR_READS_FLUSH_MS = '60000';
    const other = await startSite({ db: site.db });
    delete process.env.KHABAR_READS_FLUSH_MS;
    const n = counted(a);
    await requestFrom('127.0.0.1', `${other.base}/r/${a.id}.gif`, { headers: { 'user-agent': PHONE } });
    await requestFrom('127.0.3.1', `${other.base}/r/${a.id}.gif`, { headers: { 'user-agent': PHONE } });
    await sleep(300);
    assert.equal(counted(a), n, 'not written yet');
    await other.stop();
    // The first reader read a on this server too: each server counts its own.
    assert.equal(counted(a), n + 2);
  });

  test('the newsroom shows each story\'s reads on the desk and its page', async () => {
    addUser(site.db, 'sampadak', 'editor', 'संपादक जी');
    const editor = await loggedIn(site.base, 'sampadak');
    const { html: desk } = await editor.page('/newsroom?status=published');
    const row = desk.split('<li class="row">').find((r) => r.includes(`/newsroom/articles/${b.id}"`));
    assert.ok(row, 'b on the desk');
    assert.match(row, /<span class="reads">पढ़ी गई: 4 · 24 घंटे में: 4<\/span>/);
    const { html: ed } = await editor.page(`/newsroom/articles/${b.id}`);
    assert.match(ed, /पढ़ी गई: 4 · 24 घंटे में: 4/);
  });
});
