// HTTP black-box tests of the email digest, against the real binary and a
// real SMTP listener on loopback (tests/lib/smtp.mjs): double opt-in (the
// confirmation mail, its link, nothing before it, repeated sign-ups
// limited), the daily digest's content (text and HTML parts, the right
// stories, Hindi, List-Unsubscribe), one-click unsubscribe in one POST,
// the preferences page, breaking alerts' mails, the newsroom's counts and
// CSV, hard bounces, and a server killed (-9) in the middle of a send with
// no one mailed twice. The server runs on an injected clock.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { khabar, newDb, setServerClock, sql, startSite, until } from '../lib/khabar.mjs';
import { Client, addUser, loggedIn } from '../lib/newsroom.mjs';
import { decode2047, parseMail, startSmtp } from '../lib/smtp.mjs';

// A site on an injected clock (UTC), its mail going to smtpPort, with
// settings on top. Returns {site, db, clockFile, now(), advance(s), restart()}.
async function digestSite(smtpPort, settings = {}, articles = 8) {
  const dir = mkdtempSync('/tmp/khabar-digest-');
  const clockFile = path.join(dir, 'now');
  let now = Math.ceil(Date.now() / 60000) * 60 + 600;
  // Not too close to midnight: the tests' "today" must stay today.
  if (now % 86400 > 86400 - 3600) now += 7200;
  writeFileSync(clockFile, String(now));
  const db = newDb(dir);
  assert.equal(khabar(['demo', '--db', db, '--articles', String(articles)]).status, 0);
  const all = {
    timezone: 'UTC', tips_email: 'desk@news.example', smtp_host: '127.0.0.1', smtp_port: String(smtpPort),
    base_url: 'https://khabar.example', push_hourly_limit: '0', digest_rate: '100000', ...settings,
  };
  for (const [k, v] of Object.entries(all)) assert.equal(khabar(['settings', 'set', k, v, '--db', db]).status, 0, k);
  const t = { db, clockFile, media: path.join(dir, 'media') };
  const start = async () => { t.site = await startSite({ db, extraArgs: ['--fake-clock', clockFile, '--media', t.media] }); };
  await start();
  t.now = () => now;
  t.advance = async (s) => { now += s; await setServerClock(clockFile, now, t.site.base); };
  t.restart = async () => { await start(); };
  return t;
}

// Adds a published story (khabar article add) at publishedAt (UTC
// seconds) in the category named category; returns its [slug, title, id].
let storyCount = 0;
function addStory(t, title, category, publishedAt) {
  const f = path.join(path.dirname(t.clockFile), `story-${++storyCount}.md`);
  const when = new Date(publishedAt * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  writeFileSync(f, `---\ntitle: ${title}\ncategory: ${category}\npublished_at: ${when}\nsummary: ${title} का सार\n---\n\nखबर का पाठ।\n`);
  const r = khabar(['article', 'add', f, '--db', t.db]);
  assert.equal(r.status, 0, r.stderr);
  return sql(t.db, `SELECT slug || '|' || title || '|' || id FROM articles WHERE title = '${title}'`).split('|');
}

// Sets a setting while the server runs (the digest job reads them each round).
const setting = (db, k, v) => assert.equal(khabar(['settings', 'set', k, v, '--db', db]).status, 0, k);

// A reader's sign-up: opens /digest, waits the form's minimum, posts.
async function signUp(t, email, frequency, categories = [], extra = {}) {
  const c = new Client(t.site.base);
  const { html } = await c.page('/digest');
  const stamp = html.match(/name="stamp" value="([^"]+)"/)[1];
  await t.advance(4);
  const body = new URLSearchParams([['csrf', c.csrf], ['stamp', stamp], ['email', email], ['frequency', frequency],
    ...categories.map((id) => ['category', String(id)]), ...Object.entries(extra)]);
  const res = await fetch(t.site.base + '/digest', { method: 'POST', body, redirect: 'manual', headers: { cookie: c.cookieHeader() } });
  return { res, html: await res.text() };
}

// The parts of a multipart/alternative mail, decoded: {type: text}.
function parts(data) {
  const { headers, body } = parseMail(data);
  const boundary = /boundary="([^"]+)"/.exec(headers.get('content-type'))[1];
  const out = {};
  for (const p of body.split('--' + boundary).slice(1, -1)) {
    const m = parseMail(p.replace(/^\r\n/, ''));
    const type = m.headers.get('content-type').split(';')[0];
    out[type] = Buffer.from(m.body.replace(/\s+/g, ''), 'base64').toString('utf8');
  }
  return { headers, parts: out };
}

const linkIn = (text, kind) => new RegExp(`https://khabar\\.example/digest/${kind}\\?t=([a-z0-9.]+)`).exec(text)[0];
const mailsTo = (smtp, addr) => smtp.mails.filter((m) => m.to.includes(`<${addr}>`));
const state = (db, email) => sql(db, `SELECT state FROM digest_subscribers WHERE email = '${email}'`);
const local = (url) => url.replace('https://khabar.example', '');

describe('the email digest from sign-up to unsubscribe', () => {
  let smtp, t, cats, stories;
  before(async () => {
    smtp = await startSmtp();
    t = await digestSite(smtp.port);
    addUser(t.db, 'sita', 'editor', 'सीता वर्मा');
    addUser(t.db, 'anil', 'admin', 'अनिल');
    cats = ['देश', 'खेल'].map((name) => Number(sql(t.db, `SELECT id FROM categories WHERE name = '${name}'`)));
    // Three stories: one in each category within the last day, one in
    // the first three days ago (the demo's are a year older).
    stories = [
      addStory(t, 'संसद में नया विधेयक पेश', 'देश', t.now() - 3600),
      addStory(t, 'क्रिकेट टीम ने सीरीज़ जीती', 'खेल', t.now() - 7200),
      addStory(t, 'तीन दिन पुरानी खबर', 'देश', t.now() - 3 * 86400),
    ];
  });
  after(async () => { await t.site.stop(); await smtp.close(); });

  test('every page links to the sign-up, the story page has a small form, the form is Hindi and guarded', async () => {
    const home = await (await fetch(t.site.base + '/')).text();
    assert.match(home, /<a href="\/digest">ईमेल पर खबरें<\/a>/);
    const story = await (await fetch(`${t.site.base}/news/${stories[0][0]}`)).text();
    assert.match(story, /<form class="digest-mini" method="get" action="\/digest">/);
    const res = await fetch(t.site.base + '/digest?email=a%40b.example');
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('cache-control'), 'private, no-store');
    assert.match(res.headers.get('set-cookie'), /kb_pre=[0-9a-f]{64}; Path=\/digest; HttpOnly; SameSite=Lax/);
    const html = await res.text();
    assert.match(html, /<html lang="hi">/);
    assert.match(html, /value="a@b.example"/, 'the small form\'s address is filled in');
    for (const f of ['name="csrf"', 'name="stamp"', 'name="website"', 'value="daily"', 'value="breaking"', 'name="category"'])
      assert.ok(html.includes(f), `the form has ${f}`);
  });

  test('bad sign-ups are refused in Hindi with nothing stored; a bot is thanked and nothing is kept', async () => {
    let r = await signUp(t, 'not-an-address', 'daily');
    assert.equal(r.res.status, 400);
    assert.match(r.html, /ईमेल पता सही नहीं/);
    r = await signUp(t, 'x@y.example', 'weekly');
    assert.equal(r.res.status, 400);
    r = await signUp(t, 'bot@y.example', 'daily', [], { website: 'http://spam.example' });
    assert.equal(r.res.status, 303);
    // A form without the cookie's token gets the form again, nothing done.
    const res = await fetch(t.site.base + '/digest', { method: 'POST', body: new URLSearchParams({ email: 'z@y.example', frequency: 'daily' }), redirect: 'manual' });
    assert.equal(res.status, 403);
    assert.equal(sql(t.db, 'SELECT count(*) FROM digest_subscribers'), '0');
  });

  let one, three;
  test('sign-up: a confirmation mail with a signed link arrives; its page asks, its button confirms', async () => {
    const n = smtp.mails.length;
    const r = await signUp(t, 'Reader.One@Example.com', 'daily', [cats[0]]);
    assert.equal(r.res.status, 303);
    assert.equal(r.res.headers.get('location'), '/digest/sent');
    const mail = await smtp.at(n).catch((e) => { console.log('the server said:\n' + t.site.log()); throw e; });
    assert.deepEqual(mail.to, ['<reader.one@example.com>']);
    const m = parts(mail.data);
    assert.match(decode2047(m.headers.get('subject')), /ईमेल सदस्यता की पुष्टि करें/);
    assert.equal(m.headers.get('list-unsubscribe'), undefined, 'nothing to unsubscribe from yet');
    one = { confirm: linkIn(m.parts['text/plain'], 'confirm') };
    assert.ok(m.parts['text/html'].includes(one.confirm.replace(/&/g, '&amp;')));
    assert.equal(state(t.db, 'reader.one@example.com'), 'pending');
    await signUp(t, 'three@example.com', 'daily');
    three = { confirm: linkIn(parts((await smtp.at(n + 1)).data).parts['text/plain'], 'confirm') };
    await signUp(t, 'breaking@example.com', 'breaking');
    const b = linkIn(parts((await smtp.at(n + 2)).data).parts['text/plain'], 'confirm');
    await signUp(t, 'pending@example.com', 'daily');
    await smtp.at(n + 3);
    // A link that is not genuine confirms nothing.
    const forged = one.confirm.replace(/.$/, (c) => (c === '0' ? '1' : '0'));
    assert.equal((await fetch(t.site.base + local(forged))).status, 404);
    assert.equal(state(t.db, 'reader.one@example.com'), 'pending');
    // The link's page asks (a link scanner's GET confirms nothing); its
    // button's POST, with no cookie, confirms.
    const ask = await fetch(t.site.base + local(one.confirm));
    assert.equal(ask.status, 200);
    assert.match(await ask.text(), /हाँ, सदस्यता शुरू करें/);
    assert.equal(state(t.db, 'reader.one@example.com'), 'pending');
    assert.equal((await fetch(t.site.base + local(forged), { method: 'POST' })).status, 404);
    for (const link of [one.confirm, three.confirm, b]) {
      const res = await fetch(t.site.base + local(link), { method: 'POST' });
      assert.equal(res.status, 200);
      assert.match(await res.text(), /आपकी सदस्यता शुरू हो गई/);
    }
    assert.equal(state(t.db, 'reader.one@example.com'), 'confirmed');
    assert.equal(state(t.db, 'pending@example.com'), 'pending');
  });

  test('repeated sign-ups of one address get at most three confirmation mails a day', async () => {
    for (let i = 0; i < 3; i++) assert.equal((await signUp(t, 'pending@example.com', 'daily')).res.status, 303);
    await until('the confirmation mails', () => mailsTo(smtp, 'pending@example.com').length >= 3);
    await new Promise((r) => setTimeout(r, 800));
    assert.equal(mailsTo(smtp, 'pending@example.com').length, 3);
    // A confirmed address signing up again is left as it chose.
    await signUp(t, 'reader.one@example.com', 'breaking');
    assert.equal(sql(t.db, "SELECT frequency FROM digest_subscribers WHERE email = 'reader.one@example.com'"), 'daily');
  });

  let digestOne;
  test('the daily digest: Hindi, text and HTML, the right stories with canonical links, one-click unsubscribe headers', async () => {
    const before = smtp.mails.length;
    setting(t.db, 'digest_time', '00:00');
    await until('two digests', () => smtp.mails.length >= before + 2);
    await new Promise((r) => setTimeout(r, 800));
    const got = smtp.mails.slice(before);
    assert.deepEqual(got.map((m) => m.to[0]).sort(), ['<reader.one@example.com>', '<three@example.com>'],
      'confirmed daily subscribers alone get it: not the pending address, not the breaking-only one');
    const m = parts(got.find((x) => x.to[0] === '<reader.one@example.com>').data);
    digestOne = m;
    assert.match(m.headers.get('content-type'), /^multipart\/alternative; boundary="/);
    assert.match(decode2047(m.headers.get('subject')), /आज की प्रमुख खबरें/);
    assert.match(m.headers.get('list-unsubscribe'), /^<https:\/\/khabar\.example\/digest\/unsubscribe\?t=m[0-9]+\.0\.[0-9a-f]{32}>, <mailto:desk@news\.example\?subject=unsubscribe>$/);
    assert.equal(m.headers.get('list-unsubscribe-post'), 'List-Unsubscribe=One-Click');
    const text = m.parts['text/plain'], html = m.parts['text/html'];
    // Reader one chose the first category: its story of today, not the
    // other category's, not the one of three days ago.
    assert.ok(text.includes(stories[0][1]) && text.includes(`https://khabar.example/news/${stories[0][0]}\r\n`), text);
    assert.ok(!text.includes(stories[1][1]) && !text.includes(stories[2][1]));
    assert.match(html, /<html lang="hi">/);
    assert.ok(html.includes(`href="https://khabar.example/news/${stories[0][0]}"`));
    assert.doesNotMatch(text + html, /utm_/);
    assert.match(text, /पसंद बदलें: https:\/\/khabar\.example\/digest\/manage\?t=/);
    const t3 = parts(got.find((x) => x.to[0] === '<three@example.com>').data).parts['text/plain'];
    assert.ok(t3.includes(stories[0][1]) && t3.includes(stories[1][1]) && !t3.includes(stories[2][1]), 'no categories: all of today');
    // Once a day: a later round makes no second one.
    await t.advance(60);
    await new Promise((r) => setTimeout(r, 600));
    assert.equal(smtp.mails.length, before + 2);
  });

  test('the preferences page from the mail changes the choices; a GET of the unsubscribe link only asks', async () => {
    const manage = local(linkIn(digestOne.parts['text/plain'], 'manage'));
    const c = new Client(t.site.base);
    const { res, html } = await c.page(manage);
    assert.equal(res.status, 200);
    assert.match(html, new RegExp(`name="category" value="${cats[0]}" checked`));
    assert.match(html, /सदस्यता छोड़ें/);
    const token = new URL('http://x' + manage).searchParams.get('t');
    const body = new URLSearchParams([['csrf', c.csrf], ['t', token], ['frequency', 'breaking'], ['category', String(cats[1])]]);
    const saved = await fetch(t.site.base + '/digest/manage', { method: 'POST', body, headers: { cookie: c.cookieHeader() } });
    assert.equal(saved.status, 200);
    assert.equal(sql(t.db, "SELECT frequency FROM digest_subscribers WHERE email = 'reader.one@example.com'"), 'breaking');
    assert.equal(sql(t.db, "SELECT group_concat(category_id) FROM digest_topics t JOIN digest_subscribers s ON s.id = t.subscriber_id WHERE email = 'reader.one@example.com'".replace('group_concat(category_id)', 'min(category_id)')), String(cats[1]));
    const unsub = local(digestOne.headers.get('list-unsubscribe').match(/<(https:[^>]+)>/)[1]);
    const ask = await fetch(t.site.base + unsub);
    assert.equal(ask.status, 200);
    assert.match(await ask.text(), /हाँ, सदस्यता छोड़ें/);
    assert.equal(state(t.db, 'reader.one@example.com'), 'confirmed');
    assert.equal((await fetch(t.site.base + '/digest/manage?t=m1.0.00000000000000000000000000000000')).status, 404);
  });

  test('a breaking alert mails the breaking-only subscribers of its category', async () => {
    const ed = await loggedIn(t.site.base, 'sita');
    await ed.page('/newsroom/alerts/new');
    const before = smtp.mails.length;
    const slug = sql(t.db, `SELECT slug FROM categories WHERE id = ${cats[1]}`);
    const res = await ed.post('/newsroom/alerts', { title: 'बड़ी खबर: संसद में विधेयक पारित', text: 'देर रात मतदान', link: `/news/${stories[1][0]}`, target: slug });
    assert.equal(res.status, 303);
    await until('two breaking mails', () => smtp.mails.length >= before + 2);
    const got = smtp.mails.slice(before);
    assert.deepEqual(got.map((m) => m.to[0]).sort(), ['<breaking@example.com>', '<reader.one@example.com>']);
    const m = parts(got[0].data);
    assert.match(decode2047(m.headers.get('subject')), /^ब्रेकिंग: बड़ी खबर: संसद में विधेयक पारित$/);
    assert.ok(m.parts['text/plain'].includes(`https://khabar.example/news/${stories[1][0]}`));
    assert.equal(m.headers.get('list-unsubscribe-post'), 'List-Unsubscribe=One-Click');
  });

  test('one POST to the List-Unsubscribe URL unsubscribes, with no cookie and no token', async () => {
    const unsub = local(digestOne.headers.get('list-unsubscribe').match(/<(https:[^>]+)>/)[1]);
    const res = await fetch(t.site.base + unsub, {
      method: 'POST', body: 'List-Unsubscribe=One-Click', headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    assert.equal(res.status, 200);
    assert.match(await res.text(), /सदस्यता बंद हो गई/);
    assert.equal(state(t.db, 'reader.one@example.com'), 'unsubscribed');
    // A forged one does nothing.
    const bad = await fetch(t.site.base + unsub.replace(/t=m\d+/, 't=m3'), { method: 'POST', body: 'List-Unsubscribe=One-Click', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    assert.equal(bad.status, 404);
    assert.equal(state(t.db, 'three@example.com'), 'confirmed');
  });

  test('editors see subscribers and sends; an admin exports the confirmed list as CSV', async () => {
    const ed = await loggedIn(t.site.base, 'sita');
    const { res, html } = await ed.page('/newsroom/digest');
    assert.equal(res.status, 200);
    assert.match(html, /<strong>2<\/strong> सक्रिय/);
    assert.match(html, /<strong>1<\/strong> सदस्यता छोड़ी/);
    assert.match(html, /id="digest-unsubs">1</);
    assert.match(html, /रोज़ का डाइजेस्ट/);
    assert.equal((await ed.get('/newsroom/digest/subscribers.csv')).status, 403);
    const admin = await loggedIn(t.site.base, 'anil');
    const csv = await admin.get('/newsroom/digest/subscribers.csv');
    assert.equal(csv.status, 200);
    assert.match(csv.headers.get('content-type'), /^text\/csv/);
    const rows = (await csv.text()).trim().split('\r\n');
    assert.equal(rows[0], 'email,frequency,categories,confirmed_at');
    assert.deepEqual(rows.slice(1).map((r) => r.split(',').slice(0, 2).join(',')).sort(), ['breaking@example.com,breaking', 'three@example.com,daily']);
  });
});

// Confirmed daily subscribers a0..a(n-1)@example.com, straight into the store.
function subscribers(db, n, now, prefix = 'a') {
  const values = [];
  for (let i = 0; i < n; i++) values.push(`('${prefix}${i}@example.com', 'confirmed', 'daily', ${now}, ${now}, ${now})`);
  sql(db, `INSERT INTO digest_subscribers(email, state, frequency, created_at, confirmed_at, updated_at) VALUES ${values.join(',')}`);
}
// Puts one story a minute before now + ahead: in the window of the
// digest made then.
const freshStory = (t, ahead = 0) => addStory(t, `ताज़ा खबर ${storyCount + 1}`, 'देश', t.now() + ahead - 60);

describe('hard bounces', () => {
  let smtp, t;
  before(async () => {
    smtp = await startSmtp(0, { reject: (addr) => (addr.startsWith('gone') ? '550 5.1.1 no such user' : null) });
    t = await digestSite(smtp.port, { digest_bounces: '3' }, 3);
  });
  after(async () => { await t.site.stop(); await smtp.close(); });

  test('a 5xx at RCPT counts a bounce; three in a row disable the address, a good one keeps getting mail', async () => {
    subscribers(t.db, 1, t.now(), 'gone');
    subscribers(t.db, 1, t.now(), 'fine');
    for (let day = 1; day <= 4; day++) {
      freshStory(t, day === 1 ? 0 : 86400);
      if (day === 1) setting(t.db, 'digest_time', '00:00');
      else await t.advance(86400);
      await until(`day ${day}'s digest to fine@`, () => mailsTo(smtp, 'fine0@example.com').length === day);
      await until(`day ${day}'s mail to gone@ settled`, () => sql(t.db, "SELECT count(*) FROM digest_queue WHERE state IN ('queued', 'sending')") === '0');
      const want = day < 3 ? 'confirmed' : 'bounced';
      assert.equal(state(t.db, 'gone0@example.com'), want, `after day ${day}`);
    }
    assert.equal(sql(t.db, "SELECT count(*) FROM digest_queue q JOIN digest_subscribers s ON s.id = q.subscriber_id WHERE s.email = 'gone0@example.com' AND q.state = 'bounced'"), '3');
    assert.equal(sql(t.db, "SELECT bounces FROM digest_subscribers WHERE email = 'fine0@example.com'"), '0');
  });

  test('the queue keeps to digest_rate: 300 a minute send 10 mails in no less than 1.8 s', async () => {
    setting(t.db, 'digest_rate', '300');
    subscribers(t.db, 9, t.now(), 'slow');
    const before = smtp.mails.length;
    freshStory(t, 86400);
    await t.advance(86400);
    await until('the first mail', () => smtp.mails.length > before);
    const first = Date.now();
    await until('ten mails', () => smtp.mails.length >= before + 10);
    const took = Date.now() - first;
    assert.ok(took >= 1600 && took < 6000, `9 gaps of 0.2 s took ${took} ms`);
  });
});

describe('a server killed in the middle of a send', () => {
  let smtp, t;
  before(async () => {
    smtp = await startSmtp(0, { delayMs: 15 });
    t = await digestSite(smtp.port, {}, 3);
  });
  after(async () => { await t.site.stop(); await smtp.close(); });

  test('200 subscribers, kill -9 half-way, start again: every address gets exactly one digest', async () => {
    subscribers(t.db, 200, t.now());
    freshStory(t);
    setting(t.db, 'digest_time', '00:00');
    await until('half the digests', () => smtp.mails.length >= 100, 30000);
    t.site.child.kill('SIGKILL');
    await new Promise((r) => t.site.child.once('exit', r));
    const atKill = smtp.mails.length;
    assert.ok(atKill < 200, `the kill came before the end (${atKill} sent)`);
    const left = sql(t.db, "SELECT state || ':' || count(*) FROM digest_queue GROUP BY state ORDER BY state");
    await t.restart();
    // The dead server's claim runs out after the lease.
    await t.advance(130);
    await until('every digest', () => new Set(smtp.mails.map((m) => m.to[0])).size === 200, 30000);
    await new Promise((r) => setTimeout(r, 1000));
    const per = new Map();
    for (const m of smtp.mails) per.set(m.to[0], (per.get(m.to[0]) || 0) + 1);
    const twice = [...per].filter(([, n]) => n !== 1);
    assert.deepEqual(twice, [], `mailed more than once (queue at the kill: ${left})`);
    assert.equal(smtp.mails.length, 200);
    assert.equal(sql(t.db, "SELECT count(*) FROM digest_queue WHERE state NOT IN ('sent', 'unknown')"), '0');
  });
});
