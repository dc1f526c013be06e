// Black-box tests of "khabar copy --from SRC --to DST": the WordPress
// fixture imported into SQLite, copied to PostgreSQL and back into a new
// SQLite file (under make http-pg; without a cluster, to a second SQLite
// file and back), and every copy served beside the original: the same
// pages byte for byte (home, stories, categories, a tag, the feeds, the
// sitemaps, the API, search), but for what shows the time of the request
// (and, served from PostgreSQL, search's ranking and extracts, its own).
// New ids on PostgreSQL past the copied ones. And a copy into a site
// refused, a malformed URL named without its password, nothing written.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { khabar, newDb, pg, root, sql, startSite, tempDir } from '../lib/khabar.mjs';

const fixture = path.join(root, 'tests/fixtures/wxr-small.xml');

// Everything in an SQLite file, as a hash: equal hashes, equal files.
function dump(db) {
  const r = spawnSync('sqlite3', [db, '.dump'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return createHash('sha256').update(r.stdout).digest('hex');
}

function copy(from, to) {
  return khabar(['copy', '--from', from, '--to', to]);
}

// The parts of a page that show the moment it was made, not the site:
// the footer's year (site.c: the clock's, at each render). Nothing else is
// masked, so anything else that differs fails the test. (Story times are
// the stories' own; the news sitemap's two-day window and search's
// recency move with the clock but not within a test.)
function mask(body) {
  return body.replace(/<p>© \d{4} /g, '<p>© YEAR ');
}

// The stories a search page lists, in link order sorted.
const matches = (body) => [...body.matchAll(/<article class="card wide result">[\s\S]*?<h2><a href="([^"]+)"/g)]
  .map((m) => m[1]).sort().join('\n');

async function page(base, url) {
  const res = await fetch(base + url, { redirect: 'manual' });
  return { status: res.status, type: res.headers.get('content-type'), body: mask(await res.text()) };
}

// Where two texts first differ, with some context, for the message.
function firstDifference(a, b) {
  let i = 0;
  while (i < a.length && a[i] === b[i]) i++;
  return `at ${i}: ${JSON.stringify(a.slice(Math.max(0, i - 80), i + 80))}\n   vs ${JSON.stringify(b.slice(Math.max(0, i - 80), i + 80))}`;
}

describe(`khabar copy (SQLite to ${pg ? 'PostgreSQL' : 'SQLite'} and back)`, () => {
  let t, orig, mid, back, sites = {}, urls = [];

  before(async () => {
    t = tempDir();
    orig = path.join(t.dir, 'orig.db');
    let r = khabar(['init', '--name', 'पुराना पोर्टल', '--url', 'https://news.example', '--db', orig]);
    assert.equal(r.status, 0, r.stderr);
    r = khabar(['import', 'wordpress', fixture, '--db', orig, '--quiet']);
    assert.equal(r.status, 0, r.stderr);
    mid = pg ? newDb(t.dir, 'mid') : path.join(t.dir, 'mid.db');
    back = path.join(t.dir, 'back.db');
    for (const [from, to] of [[orig, mid], [mid, back]]) {
      r = copy(from, to);
      assert.equal(r.status, 0, `khabar copy --from ${from} --to ${to}: ${r.stderr}`);
      // One line per table, its count on both sides.
      const articles = /^articles\s+(\d+)\s+(\d+)$/m.exec(r.stdout);
      assert.ok(articles, r.stdout);
      assert.equal(articles[1], articles[2]);
      assert.ok(Number(articles[1]) > 5, r.stdout);
      assert.match(r.stdout, /^copied: \d+ rows of \d+ tables, every count equal/m);
    }
    for (const [name, db] of [['orig', orig], ['mid', mid], ['back', back]])
      sites[name] = await startSite({ db });
    // Stories, a category and a tag, as the original's home page and
    // sitemap link them.
    const home = await (await fetch(sites.orig.base + '/')).text();
    const links = (re, n) => [...new Set([...home.matchAll(re)].map((m) => m[1]))].slice(0, n);
    urls = ['/', '/feed', '/feed/atom', '/sitemap.xml', '/news-sitemap.xml', '/api/v1/articles',
      '/api/v1/categories', '/search?q=' + encodeURIComponent('भारत'),
      ...links(/href="(\/news\/[^"#?]+)"/g, 4), ...links(/href="(\/category\/[^"#?]+)"/g, 2)];
    // A tag, from a story's page.
    const story = await (await fetch(sites.orig.base + urls.find((u) => u.startsWith('/news/')))).text();
    urls.push(...[...new Set([...story.matchAll(/href="(\/tag\/[^"#?]+)"/g)].map((m) => m[1]))].slice(0, 1));
    assert.ok(urls.some((u) => u.startsWith('/news/')), `no story linked from the home page: ${home.slice(0, 2000)}`);
    assert.ok(urls.some((u) => u.startsWith('/category/')), 'no category linked from the home page');
  });

  after(async () => {
    for (const s of Object.values(sites)) await s.stop();
    t?.remove();
  });

  test('the copies serve the same pages as the original', async () => {
    const differ = [];
    for (const url of urls) {
      const want = await page(sites.orig.base, url);
      assert.equal(want.status, 200, `${url} on the original`);
      if (url.startsWith('/search')) assert.notEqual(matches(want.body), '', `${url} finds nothing`);
      for (const name of ['mid', 'back']) {
        const got = await page(sites[name].base, url);
        let [a, b] = [want.body, got.body];
        // Search pages are ranked by each backend's own code (FTS5's
        // bm25, PostgreSQL's ts_rank), which may order close matches
        // differently: between backends, which stories match is
        // compared. (SQLite to SQLite, the whole page.)
        if (pg && name === 'mid' && url.startsWith('/search')) [a, b] = [a, b].map(matches);
        if (got.status !== want.status || got.type !== want.type || a !== b)
          differ.push(`${url} on ${name} (${got.status} ${got.type}) ${firstDifference(a, b)}`);
      }
    }
    assert.deepEqual(differ, []);
  });

  test('new rows on the copy get new ids', { skip: !pg && 'PostgreSQL only (KHABAR_PG)' }, () => {
    const max = Number(sql(mid, 'SELECT max(id) FROM articles'));
    const next = Number(sql(mid, "SELECT nextval(pg_get_serial_sequence('articles', 'id'))"));
    assert.ok(next > max, `the next article id ${next} is not past the copied ${max}`);
  });

  test('a destination that holds a site is refused and left alone', () => {
    // A site no server runs on (a server's jobs may write at any time).
    const held = path.join(t.dir, 'held.db');
    assert.equal(copy(orig, held).status, 0);
    const before = dump(held);
    const r = copy(back, held);
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /^khabar copy: the destination .* already holds a site \(settings \d+, .*articles \d+.*\): copy into a new, empty database/);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.equal(dump(held), before);
    if (pg) {
      const r2 = copy(orig, mid);
      assert.notEqual(r2.status, 0);
      assert.match(r2.stderr, /already holds a site/);
    }
  });

  test('a malformed URL is named in one line and nothing is written', () => {
    const quiet = path.join(t.dir, 'quiet.db'); // no server runs on it
    assert.equal(copy(orig, quiet).status, 0);
    const before = dump(quiet);
    const r = copy(quiet, 'postgresql://editor:hunter2@[::1/khabar');
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /^khabar copy: cannot open the destination: bad PostgreSQL URL: .*\(the form is postgresql:\/\/USER@HOST:PORT\/DATABASE\)\n$/);
    assert.doesNotMatch(r.stderr, /hunter2/);
    assert.equal(dump(quiet), before);
    // A missing source creates no destination.
    const to = path.join(t.dir, 'never.db');
    const r2 = copy(path.join(t.dir, 'missing.db'), to);
    assert.notEqual(r2.status, 0);
    assert.match(r2.stderr, /^khabar copy: cannot read the source: cannot open .*missing\.db/);
    assert.equal(existsSync(to), false);
  });
});
