// Behind Varnish or a CDN (issue 16): --trust-proxy CIDR lets connections
// from those networks name the reader's address (X-Forwarded-For) and the
// scheme (X-Forwarded-Proto). The reader's address is what the login
// audit records and what the per-address limits count; the scheme decides
// whether cookies are Secure. Without the option, or from any other
// address, the headers are only text. Runs on both backends.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { khabar, sql, startSite } from '../lib/khabar.mjs';
import { addUser, Client, PASSWORD } from '../lib/newsroom.mjs';
import { fakeBrowser } from '../lib/pushmock.mjs';

let trusting, plain;

before(async () => {
  trusting = await startSite({ articles: 3, extraArgs: ['--trust-proxy', '10.0.0.0/8', '--trust-proxy', '127.0.0.0/8'] });
  plain = await startSite({ articles: 3 });
  for (const s of [trusting, plain]) addUser(s.db, 'editor', 'editor');
});
after(async () => {
  await trusting?.stop();
  await plain?.stop();
});

const forwarded = { 'x-forwarded-for': '6.6.6.6, 198.51.100.7', 'x-forwarded-proto': 'https' };

async function loginThrough(site) {
  const c = new Client(site.base);
  await c.page('/newsroom/login');
  const res = await c.post('/newsroom/login', { login: 'editor', password: PASSWORD, next: '/newsroom' }, forwarded);
  return res;
}

function subscribe(site, i, from) {
  return fetch(site.base + '/api/v1/push/subscribe', {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: site.origin, 'x-forwarded-for': from },
    body: JSON.stringify({ subscription: fakeBrowser(`https://fcm.googleapis.com/fcm/send/p-${i}`).json, topics: ['all'] }),
  });
}

describe('--trust-proxy', () => {
  test('a trusted proxy names the reader: the login audit has the forwarded address, the cookie is Secure', async () => {
    const res = await loginThrough(trusting);
    assert.equal(res.status, 303, await res.text());
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith('kb_session='));
    assert.ok(cookie, res.headers.getSetCookie().join(' | '));
    assert.match(cookie, /; Secure/);
    // The rightmost address not a trusted proxy; the forged head ignored.
    assert.equal(sql(trusting.db, "SELECT detail FROM audit WHERE action = 'login' ORDER BY id DESC LIMIT 1"), '198.51.100.7');
  });

  test('without the option the headers are only text', async () => {
    const res = await loginThrough(plain);
    assert.equal(res.status, 303);
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith('kb_session='));
    assert.doesNotMatch(cookie, /Secure/);
    assert.equal(sql(plain.db, "SELECT detail FROM audit WHERE action = 'login' ORDER BY id DESC LIMIT 1"), '127.0.0.1');
  });

  test('per-address limits count the forwarded reader, and only behind a trusted proxy', async () => {
    // 20 subscriptions an hour from one address: readers behind one proxy
    // each have their own 20; one reader is still held to 20.
    for (let i = 0; i < 21; i++) assert.equal((await subscribe(trusting, i, `198.51.100.${i + 1}`)).status, 200, `reader ${i}`);
    const one = [];
    for (let i = 0; i < 21; i++) one.push((await subscribe(trusting, 100 + i, '203.0.113.5')).status);
    assert.deepEqual(one.slice(0, 20), Array(20).fill(200));
    assert.equal(one[20], 429);
    // Untrusted: every "reader" is the connection's own address.
    const all = [];
    for (let i = 0; i < 21; i++) all.push((await subscribe(plain, i, `198.51.100.${i + 1}`)).status);
    assert.equal(all[20], 429);
  });

  test('the limits are the database\'s: two servers on one site count one reader together', async () => {
    const second = await startSite({ db: trusting.db, extraArgs: ['--trust-proxy', '127.0.0.1'] });
    try {
      const got = [];
      for (let i = 0; i < 21; i++) got.push((await subscribe(i % 2 ? second : trusting, 200 + i, '192.0.2.44')).status);
      assert.deepEqual(got.slice(0, 20), Array(20).fill(200));
      assert.equal(got[20], 429);
      assert.equal((await subscribe(second, 300, '192.0.2.44')).status, 429);
    } finally {
      await second.stop();
    }
  });

  test('a value that is not a network stops the server with a message', () => {
    for (const bad of ['10.0.0.1/8', 'proxy.example', '10.0.0.0/33']) {
      const r = khabar(['serve', '--db', plain.db, '--listen', '127.0.0.1:1', '--trust-proxy', bad]);
      assert.equal(r.status, 2, r.stderr);
      assert.match(r.stderr, new RegExp(`--trust-proxy ${bad.replace(/\./g, '\\.')}: expected a network`));
    }
  });
});
