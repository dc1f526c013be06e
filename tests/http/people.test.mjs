// HTTP black-box tests of issue 19's people and corrections, on either
// backend: the site's NewsMediaOrganization JSON-LD (its policies and
// contact point only when they exist), the dateModified rule (an ordinary
// edit leaves it, a significant one or a note moves it, in JSON-LD, the
// sitemap and the feed), corrections and updates on a story and at
// /corrections, author profiles (a reporter edits only their own; links
// checked; Person JSON-LD with sameAs on the author page and the story),
// grievances (the reference and acknowledgement at once, mailed to the
// reader; days left against the admin's deadlines; marking; the monthly
// counts an admin publishes), page revisions and the audit of page
// changes, and the Nu HTML Checker on the new pages. One server, on a
// fake clock so deadlines and dates are exact.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { khabar, newDb, root, setServerClock, sql, startSite, until } from '../lib/khabar.mjs';
import { Client, addUser, loggedIn, publishStory } from '../lib/newsroom.mjs';
import { decode2047, parseMail, startSmtp } from '../lib/smtp.mjs';

const VNU_JAR = ['build/dist/vnu.jar', 'vnu.jar'].map((f) => path.join(root, 'node_modules/vnu-jar', f)).find(existsSync) || '';
const photo = readFileSync(path.join(root, 'tests', 'fixtures', 'photo-gps.jpg'));

let site, smtp, clockFile, now, db;
const advance = async (s) => { now += s; await setServerClock(clockFile, now, site.base); };
// The site's time (Asia/Kolkata) of t, as its JSON-LD writes it.
const iso = (t) => new Date((t + 19800) * 1000).toISOString().slice(0, 19) + '+05:30';
const get = (p) => fetch(site.base + p, { redirect: 'manual' });
const html = async (p) => (await get(p)).text();
// The JSON-LD blocks of a page, parsed.
const jsonld = async (p) => [...(await html(p)).matchAll(/<script type="application\/ld\+json">([^<]*)<\/script>/g)].map((m) => JSON.parse(m[1]));
const setting = (k, v) => assert.equal(khabar(['settings', 'set', k, v, '--db', db]).status, 0, k);

before(async () => {
  smtp = await startSmtp();
  const dir = mkdtempSync('/tmp/khabar-people-');
  clockFile = path.join(dir, 'now');
  now = Math.ceil(Date.now() / 60000) * 60 + 600;
  writeFileSync(clockFile, String(now));
  db = newDb(dir);
  assert.equal(khabar(['demo', '--db', db, '--articles', '3']).status, 0);
  for (const [k, v] of Object.entries({ tips_email: 'desk@news.example', smtp_host: '127.0.0.1', smtp_port: String(smtp.port), email: '' }))
    setting(k, v);
  site = await startSite({ db, extraArgs: ['--fake-clock', clockFile, '--media', path.join(dir, 'media')] });
  addUser(db, 'sita', 'editor', 'सीता वर्मा');
  addUser(db, 'ram', 'reporter', 'राम शर्मा');
  addUser(db, 'mohan', 'reporter', 'मोहन लाल');
  addUser(db, 'admin', 'admin', 'एडमिन');
});
after(async () => { if (process.env.PEOPLE_LOG) console.log(site.log().slice(-3000)); await site.stop(); await smtp.close(); });

describe('the site as an organisation', () => {
  test('publishingPrinciples, correctionsPolicy and ownershipFundingInfo name the published pages; contactPoint the settings', async () => {
    let org = (await jsonld('/'))[0];
    assert.equal(org['@type'], 'NewsMediaOrganization');
    assert.equal(org.publishingPrinciples, 'http://127.0.0.1:8080/page/editorial-policy');
    assert.equal(org.correctionsPolicy, 'http://127.0.0.1:8080/page/corrections-policy');
    assert.equal(org.ownershipFundingInfo, 'http://127.0.0.1:8080/page/about');
    assert.equal(org.contactPoint, undefined, 'no email or phone set: no contact point');
    setting('phone', '+91 11 2345 6789');
    setting('email', 'sampark@news.example');
    setting('ownership_url', 'https://news.example/malik');
    await until('the settings shown', async () => !!(await jsonld('/'))[0].contactPoint);
    org = (await jsonld('/'))[0];
    assert.deepEqual(org.contactPoint, {
      '@type': 'ContactPoint', contactType: 'customer support', email: 'sampark@news.example',
      telephone: '+91 11 2345 6789', url: 'http://127.0.0.1:8080/page/contact',
    });
    assert.equal(org.ownershipFundingInfo, 'https://news.example/malik');
    // An unpublished policy is left out, on the home page and as a story's publisher.
    sql(db, "UPDATE pages SET status = 'draft' WHERE slug = 'editorial-policy'");
    await until('the policy gone', async () => !('publishingPrinciples' in (await jsonld('/'))[0]));
    const slug = sql(db, "SELECT slug FROM articles WHERE status = 'published' ORDER BY id LIMIT 1");
    const pub = (await jsonld(`/news/${slug}`))[0]['@graph'][0].publisher;
    assert.equal(pub.correctionsPolicy, 'http://127.0.0.1:8080/page/corrections-policy');
    assert.equal(pub.publishingPrinciples, undefined);
    assert.equal(pub.contactPoint.telephone, '+91 11 2345 6789');
    sql(db, "UPDATE pages SET status = 'published' WHERE slug = 'editorial-policy'");
  });

  test('khabar settings checks the new settings', () => {
    assert.notEqual(khabar(['settings', 'set', 'ownership_url', 'javascript:alert(1)', '--db', db]).status, 0);
    assert.notEqual(khabar(['settings', 'set', 'grievance_decide_days', '0', '--db', db]).status, 0);
  });
});

describe('corrections, updates and dateModified', () => {
  let story, sita;
  const graph = async () => (await jsonld(`/news/${story.slug}`))[0]['@graph'][0];
  const edit = (fields) => sita.post(`/newsroom/articles/${story.id}`, {
    title: 'नहर में दरार से गाँवों में पानी', author: 'राम शर्मा', body: 'पहला पैरा।', version: String(story.version), ...fields,
  }, { accept: 'application/json' });
  before(async () => {
    sita = await loggedIn(site.base, 'sita');
    await sita.page('/newsroom/articles/new');
    story = await publishStory(sita, { title: 'नहर में दरार से गाँवों में पानी', author: 'राम शर्मा' });
    story.published = now;
  });

  test('an ordinary edit leaves dateModified; a significant one moves it, in JSON-LD, the sitemap and the feed', async () => {
    let g = await graph();
    assert.equal(g.datePublished, iso(now));
    assert.equal(g.dateModified, iso(now));
    await advance(600);
    let res = await edit({ body: 'पहला पैरा, टाइपो ठीक।' });
    assert.equal(res.status, 200, await res.clone().text());
    story.version = (await res.json()).version;
    await until('the edit shown', async () => (await html(`/news/${story.slug}`)).includes('टाइपो ठीक'));
    g = await graph();
    assert.equal(g.dateModified, iso(story.published), 'a typo fix is no update');
    assert.doesNotMatch(await html(`/news/${story.slug}`), /class="updated"/);
    await advance(600);
    res = await edit({ body: 'पहला पैरा। नई जानकारी जुड़ी।', significant: '1' });
    assert.equal(res.status, 200);
    story.version = (await res.json()).version;
    await until('the update shown', async () => (await graph()).dateModified === iso(now));
    assert.match(await html(`/news/${story.slug}`), /<span class="updated">अपडेट: /);
    const map = await html('/sitemap-1.xml');
    assert.ok(map.includes(`/news/${story.slug}</loc><lastmod>${iso(now)}</lastmod>`), 'the sitemap\'s lastmod');
    const atom = await html('/feed/atom');
    const entry = atom.slice(atom.indexOf(`/news/${story.slug}`) - 400, atom.indexOf(`/news/${story.slug}`) + 600);
    assert.ok(entry.includes(`<updated>${iso(now)}</updated>`), `the feed's updated: ${entry}`);
  });

  test('a correction shows on the story with its Hindi date, moves dateModified and is listed at /corrections', async () => {
    await advance(3600);
    const before = Number(sql(db, 'SELECT count(*) FROM article_notes'));
    // Reporters may not; an empty note or a wrong kind changes nothing.
    const ram = await loggedIn(site.base, 'ram');
    assert.equal((await ram.post(`/newsroom/articles/${story.id}/notes`, { kind: 'correction', note: 'x' })).status, 403);
    assert.equal((await sita.post(`/newsroom/articles/${story.id}/notes`, { kind: 'correction', note: '  ' })).status, 400);
    assert.equal((await sita.post(`/newsroom/articles/${story.id}/notes`, { kind: 'retraction', note: 'x' })).status, 400);
    assert.equal(Number(sql(db, 'SELECT count(*) FROM article_notes')), before);
    const note = 'पहले लिखा था कि 12 गाँव डूबे; सही संख्या 7 है। <b>ग़लती</b> के लिए खेद है।';
    const res = await sita.post(`/newsroom/articles/${story.id}/notes`, { kind: 'correction', note });
    assert.equal(res.status, 303);
    assert.match(res.headers.get('location'), new RegExp(`/newsroom/articles/${story.id}`));
    await until('the correction on the story', async () => (await html(`/news/${story.slug}`)).includes('id="notes"'));
    const page = await html(`/news/${story.slug}`);
    const box = page.match(/<section class="notes"[^]*?<\/section>/)[0];
    assert.match(box, /<strong class="note-kind">सुधार<\/strong>/);
    assert.match(box, new RegExp(`<time datetime="${iso(now).replace('+', '\\+')}">[0-9]+ [^<]+, 20[0-9]{2}, [0-9:]+ IST</time>`));
    assert.ok(box.includes('&lt;b&gt;ग़लती&lt;/b&gt;'), 'the note is escaped');
    const g = await graph();
    assert.equal(g.dateModified, iso(now));
    assert.deepEqual(g.correction, [{ '@type': 'CorrectionComment', text: note, datePublished: iso(now) }]);
    const list = await html('/corrections');
    assert.match(list, /<h1>सुधार और अपडेट<\/h1>/);
    assert.ok(list.includes(`href="/news/${story.slug}#notes"`));
    assert.ok(list.includes('सही संख्या 7 है'));
    assert.match(list, /<a href="\/page\/corrections-policy">सुधार नीति<\/a>/, 'the policy linked');
    assert.match(await html('/'), /<a href="\/corrections">सुधार और अपडेट<\/a>/, 'the footer links it');
    // An update is the other kind; the audit log has both actions.
    await advance(60);
    assert.equal((await sita.post(`/newsroom/articles/${story.id}/notes`, { kind: 'update', note: 'बाँध से पानी छोड़ा गया।' })).status, 303);
    await until('the update listed', async () => (await html('/corrections')).includes('बाँध से पानी'));
    assert.match(await html(`/news/${story.slug}`), /<strong class="note-kind">अपडेट<\/strong>/);
    assert.equal((await graph()).correction.length, 1, 'an update is no correction');
    const policy = await html('/page/corrections-policy');
    assert.match(policy, /<a href="\/corrections">/, 'the corrections policy links the list');
    const audit = (await sita.page(`/newsroom/audit?article=${story.id}`)).html;
    assert.match(audit, /सुधार जोड़ा/);
    assert.match(audit, /अपडेट जोड़ा/);
  });

  test('a note goes only on a published story', async () => {
    const res = await sita.post('/newsroom/articles/new', { title: 'कच्चा मसौदा', body: 'x' }, { accept: 'application/json' });
    const draft = await res.json();
    assert.equal((await sita.post(`/newsroom/articles/${draft.id}/notes`, { kind: 'update', note: 'y' })).status, 409);
  });
});

describe('author profiles', () => {
  let ram, ramId, mohanId;
  before(async () => {
    ram = await loggedIn(site.base, 'ram');
    const res = await ram.get('/newsroom/profile');
    assert.equal(res.status, 303);
    ramId = Number(res.headers.get('location').match(/\/newsroom\/authors\/(\d+)$/)[1]);
    const mohan = await loggedIn(site.base, 'mohan');
    mohanId = Number((await mohan.get('/newsroom/profile')).headers.get('location').match(/(\d+)$/)[1]);
    assert.notEqual(ramId, mohanId);
  });

  test('a reporter edits their own profile, with checked links, and not another\'s', async () => {
    await ram.page(`/newsroom/authors/${ramId}`);
    const cat = sql(db, 'SELECT id FROM categories ORDER BY position LIMIT 1');
    const bad = await ram.post(`/newsroom/authors/${ramId}`, { bio: 'x', links: 'javascript:alert(1)' });
    assert.equal(bad.status, 400);
    assert.match(await bad.text(), /http:\/\/ या https:\/\//);
    assert.equal((await ram.post(`/newsroom/authors/${ramId}`, { email: 'not an email' })).status, 400);
    assert.equal(sql(db, `SELECT bio FROM authors WHERE id = ${ramId}`), '');
    const ok = await ram.post(`/newsroom/authors/${ramId}`, {
      role: 'वरिष्ठ संवाददाता', bio: 'राम दस साल से खेती और पानी पर लिखते हैं। <script>alert(1)</script>',
      email: 'ram@news.example', links: 'https://x.com/ram_sharma\r\n https://www.facebook.com/ramsharma \r\n', area: cat,
    });
    assert.equal(ok.status, 303);
    assert.equal(sql(db, `SELECT links FROM authors WHERE id = ${ramId}`), 'https://x.com/ram_sharma\nhttps://www.facebook.com/ramsharma');
    // Another's profile: neither seen nor saved.
    assert.equal((await ram.get(`/newsroom/authors/${mohanId}`)).status, 403);
    assert.equal((await ram.post(`/newsroom/authors/${mohanId}`, { bio: 'हैक' })).status, 403);
    assert.equal(sql(db, `SELECT bio FROM authors WHERE id = ${mohanId}`), '');
    assert.equal((await ram.get('/newsroom/authors')).status, 403, 'the list is for editors');
    // An editor edits anyone's.
    const sita = await loggedIn(site.base, 'sita');
    assert.equal((await sita.page('/newsroom/authors')).res.status, 200);
    await sita.page(`/newsroom/authors/${mohanId}`);
    assert.equal((await sita.post(`/newsroom/authors/${mohanId}`, { bio: 'मोहन खेल डेस्क पर हैं।' })).status, 303);
    assert.equal(sql(db, `SELECT bio FROM authors WHERE id = ${mohanId}`), 'मोहन खेल डेस्क पर हैं।');
  });

  test('the author page shows the profile with Person JSON-LD and sameAs; the story has the box and its author as a Person', async () => {
    const slug = sql(db, `SELECT slug FROM authors WHERE id = ${ramId}`);
    await until('the profile shown', async () => (await html(`/author/${slug}`)).includes('वरिष्ठ संवाददाता'));
    const page = await html(`/author/${slug}`);
    assert.ok(page.includes('&lt;script&gt;alert(1)&lt;/script&gt;'), 'the bio escaped');
    assert.match(page, /<a href="https:\/\/x\.com\/ram_sharma" rel="me noopener">x\.com<\/a>/);
    assert.match(page, /<a href="mailto:ram@news\.example">ram@news\.example<\/a>/);
    const ld = (await jsonld(`/author/${slug}`))[0];
    assert.equal(ld['@type'], 'ProfilePage');
    assert.equal(ld.mainEntity['@type'], 'Person');
    assert.equal(ld.mainEntity.name, 'राम शर्मा');
    assert.equal(ld.mainEntity.jobTitle, 'वरिष्ठ संवाददाता');
    assert.deepEqual(ld.mainEntity.sameAs, ['https://x.com/ram_sharma', 'https://www.facebook.com/ramsharma']);
    assert.equal(ld.mainEntity.knowsAbout.length, 1);
    const story = sql(db, `SELECT slug FROM articles WHERE author_id = ${ramId} AND status = 'published' LIMIT 1`);
    const sp = await html(`/news/${story}`);
    assert.match(sp, /<aside class="author-box"[^]*वरिष्ठ संवाददाता[^]*<\/aside>/);
    const author = (await jsonld(`/news/${story}`))[0]['@graph'][0].author[0];
    assert.equal(author['@type'], 'Person');
    assert.deepEqual(author.sameAs, ['https://x.com/ram_sharma', 'https://www.facebook.com/ramsharma']);
  });

  test('a profile photo goes through the photo pipeline and shows once ready', async () => {
    await ram.page(`/newsroom/authors/${ramId}`);
    const res = await ram.post(`/newsroom/authors/${ramId}`, {
      role: 'वरिष्ठ संवाददाता', bio: 'राम दस साल से खेती और पानी पर लिखते हैं।', email: 'ram@news.example',
      links: 'https://x.com/ram_sharma', photo: Object.assign(new Blob([photo], { type: 'image/jpeg' }), { name: 'ram.jpg' }),
    });
    assert.equal(res.status, 303, await res.clone().text());
    const slug = sql(db, `SELECT slug FROM authors WHERE id = ${ramId}`);
    await until('the photo made and shown', async () => /<img class="author-photo" src="\/media\//.test(await html(`/author/${slug}`)), 20000)
      .catch((e) => { throw new Error(`${e.message}: ${sql(db, 'SELECT status, error FROM media ORDER BY id DESC LIMIT 1')} ${sql(db, 'SELECT count(*) FROM author_photos')}`); });
    assert.match((await jsonld(`/author/${slug}`))[0].mainEntity.image, /^http:\/\/127\.0\.0\.1:8080\/media\/.+-social\.jpg$/);
  });
});

describe('grievances', () => {
  let ref, tipId;
  const reader = async () => {
    const c = new Client(site.base);
    const { html: form } = await c.page('/tips?kind=grievance');
    assert.match(form, /value="grievance" checked/);
    return { c, stamp: form.match(/name="stamp" value="([^"]+)"/)[1] };
  };
  const send = async (r, fields) => {
    const body = new FormData();
    const all = { csrf: r.c.csrf, stamp: r.stamp, kind: 'grievance', place: 'लखनऊ', consent: '1', ...fields };
    for (const [k, v] of Object.entries(all)) body.append(k, v);
    return fetch(site.base + '/tips', { method: 'POST', body, redirect: 'manual', headers: { cookie: r.c.cookieHeader() } });
  };

  test('a grievance is acknowledged at once with its reference, on the page and by mail to the reader', async () => {
    const r = await reader();
    await advance(10);
    const res = await send(r, { body: 'आपकी खबर में मेरा नाम ग़लत छपा है, कृपया सुधारें।', name: 'सुनीता', contact: 'sunita@example.org' });
    assert.equal(res.status, 303);
    const loc = res.headers.get('location');
    assert.match(loc, /^\/tips\/sent\?ref=[A-Z0-9-]+&kind=grievance$/);
    ref = new URL(loc, site.base).searchParams.get('ref');
    const page = await html(loc);
    assert.match(page, /<h1>आपकी शिकायत दर्ज हो गई<\/h1>/);
    assert.ok(page.includes(ref));
    assert.match(page, /1 दिन के भीतर इसे देखेंगे और 15 दिन के भीतर निर्णय/);
    tipId = Number(sql(db, `SELECT id FROM tips WHERE ref = '${ref}'`));
    assert.equal(sql(db, `SELECT kind FROM tips WHERE id = ${tipId}`), 'grievance');
    assert.equal(Number(sql(db, `SELECT count(*) FROM grievances WHERE tip_id = ${tipId}`)), 1);
    await until('two mails', async () => smtp.mails.length >= 2, 15000);
    const toReader = smtp.mails.find((m) => m.to.includes('<sunita@example.org>'));
    assert.ok(toReader, 'the acknowledgement went to the reader');
    const mail = parseMail(toReader.data);
    assert.ok(decode2047(mail.headers.get('subject')).includes(ref));
    assert.ok(Buffer.from(mail.body.replace(/\r\n/g, ''), 'base64').toString('utf8').includes('15 दिन के भीतर निर्णय'));
    assert.ok(smtp.mails.some((m) => m.to.includes('<desk@news.example>')), 'and the newsroom was told');
  });

  test('the queue shows the days left and late against the deadlines; an editor marks it acknowledged and decided', async () => {
    const sita = await loggedIn(site.base, 'sita');
    let list = (await sita.page('/newsroom/tips?kind=grievance')).html;
    assert.match(list, /पावती: 1 दिन बाकी/);
    assert.match(list, /निर्णय: 15 दिन बाकी/);
    await advance(2 * 86400);
    list = (await sita.page('/newsroom/tips?kind=grievance')).html;
    assert.match(list, /पावती: 1 दिन की देरी/);
    assert.match(list, /निर्णय: 13 दिन बाकी/);
    const ram = await loggedIn(site.base, 'ram');
    await ram.page(`/newsroom/tips/${tipId}`);
    assert.equal((await ram.post(`/newsroom/tips/${tipId}/grievance`, { mark: 'decided' })).status, 403);
    await sita.page(`/newsroom/tips/${tipId}`);
    assert.equal((await sita.post(`/newsroom/tips/${tipId}/grievance`, { mark: 'maybe' })).status, 400);
    assert.equal((await sita.post(`/newsroom/tips/${tipId}/grievance`, { mark: 'acknowledged' })).status, 303);
    let tip = (await sita.page(`/newsroom/tips/${tipId}`)).html;
    assert.match(tip, /<span class="g-ack">हो गया: /);
    assert.match(tip, /id="g-mark-decided"/);
    assert.doesNotMatch(tip, /id="g-mark-ack"/);
    assert.equal((await sita.post(`/newsroom/tips/${tipId}/grievance`, { mark: 'decided' })).status, 303);
    tip = (await sita.page(`/newsroom/tips/${tipId}`)).html;
    assert.match(tip, /<span class="g-decide">हो गया: /);
  });

  test('an admin sets the deadlines and publishes the monthly counts', async () => {
    assert.equal((await get('/grievances')).status, 404, 'not public until an admin says so');
    const admin = await loggedIn(site.base, 'admin');
    const { html: form } = await admin.page('/newsroom/settings');
    assert.match(form, /name="grievance_ack_days"[^>]*value="1"/);
    assert.match(form, /<th scope="row">[^<]+<\/th><td>1<\/td><td>1<\/td><td>0<\/td>/, 'the admin sees the counts first');
    const fields = { name: 'दैनिक खबर', grievance_ack_days: '0', grievance_decide_days: '15' };
    assert.equal((await admin.post('/newsroom/settings', fields)).status, 400);
    assert.equal(sql(db, "SELECT count(*) FROM settings WHERE key = 'grievance_ack_days'"), '0');
    assert.equal((await admin.post('/newsroom/settings', { ...fields, grievance_ack_days: '2', grievance_report: 'yes' })).status, 200);
    const page = await html('/grievances');
    const table = page.match(/<table class="report"[^]*?<\/table>/)[0];
    const rows = [...table.matchAll(/<tr><th scope="row">([^<]+)<\/th><td>(\d+)<\/td><td>(\d+)<\/td><td>(\d+)<\/td><\/tr>/g)];
    assert.equal(rows.length, 12);
    const month = rows.find((x) => x[2] !== '0');
    assert.ok(month, 'a month with the grievance');
    assert.deepEqual(month.slice(2), ['1', '1', '0']);
    assert.match(month[1], /^[^ 0-9]+ 20\d\d$/, 'a Hindi month name');
    assert.match(page, /पावती 2 दिन में/);
    assert.match(await html('/page/grievance-officer'), /<a href="\/tips\?kind=grievance">शिकायत दर्ज करें<\/a> · <a href="\/grievances">/);
  });
});

describe('page revisions and the audit of page changes', () => {
  test('each save keeps a revision; one is restored; create, publish and delete are in the audit log', async () => {
    const sita = await loggedIn(site.base, 'sita');
    await sita.page('/newsroom/pages/new');
    let res = await sita.post('/newsroom/pages/new', { title: 'विज्ञापन नीति', slug: 'vigyapan', body: 'पहला पाठ।', footer: '0' });
    assert.equal(res.status, 303);
    const id = Number(res.headers.get('location').match(/(\d+)$/)[1]);
    res = await sita.post(`/newsroom/pages/${id}`, { title: 'विज्ञापन नीति', slug: 'vigyapan', body: 'दूसरा पाठ।', version: '1', footer: '0' });
    assert.equal(res.status, 303);
    res = await sita.post(`/newsroom/pages/${id}/publish`, { title: 'विज्ञापन नीति', slug: 'vigyapan', body: 'तीसरा पाठ।', version: '2', footer: '0' });
    assert.equal(res.status, 303);
    const { html: ed } = await sita.page(`/newsroom/pages/${id}`);
    const revs = [...ed.matchAll(/name="revision" value="(\d+)"/g)].map((m) => Number(m[1]));
    assert.equal(revs.length, 2, 'two earlier revisions to restore, the current one not');
    assert.equal(Number(sql(db, `SELECT count(*) FROM page_revisions WHERE page_id = ${id}`)), 3);
    const first = Number(sql(db, `SELECT min(id) FROM page_revisions WHERE page_id = ${id}`));
    assert.equal((await sita.post(`/newsroom/pages/${id}/restore`, { revision: String(first) })).status, 303);
    assert.equal(sql(db, `SELECT body FROM pages WHERE id = ${id}`), 'पहला पाठ।');
    await until('the restored page live', async () => (await html('/page/vigyapan')).includes('पहला पाठ।'));
    const ram = await loggedIn(site.base, 'ram');
    assert.equal((await ram.post(`/newsroom/pages/${id}/delete`)).status, 403);
    assert.equal((await sita.post(`/newsroom/pages/${id}/delete`)).status, 303);
    await until('the page gone', async () => (await get('/page/vigyapan')).status === 404);
    const audit = (await sita.page('/newsroom/audit')).html;
    for (const act of ['पेज बनाया', 'पेज प्रकाशित किया', 'पेज का पुराना संस्करण वापस लाया', 'पेज मिटाया']) assert.ok(audit.includes(act), act);
  });
});

describe('HTML validity of the new pages', () => {
  test('the Nu HTML Checker passes an author page, a story with a correction and /corrections', { skip: !VNU_JAR && 'vnu-jar not installed' }, async () => {
    const dir = mkdtempSync('/tmp/khabar-people-vnu-');
    const author = sql(db, "SELECT a.slug FROM authors a WHERE a.role <> '' LIMIT 1");
    const story = sql(db, 'SELECT a.slug FROM articles a JOIN article_notes n ON n.article_id = a.id LIMIT 1');
    const files = [];
    for (const [name, p] of [['author', `/author/${author}`], ['story', `/news/${story}`], ['corrections', '/corrections'], ['grievances', '/grievances']]) {
      const f = path.join(dir, `${name}.html`);
      writeFileSync(f, await html(p));
      files.push(f);
    }
    const r = spawnSync('java', ['-jar', VNU_JAR, '--errors-only', '--format', 'json', ...files], { encoding: 'utf8' });
    const text = `${r.stdout}${r.stderr}`;
    const report = JSON.parse(text.slice(text.indexOf('{"')));
    assert.deepEqual(report.messages.map((m) => `${path.basename(m.url || '')}: ${m.message}`), []);
  });
});
