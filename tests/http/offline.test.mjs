// Black-box tests of the installable site's endpoints: the web app
// manifest (fields, icons, its cache, a settings change seen at once),
// /offline.json (the service worker's shell and the latest 50 stories,
// with the version sw.js carries), the Hindi offline page, and the theme's
// colours and version following a theme folder. The service worker's
// behaviour in a browser: tests/browser/offline.test.mjs.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { khabar, root, startSite, tempDir, until } from '../lib/khabar.mjs';

let site, list;
before(async () => {
  site = await startSite({ articles: 55 });
  list = (await (await fetch(site.base + '/offline.json')).json()).stories;
});
after(async () => { await site?.stop(); });

const get = (p) => fetch(site.base + p);
const swVersion = async (base) => /^var KHABAR_VERSION = '([0-9a-f]{8})';\n/.exec(await (await fetch(base + '/sw.js')).text())?.[1];

function pngSize(buf) {
  assert.equal(buf.subarray(0, 8).toString('latin1'), '\x89PNG\r\n\x1a\n', 'a PNG');
  return `${buf.readUInt32BE(16)}x${buf.readUInt32BE(20)}`;
}

describe('the web app manifest', () => {
  test('names the site in Hindi, its colours, start URL and icons of the sizes it says', async () => {
    const r = await get('/manifest.webmanifest');
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('content-type'), 'application/manifest+json; charset=utf-8');
    assert.match(r.headers.get('cache-control'), /^public, max-age=3600\b/);
    assert.match(r.headers.get('xkey'), /\bstatic\b/, 'emptied with the settings');
    const m = await r.json();
    assert.deepEqual({ ...m, icons: undefined }, {
      id: '/', name: 'खबर डेमो', short_name: 'खबर डेमो', description: 'हिंदी खबरें, सबसे पहले', lang: 'hi', dir: 'ltr',
      start_url: '/?source=pwa', scope: '/', display: 'standalone', theme_color: '#b3121f', background_color: '#ffffff',
      icons: undefined, categories: ['news'],
    });
    assert.equal(m.icons.length, 3);
    for (const icon of m.icons) {
      assert.match(icon.src, /^\/static\/icon-(maskable-)?\d+\.[0-9a-f]{8}\.png$/);
      const ir = await get(icon.src);
      assert.equal(ir.status, 200);
      assert.equal(ir.headers.get('content-type'), 'image/png');
      assert.equal(ir.headers.get('cache-control'), 'public, max-age=31536000, immutable');
      assert.equal(pngSize(Buffer.from(await ir.arrayBuffer())), icon.sizes);
    }
    assert.deepEqual(m.icons.filter((i) => i.purpose === 'maskable').map((i) => i.sizes), ['512x512']);
  });

  test('follows a change of the site\'s name at once; a long name gets a short one', async () => {
    const set = (v) => assert.equal(khabar(['settings', 'set', 'name', v, '--db', site.db]).status, 0);
    await get('/manifest.webmanifest'); // in the page cache now
    set('राष्ट्रीय समाचार सेवा दिल्ली');
    try {
      // A server notices a change made elsewhere within moments.
      let m;
      await until('the new name in the manifest', async () => {
        m = await (await get('/manifest.webmanifest')).json();
        return m.name === 'राष्ट्रीय समाचार सेवा दिल्ली';
      });
      assert.equal(m.short_name, 'राष्ट्रीय', 'the first word of a name over 12 characters');
    } finally {
      set('खबर डेमो');
      await until('the name back', async () => (await (await get('/manifest.webmanifest')).json()).name === 'खबर डेमो');
    }
  });

  test('every reader page links it with the theme colour; the newsroom does not', async () => {
    for (const p of ['/', list[0].url, '/category/desh', '/search?q=israel', '/offline', '/page/about']) {
      const html = await (await get(p)).text();
      assert.match(html, /<link rel="manifest" href="\/manifest\.webmanifest">/, p);
      assert.match(html, /<meta name="theme-color" content="#b3121f">/, p);
      assert.match(html, /<script src="\/static\/offline\.[0-9a-f]{8}\.js" defer><\/script>/, p);
      assert.match(html, /<link rel="apple-touch-icon" href="\/static\/icon-192\.[0-9a-f]{8}\.png">/, p);
    }
    const nr = await (await get('/newsroom/login')).text();
    assert.doesNotMatch(nr, /manifest|offline\./);
  });
});

describe('what the service worker keeps', () => {
  test('/offline.json: the version sw.js carries, the shell, the latest 50 stories', async () => {
    const r = await get('/offline.json');
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-type'), /^application\/json/);
    assert.match(r.headers.get('cache-control'), /^public, max-age=60\b/);
    assert.match(r.headers.get('xkey'), /\blist\b/, 'purged with the home page');
    const j = await r.json();
    assert.equal(j.version, await swVersion(site.base));
    const home = await (await get('/')).text();
    for (const asset of ['style', 'app', 'push', 'offline'])
      assert.ok(j.shell.includes(new RegExp(`"(/static/${asset}\\.[0-9a-f]{8}\\.(css|js))"`).exec(home)[1]), asset);
    assert.deepEqual(j.shell.slice(-2), ['/', '/offline']);
    for (const u of j.shell) assert.equal((await get(u)).status, 200, u);
    const api = await (await get('/api/v1/articles?limit=50')).json();
    assert.deepEqual(j.stories, api.articles.map((a) => ({ url: new URL(a.url).pathname, title: a.title })));
    assert.equal(j.stories.length, 50);
  });

  test('the offline page is Hindi, not indexed, and has the place for the stories kept', async () => {
    const r = await get('/offline');
    assert.equal(r.status, 200);
    const html = await r.text();
    assert.match(html, /<h1>आप ऑफ़लाइन हैं<\/h1>/);
    assert.match(html, /<meta name="robots" content="noindex, follow">/);
    assert.match(html, /<div id="offline-saved" hidden>/);
  });

  test('sw.js, the push worker, is never cached: a new version is seen at once', async () => {
    const r = await get('/sw.js');
    assert.equal(r.headers.get('cache-control'), 'private, no-store');
    assert.match(r.headers.get('content-type'), /^text\/javascript/);
    assert.match(await r.text(), /^var KHABAR_VERSION = '[0-9a-f]{8}';\n\/\/ khabar service worker/);
  });
});

describe('the theme decides the colours and the version', () => {
  test('a theme folder\'s --brand colours the manifest and pages; a changed file is a new version', async () => {
    const t = tempDir();
    mkdirSync(path.join(t.dir, 'static'));
    const css = readFileSync(path.join(root, 'static', 'style.css'), 'utf8')
      .replace('--brand: #b3121f;', '--brand: #0a5c36;').replace('--bg: #ffffff;', '--bg: #fdfcf7;');
    writeFileSync(path.join(t.dir, 'static', 'style.css'), css);
    // The same database, served again the same way, has the same version:
    // every server of a cluster names its caches alike.
    const same = await startSite({ db: site.db });
    const themed = await startSite({ db: site.db, extraArgs: ['--theme', t.dir] });
    try {
      assert.equal(await swVersion(same.base), await swVersion(site.base));
      const v = await swVersion(themed.base);
      assert.ok(v && v !== await swVersion(site.base), `a new version: ${v}`);
      assert.equal((await (await fetch(themed.base + '/offline.json')).json()).version, v);
      const m = await (await fetch(themed.base + '/manifest.webmanifest')).json();
      assert.equal(m.theme_color, '#0a5c36');
      assert.equal(m.background_color, '#fdfcf7');
      assert.match(await (await fetch(themed.base + '/')).text(), /<meta name="theme-color" content="#0a5c36">/);
    } finally {
      await themed.stop();
      await same.stop();
      t.remove();
    }
  });
});
