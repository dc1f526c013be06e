// Black-box tests of "khabar import wordpress": the WordPress 6.1 exports in
// tests/fixtures/ go into a new site (khabar init, no demo articles), which
// is then served: counts, a Hindi post's body and dates, categories and
// tags, pages as static pages, every old URL answering 301 to the right page, a second run that
// changes nothing, and broken files (truncated, not WordPress, declaring
// entities) that leave the database as it was.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { bin, dumpDb, khabar, newDb, root, sanitized, sql, startSite, tempDir } from '../lib/khabar.mjs';
import { Client, hasExif, withGps } from '../lib/newsroom.mjs';

const fixture = (name) => path.join(root, 'tests/fixtures', name);

// The posts of an export, read with a regular expression (the file is
// WordPress's own output, one field per line).
function items(file) {
  const xml = readFileSync(file, 'utf8');
  return [...xml.matchAll(/<item>([\s\S]*?)<\/item>/g)].map((m) => {
    const field = (name) => {
      const f = m[1].match(new RegExp(`<${name}>(?:<!\\[CDATA\\[)?([\\s\\S]*?)(?:\\]\\]>)?</${name}>`));
      return f ? f[1] : '';
    };
    return {
      title: field('title'), link: field('link'), id: field('wp:post_id'),
      type: field('wp:post_type'), status: field('wp:status'), gmt: field('wp:post_date_gmt'),
    };
  });
}

// Everything in the database (dumpDb: schema and every row), hashed:
// equal dumps, equal databases.
const dump = (db) => createHash('sha256').update(dumpDb(db)).digest('hex');

function newSite(dir, name) {
  const db = newDb(dir, name);
  const r = khabar(['init', '--name', 'पुराना पोर्टल', '--url', 'https://news.example', '--db', db]);
  assert.equal(r.status, 0, r.stderr);
  return db;
}

// Fetches url without following; returns {status, location}.
async function head(base, url) {
  const res = await fetch(base + url, { redirect: 'manual' });
  await res.arrayBuffer();
  return { status: res.status, location: res.headers.get('location') };
}

const esc = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

describe('khabar import wordpress (the 20-item export)', () => {
  let t, db, site, first;
  const posts = items(fixture('wxr-small.xml')).filter((i) => i.type === 'post');

  before(async () => {
    t = tempDir();
    db = newSite(t.dir, 'small.db');
    first = khabar(['import', 'wordpress', fixture('wxr-small.xml'), '--db', db]);
    site = await startSite({ db });
  });
  after(async () => { await site.stop(); t.remove(); });

  test('imports every post and page and reports the counts', () => {
    assert.equal(first.status, 0, first.stderr);
    assert.equal(posts.length, 18);
    assert.match(first.stdout, /imported: 18 posts, 2 pages/);
    assert.match(first.stdout, /added: 1 authors, 0 categories, 0 tags/);
    assert.match(first.stdout, /1 default category/);
    assert.equal(first.stderr, '', 'no progress line when stderr is not a terminal');
  });

  test('a Hindi post keeps its body, title, category and GMT date', async () => {
    const seed = posts.find((p) => p.id === '4');
    const { location } = await head(site.base, '/?p=4');
    const slug = location.replace(/^.*\/news\//, '');
    assert.equal(slug, 'bharat-israel-raksha-sahyog-par-samjhauta-gyapan-par-hastakshar');
    const list = await (await fetch(`${site.base}/api/v1/articles?limit=50`)).json();
    const a = list.articles.find((x) => x.slug === slug);
    assert.ok(a, 'the seed post is in the API');
    const one = (await (await fetch(`${site.base}/api/v1/articles/${a.id}`)).json()).article;
    assert.equal(one.title, seed.title);
    assert.equal(one.category.name, 'रक्षा');
    assert.equal(one.author.name, 'admin');
    // 2025-11-05 10:00:00 GMT, shown in the site's zone (+05:30).
    assert.equal(Date.parse(one.published_at), Date.parse(`${seed.gmt.replace(' ', 'T')}Z`));
    assert.match(one.body_html, /<p>नई दिल्ली। रक्षा सचिव राजेश कुमार सिंह/);
    assert.ok(!one.body_html.includes('wp:paragraph'), 'block comments dropped');
    const page = await (await fetch(`${site.base}/news/${slug}`)).text();
    assert.ok(page.includes(esc(seed.title)), 'the article page shows the title');
  });

  test('every old permalink answers 301 to its post, in either hex case, in one hop', async () => {
    for (const p of posts) {
      const old = new URL(p.link).pathname;
      for (const url of [old, old.replace(/%[0-9a-f]{2}/g, (m) => m.toUpperCase())]) {
        const r = await head(site.base, url);
        assert.equal(r.status, 301, `${url} should redirect`);
        assert.match(r.location, /^\/news\/[a-z0-9-]+$/, `${url} -> ${r.location}`);
        const page = await fetch(site.base + r.location);
        assert.equal(page.status, 200, `${r.location} answers`);
        assert.ok((await page.text()).includes(esc(p.title)), `${url} lands on "${p.title}"`);
      }
      const q = await head(site.base, `/?p=${p.id}`);
      assert.equal(q.status, 301);
      assert.equal(q.location, (await head(site.base, old)).location, `/?p=${p.id} and ${old} agree`);
    }
  });

  test('category, author and feed URLs redirect to khabar\'s', async () => {
    const khel = '/category/%e0%a4%96%e0%a5%87%e0%a4%b2/';
    for (const [from, to] of [
      [khel, '/category/khel'],
      [khel.toUpperCase().replace('/CATEGORY/', '/category/'), '/category/khel'],
      ['/category/%e0%a4%96%e0%a5%87%e0%a4%b2', '/category/khel'],
      [`${khel}feed/`, '/category/khel/feed'],
      ['/category/uncategorized/', '/'],
      ['/?cat=4', '/category/khel'],
      ['/?author=1', '/author/admin'],
      ['/author/admin/', '/author/admin'],
      ['/feed/', '/feed'],
      ['/feed/rss2/', '/feed'],
      ['/comments/feed/', '/feed'],
    ]) {
      const r = await head(site.base, from);
      assert.equal(r.status, 301, from);
      assert.equal(r.location, to, from);
    }
    const khelPage = await fetch(`${site.base}/category/khel`);
    assert.equal(khelPage.status, 200);
    assert.equal((await fetch(`${site.base}/author/admin`)).status, 200);
    assert.equal((await fetch(`${site.base}/category/khel/feed`)).status, 200);
  });

  test('pages become static pages, published if they were, their old URLs answering 301', async () => {
    for (const old of ['/?page_id=2', '/?p=2', '/sample-page', '/sample-page/']) {
      const r = await head(site.base, old);
      assert.equal(r.status, 301, old);
      assert.equal(r.location, '/page/sample-page', old);
    }
    const live = await fetch(site.base + '/page/sample-page');
    assert.equal(live.status, 200);
    assert.match(await live.text(), /<h1>Sample Page<\/h1>/);
    assert.match(await (await fetch(site.base + '/sitemap-pages.xml')).text(), /\/page\/sample-page</);
    /* The draft privacy policy took the place of init's untouched sample
     * of the same slug: a draft still, so not public. */
    const r = await head(site.base, '/?page_id=3');
    assert.equal(r.location, '/page/privacy-policy');
    assert.equal((await fetch(site.base + r.location)).status, 404);
    assert.equal(sql(db, "SELECT title || '|' || status FROM pages WHERE slug = 'privacy-policy'"), 'Privacy Policy|draft');
    assert.equal(sql(db, 'SELECT count(*) FROM pages'), '8');
    assert.equal(sql(db, "SELECT count(*) FROM articles WHERE slug IN ('sample-page', 'privacy-policy')"), '0');
  });

  test('a second run of the same file changes nothing', () => {
    const before = dump(db);
    const again = khabar(['import', 'wordpress', fixture('wxr-small.xml'), '--db', db]);
    assert.equal(again.status, 0, again.stderr);
    assert.match(again.stdout, /imported: 0 posts, 0 pages/);
    assert.match(again.stdout, /added: 0 authors, 0 categories, 0 tags, 0 redirects/);
    assert.match(again.stdout, /skipped: 20 already imported/);
    assert.equal(dump(db), before);
  });
});

describe('khabar import wordpress: what the fixtures from WordPress lack', () => {
  let t, db, site, out, media, photos, link;
  before(async () => {
    t = tempDir();
    db = newSite(t.dir, 'features.db');
    media = path.join(t.dir, 'uploads');
    mkdirSync(path.join(media, '2025/11'), { recursive: true });
    writeFileSync(path.join(media, '2025/11/stadium.jpg'), withGps(readFileSync(fixture('photo-gps.jpg'))));
    // The photo queue's folder, named for the import and the server alike
    // (a database on PostgreSQL has none beside it).
    photos = path.join(t.dir, 'media');
    out = khabar(['import', 'wordpress', fixture('wxr-features.xml'), '--db', db, '--media-dir', media, '--media', photos]);
    site = await startSite({ db, extraArgs: ['--media', photos] });
  });
  after(async () => { await site.stop(); t.remove(); });

  test('reports statuses, skipped types, comments and a missing image by name', () => {
    assert.equal(out.status, 0, out.stderr);
    assert.match(out.stdout, /imported: 4 posts, 0 pages .* 3 posts not published/);
    assert.match(out.stdout, /added: 1 authors, 1 categories, 1 tags/);
    assert.match(out.stdout, /1 of other post types \(nav_menu_item 1\)/);
    assert.match(out.stdout, /1 with another status/);
    assert.match(out.stdout, /2 comments \(not imported\)/);
    assert.match(out.stdout, /featured images: 1 queued for the photo pipeline .*, 1 missing/);
    assert.match(out.stdout, /post 102: missing file .*2025\/11\/gone\.jpg/);
  });

  test('the featured photo goes through the upload pipeline: sizes, srcset, no EXIF, no public original', async () => {
    assert.ok(hasExif(readFileSync(path.join(media, '2025/11/stadium.jpg'))), 'the original has EXIF');
    let html = '';
    for (let i = 0; i < 100 && !html.includes('srcset'); i++) {
      if (i) await new Promise((r) => setTimeout(r, 100));
      // The page is cached until the photo is ready, which changes it.
      html = await (await fetch(`${site.base}/news/bharat-ne-vishwa-kap-jita`)).text();
    }
    assert.match(html, /<picture>/, html);
    const src = html.match(/srcset="([^"]*\.webp[^"]*)"/);
    assert.ok(src, 'a WebP srcset');
    const jpg = html.match(/\/media\/[0-9a-f]{32}-\d+\.jpg/)[0];
    const bytes = Buffer.from(await (await fetch(site.base + jpg)).arrayBuffer());
    assert.ok(bytes.length > 1000 && !hasExif(bytes), `${jpg} is a photo without EXIF`);
    assert.equal((await fetch(`${site.base}/media/wordpress/2025/11/stadium.jpg`)).status, 404);
    const row = sql(db, 'SELECT m.status, i.path, i.alt FROM import_media i JOIN media m ON m.id = i.media_id');
    assert.equal(row, 'ready|2025/11/stadium.jpg|भरा हुआ स्टेडियम');
  });

  test('tags, child categories and the sticky lead', async () => {
    let r = await head(site.base, '/tag/%E0%A4%B5%E0%A4%BF%E0%A4%B6%E0%A5%8D%E0%A4%B5-%E0%A4%95%E0%A4%AA/');
    assert.deepEqual(r, { status: 301, location: '/tag/vishwa-kap' });
    r = await head(site.base, '/category/%e0%a4%96%e0%a5%87%e0%a4%b2/%e0%a4%95%e0%a5%8d%e0%a4%b0%e0%a4%bf%e0%a4%95%e0%a5%87%e0%a4%9f/');
    assert.deepEqual(r, { status: 301, location: '/category/cricket' });
    r = await head(site.base, '/author/sunita/');
    assert.deepEqual(r, { status: 301, location: '/author/sunita-varma' });
    const tag = await (await fetch(`${site.base}/tag/vishwa-kap`)).text();
    assert.ok(tag.includes('भारत ने विश्व कप जीता'));
    const home = await (await fetch(`${site.base}/`)).text();
    assert.ok(home.includes('भारत ने विश्व कप जीता'), 'the sticky post leads');
  });

  test('the body is sanitised Markdown: no script, no javascript:, embeds as links, CDATA joined', async () => {
    const { location } = await head(site.base, '/2025/11/%e0%a4%ad%e0%a4%be%e0%a4%b0%e0%a4%a4-%e0%a4%a8%e0%a5%87/');
    assert.equal(location, '/news/bharat-ne-vishwa-kap-jita');
    const list = await (await fetch(`${site.base}/api/v1/articles`)).json();
    const a = (await (await fetch(`${site.base}/api/v1/articles/${list.articles[0].id}`)).json()).article;
    assert.equal(a.summary, 'मुंबई में जीत का सार');
    assert.equal(a.published_at, '2025-11-10T15:30:00+05:30');
    assert.match(a.body_html, /<strong>शानदार<\/strong>/);
    assert.ok(a.body_html.includes('code ]]&gt; here'), a.body_html);
    assert.ok(!/script|javascript|onclick|iframe/i.test(a.body_html), a.body_html);
    assert.match(a.body_html, /<a href="https:\/\/www\.youtube\.com\/watch\?v=dQw4w9WgXcQ">/);
  });

  test('the author becomes a password-less reporter with a set-password link, once', () => {
    assert.match(out.stdout, /users: 1 made for the authors/);
    const m = out.stdout.match(/^sunita: https:\/\/news\.example(\/newsroom\/set-password\/[0-9a-f]{64})$/m);
    assert.ok(m, out.stdout);
    link = m[1];
    const r = sql(db, "SELECT u.role, u.password, a.name FROM users u JOIN authors a ON a.id = u.author_id WHERE u.login = 'sunita'");
    assert.equal(r, 'reporter||सुनीता वर्मा');
    const tokens = sql(db, 'SELECT token_hash FROM password_tokens');
    assert.equal(tokens, createHash('sha256').update(link.split('/').pop()).digest('hex'), 'only the SHA-256 is kept');
  });

  test('an imported author cannot log in before setting a password', async () => {
    const c = new Client(site.base);
    assert.equal((await c.login('sunita', '')).status, 401);
  });

  test('the link sets the password once, in Hindi, and the author logs in with it', async () => {
    const c = new Client(site.base);
    const { res, html } = await c.page(link);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('cache-control'), 'private, no-store');
    assert.match(html, /अपना पासवर्ड बनाएँ/);
    assert.ok(html.includes('सुनीता वर्मा'));
    let r = await c.post(link, { password: 'short', password2: 'short' });
    assert.equal(r.status, 400);
    assert.match(await r.text(), /कम से कम 10 अक्षर/);
    r = await c.post(link, { password: 'सुनीता-का-पासवर्ड', password2: 'something-else' });
    assert.equal(r.status, 400);
    r = await c.post(link, { password: 'सुनीता-का-पासवर्ड', password2: 'सुनीता-का-पासवर्ड', csrf: 'f'.repeat(64) });
    assert.equal(r.status, 403, 'the form needs its CSRF token');
    r = await c.post(link, { password: 'सुनीता-का-पासवर्ड', password2: 'सुनीता-का-पासवर्ड' });
    assert.equal(r.status, 303);
    assert.equal(r.headers.get('location'), '/newsroom/login?set=1');
    const again = await c.page(link);
    assert.equal(again.res.status, 404, 'the link works once');
    assert.match(again.html, /यह लिंक काम नहीं करता/);
    const d = new Client(site.base);
    assert.equal((await d.login('sunita', 'सुनीता-का-पासवर्ड')).status, 303);
    const desk = await d.page('/newsroom');
    assert.equal(desk.res.status, 200);
  });

  test('an unknown or expired token gets a Hindi not-found page', async () => {
    const c = new Client(site.base);
    for (const p of ['/newsroom/set-password/' + 'a'.repeat(64), '/newsroom/set-password/nonsense']) {
      const { res, html } = await c.page(p);
      assert.equal(res.status, 404, p);
      assert.match(html, /यह लिंक काम नहीं करता/);
    }
    const made = khabar(['user', 'link', 'sunita', '--db', db]);
    assert.equal(made.status, 0, made.stderr);
    const fresh = made.stdout.match(/\/newsroom\/set-password\/[0-9a-f]{64}/)[0];
    assert.equal((await c.page(fresh)).res.status, 200, 'khabar user link makes a working link');
    sql(db, 'UPDATE password_tokens SET expires_at = 1');
    const { res, html } = await c.page(fresh);
    assert.equal(res.status, 404, 'an expired link');
    assert.match(html, /यह लिंक काम नहीं करता/);
  });

  test('a second import makes no user and no link', () => {
    const again = khabar(['import', 'wordpress', fixture('wxr-features.xml'), '--db', db, '--media-dir', media, '--media', photos]);
    assert.equal(again.status, 0, again.stderr);
    assert.match(again.stdout, /users: 0 made/);
    assert.doesNotMatch(again.stdout, /set-password/);
    const n = sql(db, 'SELECT count(*) FROM users');
    assert.equal(n, '1');
  });

  test('the scheduled post keeps its date and is not public yet', async () => {
    const r = await head(site.base, '/?p=102');
    assert.equal(r.location, '/news/kal-ka-match');
    assert.equal((await fetch(site.base + r.location)).status, 404);
  });
});

describe('khabar import wordpress: bad input', () => {
  let t;
  before(() => { t = tempDir(); });
  after(() => t.remove());

  test('a truncated export names the line and leaves the database unchanged', () => {
    const db = newSite(t.dir, 'trunc.db');
    assert.equal(khabar(['import', 'wordpress', fixture('wxr-features.xml'), '--db', db]).status, 0);
    const before = dump(db);
    const r = khabar(['import', 'wordpress', fixture('wxr-truncated.xml'), '--db', db]);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /nothing was imported: .*wxr-truncated\.xml: line 646: .*truncated/);
    assert.equal(r.stdout, '');
    assert.equal(dump(db), before);
  });

  test('a file that is not a WordPress export is refused', () => {
    const db = newSite(t.dir, 'bad.db');
    const before = dump(db);
    const f = path.join(t.dir, 'not.xml');
    writeFileSync(f, '<?xml version="1.0"?>\n<html><body/></html>\n');
    let r = khabar(['import', 'wordpress', f, '--db', db]);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /line 2: not a WordPress export/);
    writeFileSync(f, 'hello\n');
    r = khabar(['import', 'wordpress', f, '--db', db]);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /line 1: /);
    r = khabar(['import', 'wordpress', path.join(t.dir, 'absent.xml'), '--db', db]);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /cannot read .*absent\.xml/);
    assert.equal(dump(db), before);
  });

  // Each file declares what a parser could expand or fetch. Run with 512 MB
  // of address space (an import of the 1,000-post export needs about 200),
  // where the billion laughs once took more than 1.2 GB; the timeout only
  // keeps a regression from hanging the run.
  test('an export that declares entities is refused at their line, in bounded memory, with nothing stored', () => {
    const db = newSite(t.dir, 'entities.db');
    const before = dump(db);
    const secret = path.join(t.dir, 'secret.txt');
    writeFileSync(secret, 'SECRET-MARKER\n');
    const dtd = path.join(t.dir, 'evil.dtd');
    writeFileSync(dtd, `<!ENTITY leak SYSTEM "file://${secret}">\n`);
    const head = (subset) => `<?xml version="1.0"?>\n<!DOCTYPE rss ${subset}>\n`
      + '<rss xmlns:wp="http://wordpress.org/export/1.2/" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>\n'
      + '<wp:wxr_version>1.2</wp:wxr_version>\n';
    const item = (ref) => `<item><title>${ref}</title><wp:post_id>1</wp:post_id><wp:post_type>post</wp:post_type>`
      + `<wp:status>publish</wp:status><content:encoded>${ref}</content:encoded></item>\n</channel></rss>\n`;
    let laughs = '[\n<!ENTITY lol0 "lollollollollollollollollollol">\n';
    for (let i = 1; i <= 9; i++) laughs += `<!ENTITY lol${i} "${`&lol${i - 1};`.repeat(10)}">\n`;
    const files = {
      'laughs.xml': [head(`${laughs}]`) + item('&lol9;'), 3, /declares the entity "lol0"/],
      'system.xml': [head(`[\n<!ENTITY leak SYSTEM "file://${secret}">\n]`) + item('&leak;'), 3, /declares the entity "leak"/],
      'passwd.xml': [head('[\n<!ENTITY xxe SYSTEM "file:///etc/passwd">\n]') + item('&xxe;'), 3, /declares the entity "xxe"/],
      'param.xml': [head(`[\n<!ENTITY % ext SYSTEM "file://${dtd}">\n%ext;\n]`) + item('&leak;'), 3, /declares the parameter entity "%ext"/],
      'outside.xml': [head(`SYSTEM "file://${dtd}"`) + item('&leak;'), 2, /names an outside DTD/],
    };
    assert.ok(Buffer.byteLength(files['laughs.xml'][0]) < 1500, 'the bomb is about a kilobyte');
    for (const [name, [xml, line, why]] of Object.entries(files)) {
      const f = path.join(t.dir, name);
      writeFileSync(f, xml);
      const r = spawnSync('sh', ['-c', `${sanitized ? '' : 'ulimit -v 524288 && '}exec "$0" "$@"`, bin, 'import', 'wordpress', f, '--db', db],
        { encoding: 'utf8', timeout: 120000 });
      assert.equal(r.status, 1, `${name}: exit status 1 (signal ${r.signal}), stderr: ${r.stderr}`);
      assert.equal(r.stdout, '', name);
      assert.ok(r.stderr.startsWith(`khabar: import failed, nothing was imported: ${f}: line ${line}: the file `),
        `${name}: expected the file and line ${line}, got: ${r.stderr}`);
      assert.match(r.stderr, why, name);
      assert.match(r.stderr, /export the site again from WordPress/, name);
      assert.doesNotMatch(r.stderr, /SECRET-MARKER|root:/, `${name}: nothing read from a local file`);
    }
    assert.equal(dump(db), before, 'the database gained nothing');
  });

  test('the 1,000-post export imports, and a later export adds only the new posts', () => {
    const db = newSite(t.dir, 'big.db');
    let r = khabar(['import', 'wordpress', fixture('wxr-small.xml'), '--db', db]);
    assert.equal(r.status, 0, r.stderr);
    r = khabar(['import', 'wordpress', fixture('wxr-1000.xml'), '--db', db]);
    assert.equal(r.status, 0, r.stderr);
    // The small export is the first posts of the same site.
    const m = r.stdout.match(/imported: (\d+) posts, (\d+) pages/);
    const skipped = Number(r.stdout.match(/skipped: (\d+) already imported/)[1]);
    assert.equal(Number(m[1]) + Number(m[2]) + skipped, 1002);
    assert.ok(Number(m[1]) >= 982, r.stdout);
  });
});
