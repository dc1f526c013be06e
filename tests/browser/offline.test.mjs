// The installable site in Debian's Chromium: the manifest linked from every
// reader page and valid (its icons fetched and measured), the service worker
// (the push one) controlling the page, no installability errors as Chromium
// sees them; then with the network cut, the home page, a recent story the
// reader never opened and an older one they did still open, and any other
// page shows the Hindi offline page listing the stories kept. Nothing from
// the newsroom is kept, and at most 100 stories; a new version of the
// theme replaces the cache and keeps the reader's stories. The install bar
// waits for three stories read (Chromium's own offer shows it, in a
// profile: incognito contexts cannot install) and remembers "not now".
// Screenshots (360 px) go to tests/artifacts/.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { chromium } from 'playwright-core';

import { CHROMIUM_ARGS, launchChromium, newsroomLogin } from '../lib/browser.mjs';
import { bin, root, startSite, tempDir, until } from '../lib/khabar.mjs';
import { addUser, PASSWORD } from '../lib/newsroom.mjs';

const artifacts = path.join(root, 'tests', 'artifacts');
const shot = (p, name) => p.screenshot({ path: path.join(artifacts, name) });
let site, browser, list, older;

before(async () => {
  mkdirSync(artifacts, { recursive: true });
  // More stories than the 50 kept at install: some are older than those.
  site = await startSite({ articles: 109, ownUrl: true }); // and the seed story
  addUser(site.db, 'offline-editor', 'editor');
  browser = await launchChromium();
  list = await (await fetch(site.base + '/offline.json')).json();
  const all = [];
  for (let cursor = ''; ;) {
    const j = await (await fetch(site.base + '/api/v1/articles?limit=100' + cursor)).json();
    all.push(...j.articles.map((a) => new URL(a.url).pathname));
    if (!j.next_cursor) break;
    cursor = '&cursor=' + encodeURIComponent(j.next_cursor);
  }
  const kept = new Set(list.stories.map((s) => s.url));
  older = all.filter((p) => !kept.has(p));
  assert.equal(older.length, 60, 'stories older than the 50 kept');
});
after(async () => {
  await browser?.close();
  await site?.stop();
});

// A phone in Hindi; the push prompt answered "not now" so that it stays
// out of the way.
async function phone() {
  const ctx = await browser.newContext({ viewport: { width: 360, height: 740 }, locale: 'hi-IN', deviceScaleFactor: 1 });
  await ctx.addInitScript(() => { try { localStorage.setItem('khabar-push-no', String(Date.now())); } catch (e) { /* about:blank */ } });
  const page = await ctx.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  return { ctx, page, errors };
}

// The service worker's caches: {name: [paths]}.
const cached = (page) => page.evaluate(async () => {
  const out = {};
  for (const n of await caches.keys())
    out[n] = (await (await caches.open(n)).keys()).map((k) => new URL(k.url).pathname);
  return out;
});

// Width and height from a PNG's IHDR.
function pngSize(buf) {
  assert.equal(buf.subarray(0, 8).toString('latin1'), '\x89PNG\r\n\x1a\n', 'a PNG');
  return [buf.readUInt32BE(16), buf.readUInt32BE(20)];
}

describe('installable', () => {
  test('the manifest is linked, valid, and its icons are the sizes it says', async () => {
    const { ctx, page, errors } = await phone();
    await page.goto(site.base + list.stories[0].url, { waitUntil: 'load' });
    const href = await page.locator('link[rel=manifest]').getAttribute('href');
    assert.equal(href, '/manifest.webmanifest');
    assert.equal(await page.locator('meta[name=theme-color]').getAttribute('content'), '#b3121f');
    const res = await fetch(site.base + href);
    assert.match(res.headers.get('content-type'), /^application\/manifest\+json/);
    const m = await res.json();
    assert.equal(m.name, 'खबर डेमो');
    assert.equal(m.short_name, 'खबर डेमो');
    assert.equal(m.lang, 'hi');
    assert.equal(m.display, 'standalone');
    assert.equal(m.scope, '/');
    assert.equal(m.start_url, '/?source=pwa');
    assert.equal(m.theme_color, '#b3121f');
    assert.equal(m.background_color, '#ffffff');
    assert.deepEqual(m.icons.map((i) => [i.sizes, i.purpose]), [['192x192', 'any'], ['512x512', 'any'], ['512x512', 'maskable']]);
    for (const icon of m.icons) {
      const r = await fetch(site.base + icon.src);
      assert.equal(r.status, 200, icon.src);
      assert.equal(r.headers.get('content-type'), icon.type);
      assert.equal(pngSize(Buffer.from(await r.arrayBuffer())).join('x'), icon.sizes, icon.src);
    }
    // Chromium reads the same manifest without errors, and once the
    // service worker controls the page, finds nothing against installing.
    await page.evaluate(() => navigator.serviceWorker.ready);
    await until('the service worker controls the page', () => page.evaluate(() => !!navigator.serviceWorker.controller));
    assert.deepEqual(errors, []);
    await ctx.close();
  });

  test('Chromium finds nothing against installing it, and offers to', async () => {
    // Not in an incognito context (which cannot install): a profile.
    const profile = tempDir();
    const ctx = await chromium.launchPersistentContext(profile.dir, {
      executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS, viewport: { width: 360, height: 740 }, locale: 'hi-IN',
    });
    try {
      const page = ctx.pages()[0] || await ctx.newPage();
      await page.goto(site.base + '/', { waitUntil: 'load' });
      await page.evaluate(() => navigator.serviceWorker.ready);
      await until('the service worker controls the page', () => page.evaluate(() => !!navigator.serviceWorker.controller));
      const cdp = await ctx.newCDPSession(page);
      const app = await cdp.send('Page.getAppManifest');
      assert.deepEqual(app.errors, []);
      assert.equal(new URL(app.url).pathname, '/manifest.webmanifest');
      const inst = await cdp.send('Page.getInstallabilityErrors');
      assert.deepEqual(inst.installabilityErrors, [], JSON.stringify(inst.installabilityErrors));
      // And offers it (beforeinstallprompt): after three stories, the bar.
      await page.evaluate(() => localStorage.setItem('khabar-push-no', String(Date.now())));
      for (let i = 0; i < 3; i++) await page.goto(site.base + list.stories[i].url, { waitUntil: 'load' });
      await page.locator('.install-bar').waitFor({ timeout: 5000 });
    } finally {
      await ctx.close();
      profile.remove();
    }
  });

  test('the install bar waits for three stories, then offers; "not now" is remembered', async () => {
    const { ctx, page, errors } = await phone();
    // Chromium offers installing when it decides to: the test makes the
    // offer itself, as the browser would (beforeinstallprompt).
    await ctx.addInitScript(() => {
      window.__offer = () => {
        const e = new Event('beforeinstallprompt', { cancelable: true });
        e.prompt = () => { window.__prompted = (window.__prompted || 0) + 1; return Promise.resolve(); };
        e.userChoice = Promise.resolve({ outcome: 'dismissed' });
        window.dispatchEvent(e);
      };
    });
    const offer = () => page.evaluate(() => window.__offer());
    for (let i = 1; i <= 3; i++) {
      await page.goto(site.base + list.stories[i].url, { waitUntil: 'load' });
      await offer();
      if (i < 3) {
        await page.locator('html[data-install="waits"]').waitFor({ state: 'attached' });
        assert.equal(await page.locator('.install-bar').count(), 0, `no bar after ${i} stories`);
        // The home page is not a story read.
        await page.goto(site.base + '/', { waitUntil: 'load' });
        await offer();
        assert.equal(await page.locator('.install-bar').count(), 0);
      }
    }
    const bar = page.locator('.install-bar');
    await bar.waitFor();
    assert.equal(await bar.locator('p').innerText(), 'खबर ऐप की तरह जोड़ें');
    assert.equal(await bar.evaluate((e) => getComputedStyle(e).position), 'fixed', 'an overlay: no layout shift');
    await shot(page, 'offline-install-bar-360.png');
    await bar.locator('.install-no').click();
    assert.equal(await bar.count(), 0);
    await page.goto(site.base + list.stories[4].url, { waitUntil: 'load' });
    await offer();
    await page.locator('html[data-install="no"]').waitFor({ state: 'attached' });
    assert.equal(await page.locator('.install-bar').count(), 0, 'not offered again after "not now"');
    // Yes hands over to the browser's own prompt.
    await page.evaluate(() => localStorage.removeItem('khabar-install-no'));
    await page.reload({ waitUntil: 'load' });
    await offer();
    await page.locator('.install-yes').click();
    assert.equal(await page.evaluate(() => window.__prompted), 1);
    assert.equal(await page.locator('.install-bar').count(), 0);
    // Never in the newsroom: its pages do not carry the script.
    await page.goto(site.base + '/newsroom/login', { waitUntil: 'load' });
    assert.equal(await page.locator('script[src*="/static/offline."]').count(), 0);
    assert.equal(await page.locator('link[rel=manifest]').count(), 0);
    assert.deepEqual(errors, []);
    await ctx.close();
  });
});

describe('offline', () => {
  test('with the network cut, kept pages open and the rest shows the offline page', async () => {
    const { ctx, page, errors } = await phone();
    await page.goto(site.base + '/', { waitUntil: 'load' });
    await page.evaluate(() => navigator.serviceWorker.ready);
    await until('the service worker controls the page', () => page.evaluate(() => !!navigator.serviceWorker.controller));
    let caches = await cached(page);
    assert.deepEqual(Object.keys(caches), ['khabar-' + list.version]);
    let keys = caches['khabar-' + list.version];
    for (const u of [...list.shell, ...list.stories.map((s) => s.url)])
      assert.ok(keys.includes(u), `${u} kept at install`);
    assert.ok(!older.some((p) => keys.includes(p)), 'nothing older than the latest 50 kept yet');
    // The reader opens an older story: it is kept too.
    const opened = older[0], never = older[1];
    await page.goto(site.base + opened, { waitUntil: 'load' });
    const openedTitle = await page.locator('h1').innerText();
    await until('the opened story is kept', async () => (await cached(page))['khabar-' + list.version].includes(opened));
    // The newsroom is never kept: an editor's desk and editor, in the
    // same browser. Nor is a page that is not a plain 200.
    await newsroomLogin(page, site.base, 'offline-editor', PASSWORD);
    await page.goto(site.base + '/newsroom/articles/new', { waitUntil: 'load' });
    assert.equal((await page.goto(site.base + '/news/abhi-nahin-chhapi')).status(), 404);
    keys = (await cached(page))['khabar-' + list.version];
    assert.deepEqual(keys.filter((k) => k.startsWith('/newsroom') || k.startsWith('/api/') || k.includes('abhi-nahin')), []);

    await ctx.setOffline(true);
    await page.goto(site.base + '/', { waitUntil: 'load' });
    assert.ok(await page.locator('.brand').count(), 'the home page opens offline');
    assert.ok(await page.locator('main a[href^="/news/"]').count() > 5, 'with its stories');
    const recent = list.stories[7];
    await page.goto(site.base + recent.url, { waitUntil: 'load' });
    assert.equal(await page.locator('h1').innerText(), recent.title, 'a recent story never opened');
    await page.goto(site.base + opened, { waitUntil: 'load' });
    assert.equal(await page.locator('h1').innerText(), openedTitle, 'the older story the reader opened');
    // As the app opens it: the home page, under its start URL.
    await page.goto(site.base + '/?source=pwa', { waitUntil: 'load' });
    assert.ok(await page.locator('main a[href^="/news/"]').count() > 5);
    // An older story never opened: the offline page, with the kept ones.
    await page.goto(site.base + never, { waitUntil: 'load' });
    assert.equal(await page.locator('h1').innerText(), 'आप ऑफ़लाइन हैं');
    await page.locator('html[data-offline-saved]').waitFor({ state: 'attached' });
    const saved = page.locator('#offline-saved li a');
    assert.equal(await saved.count(), list.stories.length + 1);
    assert.equal(await saved.first().innerText(), list.stories[0].title, 'newest first, by title');
    assert.ok(await page.locator(`#offline-saved a[href="${opened}"]`).count(), 'the opened story listed');
    await shot(page, 'offline-page-360.png');
    // Following a listed story works offline.
    await page.locator(`#offline-saved a[href="${recent.url}"]`).click();
    await page.waitForURL(site.base + recent.url);
    assert.equal(await page.locator('h1').innerText(), recent.title);
    await page.goto(site.base + '/search?q=israel', { waitUntil: 'load' });
    assert.equal(await page.locator('h1').innerText(), 'आप ऑफ़लाइन हैं');
    await ctx.setOffline(false);
    assert.deepEqual(errors, []);
    await ctx.close();
  });

  test('at most 100 stories are kept: the oldest kept go first', async () => {
    const { ctx, page, errors } = await phone();
    await page.goto(site.base + '/', { waitUntil: 'load' });
    await page.evaluate(() => navigator.serviceWorker.ready);
    await until('the service worker controls the page', () => page.evaluate(() => !!navigator.serviceWorker.controller));
    // 50 kept at install and 60 more opened: 10 too many.
    for (const p of older) await page.goto(site.base + p, { waitUntil: 'domcontentloaded' });
    const stories = async () => (await cached(page))['khabar-' + list.version].filter((k) => k.startsWith('/news/'));
    await until('100 stories kept', async () => (await stories()).length === 100);
    const kept = await stories();
    assert.deepEqual(kept.slice(-60), older, 'every story opened, in the order read');
    assert.equal(list.stories.filter((s) => kept.includes(s.url)).length, 40, '10 of those kept at install went');
    // A story read again is the newest kept.
    const again = list.stories.find((s) => kept.includes(s.url)).url;
    await page.goto(site.base + again, { waitUntil: 'domcontentloaded' });
    await until('the story read again last', async () => (await stories()).at(-1) === again);
    assert.equal((await stories()).length, 100);
    assert.deepEqual(errors, []);
    await ctx.close();
  });

  test('a new version (a changed theme) replaces the cache and keeps the stories read', async () => {
    const { ctx, page, errors } = await phone();
    await page.goto(site.base + '/', { waitUntil: 'load' });
    await page.evaluate(() => navigator.serviceWorker.ready);
    await until('the service worker controls the page', () => page.evaluate(() => !!navigator.serviceWorker.controller));
    await page.goto(site.base + older[2], { waitUntil: 'load' });
    const first = 'khabar-' + list.version;
    await until('the opened story is kept', async () => ((await cached(page))[first] || []).includes(older[2]));
    // The same site served again with one theme file changed.
    const theme = tempDir();
    mkdirSync(path.join(theme.dir, 'static'));
    writeFileSync(path.join(theme.dir, 'static', 'style.css'),
      readFileSync(path.join(root, 'static', 'style.css'), 'utf8') + '\n.offline-test { color: red; }\n');
    // Killed outright: a graceful stop waits for the browser's idle
    // connections, and a deployment may well be a crash.
    const gone = new Promise((r) => site.child.once('exit', r));
    site.child.kill('SIGKILL');
    await gone;
    const media = site.db.startsWith('postgres') ? ['--media', path.join(site.dir, 'media')] : [];
    const again = spawn(bin, ['serve', '--db', site.db, '--listen', `127.0.0.1:${site.port}`, '--theme', theme.dir, ...media],
      { cwd: root, stdio: 'ignore' });
    try {
      await until('the server is back', () => fetch(site.base + '/healthz').then((r) => r.ok, () => false));
      const next = await (await fetch(site.base + '/offline.json')).json();
      assert.notEqual(next.version, list.version, 'a changed file is a new version');
      assert.ok((await (await fetch(site.base + '/sw.js')).text()).startsWith(`var KHABAR_VERSION = '${next.version}';`));
      await page.evaluate(() => navigator.serviceWorker.getRegistration().then((r) => r.update()));
      await until('the new cache alone', async () => {
        const names = Object.keys(await cached(page));
        return names.length === 1 && names[0] === 'khabar-' + next.version;
      });
      const keys = (await cached(page))['khabar-' + next.version];
      assert.ok(keys.includes(older[2]), 'the story read came along');
      for (const st of next.stories) assert.ok(keys.includes(st.url), `${st.url} kept again`);
      assert.notEqual(keys.filter((k) => k.startsWith('/news/')).at(-1), older[2], 'the latest stored after the old');
      assert.ok(keys.includes(next.shell[0]), 'the new shell');
      assert.ok(!keys.some((k) => list.shell.includes(k) && !next.shell.includes(k)), 'no old asset');
      assert.deepEqual(errors, []);
    } finally {
      await ctx.close();
      const done = new Promise((r) => again.once('exit', r));
      again.kill('SIGTERM');
      await done;
      theme.remove();
    }
  });
});
