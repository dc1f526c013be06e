// HTTP black-box tests of readers' tips, against the real binary: the
// form and its confirmation, photos through the media pipeline without
// their GPS position, the mail to the newsroom through a real SMTP listener
// on loopback (Hindi subject in RFC 2047, UTF-8 body), retries, the
// abuse controls (rate limits with 429 and Retry-After, honeypot, minimum
// fill time, sizes, duplicates), bad input refused with nothing stored,
// the newsroom's queue and what it does with a tip, and retention.
// The server runs on an injected clock, so "three seconds later" and
// "two days later" need no waiting.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { freePort, khabar, newDb, root, setServerClock, sql, startSite } from '../lib/khabar.mjs';
import { Client, addUser, hasExif, loggedIn } from '../lib/newsroom.mjs';
import { decode2047, parseMail, startSmtp } from '../lib/smtp.mjs';

const photo = readFileSync(path.join(root, 'tests', 'fixtures', 'photo-gps.jpg'));
const TEXT = 'सीतापुर के रामपुर गाँव में नई सड़क धँस गई।\nग्रामीणों ने ठेकेदार पर घटिया सामग्री का आरोप लगाया है।';

// A site on an injected clock, with the SMTP settings pointing at smtpPort.
async function tipSite(smtpPort, env = {}) {
  const dir = mkdtempSync('/tmp/khabar-tips-clock-');
  const clockFile = path.join(dir, 'now');
  let now = Math.ceil(Date.now() / 60000) * 60 + 600;
  writeFileSync(clockFile, String(now));
  const t = { clockFile };
  // The server reads the clock file every 0.2 s: wait until it has.
  t.advance = async (seconds) => {
    now += seconds;
    await setServerClock(clockFile, now, t.site?.base);
  };
  t.now = () => now;
  const dir2 = mkdtempSync('/tmp/khabar-tips-db-');
  const db = newDb(dir2);
  // The photos' folder, named (a database on PostgreSQL has none beside it).
  t.media = path.join(dir2, 'media');
  assert.equal(khabar(['demo', '--db', db, '--articles', '5']).status, 0);
  for (const [k, v] of Object.entries({ tips_email: 'desk@news.example', smtp_host: '127.0.0.1', smtp_port: String(smtpPort), smtp_password: 'sEcReT-pw-42' }))
    assert.equal(khabar(['settings', 'set', k, v, '--db', db]).status, 0);
  Object.assign(process.env, env);
  t.site = await startSite({ db, extraArgs: ['--fake-clock', clockFile, '--media', t.media] });
  for (const k of Object.keys(env)) delete process.env[k];
  t.db = db;
  return t;
}

// A reader who opened the form: {c, stamp}.
async function reader(base) {
  const c = new Client(base);
  const { res, html } = await c.page('/tips');
  assert.equal(res.status, 200);
  const stamp = html.match(/name="stamp" value="([^"]+)"/)[1];
  return { c, stamp, html };
}

// Sends a tip (multipart, as the browser does) with photos [{name, bytes, type}].
async function send(r, fields = {}, photos = []) {
  const body = new FormData();
  const all = { csrf: r.c.csrf, stamp: r.stamp, kind: 'news', body: TEXT, place: 'सीतापुर', name: 'रमेश', contact: '98765 43210', consent: '1', ...fields };
  for (const [k, v] of Object.entries(all)) if (v !== null) body.append(k, v);
  for (const p of photos) body.append('photo', new Blob([p.bytes], { type: p.type || 'image/jpeg' }), p.name);
  if (!photos.length) body.append('photo', new Blob([]), '');
  const res = await fetch(r.c.base + '/tips', { method: 'POST', body, redirect: 'manual', headers: { cookie: r.c.cookieHeader() } });
  return { res, html: await res.text() };
}

// Polls ok() every 100 ms for up to 5 s.
async function waitFor(ok, what) {
  for (let i = 0; i < 50; i++) {
    if (ok()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.fail(`timed out: ${what}`);
}

const count = (db) => Number(sql(db, 'SELECT count(*) FROM tips'));
const mediaCount = (db) => Number(sql(db, 'SELECT count(*) FROM media'));
// Photos' bytes live in the database: an upload's as "original" until made.
const originals = (db) => Number(sql(db, "SELECT count(*) FROM media_files WHERE name = 'original'"));
const fileRows = (db) => Number(sql(db, 'SELECT count(*) FROM media_files'));

describe('a tip from form to newsroom, with its mail', () => {
  let smtp, t, editor, ref, tipId;
  before(async () => {
    smtp = await startSmtp();
    t = await tipSite(smtp.port);
    addUser(t.db, 'sita', 'editor', 'सीता वर्मा');
    addUser(t.db, 'ram', 'reporter', 'राम शर्मा');
  });
  after(async () => { await t.site.stop(); await smtp.close(); });

  test('every page links to the form, which is Hindi, private and complete', async () => {
    const home = await (await fetch(t.site.base + '/')).text();
    assert.match(home, /<a href="\/tips">खबर, सुझाव या शिकायत भेजें<\/a>/);
    const r = await reader(t.site.base);
    const res = await fetch(t.site.base + '/tips');
    assert.equal(res.headers.get('cache-control'), 'private, no-store');
    assert.match(res.headers.get('set-cookie'), /kb_pre=[0-9a-f]{64}; Path=\/tips; HttpOnly; SameSite=Lax/);
    for (const field of ['name="name"', 'name="contact"', 'name="place"', 'name="body"', 'name="photo"', 'name="consent"', 'name="website"'])
      assert.ok(r.html.includes(field), `the form has ${field}`);
    for (const kind of ['value="news"', 'value="suggestion"', 'value="complaint"']) assert.ok(r.html.includes(kind));
    assert.match(r.html, /enctype="multipart\/form-data"/);
    assert.match(r.html, /<html lang="hi">/);
  });

  test('a Hindi tip with a photo is stored with a reference, the photo without GPS', async () => {
    const r = await reader(t.site.base);
    await t.advance(5);
    const { res } = await send(r, {}, [{ name: 'सड़क.jpg', bytes: photo }]);
    assert.equal(res.status, 303);
    const loc = res.headers.get('location');
    assert.match(loc, /^\/tips\/sent\?ref=KH-[2-9A-Z]{4}-[2-9A-Z]{4}$/);
    ref = loc.split('=')[1];
    const page = await fetch(t.site.base + loc);
    assert.equal(page.status, 200);
    const html = await page.text();
    assert.match(html, /आपका संदेश मिल गया/);
    assert.ok(html.includes(ref));
    const row = sql(t.db, `SELECT id, kind, place, name, contact, body, status FROM tips WHERE ref = '${ref}'`).split('|');
    tipId = row[0];
    assert.deepEqual(row.slice(1, 5), ['news', 'सीतापुर', 'रमेश', '98765 43210']);
    assert.equal(row.slice(5, -1).join('|'), TEXT);
    assert.equal(row.at(-1), 'new');
    // The photo goes through the media pipeline; what comes out has no EXIF.
    let widths = '';
    for (let i = 0; i < 50 && !widths; i++) {
      widths = sql(t.db, `SELECT m.widths FROM media m JOIN tip_media tm ON tm.media_id = m.id WHERE tm.tip_id = ${tipId} AND m.status = 'ready'`);
      if (!widths) await new Promise((res2) => setTimeout(res2, 100));
    }
    assert.ok(widths, 'the photo was processed');
    const stem = sql(t.db, `SELECT m.stem FROM media m JOIN tip_media tm ON tm.media_id = m.id WHERE tm.tip_id = ${tipId}`);
    for (const f of [`${stem}-320.jpg`, `${stem}-640.webp`, `${stem}-social.jpg`]) {
      const img = await fetch(`${t.site.base}/media/${f}`);
      assert.equal(img.status, 200, f);
      assert.equal(hasExif(await img.arrayBuffer()), false, `${f} has no EXIF or GPS`);
    }
    assert.equal(originals(t.db), 0, 'the original is gone once processed');
  });

  test('the newsroom gets a mail with the tip in UTF-8 and a Hindi RFC 2047 subject', async () => {
    const mine = (m) => decode2047(parseMail(m.data).headers.get('subject')).includes(ref);
    const mail = smtp.mails.find(mine) || await smtp.next();
    assert.ok(mine(mail));
    assert.equal(mail.to[0], '<desk@news.example>');
    const { headers, body } = parseMail(mail.data);
    const rawSubject = headers.get('subject');
    assert.match(rawSubject, /^=\?UTF-8\?B\?/);
    for (const word of rawSubject.split(' ')) assert.ok(word.length <= 75, `encoded word of ${word.length} chars`);
    // Each word decodes alone: no character was split between two words.
    for (const word of rawSubject.split(' ')) assert.ok(!decode2047(word).includes('\ufffd'));
    const subject = decode2047(rawSubject);
    assert.ok(subject.startsWith(`नई खबर (${ref}), सीतापुर: सीतापुर के रामपुर गाँव`), subject);
    assert.equal(headers.get('content-type'), 'text/plain; charset=UTF-8');
    assert.equal(headers.get('content-transfer-encoding'), 'base64');
    const text = Buffer.from(body.replace(/\r\n/g, ''), 'base64').toString('utf8');
    assert.ok(text.includes(TEXT.replace('\n', '\r\n')), text);
    assert.match(text, /संपर्क: 98765 43210/);
    assert.match(text, new RegExp(`/newsroom/tips/${tipId}`));
    await waitFor(() => sql(t.db, 'SELECT count(*) FROM mail_queue') === '0', 'a sent mail leaves the queue');
  });

  test('the header counts unread tips; the queue filters and searches', async () => {
    editor = await loggedIn(t.site.base, 'sita');
    const { html } = await editor.page('/newsroom');
    assert.match(html, /href="\/newsroom\/tips">पाठकों की खबरें <span class="nr-count"[^>]*>1<\/span>/);
    const list = async (q) => (await editor.page('/newsroom/tips' + q)).html;
    assert.ok((await list('')).includes(`/newsroom/tips/${tipId}`));
    assert.ok((await list('?status=new')).includes(ref));
    assert.ok(!(await list('?status=used')).includes(ref));
    const filtered = await list('?kind=news&q=' + encodeURIComponent('रामपुर'));
    assert.ok(filtered.includes(ref));
    // The status tabs keep the other filters.
    assert.ok(filtered.includes(`href="/newsroom/tips?status=used&amp;kind=news&amp;q=${encodeURIComponent('रामपुर')}"`), 'tabs keep the filters');
    assert.ok((await list('?q=' + encodeURIComponent('सीतापुर'))).includes(ref), 'by place');
    assert.ok((await list('?q=' + ref.toLowerCase())).includes(ref), 'by reference');
    assert.ok(!(await list('?kind=complaint')).includes(ref));
    assert.ok(!(await list('?q=' + encodeURIComponent('दिल्ली'))).includes(ref));
  });

  test('opening a tip marks it read; status, assignee and notes are kept', async () => {
    const { html } = await editor.page(`/newsroom/tips/${tipId}`);
    assert.ok(html.includes('98765 43210'));
    assert.doesNotMatch(html, /class="nr-count"/, 'read now');
    let res = await editor.post(`/newsroom/tips/${tipId}/status`, { status: 'rejected' });
    assert.equal(res.status, 303);
    assert.equal(sql(t.db, `SELECT status FROM tips WHERE id = ${tipId}`), 'rejected');
    res = await editor.post(`/newsroom/tips/${tipId}/status`, { status: 'bogus' });
    assert.equal(res.status, 400);
    const ram = sql(t.db, "SELECT id FROM users WHERE login = 'ram'");
    res = await editor.post(`/newsroom/tips/${tipId}/assign`, { assignee: ram });
    assert.equal(res.status, 303);
    res = await editor.post(`/newsroom/tips/${tipId}/note`, { note: 'ठेकेदार से बात करनी है' });
    assert.equal(res.status, 303);
    const page = (await editor.page(`/newsroom/tips/${tipId}`)).html;
    assert.match(page, /ठेकेदार से बात करनी है/);
    assert.match(page, /<option value="\d+" selected>राम शर्मा<\/option>/);
    const reporter = await loggedIn(t.site.base, 'ram');
    assert.ok((await reporter.page('/newsroom/tips?mine=1')).html.includes(ref), 'the assignee finds it under "mine"');
    assert.ok(!(await editor.page('/newsroom/tips?mine=1')).html.includes(ref));
    assert.equal((await reporter.post(`/newsroom/tips/${tipId}/delete`)).status, 403, 'reporters do not delete');
  });

  test('a draft made from the tip carries its text, place and photo', async () => {
    const res = await editor.post(`/newsroom/tips/${tipId}/draft`);
    assert.equal(res.status, 303);
    const m = res.headers.get('location').match(/^\/newsroom\/articles\/(\d+)$/);
    assert.ok(m, res.headers.get('location'));
    const [title, status, dateline, media, body] = sql(t.db, `SELECT title, status, dateline, coalesce(media_id, 0), body FROM articles WHERE id = ${m[1]}`).split('|');
    assert.equal(title, 'सीतापुर के रामपुर गाँव में नई सड़क धँस गई।');
    assert.equal(status, 'draft');
    assert.equal(dateline, 'सीतापुर');
    assert.equal(media, sql(t.db, `SELECT media_id FROM tip_media WHERE tip_id = ${tipId}`));
    assert.ok(body.startsWith('सीतापुर के रामपुर गाँव'));
    assert.equal(sql(t.db, `SELECT article_id || ' ' || status FROM tips WHERE id = ${tipId}`), `${m[1]} rejected`);
    const editorPage = (await editor.page(res.headers.get('location'))).html;
    assert.ok(editorPage.includes('सीतापुर के रामपुर गाँव में नई सड़क धँस गई।'));
  });

  test('deleting a tip keeps the photo its draft uses; an unused photo goes with its files', async () => {
    // A second tip with a photo and no draft.
    const r = await reader(t.site.base);
    await t.advance(5);
    const { res } = await send(r, { body: 'दूसरी खबर: पुल पर दरार दिखी है, आवाजाही जारी है।' }, [{ name: 'pul.jpg', bytes: photo }]);
    assert.equal(res.status, 303);
    const second = sql(t.db, 'SELECT max(id) FROM tips');
    const stem = sql(t.db, `SELECT m.stem FROM media m JOIN tip_media tm ON tm.media_id = m.id WHERE tm.tip_id = ${second}`);
    for (let i = 0; i < 50 && sql(t.db, `SELECT status FROM media WHERE stem = '${stem}'`) !== 'ready'; i++)
      await new Promise((r2) => setTimeout(r2, 100));
    const mediaDir = t.media;
    assert.ok(readdirSync(mediaDir).some((f) => f.startsWith(stem)));
    assert.equal((await editor.post(`/newsroom/tips/${second}/delete`)).status, 303);
    assert.equal(sql(t.db, `SELECT count(*) FROM tips WHERE id = ${second}`), '0');
    assert.equal(sql(t.db, `SELECT count(*) FROM media WHERE stem = '${stem}'`), '0');
    assert.ok(!readdirSync(mediaDir).some((f) => f.startsWith(stem)), 'its files are gone');
    assert.equal((await fetch(`${t.site.base}/media/${stem}-320.jpg`)).status, 404, 'and not in the database');
    // The first tip's photo is the draft's: deleting the tip keeps it.
    const kept = sql(t.db, `SELECT media_id FROM tip_media WHERE tip_id = ${tipId}`);
    assert.equal((await editor.post(`/newsroom/tips/${tipId}/delete`)).status, 303);
    assert.equal(sql(t.db, `SELECT count(*) FROM media WHERE id = ${kept}`), '1');
    assert.equal((await editor.post(`/newsroom/tips/${tipId}/delete`)).status, 404);
  });

  test('the settings page never shows the SMTP password', async () => {
    const admin = new Client(t.site.base);
    addUser(t.db, 'boss', 'admin', 'मालिक');
    await admin.login('boss');
    const { html } = await admin.page('/newsroom/settings');
    assert.ok(!html.includes('sEcReT-pw-42'));
    assert.match(html, /पासवर्ड सहेजा हुआ है/);
    // Saving the form with the password field empty keeps the password.
    const res = await admin.post('/newsroom/settings', { name: 'खबर डेमो', tips_email: 'desk@news.example', smtp_host: '127.0.0.1', smtp_port: String(smtp.port), smtp_user: '', smtp_password: '', tips_retention_days: '30' });
    assert.equal(res.status, 200);
    assert.equal(sql(t.db, "SELECT value FROM settings WHERE key = 'smtp_password'"), 'sEcReT-pw-42');
    assert.equal(sql(t.db, "SELECT value FROM settings WHERE key = 'tips_retention_days'"), '30');
    const bad = await admin.post('/newsroom/settings', { name: 'खबर डेमो', tips_email: 'desk@news.example', smtp_host: 'evil/host', smtp_port: '25' });
    assert.equal(bad.status, 400);
    const listed = khabar(['settings', '--db', t.db]).stdout;
    assert.match(listed, /^smtp_password +\(set\)$/m);
    assert.ok(!listed.includes('sEcReT-pw-42'));
  });

  test('retention deletes old tips and their photos', async () => {
    const r = await reader(t.site.base);
    await t.advance(5);
    const { res } = await send(r, { body: 'पुरानी खबर जो तीस दिन बाद हटनी चाहिए।' }, [{ name: 'old.jpg', bytes: photo }]);
    assert.equal(res.status, 303);
    const id = sql(t.db, 'SELECT max(id) FROM tips');
    const mid = sql(t.db, `SELECT media_id FROM tip_media WHERE tip_id = ${id}`);
    await t.advance(29 * 86400);
    // A sentinel: a tip 31 days old by the new clock. Once retention has
    // deleted it, it has looked at the tip above with the same clock.
    sql(t.db, `INSERT INTO tips(ref, kind, body, digest, created_at, updated_at) VALUES ('SENTINEL', 'news', 'x', 'x', ${t.now() - 31 * 86400}, ${t.now() - 31 * 86400})`);
    await waitFor(() => sql(t.db, "SELECT count(*) FROM tips WHERE ref = 'SENTINEL'") === '0', 'retention to delete the sentinel');
    assert.equal(sql(t.db, `SELECT count(*) FROM tips WHERE id = ${id}`), '1', 'kept for 30 days');
    await t.advance(2 * 86400);
    let left = '1';
    for (let i = 0; i < 30 && left !== '0'; i++) {
      await new Promise((r2) => setTimeout(r2, 100));
      left = sql(t.db, `SELECT count(*) FROM tips WHERE id = ${id}`);
    }
    assert.equal(left, '0', 'deleted after 30 days');
    assert.equal(sql(t.db, `SELECT count(*) FROM media WHERE id = ${mid}`), '0');
  });
});

describe('bad input: a clear Hindi answer, nothing stored', () => {
  let t, r;
  before(async () => {
    t = await tipSite(await freePort());
    r = await reader(t.site.base);
    await t.advance(5);
  });
  after(async () => { await t.site.stop(); });

  const nothingStored = (label) => {
    assert.equal(count(t.db), 0, `${label}: no tip`);
    assert.equal(mediaCount(t.db), 0, `${label}: no photo row`);
    assert.equal(fileRows(t.db), 0, `${label}: no photo bytes`);
  };

  test('missing text, missing place, no consent, an unknown type', async () => {
    let { res, html } = await send(r, { body: '   ' }, [{ name: 'a.jpg', bytes: photo }]);
    assert.equal(res.status, 400);
    assert.match(html, /role="alert" id="tip-error">कृपया अपनी खबर, सुझाव या शिकायत लिखें।/);
    assert.match(html, /value="सीतापुर"/, 'what the reader typed is kept');
    ({ res, html } = await send(r, { place: '' }));
    assert.equal(res.status, 400);
    assert.match(html, /किस जगह की बात है/);
    ({ res, html } = await send(r, { consent: null }));
    assert.equal(res.status, 400);
    assert.match(html, /सहमति वाले बॉक्स/);
    ({ res } = await send(r, { kind: 'spam' }));
    assert.equal(res.status, 400);
    nothingStored('bad fields');
  });

  test('a photo over 10 MB, a file that is not a photo, six photos', async () => {
    const big = Buffer.concat([photo, Buffer.alloc(10 * 1024 * 1024)]);
    let { res, html } = await send(r, {}, [{ name: 'ok.jpg', bytes: photo }, { name: 'बड़ी.jpg', bytes: big }]);
    assert.equal(res.status, 413);
    assert.match(html, /फ़ोटो “बड़ी.jpg” 10.\d MB की है। हर फ़ोटो 10 MB तक ही हो सकती है।/);
    ({ res, html } = await send(r, {}, [{ name: 'ok.jpg', bytes: photo }, { name: 'virus.exe', bytes: Buffer.from('MZ\x90\x00 not a photo at all'), type: 'image/jpeg' }]));
    assert.equal(res.status, 415);
    assert.match(html, /“virus.exe” फ़ोटो नहीं है/);
    ({ res, html } = await send(r, {}, Array.from({ length: 6 }, (_, i) => ({ name: `${i}.jpg`, bytes: photo }))));
    assert.equal(res.status, 413);
    assert.match(html, /5 फ़ोटो तक/);
    nothingStored('bad photos');
  });

  test('a body over the 24 MiB limit is refused before it is read', async () => {
    const res = await fetch(t.site.base + '/tips', {
      method: 'POST', body: Buffer.alloc(25 * 1024 * 1024), redirect: 'manual',
      headers: { cookie: r.c.cookieHeader(), 'content-type': 'multipart/form-data; boundary=x' },
    }).catch((e) => ({ status: 'reset', e }));
    assert.ok(res.status === 413 || res.status === 'reset', `got ${res.status}`);
    nothingStored('huge body');
  });

  test('no token, a forged stamp, a form sent too soon', async () => {
    // A stale or missing token (an old tab, cookies blocked): 403, nothing
    // kept, and the form again with what the reader typed and a new token.
    for (const csrf of ['f'.repeat(64), null]) {
      const { res, html } = await send(r, { csrf });
      assert.equal(res.status, 403);
      assert.match(html, /फ़ॉर्म पुराना हो गया था/);
      assert.ok(html.includes(TEXT), 'the text comes back');
      assert.match(html, /name="place"[^>]*value="सीतापुर"/);
      const token = html.match(/name="csrf" value="([0-9a-f]*)"/);
      assert.ok(token && token[1].length >= 32 && token[1] !== 'f'.repeat(64), 'a fresh token');
    }
    // Sent from another site: the plain 403, not a form filled in by it.
    {
      const body = new FormData();
      for (const [k, v] of Object.entries({ csrf: 'f'.repeat(64), stamp: r.stamp, kind: 'news', body: TEXT, place: 'सीतापुर', consent: '1' })) body.append(k, v);
      const res = await fetch(r.c.base + '/tips', { method: 'POST', body, redirect: 'manual', headers: { cookie: r.c.cookieHeader(), 'sec-fetch-site': 'cross-site' } });
      const html = await res.text();
      assert.equal(res.status, 403);
      assert.ok(!html.includes(TEXT), 'another site\'s text is not shown back');
      assert.ok(!/name="csrf"/.test(html), 'and no token is handed out');
    }
    nothingStored('stale token');
    let res, html;
    ({ res, html } = await send(r, { stamp: `${t.now() - 100}.${'0'.repeat(64)}` }));
    assert.equal(res.status, 400);
    assert.match(html, /फ़ॉर्म पुराना हो गया है/);
    const fresh = await reader(t.site.base);
    ({ res, html } = await send(fresh));
    assert.equal(res.status, 400);
    assert.match(html, /फ़ॉर्म बहुत जल्दी भेजा गया/);
    nothingStored('bad tokens');
  });

  test('the honeypot field: thanked, nothing kept', async () => {
    const { res } = await send(r, { website: 'http://spam.example' }, [{ name: 'a.jpg', bytes: photo }]);
    assert.equal(res.status, 303);
    assert.match(res.headers.get('location'), /^\/tips\/sent\?ref=KH-/);
    nothingStored('honeypot');
  });

  test('the same text twice within a day is a duplicate', async () => {
    await t.advance(601); // past the rate limit the tests above used up
    r = await reader(t.site.base);
    await t.advance(5);
    let { res } = await send(r, { body: 'नहर का पानी गाँव में घुस गया, फसलें डूबीं।' });
    assert.equal(res.status, 303);
    let html;
    ({ res, html } = await send(r, { body: '  नहर का  पानी गाँव में घुस गया... फसलें डूबीं!!' }));
    assert.equal(res.status, 409);
    assert.match(html, /पहले ही मिल चुका है/);
    assert.equal(count(t.db), 1);
  });
});

describe('rate limits', () => {
  let t;
  before(async () => { t = await tipSite(await freePort()); });
  after(async () => { await t.site.stop(); });

  test('50 rapid submissions from one address: all beyond 10 get a Hindi 429 with Retry-After', async () => {
    const r = await reader(t.site.base);
    await t.advance(5);
    const results = [];
    for (let i = 0; i < 50; i++) results.push(await send(r, { body: `तेज़ी से भेजी गई खबर संख्या ${i} का पूरा विवरण` }));
    const codes = results.map((x) => x.res.status);
    assert.deepEqual(codes.slice(0, 10), Array(10).fill(303));
    assert.deepEqual(codes.slice(10), Array(40).fill(429));
    assert.equal(count(t.db), 10);
    const limited = results[10];
    const wait = Number(limited.res.headers.get('retry-after'));
    assert.ok(wait > 0 && wait <= 600, `Retry-After ${wait}`);
    assert.match(limited.html, /थोड़ी देर बाद फिर भेजें/);
    assert.match(limited.html, /कृपया \d+ मिनट बाद \(\d\d:\d\d बजे के बाद\) फिर कोशिश करें/);
    // The window slides: ten minutes later the address may send again.
    await t.advance(601);
    const later = await reader(t.site.base);
    await t.advance(5);
    assert.equal((await send(later, { body: 'दस मिनट बाद भेजी गई एक और नई खबर' })).res.status, 303);
  });
});

describe('mail retries', () => {
  test('a mail that cannot go is retried off the request path until the server answers', async () => {
    const port = await freePort();
    const t = await tipSite(port, { KHABAR_TIPS_MAIL_RETRY_S: '1' });
    try {
      const r = await reader(t.site.base);
      await t.advance(5);
      const { res } = await send(r, { body: 'मेल सर्वर बंद था, फिर भी खबर पहुँचनी चाहिए।' });
      assert.equal(res.status, 303);
      // The request only queued the mail: the reader's answer came while
      // it still waits in the queue (the server is down), not after it.
      assert.equal(sql(t.db, 'SELECT count(*) FROM mail_queue'), '1', 'the mail is queued, not sent in the request');
      let tries = 0;
      for (let i = 0; i < 40 && tries < 1; i++) {
        await new Promise((r2) => setTimeout(r2, 100));
        tries = Number(sql(t.db, 'SELECT coalesce(max(tries), 0) FROM mail_queue'));
      }
      assert.ok(tries >= 1, 'the first try failed and was counted');
      assert.match(sql(t.db, 'SELECT error FROM mail_queue'), /connect|Couldn't/i);
      const smtp = await startSmtp(port);
      try {
        await t.advance(5);
        const mail = await smtp.next(15000);
        assert.match(decode2047(parseMail(mail.data).headers.get('subject')), /मेल सर्वर बंद था/);
        await waitFor(() => sql(t.db, 'SELECT count(*) FROM mail_queue') === '0', 'the queue is empty');
      } finally {
        await smtp.close();
      }
    } finally {
      await t.site.stop();
    }
  });
});
