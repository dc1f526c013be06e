// Web Push end to end: the real ./khabar against mock push services on
// loopback (HTTP/2 over TLS, tests/lib/pushmock.mjs). Every payload is
// decrypted by an independent implementation (npm http_ece) and every
// VAPID JWT verified with the site's public key. Also: bad subscriptions
// get a 400 with the reason, 404/410 delete the subscription, 429 waits
// for Retry-After, a hanging or resetting service does not hold up the
// others, and a restart in the middle of a send notifies nobody twice.
// The public POSTs take only the site's own Origin, and one address makes
// at most 20 new subscriptions an hour.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import ece from 'http_ece';

import { bin, khabar, newDb, requestFrom, root, startSite, tempDir } from '../lib/khabar.mjs';
import { fakeBrowser, makeCert, startMock, verifyVapid } from '../lib/pushmock.mjs';

const SEED = '/news/bharat-israel-raksha-sahyog-par-samjhauta-gyapan-par-hastakshar';
let t, cert, mock, site, key;

before(async () => {
  t = tempDir();
  cert = makeCert(t.dir);
  process.env.KHABAR_PUSH_TEST_CA = cert.caFile;
  process.env.KHABAR_PUSH_TIMEOUT_MS = '1500';
  mock = await startMock(cert);
  site = await startSite({ articles: 5 });
  key = (await (await fetch(site.base + '/api/v1/push/key')).json()).publicKey;
});
after(async () => {
  await site?.stop();
  await mock?.close();
  t?.remove();
});

// A POST as the site's own page sends it (its Origin is base_url's); a
// header given as null is left out.
function post(path, body, headers = {}) {
  const h = { 'content-type': 'application/json', origin: site.origin, ...headers };
  for (const k of Object.keys(h)) if (h[k] === null) delete h[k];
  return fetch(site.base + path, {
    method: 'POST',
    headers: h,
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}
async function subscribe(browser, topics = ['all']) {
  const r = await post('/api/v1/push/subscribe', { subscription: browser.json, topics });
  assert.equal(r.status, 200, await r.text());
  return browser;
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
async function until(what, fn, ms = 8000) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await fn()) return;
    await sleep(50);
  }
  assert.fail(`timed out waiting for ${what}`);
}
function send(args, db = site.db) {
  const r = khabar(['push', 'send', '--db', db, ...args]);
  assert.equal(r.status, 0, r.stderr);
  return Number(/alert (\d+) queued/.exec(r.stdout)[1]);
}
function stats(id, db = site.db) {
  const out = khabar(['push', 'stats', '--db', db, '--alert', String(id)]).stdout;
  const m = /queued (\d+)\s+delivered (\d+)\s+failed (\d+)\s+expired (\d+)\s+clicked (\d+)\s+pending (\d+)/.exec(out);
  const [queued, delivered, failed, expired, clicked, pending] = m.slice(1).map(Number);
  return { queued, delivered, failed, expired, clicked, pending, done: / done /.test(out) };
}
const forPath = (m, p) => m.requests.filter((r) => r.path === p);
const decrypt = (req, b) => JSON.parse(ece.decrypt(req.body, { version: 'aes128gcm', privateKey: b.ecdh, authSecret: b.auth }).toString());

describe('subscribing', () => {
  test('the public key is the site VAPID key (65-byte P-256 point)', () => {
    assert.equal(Buffer.from(key, 'base64url').length, 65);
  });

  test('bad subscriptions get a 400 with the reason', async () => {
    const good = fakeBrowser(mock.base + '/ok/bad');
    const cases = [
      ['{"subscription": ', /not a JSON object/],
      [{ subscription: { keys: good.json.keys } }, /endpoint is missing/],
      [{ subscription: { ...good.json, endpoint: 'http://127.0.0.1/x' } }, /https:\/\//],
      [{ subscription: { ...good.json, keys: { ...good.json.keys, p256dh: Buffer.concat([Buffer.from([4]), Buffer.alloc(64, 7)]).toString('base64url') } } }, /not a point on the P-256 curve/],
      [{ subscription: { ...good.json, keys: { ...good.json.keys, p256dh: 'AAAA' } } }, /65-byte uncompressed/],
      [{ subscription: { ...good.json, keys: { ...good.json.keys, auth: Buffer.alloc(12).toString('base64url') } } }, /exactly 16 bytes/],
      [{ subscription: good.json, topics: ['no-such-category'] }, /no category has the slug "no-such-category"/],
      [{ subscription: good.json, topics: 'raksha' }, /topics must be an array/],
    ];
    for (const [body, reason] of cases) {
      const r = await post('/api/v1/push/subscribe', body);
      assert.equal(r.status, 400, JSON.stringify(body));
      const j = await r.json();
      assert.match(j.error.message, reason);
    }
  });

  test('only JSON from the site itself: other content types and origins are refused', async () => {
    const b = fakeBrowser(mock.base + '/ok/csrf');
    let r = await fetch(site.base + '/api/v1/push/subscribe', { method: 'POST', headers: { 'content-type': 'text/plain', origin: site.origin }, body: JSON.stringify({ subscription: b.json }) });
    assert.equal(r.status, 415);
    r = await post('/api/v1/push/subscribe', { subscription: b.json }, { 'sec-fetch-site': 'cross-site' });
    assert.equal(r.status, 403);
    // No Origin, another site's, or the Host asked for when base_url says
    // otherwise: a 403 with the reason in JSON, and nothing stored.
    const refusals = [
      [null, /the Origin header is required \(this site's is http:\/\/127\.0\.0\.1:8080\)/],
      ['https://evil.example', /the Origin header is not this site's \(http:\/\/127\.0\.0\.1:8080\)/],
      [site.base, /not this site's/],
      ['http://127.0.0.1:8080.evil.example', /not this site's/],
      ['null', /not this site's/],
    ];
    for (const [origin, reason] of refusals) {
      for (const path of ['/api/v1/push/subscribe', '/api/v1/push/status', '/api/v1/push/unsubscribe']) {
        r = await post(path, { subscription: b.json, endpoint: b.json.endpoint }, { origin });
        assert.equal(r.status, 403, `${path} with Origin ${origin}`);
        assert.match(r.headers.get('content-type'), /^application\/json/);
        const j = await r.json();
        assert.equal(j.error.status, 403);
        assert.match(j.error.message, reason, `${path} with Origin ${origin}`);
      }
    }
    assert.equal((await (await post('/api/v1/push/status', { endpoint: b.json.endpoint })).json()).subscribed, false, 'nothing stored');
    r = await post('/api/v1/push/subscribe', { subscription: b.json }, { 'sec-fetch-site': 'same-origin' });
    assert.equal(r.status, 200);
    r = await fetch(site.base + '/api/v1/push/subscribe');
    assert.equal(r.status, 405);
    await post('/api/v1/push/unsubscribe', { endpoint: b.json.endpoint });
  });

  test('one address makes at most 20 new subscriptions an hour; updates and other addresses go on', async () => {
    const url = site.base + '/api/v1/push/subscribe';
    const from = (ip, b, topics = ['all']) => requestFrom(ip, url, {
      method: 'POST', headers: { 'content-type': 'application/json', origin: site.origin }, body: JSON.stringify({ subscription: b.json, topics }),
    });
    const made = [];
    for (let i = 0; i < 20; i++) {
      const b = fakeBrowser(`${mock.base}/ok/limit-${i}`);
      const r = await from('127.0.0.3', b);
      assert.equal(r.status, 200, `subscription ${i + 1}: ${r.text}`);
      made.push(b);
    }
    const extra = fakeBrowser(`${mock.base}/ok/limit-extra`);
    let r = await from('127.0.0.3', extra);
    assert.equal(r.status, 429, r.text);
    assert.match(r.headers['content-type'], /^application\/json/);
    const wait = Number(r.headers['retry-after']);
    assert.ok(wait > 3500 && wait <= 3600, `Retry-After ${r.headers['retry-after']}`);
    assert.match(r.json().error.message, /^इस इंटरनेट कनेक्शन से एक घंटे में 20 से ज़्यादा ब्राउज़रों पर सूचनाएँ चालू नहीं की जा सकतीं। कृपया 60 मिनट बाद फिर कोशिश करें।$/);
    assert.equal((await (await post('/api/v1/push/status', { endpoint: extra.json.endpoint })).json()).subscribed, false, 'the 21st is not stored');
    // Changing a known subscription's topics is no new subscription.
    r = await from('127.0.0.3', made[0], ['raksha']);
    assert.equal(r.status, 200, r.text);
    // Another address has its own count.
    r = await from('127.0.0.4', extra);
    assert.equal(r.status, 200, r.text);
    made.push(extra);
    // Racing requests cannot pass together: of 30 at once from a fresh
    // address, exactly 20 are stored.
    const racers = Array.from({ length: 30 }, (_, i) => fakeBrowser(`${mock.base}/ok/race-${i}`));
    const got = await Promise.all(racers.map((b) => from('127.0.0.5', b)));
    assert.equal(got.filter((x) => x.status === 200).length, 20);
    assert.equal(got.filter((x) => x.status === 429).length, 10);
    for (const b of [...made, ...racers]) await post('/api/v1/push/unsubscribe', { endpoint: b.json.endpoint });
  });

  test('topics can be read back, changed and cancelled', async () => {
    const b = await subscribe(fakeBrowser(mock.base + '/ok/topics'), ['raksha', 'khel']);
    let st = await (await post('/api/v1/push/status', { endpoint: b.json.endpoint })).json();
    assert.deepEqual(st.topics.sort(), ['khel', 'raksha']);
    await subscribe(b, ['all']);
    st = await (await post('/api/v1/push/status', { endpoint: b.json.endpoint })).json();
    assert.deepEqual(st.topics, ['all']);
    const r = await (await post('/api/v1/push/unsubscribe', { endpoint: b.json.endpoint })).json();
    assert.equal(r.existed, true);
    st = await (await post('/api/v1/push/status', { endpoint: b.json.endpoint })).json();
    assert.equal(st.subscribed, false);
  });
});

describe('sending from the command line', () => {
  test('a URL with CR, LF or another control byte, or that is no site path or http(s) URL, is refused and nothing is queued', () => {
    const before = khabar(['push', 'stats', '--db', site.db]).stdout;
    const cases = [
      ['--url', '/news/x\r\nSet-Cookie: kb_session=evil', /the URL contains a control character \(a line break, a tab\.\.\.\)/],
      ['--url', '/news/x\ny', /control character/],
      ['--url', '/news/x\u0001', /control character/],
      ['--url', '/news/x\u007f', /control character/],
      ['--url', '/news/x\ty', /control character/],
      ['--url', '/news/a b', /a space, a quote, < > or a backslash/],
      ['--url', 'javascript:alert(1)', /the URL must be a site path such as \/news\/slug, or an http\(s\) URL/],
      ['--url', '//evil.example/x', /must be a site path/],
      ['--url', '/' + 'x'.repeat(2000), /longer than 2,000 bytes/],
      ['--image', '/media/a.jpg\r\nX: y', /the image must be a site path or an http\(s\) URL, without control characters/],
    ];
    for (const [flag, value, reason] of cases) {
      const r = khabar(['push', 'send', '--db', site.db, '--title', 'जाँच',
        ...(flag === '--url' ? ['--url', value] : ['--url', '/news/x', flag, value])]);
      assert.equal(r.status, 2, `${JSON.stringify(value)}: ${r.stdout}`);
      assert.match(r.stderr, reason, JSON.stringify(value));
    }
    assert.equal(khabar(['push', 'stats', '--db', site.db]).stdout, before, 'nothing queued');
  });
});

describe('delivery by the running server', () => {
  test('each subscriber of the category gets one message that http_ece decrypts, signed with the site key', async () => {
    const raksha = await subscribe(fakeBrowser(mock.base + '/ok/r1'), ['raksha']);
    const all = await subscribe(fakeBrowser(mock.base + '/ok/a1'), ['all']);
    const khel = await subscribe(fakeBrowser(mock.base + '/ok/k1'), ['khel']);
    const id = send(['--title', 'भारत-इज़राइल समझौता', '--url', SEED, '--category', 'raksha', '--urgency', 'high', '--topic', 'seed-story']);
    await until('delivery', () => stats(id).done);
    assert.equal(forPath(mock, '/ok/k1').length, 0, 'a khel-only reader gets no raksha alert');
    const jwts = new Set();
    const links = [];
    for (const b of [raksha, all]) {
      const got = forPath(mock, new URL(b.json.endpoint).pathname);
      assert.equal(got.length, 1);
      const req = got[0];
      assert.equal(req.headers.urgency, 'high');
      assert.equal(req.headers.topic, 'seed-story');
      assert.equal(req.headers.ttl, '86400');
      assert.equal(req.headers['content-encoding'], 'aes128gcm');
      const claims = verifyVapid(req.headers.authorization, key, mock.base);
      assert.ok(claims.exp > Date.now() / 1000 && claims.exp <= Date.now() / 1000 + 86400);
      assert.match(claims.sub, /^(mailto:|https?:)/);
      jwts.add(req.headers.authorization);
      const p = decrypt(req, b);
      assert.equal(p.title, 'भारत-इज़राइल समझौता');
      assert.match(p.body, /तेल अवीव/, 'the story summary by default');
      // Each message has its own link: the subscription and its MAC.
      assert.match(p.url, new RegExp(`^${site.origin}/push/click/${id}/\\d+/[0-9a-f]{32}$`));
      assert.equal(p.tag, 'seed-story');
      links.push(new URL(p.url).pathname);
    }
    assert.notEqual(links[0], links[1]);
    assert.equal(jwts.size, 1, 'one JWT per origin, reused');
    // Every link leads to the story. Made-up ones count nothing: the
    // MAC changed, another subscription's number with this one's MAC, the
    // alert alone (links from before they were signed); an unknown alert
    // is a 404. They go first: a click counted after them was written in
    // the same batch as they were, or a later one.
    const [, , , , sub, mac] = links[0].split('/');
    const forged = [
      `/push/click/${id}/${sub}/${mac.replace(/^./, (c) => (c === '0' ? '1' : '0'))}`,
      `/push/click/${id}/${Number(sub) + 1000}/${mac}`,
      `/push/click/${id}/${sub}/${mac.slice(0, 31)}`,
      `/push/click/${id}`,
    ];
    const go = async (path) => {
      const click = await fetch(site.base + path, { redirect: 'manual' });
      assert.equal(click.status, 302, path);
      assert.equal(click.headers.get('location'), SEED, path);
      assert.equal(click.headers.get('cache-control'), 'private, no-store');
    };
    for (const path of forged) await go(path);
    assert.equal((await fetch(`${site.base}/push/click/99999/${sub}/${mac}`, { redirect: 'manual' })).status, 404);
    // Fifty opens of one message's link, one of the other's: two clicks.
    for (let i = 0; i < 50; i++) await go(links[0]);
    await go(links[1]);
    await until('the clicks to be written', () => stats(id).clicked >= 2);
    assert.deepEqual(stats(id), { queued: 2, delivered: 2, failed: 0, expired: 0, clicked: 2, pending: 0, done: true });
    // Opened again later, after the write: still two. A sentinel click
    // on a second alert goes after them: once it is counted, they were
    // written in the same batch or an earlier one.
    await go(links[0]);
    await go(links[1]);
    const id2 = send(['--title', 'निशान', '--url', SEED, '--category', 'raksha']);
    await until('the sentinel alert', () => forPath(mock, '/ok/r1').length === 2 && stats(id2).done);
    await go(new URL(decrypt(forPath(mock, '/ok/r1')[1], raksha).url).pathname);
    await until('the sentinel click to be written', () => stats(id2).clicked === 1);
    assert.equal(stats(id).clicked, 2);
  });

  test('a payload over 3,993 bytes is trimmed, summary first', async () => {
    const b = await subscribe(fakeBrowser(mock.base + '/ok/long'), ['all']);
    const id = send(['--title', 'लंबी खबर', '--url', '/news/x', '--body', 'सार '.repeat(2000)]);
    await until('delivery', () => forPath(mock, '/ok/long').length === 1 && stats(id).done);
    const plain = ece.decrypt(forPath(mock, '/ok/long')[0].body, { version: 'aes128gcm', privateKey: b.ecdh, authSecret: b.auth });
    assert.ok(plain.length <= 3993, `payload ${plain.length} bytes`);
    const p = JSON.parse(plain);
    assert.equal(p.title, 'लंबी खबर');
    assert.ok(p.body.endsWith('…'));
    await post('/api/v1/push/unsubscribe', { endpoint: b.json.endpoint });
  });

  test('404 and 410 delete the subscription; 429 is retried after Retry-After', async () => {
    const gone = await subscribe(fakeBrowser(mock.base + '/gone/1'));
    const missing = await subscribe(fakeBrowser(mock.base + '/missing/1'));
    const busy = await subscribe(fakeBrowser(mock.base + '/busy/1'));
    const id = send(['--title', 'तीसरी खबर', '--url', '/news/y']);
    await until('the retry', () => stats(id).done, 10000);
    for (const b of [gone, missing]) {
      const st = await (await post('/api/v1/push/status', { endpoint: b.json.endpoint })).json();
      assert.equal(st.subscribed, false, `${b.json.endpoint} deleted`);
    }
    const tries = forPath(mock, '/busy/1');
    assert.equal(tries.length, 2);
    assert.ok(tries[1].at - tries[0].at >= 900, `retried after ${tries[1].at - tries[0].at} ms`);
    assert.equal(decrypt(tries[1], busy).title, 'तीसरी खबर');
    const s = stats(id);
    assert.equal(s.expired, 2);
    assert.equal(s.delivered, s.queued - 2);
    await post('/api/v1/push/unsubscribe', { endpoint: busy.json.endpoint });
  });

  test('a hanging service and a resetting one do not hold up the others', async () => {
    const hang = await startMock(cert);
    const reset = await startMock(cert, { reset: true });
    try {
      const subs = [];
      for (let i = 0; i < 3; i++) subs.push(await subscribe(fakeBrowser(hang.base + '/hang/' + i)));
      subs.push(await subscribe(fakeBrowser(reset.base + '/ok/reset')));
      const fine = await subscribe(fakeBrowser(mock.base + '/ok/fine'));
      send(['--title', 'चौथी खबर', '--url', '/news/z']);
      await until('the healthy service', () => forPath(mock, '/ok/fine').length === 1, 5000);
      await until('the hanging service to be asked', () => hang.requests.length === 3, 5000);
      // The order of events, not a time: the healthy service had its
      // message before khabar gave up waiting on the hanging one.
      await until('khabar to give up on the hanging requests', () => hang.abandoned.length > 0, 10000);
      const fineAt = forPath(mock, '/ok/fine')[0].at;
      assert.ok(fineAt <= Math.min(...hang.abandoned.map((a) => a.at)), 'the healthy service was not held up');
      for (const b of [...subs, fine]) await post('/api/v1/push/unsubscribe', { endpoint: b.json.endpoint });
    } finally {
      await hang.close();
      await reset.close();
    }
  });
});

describe('clicks at a stop', () => {
  test('a click just before SIGTERM is counted: the server writes what waits before it exits', async () => {
    const dir = tempDir();
    try {
      const db = newDb(dir.dir, 'k.db');
      assert.equal(khabar(['init', '--name', 'खबर', '--url', 'https://k.example', '--db', db]).status, 0);
      const s2 = await startSite({ db });
      const b = fakeBrowser(mock.base + '/ok/stop-click');
      const r = await fetch(s2.base + '/api/v1/push/subscribe', {
        method: 'POST', headers: { 'content-type': 'application/json', origin: s2.origin }, body: JSON.stringify({ subscription: b.json }),
      });
      assert.equal(r.status, 200, await r.text());
      const id = send(['--title', 'रुकने से पहले', '--url', '/news/a'], db);
      await until('delivery', () => forPath(mock, '/ok/stop-click').length === 1 && stats(id, db).done);
      const p = decrypt(forPath(mock, '/ok/stop-click')[0], b);
      assert.match(p.url, /^https:\/\/k\.example\/push\/click\//);
      const click = await fetch(s2.base + new URL(p.url).pathname, { redirect: 'manual' });
      assert.equal(click.status, 302);
      await s2.stop('SIGTERM');
      assert.equal(stats(id, db).clicked, 1);
    } finally {
      dir.remove();
    }
  });
});

describe('a restart in the middle of a send', () => {
  // Runs "khabar push deliver" until the slow mock has seen `after`
  // requests, then signals it.
  async function deliverUntil(db, m, afterN, signal) {
    const child = spawn(bin, ['push', 'deliver', '--db', db], { cwd: root, stdio: 'ignore', env: process.env });
    const exited = new Promise((r) => child.once('exit', r));
    await until('requests to start', () => m.requests.length >= afterN, 10000);
    child.kill(signal);
    await exited;
  }

  for (const signal of ['SIGTERM', 'SIGKILL']) {
    test(`${signal}: every subscriber gets it${signal === 'SIGTERM' ? ', none twice' : '; repeats are only the ones in flight, under the same Topic'}`, async () => {
      const slow = await startMock(cert, { delay: 40 });
      const dir = tempDir();
      try {
        const db = newDb(dir.dir, 'k.db');
        assert.equal(khabar(['init', '--name', 'खबर', '--url', 'https://k.example', '--db', db]).status, 0);
        const N = 1500;
        const s2 = await startSite({ db });
        const subs = [];
        // 1,500 readers: 20 behind each address (the most one address may
        // subscribe in an hour).
        for (let i = 0; i < N; i += 100) {
          await Promise.all(Array.from({ length: 100 }, (_, k) => {
            const b = fakeBrowser(`${slow.base}/ok/${i + k}`);
            subs.push(b);
            return requestFrom(`127.0.1.${1 + Math.floor((i + k) / 20)}`, s2.base + '/api/v1/push/subscribe', {
              method: 'POST', headers: { 'content-type': 'application/json', origin: s2.origin }, body: JSON.stringify({ subscription: b.json }),
            }).then((r) => assert.equal(r.status, 200, r.text));
          }));
        }
        await s2.stop(); // its delivery engine must not take part
        const id = send(['--title', 'ब्रेकिंग', '--url', '/news/a', '--urgency', 'high'], db);
        await deliverUntil(db, slow, 200, signal);
        const before = slow.requests.length;
        assert.ok(before < N, `stopped mid-send (${before} of ${N})`);
        const first = new Set(slow.requests.map((q) => q.path));
        // The mock runs in this process: wait for the child without blocking.
        const child = spawn(bin, ['push', 'deliver', '--db', db], { cwd: root, stdio: ['ignore', 'ignore', 'pipe'] });
        let err = '';
        child.stderr.on('data', (d) => { err += d; });
        const status = await new Promise((r) => child.once('exit', r));
        assert.equal(status, 0, err);
        const count = new Map();
        for (const q of slow.requests) count.set(q.path, (count.get(q.path) || 0) + 1);
        assert.equal(count.size, N, 'every subscriber reached');
        const repeats = [...count.entries()].filter(([, n]) => n > 1).map(([p]) => p);
        // A stop (SIGTERM) records every answer before the process exits:
        // nobody is notified twice, neither by both runs nor within one. A
        // kill may leave messages that were in flight to be sent again (at
        // most the window), under one Topic, so a phone still shows each
        // alert once.
        const again = repeats.filter((p) => first.has(p));
        if (signal === 'SIGTERM') assert.deepEqual(repeats, [], `${repeats.length} subscribers notified twice after SIGTERM (${again.length} by both runs)`);
        else assert.ok(repeats.length <= 8192, `${repeats.length} repeats`);
        assert.ok(slow.requests.every((q) => q.headers.topic === `alert-${id}`));
        const s = stats(id, db);
        assert.equal(s.delivered, N);
        assert.equal(s.done, true);
      } finally {
        await slow.close();
        dir.remove();
      }
    });
  }
});
