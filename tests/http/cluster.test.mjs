// Two nodes on one database (issue 16, "each job once"): both run every
// background job, and each job is still done once. A story scheduled while
// both run is published once, with one audit entry and one alert; a push
// alert's fan-out goes on at the other node when the one delivering it is
// killed (SIGKILL), and every subscriber is reached. The nodes share the
// database and nothing else but the photos' folder. Runs on SQLite (two
// processes on one file) and, with make http-pg, on PostgreSQL.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import ece from 'http_ece';

import { khabar, newDb, requestFrom, setServerClock, sql, startSite, until } from '../lib/khabar.mjs';
import { addUser, loggedIn } from '../lib/newsroom.mjs';
import { fakeBrowser, makeCert, startMock } from '../lib/pushmock.mjs';

let dir, db, clockFile, now, cert, mock, slow, a, b;

async function setClock(t) {
  now = t;
  await setServerClock(clockFile, t);
  for (const node of [a, b])
    if (node && node.child.exitCode === null) await setServerClock(clockFile, t, node.base);
}
const node = () => startSite({ db, extraArgs: ['--fake-clock', clockFile, '--media', path.join(dir, 'media')] });

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
  a = await node();
  b = await node();
});
after(async () => {
  await b?.stop();
  await a?.stop();
  await mock?.close();
  await slow?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
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
