// HTTP black-box tests of static pages (/page/{slug}), on either backend:
// the demo's seven pages and the footer's links, canonical URL and Open
// Graph, the sitemap (not the news sitemap, not the feeds), drafts hidden,
// and the newsroom's side: roles, CSRF, creating with a Hindi title,
// saving with the version check, publishing, unpublishing, the audit log,
// the cache dropping a page (and every footer) when it changes, and the
// header's and footer's menus edited in the newsroom.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { khabar, newDb, sql, startSite, tempDir } from '../lib/khabar.mjs';
import { Client, addUser, loggedIn } from '../lib/newsroom.mjs';

let site;
before(async () => {
  site = await startSite({ articles: 5 });
  addUser(site.db, 'ram', 'reporter', 'राम शर्मा');
  addUser(site.db, 'editor', 'editor', 'संपादक जी');
});
after(async () => { await site.stop(); });

const get = (p) => fetch(site.base + p, { redirect: 'manual' });

describe('the demo site\'s pages', () => {
  test('the footer links the published pages in order, about, contact and the grievance officer first', async () => {
    const html = await (await get('/')).text();
    const foot = html.match(/<nav class="foot-links"[^]*?<\/nav>/);
    assert.ok(foot, 'a footer nav of pages');
    const titles = [...foot[0].matchAll(/<a href="([^"]+)">([^<]+)<\/a>/g)].map((m) => [m[1], m[2]]);
    assert.deepEqual(titles.slice(0, 3), [
      ['/page/about', 'हमारे बारे में'], ['/page/contact', 'संपर्क'], ['/page/grievance-officer', 'शिकायत अधिकारी'],
    ]);
    assert.equal(titles.length, 7);
  });

  test('a page has its title, its Markdown body, a canonical URL and Open Graph tags', async () => {
    const res = await get('/page/grievance-officer');
    assert.equal(res.status, 200);
    assert.match(res.headers.get('cache-control'), /max-age=300/);
    const html = await res.text();
    assert.match(html, /<h1>शिकायत अधिकारी<\/h1>/);
    assert.match(html, /<strong>बदलें: यह नमूना पाठ है।<\/strong>/);
    assert.match(html, /<link rel="canonical" href="http:\/\/127\.0\.0\.1:8080\/page\/grievance-officer">/);
    assert.match(html, /<meta property="og:title" content="शिकायत अधिकारी">/);
    assert.match(html, /<meta property="og:url" content="http:\/\/127\.0\.0\.1:8080\/page\/grievance-officer">/);
    assert.equal((await get('/page/no-such-page')).status, 404);
  });

  test('pages are in the sitemap, not in the news sitemap or the feeds', async () => {
    const map = await (await get('/sitemap-pages.xml')).text();
    assert.match(map, /<loc>http:\/\/127\.0\.0\.1:8080\/page\/about<\/loc><lastmod>/);
    assert.match(map, /\/page\/terms</);
    for (const p of ['/news-sitemap.xml', '/feed', '/feed/atom', '/sitemap-1.xml'])
      assert.doesNotMatch(await (await get(p)).text(), /\/page\//, p);
  });
});

describe('pages in the newsroom', () => {
  test('reporters may not see or change pages; editors may', async () => {
    const ram = await loggedIn(site.base, 'ram');
    assert.equal((await ram.get('/newsroom/pages')).status, 403);
    assert.equal((await ram.post('/newsroom/pages/new', { title: 'x', body: 'y' })).status, 403);
    const ed = await loggedIn(site.base, 'editor');
    const { res, html } = await ed.page('/newsroom/pages');
    assert.equal(res.status, 200);
    assert.match(html, /संपादकीय नीति/);
    assert.match(html, /href="\/newsroom\/pages"/); /* in the navigation */
  });

  test('a form without the CSRF token is refused and nothing is stored', async () => {
    const ed = await loggedIn(site.base, 'editor');
    const before = sql(site.db, 'SELECT count(*) FROM pages');
    const res = await ed.post('/newsroom/pages/new', { csrf: '', title: 'बिना टोकन', body: 'x' });
    assert.equal(res.status, 403);
    assert.equal(sql(site.db, 'SELECT count(*) FROM pages'), before);
  });

  test('an editor writes a page with a Hindi title, publishes it, edits it and unpublishes it', async () => {
    const ed = await loggedIn(site.base, 'editor');
    await ed.page('/newsroom/pages/new');
    let res = await ed.post('/newsroom/pages/new', { title: 'विज्ञापन दरें', body: 'दरें **जल्द**।', footer: '8', slug: '' });
    assert.equal(res.status, 303);
    const url = res.headers.get('location');
    const id = url.match(/\/newsroom\/pages\/(\d+)$/)[1];
    let { html } = await ed.page(url);
    const slug = html.match(/name="slug" value="([^"]*)"/)[1];
    assert.match(slug, /^[a-z0-9-]+$/);
    assert.ok(slug.length > 3, slug);
    /* A draft: not on the site, not in the footer. */
    assert.equal((await get(`/page/${slug}`)).status, 404);
    const home0 = await (await get('/')).text();
    assert.doesNotMatch(home0, /विज्ञापन दरें/);

    const version = html.match(/name="version" value="(\d+)"/)[1];
    res = await ed.post(`/newsroom/pages/${id}/publish`, { title: 'विज्ञापन दरें', body: 'दरें **जल्द**।', footer: '8', slug, version });
    assert.equal(res.status, 303);
    const live = await get(`/page/${slug}`);
    assert.equal(live.status, 200);
    assert.match(await live.text(), /दरें <strong>जल्द<\/strong>।/);
    /* The home page was cached without it; the change dropped it. */
    assert.match(await (await get('/')).text(), new RegExp(`<a href="/page/${slug}">विज्ञापन दरें</a>`));

    /* An edit from an old version is refused with the form kept. */
    res = await ed.post(`/newsroom/pages/${id}`, { title: 'पुराना', body: 'पुराना', footer: '8', slug, version });
    assert.equal(res.status, 409);
    assert.match(await res.text(), /किसी और ने यह पेज बदल दिया/);
    ({ html } = await ed.page(url));
    const v2 = html.match(/name="version" value="(\d+)"/)[1];
    res = await ed.post(`/newsroom/pages/${id}`, { title: 'विज्ञापन दरें 2026', body: 'नई दरें।', footer: '8', slug, version: v2 });
    assert.equal(res.status, 303);
    const after1 = await (await get(`/page/${slug}`)).text();
    assert.match(after1, /<h1>विज्ञापन दरें 2026<\/h1>/);
    assert.match(after1, /नई दरें।/);

    /* Another page's slug is taken. */
    ({ html } = await ed.page(url));
    const v3 = html.match(/name="version" value="(\d+)"/)[1];
    res = await ed.post(`/newsroom/pages/${id}`, { title: 'x', body: 'y', footer: '8', slug: 'about', version: v3 });
    assert.equal(res.status, 409);
    assert.match(await res.text(), /यह URL किसी दूसरे पेज का है/);

    res = await ed.post(`/newsroom/pages/${id}/unpublish`, { title: 'विज्ञापन दरें 2026', body: 'नई दरें।', footer: '8', slug, version: v3 });
    assert.equal(res.status, 303);
    assert.equal((await get(`/page/${slug}`)).status, 404);
    assert.doesNotMatch(await (await get('/')).text(), /विज्ञापन दरें/);
    assert.doesNotMatch(await (await get('/sitemap-pages.xml')).text(), new RegExp(`/page/${slug}<`));

    const audit = sql(site.db, "SELECT action FROM audit WHERE action LIKE 'page_%' ORDER BY id");
    assert.deepEqual(audit.split('\n'), ['page_create', 'page_publish', 'page_save', 'page_unpublish']);
    const { html: log } = await ed.page('/newsroom/audit');
    assert.match(log, /पेज प्रकाशित किया/);
  });

  test('the preview renders a page body as readers see it', async () => {
    const ed = await loggedIn(site.base, 'editor');
    await ed.page('/newsroom/pages/new');
    const res = await ed.post('/newsroom/preview', { body: '## शीर्षक\n\n<script>x</script>', dateline: '' });
    assert.equal(res.status, 200);
    const html = await res.text();
    assert.match(html, /<h2>शीर्षक<\/h2>/);
    assert.doesNotMatch(html, /<script>/);
  });
});

describe('menus', () => {
  test('reporters may not change the menus', async () => {
    const ram = await loggedIn(site.base, 'ram');
    assert.equal((await ram.get('/newsroom/menus')).status, 403);
    assert.equal((await ram.post('/newsroom/menus', { header: 'x | /', footer: '' })).status, 403);
  });

  test('a bad link is refused with its line and nothing is saved', async () => {
    const ed = await loggedIn(site.base, 'editor');
    await ed.page('/newsroom/menus');
    for (const bad of ['खेल | javascript:alert(1)', 'खेल | //evil.example', 'खेल /category/khel', ' | /page/about',
      'खेल | /category/khel x']) {
      const res = await ed.post('/newsroom/menus', { header: `होम | /\n${bad}`, footer: '' });
      assert.equal(res.status, 400, bad);
      assert.match(await res.text(), /हेडर मेन्यू, पंक्ति 2:/, bad);
    }
    assert.equal(sql(site.db, 'SELECT count(*) FROM menu_items'), '0');
  });

  test('the header and footer show the editor\'s links in order, and an empty header lists the categories again', async () => {
    const ed = await loggedIn(site.base, 'editor');
    let { html: form } = await ed.page('/newsroom/menus');
    assert.match(form, /<code>\/page\/about<\/code>/);
    assert.match(form, /<code>\/category\/desh<\/code>/);
    const home0 = await (await get('/')).text(); /* cached before the change */
    assert.match(home0, /<a href="\/category\/desh">देश<\/a>/);
    let res = await ed.post('/newsroom/menus', {
      header: 'खेल | /category/khel\r\n\r\nहमारे बारे में | /page/about\n',
      footer: 'विज्ञापन | https://ads.example.com/hi?a=1&b=2',
    });
    assert.equal(res.status, 303);
    const home = await (await get('/')).text();
    const nav = home.match(/<nav class="nav"[^]*?<\/nav>/)[0];
    assert.deepEqual([...nav.matchAll(/<a href="([^"]+)">([^<]+)<\/a>/g)].map((m) => m[1] + ' ' + m[2]),
      ['/ होम', '/category/khel खेल', '/page/about हमारे बारे में']);
    const foot = home.match(/<nav class="foot-links"[^]*?<\/nav>/)[0];
    const links = [...foot.matchAll(/<a href="([^"]+)">([^<]+)<\/a>/g)].map((m) => m[1]);
    assert.equal(links.length, 8);
    assert.equal(links[0], '/page/about');
    assert.equal(links[7], 'https://ads.example.com/hi?a=1&amp;b=2');
    /* Every page shows them: a story too. */
    assert.match(await (await get('/news/bharat-israel-raksha-sahyog-par-samjhauta-gyapan-par-hastakshar')).text(),
      /<a href="\/category\/khel">खेल<\/a>/);
    ({ html: form } = await ed.page('/newsroom/menus'));
    assert.match(form, /खेल \| \/category\/khel\nहमारे बारे में \| \/page\/about\n<\/textarea>/);
    res = await ed.post('/newsroom/menus', { header: '', footer: '' });
    assert.equal(res.status, 303);
    assert.match(await (await get('/')).text(), /<a href="\/category\/desh">देश<\/a>/);
    assert.equal(sql(site.db, "SELECT count(*) FROM audit WHERE action = 'menu'"), '2');
  });
});

describe('khabar init', () => {
  test('makes the seven pages as Hindi drafts that say they are text to replace, and keeps them when run again', () => {
    const t = tempDir();
    const db = newDb(t.dir);
    for (let i = 0; i < 2; i++) {
      const r = khabar(['init', '--db', db, '--name', 'दैनिक भारत', '--url', 'https://news.example.com']);
      assert.equal(r.status, 0, r.stderr);
    }
    const rows = sql(db, 'SELECT title, status FROM pages ORDER BY footer').split('\n');
    assert.deepEqual(rows, ['हमारे बारे में|draft', 'संपर्क|draft', 'शिकायत अधिकारी|draft', 'संपादकीय नीति|draft',
      'सुधार नीति|draft', 'गोपनीयता नीति|draft', 'नियम और शर्तें|draft']);
    assert.equal(sql(db, "SELECT count(*) FROM pages WHERE body LIKE '%यह नमूना पाठ है%'"), '7');
    t.remove();
  });
});
