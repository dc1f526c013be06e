// PostgreSQL restarted under load (issues 15 and 16): two servers on one
// database, Varnish with the shipped VCL in front, keep running while the
// database goes away and comes back. Meanwhile a write is answered 503 in
// Hindi with Retry-After, never half-kept; reads come from Varnish, the
// page cache or get the same 503; afterwards both servers serve and write
// again by themselves, without a restart of their own, and a story
// published on one shows through Varnish (the time printed).
// It needs a cluster it may stop, so it makes its own (scripts/pg-cluster)
// and runs alone, after the other files (make http-pg).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';

import { freePort, khabar, pg, root, sleep, startSite, until } from '../lib/khabar.mjs';
import { addUser, loggedIn } from '../lib/newsroom.mjs';
import { noVarnish, startVarnish } from '../lib/varnish.mjs';

const cluster = (cmd, dir) => {
  const r = spawnSync(path.join(root, 'scripts/pg-cluster'), [cmd, dir], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim();
};

let dir = null, varnish = null;
const sites = [];
after(async () => {
  await varnish?.stop();
  for (const s of sites) await s.stop('SIGKILL').catch(() => {});
  if (dir) {
    spawnSync(path.join(root, 'scripts/pg-cluster'), ['stop', dir]);
    rmSync(dir, { recursive: true, force: true });
  }
});

test('both servers ride out a PostgreSQL restart under load', {
  timeout: 120000, skip: (!pg && 'needs PostgreSQL (make http-pg)') || noVarnish,
}, async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'khabar-pg-restart-'));
  const base = cluster('start', dir);
  assert.equal(spawnSync('psql', [base, '-qAtc', 'CREATE DATABASE site']).status, 0);
  const db = base.replace(/\/postgres\?/, '/site?');
  assert.equal(khabar(['demo', '--db', db, '--articles', '20']).status, 0);
  addUser(db, 'restart', 'editor');
  const vport = await freePort();
  assert.equal(khabar(['settings', 'set', 'edge_purge', `http://127.0.0.1:${vport}`, '--db', db]).status, 0);
  const a = await startSite({ db });
  sites.push(a);
  const b = await startSite({ db });
  sites.push(b);
  varnish = await startVarnish(dir, [a.port, b.port], vport);
  const ed = await loggedIn(a.base, 'restart');
  const stories = (await (await fetch(a.base + '/api/v1/articles?limit=20')).json()).articles.map((x) => new URL(x.url).pathname);
  assert.ok(stories.length >= 10);
  for (const p of stories) await (await fetch(varnish.base + p)).arrayBuffer();

  // The load: readers on both servers, an editor publishing on one.
  const seen = { read: {}, write: {}, edge: {} };
  const count = (kind, key) => { seen[kind][key] = (seen[kind][key] || 0) + 1; };
  const acked = [], refused = [];
  let running = true, n = 0;
  const reader = async (site, kind = 'read') => {
    while (running) {
      const p = stories[Math.floor(Math.random() * stories.length)];
      try {
        const res = await fetch(site.base + p);
        count(kind, res.status);
        if (kind === 'edge' && res.headers.get('x-cache') === 'hit') count(kind, 'hit');
        await res.arrayBuffer();
      } catch (e) { count(kind, 'no answer'); }
    }
  };
  const writer = async () => {
    while (running) {
      const title = `पुनरारंभ परीक्षण ${n++}`;
      try {
        const res = await ed.post('/newsroom/articles/new/publish', { title, body: 'पाठ', category: 'desh' });
        count('write', res.status);
        if (res.status === 303) acked.push(title);
        if (res.status === 503) {
          refused.push(title);
          const text = await res.text();
          assert.match(text, /डेटाबेस से संपर्क अभी टूटा हुआ है, इसलिए आपका बदलाव सहेजा नहीं गया/);
          assert.equal(res.headers.get('retry-after'), '5');
        }
      } catch (e) {
        if (e.code === 'ERR_ASSERTION') throw e;
        count('write', 'no answer');
      }
      await sleep(20);
    }
  };
  const load = [reader(a), reader(b), reader(varnish, 'edge'), writer()];
  await sleep(1500);
  const before = acked.length;
  cluster('stop', dir);
  await sleep(1500);
  cluster('start', dir);
  // Both recover by themselves: a fresh page (not from the cache) and a
  // write on each.
  const t0 = Date.now();
  await until('writes succeeding again', () => acked.length > before + 3, 30000);
  console.log(`# writes again ${Date.now() - t0} ms after PostgreSQL was back`);
  running = false;
  await Promise.all(load);
  console.log(`# restart: reads ${JSON.stringify(seen.read)}, through Varnish ${JSON.stringify(seen.edge)}, writes ${JSON.stringify(seen.write)}`);
  assert.equal(seen.edge[500] || 0, 0, 'no read through Varnish answered 500');
  assert.equal(seen.edge['no answer'] || 0, 0, 'Varnish answered every read');
  assert.ok(seen.edge.hit > 0, 'Varnish served from its cache meanwhile');

  // The purge path is back too: once Varnish's probes see the nodes
  // healthy again (a page it does not hold comes from a node), a story
  // published on A is on B's home page and on Varnish's.
  await until('Varnish seeing the nodes healthy', async () =>
    (await fetch(`${varnish.base}/search?q=${encodeURIComponent('फिर ' + Math.random())}`)).status === 200, 15000);
  const title = `पुनरारंभ के बाद की खबर ${Date.now()}`;
  for (const base of [b.base, varnish.base]) await (await fetch(base + '/')).arrayBuffer();
  const res = await ed.post('/newsroom/articles/new/publish', { title, body: 'पाठ', category: 'desh' });
  assert.equal(res.status, 303);
  const t1 = Date.now();
  let onB = 0;
  await until('the story on B and through Varnish', async () => {
    if (!onB && (await (await fetch(b.base + '/')).text()).includes(title)) onB = Date.now() - t1;
    return onB && (await (await fetch(varnish.base + '/')).text()).includes(title);
  }, 5000);
  const ms = Date.now() - t1;
  console.log(`# after the restart, publish on A to visible on B: ${onB} ms, through Varnish: ${ms} ms`);
  // Printed, not asserted (bench/varnish.sh measures it): a purge path
  // that did not come back fails the wait above.

  for (const s of [a, b]) {
    assert.equal(s.child.exitCode, null, 'the server is still running');
    const fresh = await fetch(s.base + '/search?q=' + encodeURIComponent('पुनरारंभ ' + Math.random()));
    assert.equal(fresh.status, 200, 'a page built after the restart');
  }
  // The outage was seen: writes were refused with the 503, none with a
  // 500, and no server lost a connection it could not take back.
  assert.ok(refused.length > 0, 'some writes met the stopped database');
  assert.equal(seen.write[500] || 0, 0, 'no write answered 500');
  assert.equal(seen.read[500] || 0, 0, 'no read answered 500');
  // Every acknowledged story is there and published; a refused one was
  // kept whole or not at all (its commit may have been what was cut).
  const q = (query) => spawnSync('psql', [db, '-qAtc', query], { encoding: 'utf8' }).stdout.trim();
  const rows = new Map(q("SELECT title, status, length(body) FROM articles WHERE title LIKE 'पुनरारंभ परीक्षण %'")
    .split('\n').filter(Boolean).map((l) => { const [t, st, len] = l.split('|'); return [t, { st, len: Number(len) }]; }));
  for (const t of acked) assert.equal(rows.get(t)?.st, 'published', `${t} kept`);
  for (const [t, r] of rows) assert.ok(r.st === 'published' && r.len > 0, `${t} whole`);
  assert.ok(rows.size <= acked.length + refused.length + (seen.write['no answer'] || 0), 'no story from nowhere');
  assert.equal(khabar(['check', '--db', db]).stdout.trim(), 'ok');
});
