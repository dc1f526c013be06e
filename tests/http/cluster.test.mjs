// Two nodes on one database (issue 16, "each job once"): both run every
// background job, and each job is still done once. A story scheduled while
// both run is published once, with one audit entry and one alert; a push
// alert's fan-out goes on at the other node when the one delivering it is
// killed (SIGKILL), and every subscriber is reached. The nodes share the
// database and nothing else: each has a photos' folder of its own, and a
// photo uploaded through one is served by the other, the same bytes. Runs
// on SQLite (two processes on one file) and, with make http-pg, on
// PostgreSQL.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import ece from 'http_ece';

import { khabar, newDb, requestFrom, root, setServerClock, sql, startSite, until } from '../lib/khabar.mjs';
import { addUser, hasExif, loggedIn } from '../lib/newsroom.mjs';
import { fakeBrowser, makeCert, startMock } from '../lib/pushmock.mjs';

let dir, db, clockFile, now, cert, mock, slow, a, b;

async function setClock(t) {
  now = t;
  await setServerClock(clockFile, t);
  for (const node of [a, b])
    if (node && node.child.exitCode === null) await setServerClock(clockFile, t, node.base);
}
// Each node its own photos' folder: no folder is shared.
const mediaOf = (name) => path.join(dir, `media-${name}`);
const node = (name) => startSite({ db, extraArgs: ['--fake-clock', clockFile, '--media', mediaOf(name)] });

// A reader's subscription through node n, from a chosen loopback address
// (one address may subscribe 20 times an hour).
async function subscribe(n, browser, from = '127.0.0.1') {
  const r = await requestFrom(from, n.base + '/api/v1/push/subscribe', {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: n.origin },
    body: JSON.stringify({ subscription: browser.json, topics: ['all'] }),
  });
  assert.equal(r.status, 200, r.text);
  return browser;
}

function stats(id) {
  const out = khabar(['push', 'stats', '--db', db, '--alert', String(id)]).stdout;
  const m = /queued (\d+)\s+delivered (\d+)\s+failed (\d+)\s+expired (\d+)\s+clicked (\d+)\s+pending (\d+)/.exec(out);
  assert.ok(m, out);
  const [queued, delivered, failed, expired] = m.slice(1).map(Number);
  return { queued, delivered, failed, expired, done: / done /.test(out) };
}

before(async () => {
  dir = mkdtempSync('/tmp/khabar-cluster-');
  db = newDb(dir, 'k.db');
  clockFile = path.join(dir, 'now');
  await setClock(Math.ceil(Date.now() / 60000) * 60 + 600);
  assert.equal(khabar(['demo', '--db', db, '--articles', '5']).status, 0);
  addUser(db, 'editor', 'editor', 'संपादक जी');
  assert.equal(khabar(['settings', 'set', 'push_hourly_limit', '0', '--db', db]).status, 0);
  cert = makeCert(dir);
  process.env.KHABAR_PUSH_TEST_CA = cert.caFile;
  mock = await startMock(cert);
  slow = await startMock(cert, { delay: 40 });
  a = await node('a');
  b = await node('b');
});
after(async () => {
  await b?.stop();
  await a?.stop();
  await mock?.close();
  await slow?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('photos, with a folder per node', () => {
  const photo = readFileSync(path.join(root, 'tests', 'fixtures', 'photo-gps.jpg'));

  test('a photo uploaded through node A is made once and served by node B, the same bytes; a file B lost comes back', async () => {
    const ed = await loggedIn(a.base, 'editor');
    const blob = new Blob([photo], { type: 'image/jpeg' });
    blob.name = 'do-server.jpg';
    const res = await ed.post('/newsroom/media', { file: blob }, { accept: 'application/json' });
    assert.equal(res.status, 202, await res.clone().text());
    let m = await res.json();
    await until('the photo made', async () =>
      (m = await (await ed.get(`/newsroom/media/${m.id}/status`)).json()).status !== 'pending', 30000);
    assert.equal(m.status, 'ready', JSON.stringify(m));
    const stem = /\/media\/([0-9a-f]{32})-/.exec(m.thumb)[1];
    const names = ['320', '640', '1024', '1600'].flatMap((w) => [`${w}.webp`, `${w}.jpg`]).concat('social.jpg');
    // Made once, by one of the two photo jobs: one set of files in the
    // database, the original gone.
    const rows = sql(db, `SELECT f.name FROM media_files f JOIN media m ON m.id = f.media_id WHERE m.stem = '${stem}' ORDER BY f.name`);
    assert.deepEqual(rows.split('\n'), [...names].sort());
    // The claim stays on the row: which process made it.
    const makerPid = Number(sql(db, `SELECT claim_pid FROM media WHERE id = ${m.id}`));
    const maker = [a, b].filter((n) => n.child.pid === makerPid);
    assert.equal(maker.length, 1, `one node made it (pid ${makerPid})`);
    let total = 0;
    const got = new Map();
    for (const f of names) {
      const ra = await fetch(`${a.base}/media/${stem}-${f}`);
      const rb = await fetch(`${b.base}/media/${stem}-${f}`);
      assert.equal(ra.status, 200, `A ${f}`);
      assert.equal(rb.status, 200, `B ${f}`);
      for (const r of [ra, rb]) {
        assert.equal(r.headers.get('content-type'), f.endsWith('.webp') ? 'image/webp' : 'image/jpeg');
        assert.equal(r.headers.get('cache-control'), 'public, max-age=31536000, immutable');
        assert.equal(r.headers.get('x-content-type-options'), 'nosniff');
      }
      const [ba, bb] = [Buffer.from(await ra.arrayBuffer()), Buffer.from(await rb.arrayBuffer())];
      assert.ok(ba.length > 0 && ba.equals(bb), `${f}: the same ${ba.length} bytes from both nodes`);
      assert.ok(!hasExif(bb), `${f} has no EXIF`);
      got.set(f, ba);
      total += ba.length;
    }
    // Each node's folder now holds every file (the maker's from the
    // start, the other's from its first request for each).
    for (const n of ['a', 'b'])
      for (const f of names) assert.ok(existsSync(path.join(mediaOf(n), `${stem}-${f}`)), `${n}: ${f} on disk`);
    console.log(`# a ${photo.length}-byte JPEG (1600x1000): ${names.length} files, ${total} bytes in the database; made by node ${maker[0] === a ? 'A' : 'B'}`);

    // A file lost from B's folder is read from the database again.
    for (const f of ['640.webp', 'social.jpg']) {
      unlinkSync(path.join(mediaOf('b'), `${stem}-${f}`));
      const r = await fetch(`${b.base}/media/${stem}-${f}`);
      assert.equal(r.status, 200, f);
      assert.ok(Buffer.from(await r.arrayBuffer()).equals(got.get(f)), `${f}: the same bytes again`);
      assert.ok(existsSync(path.join(mediaOf('b'), `${stem}-${f}`)), `${f} back on disk`);
      // HEAD, as a cache in front asks.
      const h = await fetch(`${b.base}/media/${stem}-${f}`, { method: 'HEAD' });
      assert.equal(h.status, 200);
    }
  });

  test('a photo from before photos lived in the database (its files on one node\'s disk only) is still served there', async () => {
    const stem = 'f'.repeat(32);
    sql(db, `INSERT INTO media(stem, name, type, bytes, status, widths, width, height, created_at) VALUES ('${stem}', 'old.jpg', 'jpeg', ${photo.length}, 'ready', '1600', 1600, 1000, 1)`);
    writeFileSync(path.join(mediaOf('a'), `${stem}-1600.jpg`), photo);
    const r = await fetch(`${a.base}/media/${stem}-1600.jpg`);
    assert.equal(r.status, 200);
    assert.ok(Buffer.from(await r.arrayBuffer()).equals(photo));
    assert.equal(r.headers.get('cache-control'), 'public, max-age=31536000, immutable');
    // The other node has no copy, and the database none to give.
    assert.equal((await fetch(`${b.base}/media/${stem}-1600.jpg`)).status, 404);
  });

  test('an unknown name is the same 404 on both nodes, and nothing but a photo\'s derivative is served', async () => {
    const stem = sql(db, "SELECT stem FROM media WHERE name = 'do-server.jpg'");
    const names = [`${'0'.repeat(32)}-320.jpg`, `${stem}-999.jpg`, `${stem}-original`, `${stem}-320.png`,
      stem, `${stem}-320.jpg.tmp`, `${stem.toUpperCase()}-320.jpg`, `${stem}-0320.jpg%00`];
    for (const n of [a, b]) {
      for (const name of names) {
        const r = await fetch(`${n.base}/media/${name}`);
        assert.equal(r.status, 404, `${name}`);
        assert.equal(await r.text(), 'not found', `${name}: h2o's own 404`);
      }
      // Out of the folder: the site's 404, never the database file.
      for (const name of ['..%2Fk.db', '%2e%2e/k.db', '..%2F..%2Fnow']) {
        const r = await fetch(`${n.base}/media/${name}`);
        assert.equal(r.status, 404, `${name}`);
        assert.ok(!(await r.text()).startsWith('SQLite'), `${name}: not the database`);
      }
    }
  });
});

describe('each job once, with two nodes running', () => {
  test('a story scheduled while both run is published once: one audit entry, one alert, one message each', async () => {
    const readers = [];
    for (const [i, n] of [a, b, a].entries()) readers.push(await subscribe(n, fakeBrowser(`${mock.base}/ok/sched-${i}`)));
    const ed = await loggedIn(a.base, 'editor');
    const created = await ed.post('/newsroom/articles/new', { title: 'दो सर्वर, एक बार छपी खबर', body: 'पाठ', category: 'raksha' }, { accept: 'application/json' });
    assert.equal(created.status, 201, await created.clone().text());
    const { id, version } = await created.json();
    // Scheduled through the other node, with an alert, a minute ahead in
    // site time (IST), as the datetime-local field sends it.
    const edB = await loggedIn(b.base, 'editor');
    const at = new Date((now + 60 + 5.5 * 3600) * 1000).toISOString().slice(0, 16);
    const res = await edB.post(`/newsroom/articles/${id}/schedule`, { title: 'दो सर्वर, एक बार छपी खबर', body: 'पाठ', category: 'raksha', version, publish_at: at, notify: '1' });
    assert.equal(res.status, 303);
    await setClock(now + 61);
    for (const n of [a, b])
      await until('the story on both nodes\' home pages', async () => (await (await fetch(n.base + '/')).text()).includes('दो सर्वर, एक बार छपी खबर'));
    // Both schedulers looked; one published.
    assert.equal(sql(db, `SELECT count(*) FROM audit WHERE article_id = ${id} AND action = 'publish'`), '1');
    await until('the alert sent', () => sql(db, `SELECT count(*) FROM push_alerts WHERE article_id = ${id} AND state = 'done'`) === '1');
    assert.equal(sql(db, `SELECT count(*) FROM push_alerts WHERE article_id = ${id}`), '1', 'one alert for the story');
    for (const [i, r] of readers.entries()) {
      const got = mock.requests.filter((q) => q.path === `/ok/sched-${i}`);
      assert.equal(got.length, 1, `reader ${i} got ${got.length} messages`);
      assert.equal(got[0].headers.topic, `article-${id}`);
      const msg = JSON.parse(ece.decrypt(got[0].body, { version: 'aes128gcm', privateKey: r.ecdh, authSecret: r.auth }).toString());
      assert.equal(msg.title, 'दो सर्वर, एक बार छपी खबर');
    }
  });

  test('the node delivering an alert is killed mid-fan-out: the other finishes it, nobody is left out', async () => {
    const N = 600;
    for (let i = 0; i < N; i += 100) {
      await Promise.all(Array.from({ length: 100 }, (_, k) =>
        subscribe(i % 200 ? b : a, fakeBrowser(`${slow.base}/ok/fan-${i + k}`), `127.0.2.${1 + Math.floor((i + k) / 20)}`)));
    }
    const sent = khabar(['push', 'send', '--db', db, '--title', 'दोनों सर्वर से', '--url', '/news/a', '--urgency', 'high']);
    assert.equal(sent.status, 0, sent.stderr);
    const id = Number(/alert (\d+) queued/.exec(sent.stdout)[1]);
    await until('the fan-out to start', () => slow.requests.length >= 100, 60000);
    // The node that holds the delivery lease is the one sending.
    const holderPid = () => Number(sql(db, 'SELECT pid FROM push_lease WHERE id = 1'));
    await until('a node holding the lease', () => [a, b].some((n) => n.child.pid === holderPid()), 20000);
    const holder = holderPid();
    const victim = [a, b].find((n) => n.child.pid === holder);
    const survivor = victim === a ? b : a;
    assert.ok(victim, `the lease (pid ${holder}) is held by a node (${a.child.pid}, ${b.child.pid})`);
    const exited = new Promise((r) => victim.child.once('exit', r));
    victim.child.kill('SIGKILL');
    await exited;
    const before = slow.requests.length;
    assert.ok(before < N, `killed mid-fan-out (${before} of ${N} sent)`);
    await until('the alert done by the other node', () => stats(id).done, 120000);
    const count = new Map();
    for (const q of slow.requests) if (q.headers.topic === `alert-${id}`) count.set(q.path, (count.get(q.path) || 0) + 1);
    const extra = [...count.keys()].filter((p) => !/^\/ok\/fan-\d+$/.test(p));
    assert.deepEqual(extra, [], 'only the subscribers of the alert');
    assert.equal(count.size, N, 'every subscriber reached');
    // Only messages in flight when the node died may go twice, under the
    // same Topic, so a phone still shows the alert once.
    const repeats = [...count.values()].filter((n) => n > 1).length;
    assert.ok(repeats <= before, `${repeats} repeats`);
    // Everyone subscribed (the earlier test's readers too) got it.
    const s = stats(id);
    assert.equal(s.delivered, Number(sql(db, 'SELECT count(*) FROM push_subscriptions')));
    assert.ok(s.delivered >= N);
    assert.equal((await fetch(survivor.base + '/')).status, 200, 'the other node kept serving');
    console.log(`# killed after ${before} of ${N}; ${repeats} sent twice`);
  });
});
