// HTTP black-box tests of the newsroom, against the real binary: logins
// and their limits, sessions and cookies, CSRF, roles, saving with the
// version check, revisions, uploads, the scheduler on an injected clock,
// and cache invalidation that drops exactly the pages a change shows on.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { khabar, root, sql, startSite, until } from '../lib/khabar.mjs';
import { Client, addUser, hasExif, jpegSize, loggedIn, PASSWORD } from '../lib/newsroom.mjs';

let site, clockFile, now;
const photo = readFileSync(path.join(root, 'tests', 'fixtures', 'photo-gps.jpg'));

// The injected clock: a whole minute well after the demo's articles.
function setClock(t) {
  now = t;
  writeFileSync(clockFile, String(t));
}

before(async () => {
  const dir = (await import('node:fs')).mkdtempSync('/tmp/khabar-clock-');
  clockFile = path.join(dir, 'now');
  setClock(Math.ceil(Date.now() / 60000) * 60 + 600);
  site = await startSite({ articles: 20, extraArgs: ['--fake-clock', clockFile] });
  addUser(site.db, 'ram', 'reporter', 'राम शर्मा');
  addUser(site.db, 'sita', 'reporter', 'सीता वर्मा');
  addUser(site.db, 'editor', 'editor', 'संपादक जी');
  addUser(site.db, 'admin', 'admin', 'एडमिन');
});
after(async () => { await site.stop(); });

// Creates a story as client c; returns {id, version}.
async function create(c, fields) {
  const res = await c.post('/newsroom/articles/new', { body: 'पहला पैरा।', category: 'desh', ...fields },
    { accept: 'application/json' });
  assert.equal(res.status, 201, await res.clone().text());
  return res.json();
}

describe('logging in', () => {
  test('the login page is Hindi, private and sets a pre-session token', async () => {
    const c = new Client(site.base);
    const { res, html } = await c.page('/newsroom/login');
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('cache-control'), 'private, no-store');
    assert.match(html, /न्यूज़रूम में लॉग इन करें/);
    assert.match(html, /<meta name="robots" content="noindex, nofollow">/);
    assert.ok(c.cookies.has('kb_pre'));
    assert.match(c.csrf, /^[0-9a-f]{64}$/);
    assert.notEqual(c.csrf, c.cookies.get('kb_pre'));
  });

  test('a wrong password and an unknown user get the same generic error', async () => {
    const a = new Client(site.base);
    const wrong = await a.login('sita', 'not-her-password');
    const b = new Client(site.base);
    const nobody = await b.login('nobody-here', 'whatever-123');
    assert.equal(wrong.status, 401);
    assert.equal(nobody.status, 401);
    const e1 = (await wrong.text()).match(/class="alert err"[^>]*>([^<]*)/)[1];
    const e2 = (await nobody.text()).match(/class="alert err"[^>]*>([^<]*)/)[1];
    assert.equal(e1, 'यूज़रनेम या पासवर्ड सही नहीं है।');
    assert.equal(e1, e2);
  });

  test('a login without its token is refused', async () => {
    const c = new Client(site.base);
    await c.page('/newsroom/login');
    const res = await c.post('/newsroom/login', { login: 'ram', password: PASSWORD, csrf: 'f'.repeat(64) });
    assert.equal(res.status, 403);
    assert.match(await res.text(), /फ़ॉर्म पुराना हो गया है/);
  });

  // The throttle itself, from several addresses: tests/http/login.test.mjs.
  test('five failures from one address slow that address down on that account', async () => {
    addUser(site.db, 'victim', 'reporter');
    for (let i = 0; i < 5; i++) {
      const c = new Client(site.base);
      assert.equal((await c.login('victim', 'wrong-' + i)).status, 401);
    }
    const c = new Client(site.base);
    const res = await c.login('victim', PASSWORD); // even the right one, from here, for now
    assert.equal(res.status, 429);
    assert.equal(res.headers.get('retry-after'), '60');
    assert.match(await res.text(), /1 मिनट बाद फिर कोशिश करें/);
  });

  // Secure behind a trusted proxy that says TLS: proxy.test.mjs.
  test('the session cookie is HttpOnly, SameSite=Lax, for /newsroom; a stranger\'s X-Forwarded-Proto changes nothing', async () => {
    const c = new Client(site.base);
    await c.page('/newsroom/login');
    const res = await c.post('/newsroom/login', { login: 'ram', password: PASSWORD });
    assert.equal(res.status, 303);
    const cookie = res.headers.getSetCookie().find((s) => s.startsWith('kb_session='));
    assert.match(cookie, /^kb_session=[0-9a-f]{64}; Path=\/newsroom; HttpOnly; SameSite=Lax; Max-Age=\d+$/);
    const t = new Client(site.base);
    await t.page('/newsroom/login');
    const tls = await t.post('/newsroom/login', { login: 'ram', password: PASSWORD }, { 'x-forwarded-proto': 'https' });
    assert.match(tls.headers.getSetCookie().find((s) => s.startsWith('kb_session=')), /; Max-Age=\d+$/);
  });

  test('changing one\'s password ends one\'s other sessions, not the one in use', async () => {
    addUser(site.db, 'kavita', 'reporter');
    const phone = await loggedIn(site.base, 'kavita');
    const laptop = await loggedIn(site.base, 'kavita');
    await laptop.page('/newsroom/account');
    const res = await laptop.post('/newsroom/account', { current_password: PASSWORD, new_password: 'kavita-ka-naya-password' });
    assert.equal(res.status, 200);
    assert.match(await res.text(), /बदलाव सहेज लिए गए/);
    const gone = await phone.get('/newsroom');
    assert.equal(gone.status, 303, 'the other session has ended');
    assert.match(gone.headers.get('location'), /^\/newsroom\/login/);
    assert.equal((await laptop.get('/newsroom')).status, 200, 'the session in use goes on');
    assert.equal((await new Client(site.base).login('kavita', 'kavita-ka-naya-password')).status, 303);
    const audit = await (await (await loggedIn(site.base, 'admin')).get('/newsroom/audit')).text();
    assert.match(audit, /अपना पासवर्ड बदला/);
  });

  test('"log out everywhere" ends every session of the user', async () => {
    const phone = await loggedIn(site.base, 'sita');
    const laptop = await loggedIn(site.base, 'sita');
    assert.equal((await laptop.get('/newsroom')).status, 200);
    const res = await phone.post('/newsroom/logout-everywhere');
    assert.equal(res.status, 303);
    const again = await laptop.get('/newsroom');
    assert.equal(again.status, 303);
    assert.match(again.headers.get('location'), /^\/newsroom\/login/);
  });
});

describe('roles and tokens', () => {
  test('anonymous visitors are sent to the login page, and their posts refused', async () => {
    const c = new Client(site.base);
    const res = await c.get('/newsroom/articles/new');
    assert.equal(res.status, 303);
    assert.equal(res.headers.get('location'), '/newsroom/login?next=%2Fnewsroom%2Farticles%2Fnew');
    const post = await c.post('/newsroom/articles/new', { title: 'x' });
    assert.equal(post.status, 403);
    assert.match(await post.text(), /लॉग इन नहीं हैं/);
  });

  test('a reporter cannot reach editor or admin pages', async () => {
    const ram = await loggedIn(site.base, 'ram');
    for (const p of ['/newsroom/users', '/newsroom/settings', '/newsroom/categories', '/newsroom/audit']) {
      const res = await ram.get(p);
      assert.equal(res.status, 403, p);
      assert.match(await res.text(), /भूमिका में यह काम करने की अनुमति नहीं है/);
    }
    const { id } = await create(ram, { title: 'रिपोर्टर की खबर' });
    assert.equal((await ram.post(`/newsroom/articles/${id}/publish`)).status, 403);
    const editor = await loggedIn(site.base, 'editor');
    assert.equal((await editor.get('/newsroom/users')).status, 403);
    assert.equal((await editor.get('/newsroom/categories')).status, 200);
  });

  test('a post without the session\'s token, or from another site, is refused', async () => {
    const ram = await loggedIn(site.base, 'ram');
    const noToken = await ram.post('/newsroom/articles/new', { title: 'x', csrf: '' });
    assert.equal(noToken.status, 403);
    assert.match(await noToken.text(), /फ़ॉर्म पुराना हो गया है/);
    const other = await loggedIn(site.base, 'sita');
    const wrong = await ram.post('/newsroom/articles/new', { title: 'x', csrf: other.csrf });
    assert.equal(wrong.status, 403);
    const cross = await ram.post('/newsroom/articles/new', { title: 'x' }, { origin: 'https://evil.example' });
    assert.equal(cross.status, 403);
    const ok = await ram.post('/newsroom/articles/new', { title: 'ठीक' }, { origin: site.base });
    assert.equal(ok.status, 303);
  });

  test('a form field its route declares with a rule is checked before the handler runs', async () => {
    const ram = await loggedIn(site.base, 'ram');
    const { id, version } = await create(ram, { title: 'नियम की खबर', body: 'पहला पाठ' });
    // version is a number: anything else is a 400 in Hindi, and nothing is saved.
    const bad = await ram.post(`/newsroom/articles/${id}`, { title: 'नियम की खबर', body: 'दूसरा पाठ', version: `${version}; DROP` });
    assert.equal(bad.status, 400);
    assert.match(await bad.text(), /फ़ॉर्म में (&quot;|")version(&quot;|") का मान सही नहीं है/);
    const { html } = await ram.page(`/newsroom/articles/${id}`);
    assert.match(html, /पहला पाठ/);
    assert.doesNotMatch(html, /दूसरा पाठ/);
    // Without a session the same post is the login's business, not the rule's.
    const stranger = await new Client(site.base).post(`/newsroom/articles/${id}`, { version: 'x' });
    assert.notEqual(stranger.status, 400);
  });

  test('a reporter sees and edits only their own drafts', async () => {
    const ram = await loggedIn(site.base, 'ram');
    const sita = await loggedIn(site.base, 'sita');
    const { id, version } = await create(ram, { title: 'राम की खबर' });
    assert.equal((await sita.get(`/newsroom/articles/${id}`)).status, 403);
    assert.equal((await sita.post(`/newsroom/articles/${id}`, { title: 'x', version })).status, 403);
    assert.equal((await ram.post(`/newsroom/articles/${id}/submit`, { title: 'राम की खबर', body: 'पाठ', version })).status, 303);
    // In review it is the editors' now.
    const { html } = await ram.page(`/newsroom/articles/${id}`);
    assert.match(html, /यह खबर अब समीक्षा में है/);
    assert.match(html, /<fieldset class="ed-grid" disabled>/);
  });
});

describe('writing', () => {
  test('the slug is made from the Hindi title and can be edited', async () => {
    const ed = await loggedIn(site.base, 'editor');
    const a = await create(ed, { title: 'भारत-इज़राइल रक्षा सहयोग' });
    assert.equal(a.slug, 'bharat-israel-raksha-sahyog');
    const b = await create(ed, { title: 'कुछ भी', slug: 'Meri Apni URL' });
    assert.equal(b.slug, 'meri-apni-url');
    const s = await (await ed.get('/newsroom/slug.json?title=' + encodeURIComponent('दिल्ली में बारिश'))).json();
    assert.match(s.slug, /^dilli-mein-/);
  });

  test('the second of two people saving one story gets a conflict and loses nothing', async () => {
    const ed = await loggedIn(site.base, 'editor');
    const { id, version } = await create(ed, { title: 'एक खबर', body: 'मूल पाठ' });
    const other = await loggedIn(site.base, 'admin');
    const first = await other.post(`/newsroom/articles/${id}`, { title: 'एक खबर', body: 'एडमिन का पाठ', version });
    assert.equal(first.status, 303);
    const second = await ed.post(`/newsroom/articles/${id}`, { title: 'एक खबर', body: 'संपादक का पाठ', version });
    assert.equal(second.status, 409);
    const html = await second.text();
    assert.match(html, /किसी और ने इस बीच यह खबर बदल दी है/);
    assert.match(html, /संपादक का पाठ/, 'the losing text is shown back');
    // Stored: the first save; kept: the second, as a revision.
    const revs = await (await ed.get(`/newsroom/articles/${id}/revisions`)).text();
    assert.match(revs, /टकराव में बचा बदलाव/);
    const diffLink = revs.match(/href="(\/newsroom\/articles\/\d+\/diff\?from=\d+)"/)[1];
    const diff = await (await ed.get(diffLink.replace(/&amp;/g, '&'))).text();
    assert.match(diff, /class="d-del">संपादक का पाठ/);
    assert.match(diff, /class="d-add">एडमिन का पाठ/);
    // Autosave answers a conflict in JSON.
    const auto = await ed.post(`/newsroom/articles/${id}/autosave`, { title: 'x', body: 'y', version }, { accept: 'application/json' });
    assert.equal(auto.status, 409);
    assert.equal((await auto.json()).conflict, true);
  });

  test('every save keeps a revision that can be compared and restored', async () => {
    const ed = await loggedIn(site.base, 'editor');
    let { id, version } = await create(ed, { title: 'संस्करण', body: 'पहला रूप\nदूसरी पंक्ति' });
    let res = await ed.post(`/newsroom/articles/${id}`, { title: 'संस्करण', body: 'बदला रूप\nदूसरी पंक्ति', version }, { accept: 'application/json' });
    version = (await res.json()).version;
    const revs = await (await ed.get(`/newsroom/articles/${id}/revisions`)).text();
    const ids = [...revs.matchAll(/diff\?from=(\d+)"/g)].map((m) => m[1]);
    assert.equal(ids.length, 2);
    const oldest = ids[ids.length - 1];
    res = await ed.post(`/newsroom/articles/${id}/restore`, { revision: oldest });
    assert.equal(res.status, 303);
    const { html } = await ed.page(`/newsroom/articles/${id}`);
    assert.match(html, /पहला रूप\nदूसरी पंक्ति<\/textarea>/);
    const after = await (await ed.get(`/newsroom/articles/${id}/revisions`)).text();
    assert.match(after, /वापस लाया गया/);
  });

  test('the preview renders Markdown like the article page, without raw HTML', async () => {
    const ed = await loggedIn(site.base, 'editor');
    const res = await ed.post('/newsroom/preview', { body: 'पहला **मोटा** पैरा\n\n<script>alert(1)</script>', dateline: 'पटना' });
    assert.equal(res.status, 200);
    const html = await res.text();
    assert.match(html, /^<p><strong class="dateline">पटना।<\/strong> पहला <strong>मोटा<\/strong> पैरा<\/p>/);
    assert.ok(!html.includes('<script>'));
  });

  test('tag suggestions come from existing tags', async () => {
    const ed = await loggedIn(site.base, 'editor');
    await create(ed, { title: 'टैग वाली', tags: 'इज़राइल-ईरान वार्ता, रक्षा सौदा' });
    const list = await (await ed.get('/newsroom/tags.json?q=' + encodeURIComponent('इज़राइल'))).json();
    assert.ok(list.some((t) => t.name === 'इज़राइल-ईरान वार्ता'), JSON.stringify(list));
    // Part of a word, in Devanagari or as the slug's Latin letters, as an
    // editor types it (a range's upper bound once failed on PostgreSQL).
    for (const q of ['इज़रा', 'Isr']) {
      const part = await (await ed.get('/newsroom/tags.json?q=' + encodeURIComponent(q))).json();
      assert.ok(part.some((t) => t.name === 'इज़राइल'), `${q}: ${JSON.stringify(part)}`);
    }
    const none = await (await ed.get('/newsroom/tags.json?q=%25')).json();
    assert.deepEqual(none, []);
  });
});

describe('photos', () => {
  // Photos' bytes live in the database: an upload's as "original" until made.
  const originals = () => Number(sql(site.db, "SELECT count(*) FROM media_files WHERE name = 'original'"));

  test('an oversized or non-image upload gets a clear error and nothing is stored', async () => {
    const ram = await loggedIn(site.base, 'ram');
    const before = await (await ram.get('/newsroom/media')).text();
    const count = (before.match(/class="tile"/g) || []).length;
    const big = new Blob([photo.subarray(0, 3), Buffer.alloc(21 << 20)], { type: 'image/jpeg' });
    big.name = 'bada.jpg';
    let res = await ram.post('/newsroom/media', { file: big }, { accept: 'application/json' });
    assert.equal(res.status, 413);
    assert.match((await res.json()).error?.message ?? '', /20 MB/);
    const text = new Blob(['<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'], { type: 'image/jpeg' });
    text.name = 'chitra.jpg';
    res = await ram.post('/newsroom/media', { file: text }, { accept: 'application/json' });
    assert.equal(res.status, 415);
    assert.match((await res.json()).error.message, /JPEG, PNG या WebP/);
    const broken = new Blob([photo.subarray(0, 40)], { type: 'image/jpeg' });
    broken.name = 'tuta.jpg';
    res = await ram.post('/newsroom/media', { file: broken }, { accept: 'application/json' });
    assert.equal(res.status, 415);
    const after = await (await ram.get('/newsroom/media')).text();
    assert.equal((after.match(/class="tile"/g) || []).length, count);
    assert.equal(originals(), 0);
  });

  test('an upload becomes WebP and JPEG at every width, upright, without its GPS position', async () => {
    const ram = await loggedIn(site.base, 'ram');
    const blob = new Blob([photo], { type: 'image/jpeg' });
    blob.name = 'barish.jpg';
    const res = await ram.post('/newsroom/media', { file: blob }, { accept: 'application/json' });
    assert.equal(res.status, 202);
    let m = await res.json();
    assert.equal(m.status, 'pending');
    for (let i = 0; i < 100 && m.status === 'pending'; i++) {
      await new Promise((r) => setTimeout(r, 100));
      m = await (await ram.get(`/newsroom/media/${m.id}/status`)).json();
    }
    assert.equal(m.status, 'ready');
    assert.equal(m.width, 1600);
    assert.equal(m.height, 1000);
    const stem = m.thumb.match(/\/media\/([0-9a-f]{32})-640\.jpg/)[1];
    for (const w of [320, 640, 1024, 1600]) {
      for (const ext of ['jpg', 'webp']) {
        const r = await fetch(`${site.base}/media/${stem}-${w}.${ext}`);
        assert.equal(r.status, 200, `${w}.${ext}`);
        assert.equal(r.headers.get('content-type'), ext === 'jpg' ? 'image/jpeg' : 'image/webp');
        assert.match(r.headers.get('cache-control'), /max-age=31536000/);
        const bytes = Buffer.from(await r.arrayBuffer());
        assert.ok(!hasExif(bytes), `${w}.${ext} has no EXIF`);
        if (ext === 'jpg') {
          const size = jpegSize(bytes);
          assert.equal(size.width, w);
          assert.equal(size.height, Math.round(w * 1000 / 1600));
        }
      }
    }
    const social = Buffer.from(await (await fetch(`${site.base}/media/${stem}-social.jpg`)).arrayBuffer());
    assert.deepEqual(jpegSize(social), { width: 1200, height: 750 });
    assert.equal(originals(), 0, 'the original is gone');
    assert.ok(!existsSync(path.join(site.dir, 'media', `${stem}.jpg`)));
    const lib = await (await ram.get('/newsroom/media')).text();
    assert.match(lib, /barish\.jpg/);
  });
});

describe('workflow and the clock', () => {
  test('a scheduled story goes live within 5 seconds of its time, from the server\'s timer', async () => {
    const ed = await loggedIn(site.base, 'editor');
    const { id, version } = await create(ed, { title: 'समय पर छपने वाली खबर', body: 'पाठ' });
    // 60 s ahead in site time (IST), as the datetime-local field sends.
    const at = new Date((now + 60 + 5.5 * 3600) * 1000).toISOString().slice(0, 16);
    const res = await ed.post(`/newsroom/articles/${id}/schedule`, { title: 'समय पर छपने वाली खबर', body: 'पाठ', version, publish_at: at });
    assert.equal(res.status, 303);
    const { html } = await ed.page(`/newsroom/articles/${id}`);
    assert.match(html, /pill s-scheduled/);
    const home = async () => (await fetch(site.base + '/')).text();
    assert.ok(!(await home()).includes('समय पर छपने वाली खबर'));
    setClock(now + 61);
    await until('the story on the home page', async () => (await home()).includes('समय पर छपने वाली खबर'));
    const audit = await (await ed.get(`/newsroom/audit?article=${id}`)).text();
    assert.match(audit, /शेड्यूलर<\/strong> प्रकाशित की/);
  });

  test('scheduling in the past is refused with a message', async () => {
    const ed = await loggedIn(site.base, 'editor');
    const { id, version } = await create(ed, { title: 'पुराना समय', body: 'पाठ' });
    const at = new Date((now - 60 + 5.5 * 3600) * 1000).toISOString().slice(0, 16);
    const res = await ed.post(`/newsroom/articles/${id}/schedule`, { title: 'पुराना समय', body: 'पाठ', version, publish_at: at });
    assert.equal(res.status, 400);
    assert.match(await res.text(), /प्रकाशन का समय आगे का होना चाहिए/);
  });
});

describe('cache invalidation', () => {
  const cached = async (p) => (await fetch(site.base + p)).headers.get('x-khabar-cache');

  test('a change drops exactly the pages that show the story', async () => {
    const ed = await loggedIn(site.base, 'editor');
    // A in category desh, B in khel: no shared category or tag.
    const a = await create(ed, { title: 'कैश खबर ए', category: 'desh', tags: 'कैश-ए' });
    const b = await create(ed, { title: 'कैश खबर बी', category: 'khel', tags: 'कैश-बी' });
    for (const x of [a, b])
      assert.equal((await ed.post(`/newsroom/articles/${x.id}/publish`, {}, { accept: 'application/json' })).status, 200);
    const pa = `/news/${a.slug}`, pb = `/news/${b.slug}`;
    const pages = [pa, pb, '/', '/category/desh', '/category/khel', '/feed'];
    for (const p of pages) await cached(p); // warm
    for (const p of pages) assert.equal(await cached(p), 'hit', `${p} warm`);

    // A body edit: only A's page and the full-text views.
    let v = (await (await ed.post(`/newsroom/articles/${a.id}`, { title: 'कैश खबर ए', body: 'नया पाठ', category: 'desh', tags: 'कैश-ए', version: 2 }, { accept: 'application/json' })).json()).version;
    assert.equal(await cached(pa), 'miss');
    assert.equal(await cached('/feed'), 'miss');
    for (const p of [pb, '/', '/category/desh', '/category/khel']) assert.equal(await cached(p), 'hit', `${p} kept`);

    // A new headline: lists that show A too, never B or khel.
    v = (await (await ed.post(`/newsroom/articles/${a.id}`, { title: 'कैश खबर ए बदली', body: 'नया पाठ', category: 'desh', tags: 'कैश-ए', version: v }, { accept: 'application/json' })).json()).version;
    assert.ok(v);
    for (const p of [pa, '/', '/category/desh', '/tag/kaish-e']) assert.equal(await cached(p), 'miss', `${p} dropped`);
    for (const p of [pb, '/category/khel']) assert.equal(await cached(p), 'hit', `${p} kept`);
    assert.match(await (await fetch(site.base + '/')).text(), /कैश खबर ए बदली/);

    // Unpublishing A: gone at once.
    await ed.post(`/newsroom/articles/${a.id}/unpublish`);
    assert.equal((await fetch(site.base + pa)).status, 404);
    assert.ok(!(await (await fetch(site.base + '/category/desh')).text()).includes('कैश खबर ए बदली'));
    assert.equal(await cached(pb), 'hit');
  });

  test('a write by another process (the CLI) is noticed (the server polls the change log)', async () => {
    await fetch(site.base + '/category/desh');
    const file = path.join(site.dir, 'cli.md');
    writeFileSync(file, '---\ntitle: सीएलआई से आई खबर\ncategory: desh\nauthor: डेस्क\n---\n\nपाठ\n');
    assert.equal(khabar(['article', 'add', '--db', site.db, file]).status, 0);
    await until('the CLI\'s story on the cached category page', async () =>
      (await (await fetch(site.base + '/category/desh')).text()).includes('सीएलआई से आई खबर'));
  });
});

describe('admin', () => {
  test('admins add and disable users; a disabled user is logged out', async () => {
    const admin = await loggedIn(site.base, 'admin');
    let res = await admin.post('/newsroom/users', { login: 'naya', name: 'नया रिपोर्टर', role: 'reporter', password: 'naya-password-1' });
    assert.equal(res.status, 303);
    const naya = new Client(site.base);
    assert.equal((await naya.login('naya', 'naya-password-1')).status, 303);
    const users = await (await admin.get('/newsroom/users')).text();
    const row = users.split('<li class="row').find((r) => r.includes('<p class="row-title">naya'));
    const id = row.match(/action="\/newsroom\/users\/(\d+)"/)[1];
    res = await admin.post(`/newsroom/users/${id}`, { name: 'नया रिपोर्टर', role: 'reporter', disabled: '1' });
    assert.equal(res.status, 303);
    assert.equal((await naya.get('/newsroom')).status, 303);
    assert.equal((await new Client(site.base).login('naya', 'naya-password-1')).status, 401);
  });

  test('site settings change the public site at once', async () => {
    const admin = await loggedIn(site.base, 'admin');
    await fetch(site.base + '/');
    const res = await admin.post('/newsroom/settings', { name: 'नया नाम समाचार', email: 'desk@example.com', facebook: 'https://facebook.com/naya' });
    assert.equal(res.status, 200);
    const home = await (await fetch(site.base + '/')).text();
    assert.match(home, /नया नाम समाचार/);
    assert.match(home, /desk@example\.com/);
    const bad = await admin.post('/newsroom/settings', { name: 'x', facebook: 'javascript:alert(1)' });
    assert.equal(bad.status, 400);
  });

  test('English labels are a setting', async () => {
    const ram = await loggedIn(site.base, 'ram');
    assert.match((await ram.page('/newsroom')).html, /<html lang="hi">[\s\S]*नई खबर/);
    await ram.post('/newsroom/account', { lang: 'en' });
    const { html } = await ram.page('/newsroom');
    assert.match(html, /<html lang="en">/);
    assert.match(html, /New story/);
    await ram.post('/newsroom/account', { lang: 'hi' });
  });
});
