// The newsroom's push alerts, end to end: the real ./khabar with a loopback
// mock push service (tests/lib/pushmock.mjs) whose payloads npm http_ece
// decrypts. Publishing breaking news with "सूचना भेजें" sends the story;
// plain news with the defaults sends nothing; a manual alert reaches one
// category; a scheduled story's alert goes when it goes live, once, across
// restarts; the hourly limit refuses with nothing queued; the history shows
// the numbers, clicks included; reporters cannot send.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import ece from 'http_ece';

import { khabar, newDb, setServerClock, startSite, until } from '../lib/khabar.mjs';
import { addUser, loggedIn } from '../lib/newsroom.mjs';
import { fakeBrowser, makeCert, startMock } from '../lib/pushmock.mjs';

let dir, db, clockFile, now, cert, mock, site, ed;
const subs = {};

// Moves the fake clock; a running server reads the file every 0.2 s, so
// wait until its pages show the new time.
async function setClock(t) {
  now = t;
  await setServerClock(clockFile, t, site && site.child.exitCode === null ? site.base : null);
}
const serve = () => startSite({ db, extraArgs: ['--fake-clock', clockFile] });

before(async () => {
  dir = mkdtempSync('/tmp/khabar-pushnews-');
  db = newDb(dir, 'k.db');
  clockFile = path.join(dir, 'now');
  await setClock(Math.ceil(Date.now() / 60000) * 60 + 600);
  assert.equal(khabar(['demo', '--db', db, '--articles', '5']).status, 0);
  addUser(db, 'editor', 'editor', 'संपादक जी');
  addUser(db, 'ram', 'reporter', 'राम शर्मा');
  addUser(db, 'admin', 'admin', 'एडमिन');
  // No hourly limit but in its own test (the default, 10, would stop these).
  assert.equal(khabar(['settings', 'set', 'push_hourly_limit', '0', '--db', db]).status, 0);
  cert = makeCert(dir);
  process.env.KHABAR_PUSH_TEST_CA = cert.caFile;
  mock = await startMock(cert);
  site = await serve();
  for (const [name, topics] of [['all', ['all']], ['raksha', ['raksha']], ['khel', ['khel']]]) {
    const b = fakeBrowser(`${mock.base}/ok/${name}`);
    const r = await fetch(site.base + '/api/v1/push/subscribe', {
      method: 'POST', headers: { 'content-type': 'application/json', origin: site.origin }, body: JSON.stringify({ subscription: b.json, topics }),
    });
    assert.equal(r.status, 200, await r.text());
    subs[name] = b;
  }
  ed = await loggedIn(site.base, 'editor');
});
after(async () => {
  await site?.stop();
  await mock?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

// The decrypted payloads one subscriber received.
function received(name) {
  const b = subs[name];
  return mock.requests.filter((q) => q.path === `/ok/${name}`).map((q) => ({
    headers: q.headers,
    ...JSON.parse(ece.decrypt(q.body, { version: 'aes128gcm', privateKey: b.ecdh, authSecret: b.auth }).toString()),
  }));
}
// Creates a story as the editor; returns {id, version, slug}.
async function create(fields) {
  const res = await ed.post('/newsroom/articles/new', { body: 'पहला पैरा।', category: 'raksha', ...fields }, { accept: 'application/json' });
  assert.equal(res.status, 201, await res.clone().text());
  return res.json();
}
// The history's row of alert id: its cells in order, and its text.
async function historyRow(id, c = ed) {
  const html = await (await c.get('/newsroom/alerts')).text();
  const m = new RegExp(`<tr id="alert-${id}">([\\s\\S]*?)</tr>`).exec(html);
  assert.ok(m, `alert ${id} in the history`);
  const cells = [...m[1].matchAll(/<td[^>]*>([^<]*)<\/td>/g)].map((x) => x[1]);
  const [queued, delivered, failed, expired, clicked, rate] = cells;
  return { queued: +queued, delivered: +delivered, failed: +failed, expired: +expired, clicked: +clicked, rate, text: m[1] };
}
// The titles of the messages the mock received from request number from on.
function titlesSince(from) {
  return mock.requests.slice(from).map((q) => {
    const b = subs[q.path.split('/').pop()];
    return JSON.parse(ece.decrypt(q.body, { version: 'aes128gcm', privateKey: b.ecdh, authSecret: b.auth }).toString()).title;
  });
}
// Waits until every message of alert id is delivered, failed or expired.
async function alertDone(id) {
  await until(`alert ${id} to be done`, async () => {
    const r = await historyRow(id);
    return r.queued > 0 && r.delivered + r.failed + r.expired === r.queued;
  });
}
// Sends a manual alert to khel (and so to everyone) and waits until it is
// done: a sentinel, since the delivery worker sends alerts in turn, so
// anything queued before it has gone by then. Returns its title.
let sentinels = 0;
async function sentinel() {
  const title = `निशान ${++sentinels}`;
  const res = await ed.post('/newsroom/alerts', { title, link: '/x', target: 'khel' });
  assert.equal(res.status, 303);
  await alertDone(Number(/sent=(\d+)/.exec(res.headers.get('location'))[1]));
  return title;
}
const newestAlert = async () => Number(/<tr id="alert-(\d+)">/.exec(await (await ed.get('/newsroom/alerts')).text())?.[1] || 0);

describe('publishing with "सूचना भेजें"', () => {
  test('breaking news: the box is on, and publishing sends the story to its category and to everyone', async () => {
    const before = received('khel').length;
    const a = await create({ title: 'सीमा पर बड़ी खबर', summary: 'रक्षा मंत्रालय ने बयान जारी किया', breaking: '1' });
    const { html } = await ed.page(`/newsroom/articles/${a.id}`);
    assert.match(html, /<input type="checkbox" name="notify" value="1" id="f-notify"[^>]* checked>/, 'on by default for breaking news');
    const res = await ed.post(`/newsroom/articles/${a.id}/publish`, { notify: '1' });
    assert.equal(res.status, 303);
    assert.equal(res.headers.get('location'), `/newsroom/articles/${a.id}?alert=sent`);
    assert.match(await (await ed.get(res.headers.get('location'))).text(), /सूचना भेज दी गई/);
    await until('delivery', () => received('all').some((p) => p.title === 'सीमा पर बड़ी खबर') && received('raksha').length === 1);
    for (const name of ['all', 'raksha']) {
      const p = received(name).find((x) => x.title === 'सीमा पर बड़ी खबर');
      assert.equal(p.body, 'रक्षा मंत्रालय ने बयान जारी किया');
      assert.equal(p.headers.urgency, 'high');
      assert.equal(p.headers.topic, `article-${a.id}`);
      assert.equal(p.tag, `article-${a.id}`);
      const click = await fetch(new URL(new URL(p.url).pathname, site.base), { redirect: 'manual' });
      assert.equal(click.status, 302);
      assert.equal(click.headers.get('location'), `/news/${a.slug}`);
    }
    assert.equal(received('khel').length, before, 'a khel-only reader gets no raksha alert');
  });

  test('plain news with the defaults: the box is off and nothing is sent', async () => {
    const last = await newestAlert();
    const count = mock.requests.length;
    const a = await create({ title: 'साधारण खबर', summary: 'सार' });
    const { html } = await ed.page(`/newsroom/articles/${a.id}`);
    const box = /<input type="checkbox" name="notify"[^>]*>/.exec(html)[0];
    assert.ok(!/checked/.test(box), box);
    const res = await ed.post(`/newsroom/articles/${a.id}/publish`, {}); // an unchecked box sends nothing
    assert.equal(res.status, 303);
    assert.equal(res.headers.get('location'), `/newsroom/articles/${a.id}`);
    assert.equal((await fetch(`${site.base}/news/${a.slug}`)).status, 200);
    assert.equal(await newestAlert(), last, 'no alert queued');
    const s = await sentinel();
    assert.deepEqual(titlesSince(count), [s, s], 'nothing sent but the sentinel that followed');
  });
});

describe('manual alerts', () => {
  test('an alert to one category reaches only its subscribers (and those of everything)', async () => {
    const before = { raksha: received('raksha').length, khel: received('khel').length };
    const res = await ed.post('/newsroom/alerts', { title: 'खेल: भारत जीता', text: 'आख़िरी गेंद पर जीत', link: '/category/khel', target: 'khel' });
    assert.equal(res.status, 303);
    assert.match(res.headers.get('location'), /^\/newsroom\/alerts\?sent=\d+$/);
    await until('delivery', () => received('khel').length === before.khel + 1 && received('all').some((p) => p.title === 'खेल: भारत जीता'));
    const p = received('khel').at(-1);
    assert.equal(p.title, 'खेल: भारत जीता');
    assert.equal(p.body, 'आख़िरी गेंद पर जीत');
    assert.equal(p.headers.urgency, 'normal');
    await alertDone(Number(/sent=(\d+)/.exec(res.headers.get('location'))[1]));
    assert.equal(received('raksha').length, before.raksha, 'a raksha-only reader gets no khel alert');
  });

  test('bad input gets a 400 with the reason in Hindi, and nothing is queued', async () => {
    const last = await newestAlert();
    const cases = [
      [{ title: '', link: '/x' }, /सूचना का शीर्षक लिखें/],
      [{ title: 'क'.repeat(101), link: '/x' }, /सूचना का शीर्षक लिखें \(100 अक्षर तक\)/],
      [{ title: 'ठीक', link: '//evil.example/x' }, /लिंक साइट का पता हो/],
      [{ title: 'ठीक', link: 'https://evil.example/x' }, /लिंक साइट का पता हो/],
      [{ title: 'ठीक', link: 'javascript:alert(1)' }, /लिंक साइट का पता हो/],
      [{ title: 'ठीक', link: '/x', target: 'no-such' }, /यह श्रेणी नहीं मिली/],
      [{ title: 'ठीक', link: '/x', text: 'स'.repeat(400) }, /300 अक्षर से लंबा/],
      // A line break would end up in the click redirect's Location header.
      [{ title: 'ठीक', link: '/x\r\nSet-Cookie: kb_session=evil' }, /लिंक में खाली जगह, नई पंक्ति या कोई और नियंत्रण अक्षर नहीं हो सकता/],
      [{ title: 'ठीक', link: 'http://127.0.0.1:8080/x\nLocation: //evil.example' }, /नियंत्रण अक्षर नहीं हो सकता/],
      [{ title: 'ठीक', link: '/x\u0001y' }, /नियंत्रण अक्षर नहीं हो सकता/],
      [{ title: 'ठीक', link: '/x\u007f' }, /नियंत्रण अक्षर नहीं हो सकता/],
      [{ title: 'ठीक', link: '/x\ty' }, /नियंत्रण अक्षर नहीं हो सकता/],
      [{ title: 'ठीक', link: '/\\evil.example/x' }, /लिंक साइट का पता हो/],
    ];
    for (const [fields, reason] of cases) {
      const res = await ed.post('/newsroom/alerts', fields);
      assert.equal(res.status, 400, JSON.stringify(fields));
      const html = await res.text();
      assert.match(html, reason);
      if (fields.title) assert.match(html, new RegExp(`value="${fields.title}"`), 'the form keeps what was typed');
    }
    // The site's own full URL is fine, and so is a title of 100 characters.
    let res = await ed.post('/newsroom/alerts', { title: 'पूरा पता', link: 'http://127.0.0.1:8080/category/desh', target: 'desh' });
    assert.equal(res.status, 303);
    res = await ed.post('/newsroom/alerts', { title: 'क'.repeat(100), link: '/x', target: 'desh' });
    assert.equal(res.status, 303);
    assert.equal(await newestAlert(), last + 2);
  });

  test('without the CSRF token the POST is refused', async () => {
    const res = await ed.post('/newsroom/alerts', { title: 'बिना टोकन', link: '/x', csrf: '' });
    assert.equal(res.status, 403);
  });

  test('a reporter cannot reach the alert pages', async () => {
    const rep = await loggedIn(site.base, 'ram');
    assert.equal((await rep.get('/newsroom/alerts/new')).status, 403);
    assert.equal((await rep.get('/newsroom/alerts')).status, 403);
    assert.equal((await rep.post('/newsroom/alerts', { title: 'रिपोर्टर', link: '/x' })).status, 403);
    assert.ok(!(await (await rep.get('/newsroom')).text()).includes('href="/newsroom/alerts"'), 'not in a reporter\'s menu');
    assert.match(await (await ed.get('/newsroom')).text(), /href="\/newsroom\/alerts"/, 'in an editor\'s menu');
  });
});

describe('history', () => {
  test('shows each alert\'s numbers after delivery, clicks and click rate included', async () => {
    const a = await create({ title: 'इतिहास की खबर', summary: 'सार', breaking: '1' });
    await ed.post(`/newsroom/articles/${a.id}/publish`, { notify: '1' });
    const id = await newestAlert();
    await until('delivery', async () => (await historyRow(id)).delivered === 2);
    const p = received('raksha').find((x) => x.title === 'इतिहास की खबर');
    assert.equal((await fetch(new URL(new URL(p.url).pathname, site.base), { redirect: 'manual' })).status, 302);
    await until('the click to be written', async () => (await historyRow(id)).clicked === 1);
    const row = await historyRow(id);
    assert.deepEqual({ ...row, text: undefined }, { queued: 2, delivered: 2, failed: 0, expired: 0, clicked: 1, rate: '50.0%', text: undefined });
    assert.match(row.text, /इतिहास की खबर/);
    assert.match(row.text, /रक्षा/, 'the target category');
    assert.match(row.text, /संपादक जी/, 'who sent it');
    assert.match(row.text, new RegExp(`href="/newsroom/articles/${a.id}"`));
  });

  test('newest first, 20 to a page', async () => {
    for (let i = 0; i < 21; i++)
      assert.equal(khabar(['push', 'send', '--db', db, '--title', `पुरानी ${i}`, '--url', '/news/x']).status, 0);
    const html = await (await ed.get('/newsroom/alerts')).text();
    const ids = [...html.matchAll(/<tr id="alert-(\d+)">/g)].map((m) => +m[1]);
    assert.equal(ids.length, 20);
    assert.deepEqual(ids, [...ids].sort((x, y) => y - x));
    assert.match(html, /पुरानी 20/);
    assert.match(html, /कमांड लाइन/, 'the CLI as sender');
    assert.match(html, /href="\/newsroom\/alerts\?page=2"/);
    const page2 = await (await ed.get('/newsroom/alerts?page=2')).text();
    const ids2 = [...page2.matchAll(/<tr id="alert-(\d+)">/g)].map((m) => +m[1]);
    assert.ok(ids2.length > 0 && Math.max(...ids2) < Math.min(...ids));
  });
});

describe('a scheduled story', () => {
  const at = (t) => new Date((t + 5.5 * 3600) * 1000).toISOString().slice(0, 16); // site time (IST)

  test('sends its alert when it goes live', async () => {
    const t0 = now;
    const a = await create({ title: 'समय पर सूचना', summary: 'निर्धारित', breaking: '1' });
    const res = await ed.post(`/newsroom/articles/${a.id}/schedule`, { notify: '1', publish_at: at(t0 + 120) });
    assert.equal(res.status, 303);
    const { html } = await ed.page(`/newsroom/articles/${a.id}`);
    assert.match(html, /name="notify"[^>]* checked/);
    assert.match(html, /खबर छपते ही सूचना जाएगी/);
    // A sentinel due a minute earlier: once its alert is out, the
    // scheduler has looked at this story at a time before its own.
    const s = await create({ title: 'पहले की निर्धारित खबर', summary: 'सार' });
    assert.equal((await ed.post(`/newsroom/articles/${s.id}/schedule`, { notify: '1', publish_at: at(t0 + 60) })).status, 303);
    await setClock(t0 + 61);
    await until('the earlier story\'s alert', () => received('raksha').some((p) => p.title === 'पहले की निर्धारित खबर'));
    assert.ok(!received('raksha').some((p) => p.title === 'समय पर सूचना'), 'nothing before its time');
    assert.ok(!(await (await ed.get('/newsroom/alerts')).text()).includes(`href="/newsroom/articles/${a.id}"`), 'no alert queued before its time');
    await setClock(t0 + 121);
    await until('the alert', () => received('raksha').some((p) => p.title === 'समय पर सूचना'));
    assert.equal((await fetch(`${site.base}/news/${a.slug}`)).status, 200);
  });

  test('scheduled without the box: goes live with no alert', async () => {
    const a = await create({ title: 'बिना सूचना निर्धारित', summary: 'सार', breaking: '1' });
    assert.equal((await ed.post(`/newsroom/articles/${a.id}/schedule`, { publish_at: at(now + 60) })).status, 303);
    // A sentinel due at the same time, with the box: its alert is queued
    // by the same pass that would queue one for the story without it.
    const s = await create({ title: 'साथ में निर्धारित', summary: 'सार' });
    assert.equal((await ed.post(`/newsroom/articles/${s.id}/schedule`, { notify: '1', publish_at: at(now + 60) })).status, 303);
    await setClock(now + 61);
    await until('the sentinel\'s alert', () => received('raksha').some((p) => p.title === 'साथ में निर्धारित'));
    assert.equal((await fetch(`${site.base}/news/${a.slug}`)).status, 200, 'it went live');
    assert.ok(!(await (await ed.get('/newsroom/alerts')).text()).includes(`href="/newsroom/articles/${a.id}"`), 'no alert queued');
    assert.ok(!received('raksha').some((p) => p.title === 'बिना सूचना निर्धारित'));
  });

  test('goes out once when its time comes while the server is down, and not again on the next restart', async () => {
    const a = await create({ title: 'बंद सर्वर की खबर', summary: 'सार' });
    assert.equal((await ed.post(`/newsroom/articles/${a.id}/schedule`, { notify: '1', publish_at: at(now + 60) })).status, 303);
    await site.stop();
    await setClock(now + 61);
    site = await serve();
    await until('the alert', () => received('raksha').some((p) => p.title === 'बंद सर्वर की खबर'));
    // A sentinel that falls due while the server is down again: its alert
    // shows that the pass after the next start, the one that would send
    // the first story's again, is done.
    ed = await loggedIn(site.base, 'editor');
    const s = await create({ title: 'दोबारा रुकने पर निर्धारित', summary: 'सार' });
    assert.equal((await ed.post(`/newsroom/articles/${s.id}/schedule`, { notify: '1', publish_at: at(now + 60) })).status, 303);
    await site.stop();
    await setClock(now + 61);
    site = await serve();
    ed = await loggedIn(site.base, 'editor');
    await until('the sentinel\'s alert', () => received('raksha').some((p) => p.title === 'दोबारा रुकने पर निर्धारित'));
    const got = received('raksha').filter((p) => p.title === 'बंद सर्वर की खबर');
    assert.equal(got.length, 1, 'one message');
    assert.equal(got[0].headers.topic, `article-${a.id}`);
    assert.equal(got[0].headers.urgency, 'normal', 'not breaking');
    const html = await (await ed.get('/newsroom/alerts')).text();
    assert.equal(html.split('बंद सर्वर की खबर').length - 1, 1, 'one alert in the history');
  });
});

describe('the hourly limit', () => {
  test('over the limit: refused with a message, nothing queued; publishing still succeeds and says so', async () => {
    await setClock(now + 7200); // a fresh hour
    const admin = await loggedIn(site.base, 'admin');
    await admin.page('/newsroom/settings');
    let res = await admin.post('/newsroom/settings', { push_hourly_limit: 'दस' });
    assert.equal(res.status, 400);
    res = await admin.post('/newsroom/settings', { push_hourly_limit: '1' });
    assert.equal(res.status, 200);
    assert.match(await res.text(), /name="push_hourly_limit"[^>]* value="1"/);

    res = await ed.post('/newsroom/alerts', { title: 'पहली', link: '/x' });
    assert.equal(res.status, 303);
    await until('the first alert', () => received('khel').some((p) => p.title === 'पहली'));
    const last = await newestAlert();
    const count = mock.requests.length;
    res = await ed.post('/newsroom/alerts', { title: 'दूसरी', link: '/x' });
    assert.equal(res.status, 429);
    const html = await res.text();
    assert.match(html, /सूचना नहीं भेजी गई: एक घंटे में भेजी जा सकने वाली सूचनाओं की सीमा पूरी हो चुकी है \(1\/घंटा\)/);
    assert.match(html, /value="दूसरी"/, 'the form keeps the text');

    const a = await create({ title: 'सीमा के बाद की खबर', summary: 'सार', breaking: '1' });
    res = await ed.post(`/newsroom/articles/${a.id}/publish`, { notify: '1' });
    assert.equal(res.status, 303);
    assert.equal(res.headers.get('location'), `/newsroom/articles/${a.id}?alert=limit`);
    assert.match(await (await ed.get(res.headers.get('location'))).text(), /खबर प्रकाशित हो गई, पर सूचना नहीं भेजी गई: एक घंटे में/);
    assert.equal((await fetch(`${site.base}/news/${a.slug}`)).status, 200, 'published all the same');
    // The script's JSON answer says it too.
    const b = await create({ title: 'सीमा के बाद की दूसरी खबर', summary: 'सार', breaking: '1' });
    const j = await (await ed.post(`/newsroom/articles/${b.id}/publish`, { notify: '1' }, { accept: 'application/json' })).json();
    assert.equal(j.status, 'published');
    assert.match(j.alert, /सीमा पूरी हो चुकी है/);

    assert.equal(await newestAlert(), last, 'nothing queued');

    // A scheduled story over the limit goes live; its alert is dropped and logged.
    const at = new Date((now + 60 + 5.5 * 3600) * 1000).toISOString().slice(0, 16);
    const c = await create({ title: 'सीमा में निर्धारित', summary: 'सार' });
    assert.equal((await ed.post(`/newsroom/articles/${c.id}/schedule`, { notify: '1', publish_at: at })).status, 303);
    await setClock(now + 61);
    await until('it goes live', async () => (await fetch(`${site.base}/news/${c.slug}`)).status === 200);
    await until('the audit line', async () => /सूचना नहीं भेजी गई/.test(await (await ed.get(`/newsroom/audit?article=${c.id}`)).text()));
    assert.equal(await newestAlert(), last);

    // An hour later the limit has room again.
    await setClock(now + 3601);
    res = await ed.post('/newsroom/alerts', { title: 'अगले घंटे', link: '/x' });
    assert.equal(res.status, 303);
    // It is the sentinel too: once it is done, nothing refused or dropped
    // above went out before it.
    const next = Number(/sent=(\d+)/.exec(res.headers.get('location'))[1]);
    await alertDone(next);
    const sent = titlesSince(count);
    assert.deepEqual(sent, Array(sent.length).fill('अगले घंटे'), 'nothing but the next hour\'s alert was sent');
    assert.equal(sent.length, (await historyRow(next)).queued);
    assert.equal((await admin.post('/newsroom/settings', { push_hourly_limit: '0' })).status, 200);
  });
});
