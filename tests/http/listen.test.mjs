// Two servers on one PostgreSQL database (issue 15: LISTEN/NOTIFY): a
// change made anywhere (here the CLI) reaches the other servers' page
// caches as a notice, with no polling; a server whose connection was cut
// listens again and starts its cache afresh. On SQLite a server reads the
// change log instead (newsroom.test.mjs covers that), so this file needs
// PostgreSQL: make http-pg runs it.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { khabar, pg, sql, startSite, until } from '../lib/khabar.mjs';

describe('two servers on one PostgreSQL database', { skip: !pg && 'needs PostgreSQL (make http-pg)' }, () => {
  let a, b;
  before(async () => {
    a = await startSite({ articles: 5 });
    b = await startSite({ db: a.db });
  });
  after(async () => {
    await b?.stop();
    await a?.stop();
  });

  const page = async (site, p) => {
    const res = await fetch(site.base + p);
    return { status: res.status, cache: res.headers.get('x-khabar-cache'), text: await res.text() };
  };
  // Fetches p on site until it comes from the cache.
  const cached = async (site, p) => {
    await page(site, p);
    await until(`${p} cached`, async () => (await page(site, p)).cache === 'hit');
  };

  test('a site-wide change reaches the other server\'s cached pages', async () => {
    await cached(b, '/');
    const t0 = Date.now();
    assert.equal(khabar(['settings', 'set', 'name', 'सूचना से बदला नाम', '--db', a.db]).status, 0);
    // Servers on PostgreSQL do not poll: without the notice this never
    // shows.
    await until('the new name on the other server', async () => (await page(b, '/')).text.includes('सूचना से बदला नाम'));
    console.log(`# settings change visible on the other server after ${Date.now() - t0} ms`);
  });

  test('a new story reaches both servers\' cached category pages', async () => {
    await cached(a, '/category/desh');
    await cached(b, '/category/desh');
    const file = path.join(a.dir, 'suchna.md');
    writeFileSync(file, '---\ntitle: सूचना वाली खबर\ncategory: desh\nauthor: डेस्क\n---\n\nपाठ\n');
    const t0 = Date.now();
    assert.equal(khabar(['article', 'add', '--db', a.db, file]).status, 0);
    for (const site of [a, b])
      await until('the story on a cached category page', async () => (await page(site, '/category/desh')).text.includes('सूचना वाली खबर'));
    console.log(`# new story on both servers after ${Date.now() - t0} ms`);
  });

  test('a server whose connections are cut listens again, with its cache emptied', async () => {
    await cached(b, '/category/khel');
    // Every connection to the database but this one: both servers'.
    sql(a.db, 'SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()');
    await until('the server listening again', async () => /listening for changes again/.test(b.log()));
    const after = await page(b, '/category/khel');
    assert.equal(after.status, 200);
    assert.equal(after.cache, 'miss', 'what was cached before the cut is gone');
    // And notices flow again.
    assert.equal(khabar(['settings', 'set', 'name', 'फिर से सुनता सर्वर', '--db', a.db]).status, 0);
    await until('a change after the cut', async () => (await page(b, '/')).text.includes('फिर से सुनता सर्वर'));
    assert.equal((await page(a, '/')).status, 200, 'the other server reconnected too');
  });
});
