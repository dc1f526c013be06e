// Instant indexing (issue 19), against the real binary: the IndexNow key
// file, the feeds' rel="hub" links, and the purge job's IndexNow and
// WebSub notices against a local mock (node http) standing in for both
// an IndexNow endpoint and a WebSub hub: a story published in the
// newsroom reaches IndexNow with the site's host and key, an unpublish
// too, the hub gets hub.mode=publish for /feed, and a failing endpoint is
// tried again and then named in the activity log.
import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, describe, test } from 'node:test';

import { khabar, sql, startSite, until } from '../lib/khabar.mjs';
import { addUser, loggedIn, publishStory as publish } from '../lib/newsroom.mjs';

// A mock of an IndexNow endpoint and a WebSub hub: records each request;
// answers `status` (default 200) for a path in `statusFor`.
function mock() {
  const m = { requests: [], statusFor: {} };
  m.server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d) => { body += d; });
    req.on('end', () => {
      const status = m.statusFor[req.url.split('?')[0]] || 200;
      m.requests.push({ at: Date.now(), method: req.method, url: req.url, headers: req.headers, body, status });
      res.writeHead(status, { 'content-type': 'text/plain' });
      res.end('');
    });
  });
  m.listen = () => new Promise((r) => m.server.listen(0, '127.0.0.1', () => { m.port = m.server.address().port; r(); }));
  m.to = (p) => m.requests.filter((r) => r.url === p);
  return m;
}

// The URLs IndexNow requests to path p carried, in order.
const urlsTo = (m, p) => m.to(p).flatMap((r) => JSON.parse(r.body).urlList);

describe('instant indexing', () => {
  let site, m, ed, admin, key;
  const set = (k, v) => {
    const r = khabar(['settings', 'set', k, v, '--db', site.db]);
    assert.equal(r.status, 0, r.stderr);
  };
  before(async () => {
    m = mock();
    await m.listen();
    site = await startSite({ articles: 5, ownUrl: true });
    addUser(site.db, 'editor', 'editor');
    addUser(site.db, 'admin', 'admin');
    ed = await loggedIn(site.base, 'editor');
    admin = await loggedIn(site.base, 'admin');
    key = sql(site.db, "SELECT value FROM settings WHERE key = 'indexnow_key'");
  });
  after(async () => {
    await site?.stop();
    m?.server.close();
  });

  test('khabar init makes an IndexNow key, served at /KEY.txt and nowhere else', async () => {
    assert.match(key, /^[0-9a-f]{32}$/);
    const res = await fetch(`${site.base}/${key}.txt`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type'), /^text\/plain/);
    assert.equal(await res.text(), key);
    assert.equal((await fetch(`${site.base}/${key.slice(0, -1)}x.txt`)).status, 404);
    assert.equal((await fetch(`${site.base}/.txt`)).status, 404);
    // robots.txt is still its own page.
    assert.match(await (await fetch(`${site.base}/robots.txt`)).text(), /Sitemap:/);
    // A key that is not 8-128 of [a-zA-Z0-9-] is refused.
    const bad = khabar(['settings', 'set', 'indexnow_key', 'short', '--db', site.db]);
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /indexnow_key/);
  });

  test('the feeds name the hub and themselves', async () => {
    set('websub_hub', `http://127.0.0.1:${m.port}/hub`);
    await until('the feed names the hub', async () =>
      (await (await fetch(`${site.base}/feed`)).text()).includes('rel="hub"'));
    const rss = await (await fetch(`${site.base}/feed`)).text();
    assert.ok(rss.includes(`<atom:link rel="hub" href="http://127.0.0.1:${m.port}/hub"/>`), rss.slice(0, 800));
    assert.ok(rss.includes(`<atom:link rel="self" type="application/rss+xml" href="${site.base}/feed"/>`));
    const atom = await (await fetch(`${site.base}/feed/atom`)).text();
    assert.ok(atom.includes(`<link rel="hub" href="http://127.0.0.1:${m.port}/hub"/>`), atom.slice(0, 800));
    assert.ok(atom.includes(`<link rel="self" type="application/atom+xml" href="${site.base}/feed/atom"/>`));
  });

  test('a publish reaches IndexNow with the host and key, and the hub gets /feed', async () => {
    set('indexnow_endpoints', `http://127.0.0.1:${m.port}/indexnow`);
    // Two stories published close together go out in one or two requests.
    const a = await publish(ed, { title: 'इंडेक्सनाउ वाली खबर', category: 'khel' });
    const b = await publish(ed, { title: 'दूसरी इंडेक्सनाउ खबर', category: 'desh' });
    const urlA = `${site.base}/news/${a.slug}`, urlB = `${site.base}/news/${b.slug}`;
    await until('IndexNow got both stories', () => urlsTo(m, '/indexnow').includes(urlA) && urlsTo(m, '/indexnow').includes(urlB));
    const reqs = m.to('/indexnow');
    assert.ok(reqs.length <= 3, `batched: ${reqs.length} requests`);
    const r = reqs.find((x) => JSON.parse(x.body).urlList.includes(urlA));
    assert.equal(r.method, 'POST');
    assert.match(r.headers['content-type'], /^application\/json/);
    const body = JSON.parse(r.body);
    assert.equal(body.host, `127.0.0.1:${site.port}`);
    assert.equal(body.key, key);
    assert.equal(body.keyLocation, `${site.base}/${key}.txt`);
    // Each URL once however many changes named the story.
    const all = urlsTo(m, '/indexnow');
    assert.equal(all.filter((u) => u === urlA).length, 1, JSON.stringify(all));

    await until('the hub got /feed', () => m.to('/hub').some((x) => new URLSearchParams(x.body).getAll('hub.url').includes(`${site.base}/feed`)));
    const ping = m.to('/hub').find((x) => new URLSearchParams(x.body).getAll('hub.url').includes(`${site.base}/feed`));
    assert.equal(ping.method, 'POST');
    assert.match(ping.headers['content-type'], /^application\/x-www-form-urlencoded/);
    const form = new URLSearchParams(ping.body);
    assert.equal(form.get('hub.mode'), 'publish');
    const topics = m.to('/hub').flatMap((x) => new URLSearchParams(x.body).getAll('hub.url'));
    for (const t of ['/feed', '/feed/atom', '/category/khel/feed', '/category/khel/feed/atom'])
      assert.ok(topics.includes(site.base + t), `${t} in ${JSON.stringify(topics)}`);

    // An unpublish is sent too: the story's URL, now gone.
    const n = m.to('/indexnow').length;
    const u = await ed.post(`/newsroom/articles/${a.id}/unpublish`, {}, { accept: 'application/json' });
    assert.equal(u.status, 200, await u.clone().text());
    await until('IndexNow got the unpublish', () => m.to('/indexnow').slice(n).some((x) => JSON.parse(x.body).urlList.includes(urlA)));
  });

  test('a failing endpoint is tried again, then named in the activity log; a refusal at once', async () => {
    m.statusFor['/down'] = 503;
    m.statusFor['/nokey'] = 403;
    set('indexnow_endpoints', `http://127.0.0.1:${m.port}/down, http://127.0.0.1:${m.port}/nokey`);
    const a = await publish(ed, { title: 'विफल सूचना वाली खबर', category: 'desh' });
    const url = `${site.base}/news/${a.slug}`;
    await until('the refusal in the activity log', async () =>
      (await (await admin.get('/newsroom/audit')).text()).includes('HTTP 403'), 8000);
    assert.equal(m.to('/nokey').length, 1, 'a 403 is not tried again');
    await until('five tries at the failing endpoint', () => m.to('/down').length >= 5, 20000);
    for (const r of m.to('/down')) assert.ok(JSON.parse(r.body).urlList.includes(url));
    const gaps = m.to('/down').slice(1).map((r, i) => r.at - m.to('/down')[i].at);
    assert.ok(gaps[1] > gaps[0] * 1.5, `backoff grows: ${gaps}`);
    await until('the failing endpoint in the activity log', async () => {
      const html = await (await admin.get('/newsroom/audit')).text();
      return html.includes('IndexNow को सूचना नहीं पहुँच रही') && html.includes('5 tries in a row');
    }, 5000);
    const html = await (await admin.get('/newsroom/audit')).text();
    assert.ok(html.includes(`IndexNow http://127.0.0.1:${m.port}`), 'names the endpoint');
    // Once it answers, the URL that waited arrives.
    delete m.statusFor['/down'];
    await until('the endpoint took the waiting URL', () =>
      m.to('/down').some((r) => r.status === 200 && JSON.parse(r.body).urlList.includes(url)), 70000);
  });

  test('the settings page edits the indexing settings', async () => {
    const page = await (await admin.get('/newsroom/settings')).text();
    for (const k of ['indexnow_endpoints', 'indexnow_key', 'websub_hub'])
      assert.ok(page.includes(`name="${k}"`), `${k} on the settings page`);
    const form = { edge_purge: '', indexnow_endpoints: 'https://api.indexnow.org/indexnow', websub_hub: 'https://hub.example/' };
    assert.equal((await admin.post('/newsroom/settings', { ...form, indexnow_key: 'no/key' })).status, 400);
    assert.equal((await admin.post('/newsroom/settings', { ...form, indexnow_key: 'my-key-0001' })).status, 200);
    assert.equal(sql(site.db, "SELECT value FROM settings WHERE key = 'indexnow_key'"), 'my-key-0001');
    assert.equal(sql(site.db, "SELECT value FROM settings WHERE key = 'websub_hub'"), 'https://hub.example/');
    await until('the new key file', async () => (await fetch(`${site.base}/my-key-0001.txt`)).status === 200);
  });
});
