// The XSS corpus (tests/browser/xss-corpus.mjs) through every field a
// reporter, an editor, an admin, a reader or an imported WordPress post
// controls, rendered in Debian's Chromium: no payload may run or become
// live markup.
//
// How the payloads get in: "khabar article add" files (title, summary,
// body, tags, author, dateline, slug, photo URL, caption, credit), a
// WordPress export through "khabar import wordpress" (title, content HTML,
// excerpt, author, category, tag), the newsroom over HTTP (categories, and
// stories with every editor field, published), readers' tips through the
// public form (name, contact, place, text), the admin's settings (name,
// tagline, email, follow link, logo), static pages and the menus (title,
// slug, body; labels and URLs), author profiles (role, bio, links) and
// corrections and updates, and query parameters pages reflect
// (search, the tip queue's filters, the desk, the login's next...).
//
// What is checked, on every page: the context bypasses the CSP, so that
// escaping and not the CSP is what is tested; a dialog (alert) or an
// assignment to window.__xss, the payloads' sentinels, fails the test, as
// does a page error; and inspect() finds no live markup (an element or
// script khabar's templates do not make, an on* attribute, a javascript:
// URL...). Headlines must also read as their own characters (h1 and
// JSON-LD). Feeds are read as a feed reader would: parsed as XML, the RSS
// title and description (which readers render as HTML) hold no markup
// after one decoding and read as the story's own text, and what is HTML
// (content:encoded, Atom type="html") is the article page's own body. A
// few pages are then loaded with the CSP on, which must report nothing.
//
// Payloads are packed so that each page carries many (a headline holds a
// pack of them, one tag each, one category each), which keeps the run to
// about 400 page loads, two tabs at a time (about two minutes). A failing
// run lists every problem found, with the page and the markup.
// Screenshots: tests/artifacts/xss-*.png.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { launchChromium, newsroomLogin } from '../lib/browser.mjs';
import { khabar, newDb, root, setServerClock, sql, startSite } from '../lib/khabar.mjs';
import { addUser, Client, loggedIn, PASSWORD } from '../lib/newsroom.mjs';
import { inspect, markdownBody, oneLine, payloads, sentinel, wordpressHtml } from './xss-corpus.mjs';

const artifacts = path.join(root, 'tests', 'artifacts');
const bytes = (s) => Buffer.byteLength(s);
const chars = (s) => [...s].length;

// Payloads in consecutive groups whose one-line texts, joined by spaces,
// measure at most max (a longer payload alone is cut to fit).
function pack(max, measure = chars) {
  const groups = [[]];
  for (const p of payloads) {
    let t = oneLine(p.text);
    while (measure(t) > max) t = [...t].slice(0, -1).join('');
    const g = groups[groups.length - 1];
    if (g.length && measure([...g.map((x) => x.t), t].join(' ')) > max) groups.push([]);
    groups[groups.length - 1].push({ p, t });
  }
  return groups.map((g) => ({ payloads: g.map((x) => x.p), text: g.map((x) => x.t).join(' ') }));
}

// Packs for the newsroom's short fields and the site's name (500 bytes),
// its category names and the search box (200), tips (100 characters a
// field) and long query parameters (1000: three of them fit in a request
// head, percent-encoded).
const big = pack(480, bytes);
const mid = pack(200, bytes);
const small = pack(100);
const huge = pack(1000);
const urlish = payloads.filter((p) => /^\s*(javascript|data|vbscript|\/|https?:)/i.test(p.text));

let site, browser, clockFile, now, work;
const made = { cli: [], newsroom: [], wp: [], tips: [] }; // per pack: API articles, tip ids
let catchAll; // the newsroom draft whose body is the whole corpus
const bodies = new Map(); // article id -> its body as the article page shows it

async function advance(seconds) {
  now += seconds;
  await setServerClock(clockFile, now, site.base); // the server reads it every 0.2 s
}

const api = async (p) => (await fetch(site.base + p)).json();
const local = (u) => new URL(u).pathname + new URL(u).search;
const marker = (c) => `xsscanary${c}`;

// "khabar article add" files: a pack in every text field, one tag per
// payload, a payload as the slug and one as the photo's URL.
function addCliArticles(db) {
  const fm = (v) => `"${oneLine(v)}"`;
  big.forEach((g, c) => {
    const file = path.join(work, `cli-${c}.md`);
    writeFileSync(file, [
      '---', `title: ${fm(g.text)}`, 'category: desh', `tags: ${fm(g.payloads.map((p) => oneLine(p.text)).join(', '))}`,
      `author: ${fm(g.text)}`, `summary: ${fm(g.text)}`, `dateline: ${fm(g.text)}`,
      `slug: ${fm(g.payloads[0].text)}`, `image: ${fm(urlish[c % urlish.length].text)}`,
      `caption: ${fm(g.text)}`, `credit: ${fm(g.text)}`, '---', '',
      g.payloads.map((p) => markdownBody(p, marker(c))).join('\n'),
    ].join('\n'));
    const r = khabar(['article', 'add', file, '--db', db]);
    assert.equal(r.status, 0, `khabar article add ${file}: ${r.stderr}`);
    made.cli[c] = Number(r.stdout.match(/added article (\d+)/)[1]);
  });
}

// A WordPress export: per pack, an author and a category named with it, a
// tag too, and a post whose title, excerpt and HTML carry it.
function importWordpress(db) {
  const cdata = (s) => `<![CDATA[${s.replaceAll(']]>', ']]]]><![CDATA[>')}]]>`;
  const head = [], items = [];
  big.forEach((g, c) => {
    head.push(`<wp:author><wp:author_id>${500 + c}</wp:author_id><wp:author_login>${cdata(`xsswp${c}`)}</wp:author_login>` +
      `<wp:author_email>${cdata(`xsswp${c}@example.invalid`)}</wp:author_email><wp:author_display_name>${cdata(g.text)}</wp:author_display_name></wp:author>`);
    head.push(`<wp:category><wp:term_id>${600 + c}</wp:term_id><wp:category_nicename>${cdata(`xss-wp-${c}`)}</wp:category_nicename>` +
      `<wp:category_parent>${cdata('')}</wp:category_parent><wp:cat_name>${cdata(`WP ${g.text}`)}</wp:cat_name></wp:category>`);
    items.push(`<item><title>${cdata(g.text)}</title><link>https://old.example/?p=${700 + c}</link>` +
      `<dc:creator>${cdata(`xsswp${c}`)}</dc:creator>` +
      `<content:encoded>${cdata(g.payloads.map((p) => wordpressHtml(p, marker(c))).join('\n'))}</content:encoded>` +
      `<excerpt:encoded>${cdata(g.payloads.map((p) => p.text).join(' '))}</excerpt:encoded>` +
      `<wp:post_id>${700 + c}</wp:post_id><wp:post_date_gmt>${cdata(`2025-06-01 10:${String(c).padStart(2, '0')}:00`)}</wp:post_date_gmt>` +
      `<wp:post_name>${cdata(`xss-wp-post-${c}`)}</wp:post_name><wp:status>${cdata('publish')}</wp:status><wp:post_type>${cdata('post')}</wp:post_type>` +
      `<category domain="category" nicename="xss-wp-${c}">${cdata(`WP ${g.text}`)}</category>` +
      `<category domain="post_tag" nicename="xss-wp-tag-${c}">${cdata(`WP ${g.text}`)}</category></item>`);
  });
  const file = path.join(work, 'export.xml');
  writeFileSync(file, '<?xml version="1.0" encoding="UTF-8" ?>\n<rss version="2.0" ' +
    'xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/" xmlns:content="http://purl.org/rss/1.0/modules/content/" ' +
    'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">\n<channel>\n' +
    '<title>पुराना पोर्टल</title><link>https://old.example</link><wp:wxr_version>1.2</wp:wxr_version>' +
    '<wp:base_site_url>https://old.example</wp:base_site_url>\n' + head.join('\n') + '\n' + items.join('\n') +
    '\n</channel>\n</rss>\n');
  const r = khabar(['import', 'wordpress', file, '--db', db, '--quiet']);
  assert.equal(r.status, 0, `khabar import wordpress: ${r.stderr}`);
  assert.match(r.stdout, new RegExp(`imported: ${big.length} posts`));
}

// The newsroom over HTTP: a category per mid pack, a published story per
// big pack with every editor field, and a draft holding the whole corpus
// saved twice (so it has revisions to compare).
async function addNewsroomStories(editor) {
  for (const [k, g] of mid.entries()) {
    const res = await editor.post('/newsroom/categories', { name: g.text, slug: `xss-cat-${k}`, position: '90' });
    assert.equal(res.status, 303, `category ${k}: ${res.status}`);
  }
  for (const [c, g] of big.entries()) {
    const all = g.payloads.map((p) => p.text).join('\n\n');
    const res = await editor.post('/newsroom/articles/new', {
      title: g.text, summary: all, body: g.payloads.map((p) => markdownBody(p, marker(c))).join('\n'),
      category: `xss-cat-${c}`, tags: g.payloads.map((p) => oneLine(p.text)).join(', '), dateline: g.text,
      author: g.text, caption: all, credit: g.text, slug: g.text, seo_title: g.text, seo_description: all,
    }, { accept: 'application/json' });
    assert.equal(res.status, 201, `story ${c}: ${await res.clone().text()}`);
    const { id } = await res.json();
    const pub = await editor.post(`/newsroom/articles/${id}/publish`, {}, { accept: 'application/json' });
    assert.equal(pub.status, 200, `publish ${c}: ${await pub.text()}`);
    made.newsroom[c] = id;
  }
  const body = payloads.map((p) => markdownBody(p, 'xsscanaryall')).join('\n');
  let res = await editor.post('/newsroom/articles/new', { title: 'पूरा संग्रह xsscanaryall', body, category: 'desh' },
    { accept: 'application/json' });
  assert.equal(res.status, 201);
  const first = await res.json();
  res = await editor.post(`/newsroom/articles/${first.id}`, {
    title: 'पूरा संग्रह xsscanaryall', body: body.split('\n\n').reverse().join('\n\n'), category: 'desh', version: String(first.version),
  }, { accept: 'application/json' });
  assert.equal(res.status, 200, await res.text());
  catchAll = first.id;
}

// Readers' tips through the public form: each payload once in the name,
// the contact and the place (100 characters each), packs in the text, and
// two tips holding the whole corpus (for drafts made from them).
async function sendTips() {
  const reader = new Client(site.base);
  const { html } = await reader.page('/tips');
  const stamp = html.match(/name="stamp" value="([^"]+)"/)[1];
  await advance(5);
  const all = payloads.map((p) => p.text).join('\n\n');
  const half = all.lastIndexOf('\n\n', all.length / 2);
  const texts = [];
  small.forEach((g, t) => {
    const at = (k) => small[(t + k) % small.length].text;
    texts.push({ name: at(0), contact: at(1), place: at(2), body: `${marker(`tip${t}`)} पाठक की खबर: ${big[t % big.length].payloads.map((p) => p.text).join('\n\n')}` });
  });
  texts.push({ name: 'सब', contact: '', place: 'हर जगह', body: `xsscanaryalltip पहला भाग। ${all.slice(0, half)}` });
  texts.push({ name: 'सब', contact: '', place: 'हर जगह', body: `xsscanaryalltip दूसरा भाग। ${all.slice(half)}` });
  const refs = [];
  for (const [i, f] of texts.entries()) {
    if (i && i % 10 === 0) await advance(601); // 10 tips an address may send in 10 minutes
    const form = new FormData();
    for (const [k, v] of Object.entries({ csrf: reader.csrf, stamp, kind: ['news', 'suggestion', 'complaint'][i % 3], consent: '1', ...f }))
      form.append(k, v);
    form.append('photo', new Blob([]), '');
    const res = await fetch(site.base + '/tips', { method: 'POST', body: form, redirect: 'manual', headers: { cookie: reader.cookieHeader() } });
    assert.equal(res.status, 303, `tip ${i}: ${res.status} ${(await res.text()).match(/id="tip-error"[^>]*>([^<]*)/)?.[1]}`);
    refs.push(new URL(res.headers.get('location'), site.base).searchParams.get('ref'));
  }
  const ids = new Map(sql(site.db, 'SELECT ref, id FROM tips').split('\n').map((l) => l.split('|')));
  made.tips = refs.map((r) => Number(ids.get(r)));
  return reader;
}

before(async () => {
  mkdirSync(artifacts, { recursive: true });
  work = mkdtempSync('/tmp/khabar-xss-');
  clockFile = path.join(work, 'now');
  now = Math.ceil(Date.now() / 60000) * 60 + 300;
  writeFileSync(clockFile, String(now));
  const db = newDb(work);
  assert.equal(khabar(['demo', '--db', db, '--articles', '4']).status, 0);
  addCliArticles(db);
  importWordpress(db);
  site = await startSite({ db, extraArgs: ['--fake-clock', clockFile] });
  addUser(site.db, 'sita', 'editor', 'सीता वर्मा');
  addUser(site.db, 'boss', 'admin', 'मालिक');
  const editor = await loggedIn(site.base, 'sita');
  await addNewsroomStories(editor);
  await sendTips();
  // What each pack became, as the API tells.
  const cats = (await api('/api/v1/categories')).categories;
  for (const [c, g] of big.entries()) {
    const wpCat = cats.find((k) => k.name === `WP ${g.text}`);
    assert.ok(wpCat, `the imported category of pack ${c}`);
    const wp = (await api(`/api/v1/articles?category=${encodeURIComponent(wpCat.slug)}`)).articles;
    assert.equal(wp.length, 1, `one imported post in pack ${c}'s category`);
    made.wp[c] = (await api(`/api/v1/articles/${wp[0].id}`)).article;
    made.cli[c] = (await api(`/api/v1/articles/${made.cli[c]}`)).article;
    made.newsroom[c] = (await api(`/api/v1/articles/${made.newsroom[c]}`)).article;
  }
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  await site?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

// A browser context with the CSP bypassed, the sentinel installed, every
// request off the site refused, and what went wrong collected in found;
// its tabs (pages) load in parallel through pool().
async function viewer({ csp = false, width = 1280, tabs = 2 } = {}) {
  const ctx = await browser.newContext({ bypassCSP: !csp, viewport: { width, height: 900 }, locale: 'hi-IN', serviceWorkers: 'block' });
  await ctx.addInitScript(sentinel);
  const v = { ctx, found: [], csp: [], tabs: [] };
  // A Markdown image may point anywhere (the site's CSP keeps it from
  // loading); a script, a style sheet, a frame or a fetch may not.
  await ctx.route((u) => u.origin !== site.base, (route) => {
    const r = route.request();
    if (/evil\.example/.test(r.url()) && r.resourceType() !== 'image') v.found.push(`${r.frame().url()}: a ${r.resourceType()} from ${r.url()}`);
    return route.abort();
  });
  for (let i = 0; i < tabs; i++) {
    const t = { v, page: await ctx.newPage(), label: '' };
    t.page.on('dialog', (d) => {
      v.found.push(`${t.label}: a dialog opened (${d.type()}: ${d.message()})`);
      d.dismiss().catch(() => {});
    });
    t.page.on('pageerror', (e) => v.found.push(`${t.label}: page error ${e.message}`));
    // With the CSP on, a payload that got through would be reported
    // here; an image from another site (a Markdown image) is refused
    // too, by design.
    t.page.on('console', (m) => {
      if (/Content.Security.Policy/i.test(m.text()) && !/img-src/.test(m.text())) v.csp.push(`${t.label}: ${m.text()}`);
    });
    v.tabs.push(t);
  }
  v.tab = v.tabs[0];
  v.page = v.tab.page;
  return v;
}

// Runs fn(tab, item, index) for every item, on v's tabs at once.
async function pool(v, items, fn) {
  let next = 0;
  await Promise.all(v.tabs.map(async (t) => {
    while (next < items.length) {
      const i = next++;
      await fn(t, items[i], i);
    }
  }));
}

// Looks at the page tab t shows now: sentinel, live markup, its URL.
async function settle(t, url) {
  const { problems, hits, at } = await t.page.evaluate(
    `(() => ({ problems: (${inspect})(), hits: window.__xssHits || [], at: location.href }))()`);
  for (const p of problems) t.v.found.push(`${t.label}: ${p}`);
  for (const h of hits) t.v.found.push(`${t.label}: window.__xss was set to ${h}`);
  if (url && at !== url) t.v.found.push(`${t.label}: the page went to ${at}`);
}

// Loads path in tab t and checks it; then(page) runs before the checks.
async function visit(t, label, p, { status = 200, then } = {}) {
  t.label = label;
  const url = new URL(p, site.base).href;
  const res = await t.page.goto(url, { waitUntil: 'load' });
  if (status ? res.status() !== status : res.status() >= 413) t.v.found.push(`${label}: answered ${res.status()}${status ? `, not ${status}` : ''}`);
  if (then) await then(t.page);
  await settle(t, then ? null : url);
}

// Renders html as a page of its own in tab t (a feed reader's view).
async function render(t, label, html) {
  t.label = label;
  await t.page.setContent(`<!doctype html><html><head><meta charset="utf-8"><title>x</title></head><body>${html}</body></html>`, { waitUntil: 'load' });
  await settle(t, null);
}

function clean(v, what) {
  assert.deepEqual(v.found, [], `${what}: ${v.found.length} problems`);
}

// Checks an article page: the headline as h1 and in the JSON-LD, and
// keeps the body for the feed comparison.
async function article(t, label, a) {
  await visit(t, label, local(a.url), {
    then: async (page) => {
      const seen = await page.evaluate(() => ({
        h1: document.querySelector('.story h1')?.textContent,
        ld: [...document.querySelectorAll('script[type="application/ld+json"]')].map((s) => {
          try { return JSON.parse(s.textContent)['@graph'][0].headline; } catch { return null; }
        }),
        body: document.querySelector('.story .body')?.innerHTML.trim(),
      }));
      if (seen.h1 !== a.title) t.v.found.push(`${label}: the headline reads ${JSON.stringify(seen.h1)}, not ${JSON.stringify(a.title)}`);
      if (seen.ld.length !== 1 || seen.ld[0] !== a.title) t.v.found.push(`${label}: the JSON-LD headline is ${JSON.stringify(seen.ld)}`);
      if (seen.body !== undefined) bodies.set(a.id, seen.body);
    },
  });
}

describe('XSS corpus', () => {
  test('the harness sees a live payload (so a clean run means something)', async () => {
    const v = await viewer({ tabs: 1 });
    await render(v.tab, 'control', '<img src=x onerror="alert(1)"><a href=" jav&#x09;ascript:x">a</a><svg><script>window.__xss=2</script></svg>');
    const joined = v.found.join('\n');
    for (const want of ['dialog opened', 'event handler onerror', 'script URL in href', 'a script khabar did not write',
      'an svg with active content', 'window.__xss was set to 2'])
      assert.ok(joined.includes(want), `the control payload is reported (${want}): ${joined}`);
    await v.ctx.close();
  });

  test(`${payloads.length} payloads stay inert on article, list, home and search pages`, async () => {
    const v = await viewer();
    await pool(v, big, async (t, g, c) => {
      for (const kind of ['newsroom', 'cli', 'wp']) await article(t, `${kind} story ${c}`, made[kind][c]);
      const a = made.newsroom[c], w = made.wp[c];
      await visit(t, `category ${c}`, local(a.category.url));
      await visit(t, `imported category ${c}`, local(w.category.url));
      await visit(t, `imported tag ${c}`, local(w.tags[0].url));
      await visit(t, `author ${c}`, local(a.author.url));
      await visit(t, `search for pack ${c}'s stories`, `/search?q=${marker(c)}`, {
        then: async (page) => {
          const n = await page.locator('.result').count();
          if (n !== 3) v.found.push(`search ${marker(c)}: ${n} results, not the pack's 3 stories`);
        },
      });
      if (c === 0) await t.page.screenshot({ path: path.join(artifacts, 'xss-search-1280.png'), fullPage: false });
    });
    await pool(v, mid, async (t, g, k) => {
      const q = encodeURIComponent(g.text);
      await visit(t, `search reflecting pack ${k}`, `/search?q=${q}&category=${q}&from=${q}&to=${q}`);
    });
    await visit(v.tab, 'home', '/');
    await article(v.tab, 'the photo story', made.cli[0]);
    await v.page.screenshot({ path: path.join(artifacts, 'xss-article-1280.png'), fullPage: true, clip: { x: 0, y: 0, width: 1280, height: 1600 } });
    clean(v, 'public pages');
    await v.ctx.close();
  });

  test('feeds: RSS titles and descriptions hold no markup once decoded, and the story is the page\'s own', async () => {
    const v = await viewer();
    for (const t of v.tabs) await t.page.goto(site.base + '/robots.txt'); // a page of the site, for DOMParser
    const stories = new Map(['newsroom', 'cli', 'wp'].flatMap((k) => made[k].map((a) => [a.id, a])));
    const read = (t, xml) => t.page.evaluate((text) => {
      const doc = new DOMParser().parseFromString(text, 'application/xml');
      if (doc.querySelector('parsererror')) return { error: doc.querySelector('parsererror').textContent };
      const own = (el, name) => [...el.children].filter((c) => c.localName === name && c.namespaceURI !== 'http://search.yahoo.com/mrss/');
      const txt = (el, name) => own(el, name)[0]?.textContent ?? null;
      const attr = (el, name, a) => own(el, name)[0]?.getAttribute(a) ?? null;
      // A div keeps leading spaces, which a document's start would drop.
      const asHtml = (s) => new DOMParser().parseFromString(`<div>${s ?? ''}</div>`, 'text/html').body.firstChild;
      const root = doc.documentElement;
      const channel = root.localName === 'rss' ? root.querySelector('channel') : root;
      const entries = [...channel.children].filter((c) => c.localName === 'item' || c.localName === 'entry');
      return {
        atom: root.localName === 'feed',
        title: txt(channel, 'title'), subtitle: txt(channel, 'description') ?? txt(channel, 'subtitle'),
        entries: entries.map((e) => ({
          id: txt(e, 'guid') ?? txt(e, 'id'), title: txt(e, 'title'), titleType: attr(e, 'title', 'type'),
          summary: txt(e, 'description') ?? txt(e, 'summary'), summaryType: attr(e, 'summary', 'type'),
          content: txt(e, 'encoded') ?? txt(e, 'content'), contentType: attr(e, 'content', 'type'),
          // What a reader that renders them as HTML shows.
          titleHtml: asHtml(txt(e, 'title')).textContent, summaryHtml: asHtml(txt(e, 'description')).textContent,
          contentDom: asHtml(txt(e, 'encoded') ?? txt(e, 'content')).innerHTML.trim(),
        })),
      };
    }, xml);
    const esc = (s) => String(s ?? '').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
    const check = async (t, label, p, want) => {
      const res = await fetch(site.base + p);
      if (res.status !== 200) return v.found.push(`${label}: ${p} answered ${res.status}`);
      const f = await read(t, await res.text());
      if (f.error) return v.found.push(`${label}: not XML (${f.error})`);
      if (f.entries.length !== want) v.found.push(`${label}: ${f.entries.length} entries, not ${want}`);
      let page = '';
      for (const e of f.entries) {
        const a = stories.get(Number(e.id.match(/(\d+)$/)[1]));
        if (!a) continue;
        if (f.atom) {
          if (e.titleType !== null && e.titleType !== 'text') v.found.push(`${label}: title type ${e.titleType}`);
          if (e.summary !== null && e.summaryType !== 'text') v.found.push(`${label}: summary type ${e.summaryType}`);
          if (e.contentType !== 'html') v.found.push(`${label}: content type ${e.contentType}`);
          if (e.title !== a.title || (e.summary ?? '') !== a.summary) v.found.push(`${label}: Atom text is not the story's own (${a.id})`);
          // Text is text: a reader escapes it.
          page += `<h2>${esc(e.title)}</h2><p>${esc(e.summary)}</p>`;
        } else {
          for (const [what, s] of [['title', e.title], ['description', e.summary]])
            if (s.includes('<')) v.found.push(`${label}: the ${what} of ${a.id} is markup after one decoding: ${s.slice(0, 120)}`);
          if (e.titleHtml !== a.title) v.found.push(`${label}: the title of ${a.id} reads ${JSON.stringify(e.titleHtml)} as HTML`);
          if (e.summaryHtml !== a.summary) v.found.push(`${label}: the description of ${a.id} reads ${JSON.stringify(e.summaryHtml)} as HTML`);
          page += `<h2>${e.title}</h2><p>${e.summary}</p>`;
        }
        if (e.content !== null && e.contentDom !== bodies.get(a.id)) v.found.push(`${label}: the story of ${a.id} is not the article page's body`);
        page += `<div>${e.content}</div>`;
      }
      const head = f.atom ? `<h1>${esc(f.title)}</h1><p>${esc(f.subtitle)}</p>` : `<h1>${f.title}</h1><p>${f.subtitle}</p>`;
      await render(t, `${label} as a reader shows it`, head + page);
      return f;
    };
    await pool(v, big, async (t, g, c) => {
      const a = made.newsroom[c], w = made.wp[c];
      const byAuthor = [...stories.values()].filter((s) => s.author?.slug === a.author.slug).length;
      for (const fmt of ['', '/atom']) {
        await check(t, `author feed${fmt} ${c}`, `${local(a.author.url)}/feed${fmt}`, byAuthor);
        await check(t, `imported category feed${fmt} ${c}`, `${local(w.category.url)}/feed${fmt}`, 1);
      }
      const short = await check(t, `tag feed ${c} (summaries)`, `${local(w.tags[0].url)}/feed?full=0`, 1);
      if (short && short.entries.some((e) => e.content !== null)) v.found.push(`tag feed ${c}: ?full=0 has the story`);
    });
    clean(v, 'feeds');
    await v.ctx.close();
  });

  test('the newsroom: editor and preview, desk, lists, revisions and reflected filters', async () => {
    const v = await viewer();
    await newsroomLogin(v.page, site.base, 'sita', PASSWORD);
    const preview = (t) => (page) => page.waitForFunction(() => {
      const p = document.getElementById('preview');
      return p && !p.querySelector('.muted') && p.textContent.includes('xsscanary');
    }, null, { timeout: 10000 }).catch(() => v.found.push(`${t.label}: the preview did not render`));
    await pool(v, big, (t, g, c) => visit(t, `editor ${c}`, `/newsroom/articles/${made.newsroom[c].id}`, { then: preview(t) }));
    await visit(v.tab, 'editor of the whole corpus', `/newsroom/articles/${catchAll}`, { then: preview(v.tab) });
    await v.page.screenshot({ path: path.join(artifacts, 'xss-editor-1280.png'), fullPage: false });
    await visit(v.tab, 'revisions', `/newsroom/articles/${catchAll}/revisions`);
    const diff = await v.page.locator('.revs a').first().getAttribute('href');
    await visit(v.tab, 'diff', diff);
    await pool(v, ['/newsroom?all=1', '/newsroom?all=1&page=2', '/newsroom?all=1&page=3', '/newsroom/categories',
      '/newsroom/tags', '/newsroom/audit', '/newsroom/media'], (t, p) => visit(t, p, p));
    await pool(v, huge, async (t, g, k) => {
      const q = encodeURIComponent(g.text);
      await visit(t, `tip queue reflecting pack ${k}`, `/newsroom/tips?q=${q}&kind=${q}&status=${q}`, { status: 0 });
      await visit(t, `desk reflecting pack ${k}`, `/newsroom?status=${q}&page=${q}`, { status: 0 });
    });
    clean(v, 'newsroom pages');
    await v.ctx.close();

    const anon = await viewer();
    await pool(anon, huge, (t, g, k) =>
      visit(t, `login reflecting pack ${k}`, `/newsroom/login?next=${encodeURIComponent('/newsroom/' + g.text)}`));
    clean(anon, 'the login page');
    await anon.ctx.close();
  });

  test('tips: the queue, every tip, the form sent back, drafts made from tips', async () => {
    const v = await viewer();
    await newsroomLogin(v.page, site.base, 'sita', PASSWORD);
    const queue = Array.from({ length: Math.ceil(made.tips.length / 30) }, (_, i) => i + 1);
    await pool(v, queue, (t, p) => visit(t, `tip queue ${p}`, `/newsroom/tips?page=${p}`));
    await pool(v, made.tips.slice(0, small.length), (t, id, k) => visit(t, `tip ${k}`, `/newsroom/tips/${id}`, {
      then: async (page) => {
        const name = (await page.locator('#tip-name').textContent())?.trim();
        if (name !== small[k].text) v.found.push(`tip ${k}: the name reads ${JSON.stringify(name)}`);
      },
    }));
    await visit(v.tab, 'tip 0', `/newsroom/tips/${made.tips[0]}`);
    await v.page.screenshot({ path: path.join(artifacts, 'xss-tip-1280.png'), fullPage: true });
    // Drafts from the two tips holding the whole corpus: the editor shows
    // the text as Markdown and previews it.
    await pool(v, made.tips.slice(small.length), async (t, id) => {
      await visit(t, `tip ${id} (the whole corpus)`, `/newsroom/tips/${id}`);
      t.label = `draft from tip ${id}`;
      await Promise.all([t.page.waitForURL(/\/newsroom\/articles\/\d+$/), t.page.locator('#tip-draft').click()]);
      await t.page.waitForFunction(() => !document.querySelector('#preview .muted'), null, { timeout: 10000 });
      await settle(t, null);
    });
    clean(v, 'newsroom tips');
    await v.ctx.close();

    // A stale form comes back with what the reader typed in it.
    const reader = await viewer({ width: 360 });
    const stamp = (await (await fetch(site.base + '/tips')).text()).match(/name="stamp" value="([^"]+)"/)[1];
    await pool(reader, big, async (t, g, k) => {
      const form = new FormData();
      const next = big[(k + 1) % big.length].text;
      for (const [f, val] of Object.entries({ csrf: 'stale', stamp, kind: 'news', name: g.text, contact: next, place: g.text, body: g.payloads.map((p) => p.text).join('\n'), consent: '1' }))
        form.append(f, val);
      const res = await fetch(site.base + '/tips', { method: 'POST', body: form });
      assert.equal(res.status, 403, 'a stale form');
      const html = await res.text();
      const url = `${site.base}/tips?stale=${k}`;
      await reader.ctx.route(url, (route) => route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: html }));
      await visit(t, `stale tip form ${k}`, url, {
        then: async (page) => {
          if ((await page.locator('#tip-name').inputValue()) !== g.text) reader.found.push(`stale tip form ${k}: the name is not as typed`);
        },
      });
      await reader.ctx.unroute(url);
    });
    clean(reader, 'the tip form');
    await reader.ctx.close();
  });

  test('settings an admin controls: name, tagline, email, follow link, logo', async () => {
    const admin = await loggedIn(site.base, 'boss');
    const v = await viewer();
    await newsroomLogin(v.page, site.base, 'boss', PASSWORD);
    const [home, newsroom] = v.tabs;
    await visit(home, 'users', '/newsroom/users');
    for (const [k, g] of big.entries()) {
      const res = await admin.post('/newsroom/settings', {
        name: g.text, tagline: big[(k + 1) % big.length].text, email: big[(k + 2) % big.length].text,
      });
      assert.equal(res.status, 200, `settings ${k}: ${res.status}`);
      await Promise.all([visit(home, `home named with pack ${k}`, '/'), visit(newsroom, `newsroom named with pack ${k}`, '/newsroom/settings')]);
      const rss = await (await fetch(site.base + '/feed?full=0')).text();
      const title = await home.page.evaluate((x) => new DOMParser().parseFromString(x, 'application/xml').querySelector('channel > title').textContent, rss);
      if (title.includes('<')) v.found.push(`feed named with pack ${k}: the channel title is markup after one decoding`);
      await render(home, `feed title of pack ${k} as HTML`, `<h1>${title}</h1>`);
    }
    await article(home, 'a story under the last name', made.newsroom[0]);
    // Links and the logo: refused unless a URL that cannot run code; one
    // that passes reaches every page's footer or header.
    for (const p of payloads) {
      for (const key of ['facebook', 'logo']) {
        const res = await admin.post('/newsroom/settings', { [key]: oneLine(p.text) });
        if (res.status === 200) await visit(home, `${key} set to payload ${p.id}`, '/');
        else if (res.status !== 400) v.found.push(`${key} = payload ${p.id}: answered ${res.status}`);
      }
    }
    await admin.post('/newsroom/settings', { name: 'खबर डेमो', tagline: '', email: '', facebook: '', logo: '' });
    clean(v, 'settings');
    await v.ctx.close();
  });

  test('static pages and menus an editor controls: title, slug, body, menu labels and URLs', async () => {
    const ed = await loggedIn(site.base, 'sita');
    const v = await viewer();
    await newsroomLogin(v.page, site.base, 'sita', PASSWORD);
    const [reader, newsroom] = v.tabs;
    const mine = [];
    for (const [c, g] of mid.entries()) {
      await ed.page('/newsroom/pages/new');
      const fields = { title: g.text, slug: g.payloads[0].text, footer: '1',
        body: g.payloads.map((p) => markdownBody(p, marker(c))).join('\n') };
      let res = await ed.post('/newsroom/pages/new', fields);
      if (res.status !== 303) { v.found.push(`page ${c}: made with ${res.status}`); continue; }
      const edit = res.headers.get('location');
      const { html } = await ed.page(edit);
      const version = html.match(/name="version" value="(\d+)"/)[1];
      const slug = html.match(/name="slug" value="([^"]*)"/)[1];
      res = await ed.post(`${edit}/publish`, { ...fields, slug, version });
      if (res.status !== 303) v.found.push(`page ${c}: published with ${res.status}`);
      mine.push(edit);
      await visit(reader, `static page ${c}`, `/page/${slug}`, {
        then: async (page) => {
          const h1 = await page.evaluate(() => document.querySelector('.story h1')?.textContent);
          if (h1 !== g.text) v.found.push(`static page ${c}: the title reads ${JSON.stringify(h1)}`);
        },
      });
      await visit(newsroom, `page editor ${c}`, edit);
    }
    await visit(reader, 'home with every page in the footer', '/');
    await visit(newsroom, 'the pages list', '/newsroom/pages');
    // Menus: payloads as labels (one line each), then each URL-like one as
    // a URL, which is refused unless it is a site path or an http(s) URL.
    for (const g of small) {
      const res = await ed.post('/newsroom/menus', { header: g.payloads.map((p) => `${oneLine(p.text, 100).replaceAll('|', '/')} | /`).join('\n'), footer: '' });
      if (res.status !== 303 && res.status !== 400) v.found.push(`menu labels: answered ${res.status}`);
      await visit(reader, 'home with payloads in the header menu', '/');
      await visit(newsroom, 'the menus page', '/newsroom/menus');
    }
    for (const p of urlish) {
      const res = await ed.post('/newsroom/menus', { header: '', footer: `x | ${oneLine(p.text)}` });
      if (res.status === 303) await visit(reader, `footer link set to payload ${p.id}`, '/');
      else if (res.status !== 400) v.found.push(`menu URL = payload ${p.id}: answered ${res.status}`);
      else await settle(newsroom, null);
    }
    await ed.post('/newsroom/menus', { header: '', footer: '' });
    for (const edit of mine) {
      const { html } = await ed.page(edit);
      const version = html.match(/name="version" value="(\d+)"/)[1];
      const slug = html.match(/name="slug" value="([^"]*)"/)[1];
      await ed.post(`${edit}/unpublish`, { title: 'x', body: 'x', footer: '0', slug, version });
    }
    clean(v, 'static pages and menus');
    await v.ctx.close();
  });

  test('author profiles and corrections: role, bio and links a writer controls, notes an editor adds', async () => {
    const ed = await loggedIn(site.base, 'sita');
    const v = await viewer();
    await newsroomLogin(v.page, site.base, 'sita', PASSWORD);
    const [reader, newsroom] = v.tabs;
    for (const [c, g] of big.entries()) {
      const a = made.newsroom[c];
      const id = sql(site.db, `SELECT author_id FROM articles WHERE id = ${a.id}`);
      await ed.page(`/newsroom/authors/${id}`);
      const text = g.payloads.map((p) => p.text).join('\n');
      let res = await ed.post(`/newsroom/authors/${id}`, { role: mid[c % mid.length].text, bio: text, email: '', links: '' });
      if (res.status !== 303) v.found.push(`profile ${c}: saved with ${res.status}`);
      res = await ed.post(`/newsroom/articles/${a.id}/notes`, { kind: c % 2 ? 'update' : 'correction', note: text });
      if (res.status !== 303) v.found.push(`note ${c}: added with ${res.status}`);
      await visit(reader, `author page ${c}`, local(a.author.url));
      await visit(reader, `story ${c} with its note and author's box`, local(a.url));
      await visit(newsroom, `profile form ${c}`, `/newsroom/authors/${id}`);
    }
    await visit(reader, 'the corrections page', '/corrections');
    // Links: refused unless http(s) URLs; one that passes is on the author page.
    const id = sql(site.db, `SELECT author_id FROM articles WHERE id = ${made.newsroom[0].id}`);
    for (const p of urlish) {
      const res = await ed.post(`/newsroom/authors/${id}`, { links: oneLine(p.text) });
      if (res.status === 303) await visit(reader, `author link set to payload ${p.id}`, local(made.newsroom[0].author.url));
      else if (res.status !== 400) v.found.push(`author link = payload ${p.id}: answered ${res.status}`);
    }
    clean(v, 'author profiles and corrections');
    await v.ctx.close();
  });

  test('with the CSP on, the same pages report no violation', async () => {
    const v = await viewer({ csp: true });
    await pool(v, [['home', '/'], ['newsroom story', local(made.newsroom[0].url)], ['imported story', local(made.wp[1].url)],
      ['category', local(made.wp[2].category.url)], ['search', `/search?q=${encodeURIComponent(mid[0].text)}`]],
    (t, [label, p]) => visit(t, label, p));
    assert.deepEqual(v.csp, [], 'no CSP violation reports');
    clean(v, 'pages with the CSP');
    await v.ctx.close();
  });
});
