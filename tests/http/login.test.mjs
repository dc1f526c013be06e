// HTTP black-box tests of the login throttle (the design is in
// src/newsroom/login.c), against a server on an injected clock, with
// clients on several loopback addresses (every 127.0.0.x reaches the
// 127.0.0.1 listener on Linux): parallel tries cannot pass a limit
// together, an attacker's address cannot lock the real user out, many
// addresses together are still slowed per account, and the account page's
// password check is throttled like the login.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { startSite, until } from '../lib/khabar.mjs';
import { Client, addUser, PASSWORD } from '../lib/newsroom.mjs';

let site, clockDir, clockFile, now;

// The server's time: the tip form's stamp ("SECONDS.mac") is taken from it.
async function serverTime() {
  const html = await (await fetch(`${site.base}/tips`)).text();
  return Number(html.match(/name="stamp" value="(\d+)\./)[1]);
}

// Moves the injected clock on by seconds and waits until the server runs on it.
async function later(seconds) {
  now += seconds;
  writeFileSync(clockFile, String(now));
  await until(`the server's clock at ${now}`, async () => (await serverTime()) === now);
}

before(async () => {
  clockDir = mkdtempSync('/tmp/khabar-clock-');
  clockFile = path.join(clockDir, 'now');
  now = Math.floor(Date.now() / 1000);
  writeFileSync(clockFile, String(now));
  // Eight threads, so that parallel tries are checked at the same time
  // (with one per core, two at most would be).
  site = await startSite({ articles: 5, extraArgs: ['--fake-clock', clockFile, '--threads', '8'] });
  for (const u of ['lata', 'mohan', 'geeta', 'ravi']) addUser(site.db, u, 'reporter');
});
after(async () => {
  await site.stop();
  rmSync(clockDir, { recursive: true, force: true });
});

// One login attempt as a new browser at address from: the response.
const attempt = (from, login, password) => new Client(site.base, { from }).login(login, password);

// How many of the responses had each status: {401: n, 429: m...}.
const tally = (responses) => responses.reduce((t, r) => ({ ...t, [r.status]: (t[r.status] || 0) + 1 }), {});

test('20 parallel wrong passwords from one address: 5 reach the password check, 15 wait, and no more', async () => {
  const tries = await Promise.all(Array.from({ length: 20 }, (_, i) => attempt('127.0.0.2', 'lata', `wrong-${i}`)));
  assert.deepEqual(tally(tries), { 401: 5, 429: 15 });
  const waited = tries.find((r) => r.status === 429);
  assert.equal(waited.headers.get('retry-after'), '60');
  assert.match(await waited.text(), /बहुत सारी गलत कोशिशें हुईं। 1 मिनट बाद फिर कोशिश करें।/);
  // The right password from that address waits too: the pair is slowed.
  assert.equal((await attempt('127.0.0.2', 'LATA', PASSWORD)).status, 429, 'the login counts in any case');
  // A minute later that address may try once more, then waits 2 minutes.
  await later(60);
  assert.equal((await attempt('127.0.0.2', 'lata', 'wrong-again')).status, 401);
  const next = await attempt('127.0.0.2', 'lata', 'wrong-again');
  assert.equal(next.status, 429);
  assert.equal(next.headers.get('retry-after'), '120');
  // Lata herself, from another address, is not slowed at all.
  assert.equal((await attempt('127.0.0.3', 'lata', PASSWORD)).status, 303);
});

test('an attacker\'s address cannot lock the real user out, whatever it tries', async () => {
  // Over several hours one address tries whenever it is let in: 12
  // failures, past the account's 10 free ones.
  const attacker = '127.0.0.4';
  let failures = 0, refused = 0;
  while (failures < 12) {
    assert.ok(refused < 20, `the attacker is let in again after each wait (${failures} failures so far)`);
    const r = await attempt(attacker, 'mohan', `guess-${failures}-${refused}`);
    if (r.status === 401) {
      failures++;
    } else {
      assert.equal(r.status, 429);
      refused++;
      const wait = Number(r.headers.get('retry-after'));
      assert.ok(wait > 0 && wait <= 3600, `Retry-After: ${r.headers.get('retry-after')}`);
      await later(wait);
    }
  }
  assert.ok(refused >= 6, `the attacker waited ${refused} times`);
  assert.equal((await attempt(attacker, 'mohan', PASSWORD)).status, 429, 'the attacker\'s address is slowed');
  // Mohan, from a new address, logs in; and after a typo of his own too.
  assert.equal((await attempt('127.0.0.5', 'mohan', PASSWORD)).status, 303);
  assert.equal((await attempt('127.0.0.6', 'mohan', 'typo')).status, 401);
  assert.equal((await attempt('127.0.0.6', 'mohan', PASSWORD)).status, 303);
});

test('guessing from many addresses is still slowed per account, but not from where the user logs in', async () => {
  // Geeta logs in from her newsroom's address: it is known to her account.
  assert.equal((await attempt('127.0.0.7', 'geeta', PASSWORD)).status, 303);
  // 30 addresses try 3 passwords each: 10 failures are free, then 3
  // addresses new to the account are let in, and every other try waits.
  const tries = [];
  for (let a = 1; a <= 30; a++)
    for (let i = 0; i < 3; i++) tries.push(await attempt(`127.0.1.${a}`, 'geeta', `guess-${a}-${i}`));
  assert.deepEqual(tally(tries), { 401: 13, 429: 77 });
  // Her known address is not slowed; a new one waits (at most an hour).
  assert.equal((await attempt('127.0.0.7', 'geeta', PASSWORD)).status, 303);
  const fresh = await attempt('127.0.0.8', 'geeta', PASSWORD);
  assert.equal(fresh.status, 429);
  const wait = Number(fresh.headers.get('retry-after'));
  assert.ok(wait > 0 && wait <= 3600, `waits ${wait} s`);
  // Slowed, not locked: after the wait the new address gets in.
  await later(wait);
  assert.equal((await attempt('127.0.0.8', 'geeta', PASSWORD)).status, 303);
  // Now the account's wait is over: of 30 parallel tries one gets in, and
  // the account waits twice as long again.
  const again = await Promise.all(Array.from({ length: 30 }, (_, a) => attempt(`127.0.1.${a + 1}`, 'geeta', `more-${a}`)));
  assert.deepEqual(tally(again), { 401: 1, 429: 29 });
});

test('the account page\'s current-password check is throttled like a login', async () => {
  const c = new Client(site.base, { from: '127.0.0.9' });
  assert.equal((await c.login('ravi')).status, 303);
  await c.page('/newsroom/account');
  const codes = [];
  for (let i = 0; i < 6; i++) {
    const r = await c.post('/newsroom/account', { current_password: `not-it-${i}`, new_password: 'a-new-password-1' });
    codes.push(r.status);
  }
  assert.deepEqual(codes, [400, 400, 400, 400, 400, 429]);
  // The password is unchanged.
  assert.equal((await attempt('127.0.0.10', 'ravi', PASSWORD)).status, 303);
});
