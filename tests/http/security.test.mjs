// Header injection and open redirects (issue 13): every route of the table
// (`khabar routes`), logged out and as an admin, gets CR, LF, "//host",
// "/\host" and their percent-encodings in each path parameter, in the
// query and in a POST's form, and no response may carry a header the
// payload made or a Location that leaves the site. Then each finding of the
// attack report as its own regression test.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { bin, freePort, khabar, rawRequest, root, startSite, until } from '../lib/khabar.mjs';
import { addUser, Client } from '../lib/newsroom.mjs';

// What an attacker puts in a URL (already percent-encoded where a raw byte
// cannot travel in a request line).
const PAYLOADS = [
  '%0d%0aX-Injected:%20yes',
  '%0aX-Injected:%20yes',
  '%0dX-Injected:%20yes',
  '%0d%0aSet-Cookie:%20kb_session=evil',
  '/newsroom%0d%0aSet-Cookie:%20kb_session=evil',
  '/newsroom%0d%0a%0d%0a<html>evil',
  '%250d%250aX-Injected:%20yes',
  '//evil.example',
  '/\\evil.example',
  '%2F%2Fevil.example',
  '/%2Fevil.example',
  '%2F%5Cevil.example',
  '/%5Cevil.example',
  '%5C%5Cevil.example',
  '/%09/evil.example',
  'https://evil.example/',
  'https:%2F%2Fevil.example',
  '//evil.example/%2e%2e',
];
// Query and form names a redirecting handler might read.
const NAMES = ['next', 'back', 'ref', 'url', 'redirect', 'return', 'to', 'link'];

const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });

// One request with the raw path; resolves to {status, headers: [[name, value]]}.
function send(port, method, pathAndQuery, { cookie = '', body = null, type = null } = {}) {
  return new Promise((resolve, reject) => {
    const headers = { host: `127.0.0.1:${port}` };
    if (cookie) headers.cookie = cookie;
    if (body !== null) {
      headers['content-type'] = type || 'application/x-www-form-urlencoded';
      headers['content-length'] = Buffer.byteLength(body);
    }
    const req = http.request({ host: '127.0.0.1', port, method, path: pathAndQuery, headers, agent }, (res) => {
      const h = [];
      for (let i = 0; i < res.rawHeaders.length; i += 2) h.push([res.rawHeaders[i].toLowerCase(), res.rawHeaders[i + 1]]);
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode, headers: h }));
    });
    req.on('error', reject);
    if (body !== null) req.write(body);
    req.end();
  });
}

// The failures of one response: an injected header, a cookie the payload
// set, a Location off the site.
function problems(res, base) {
  const out = [];
  for (const [name, value] of res.headers) {
    if (name === 'x-injected') out.push(`injected header ${name}: ${value}`);
    if (name === 'set-cookie' && /evil/.test(value)) out.push(`injected cookie ${value}`);
    if (name === 'location') {
      const onSite = (value.startsWith('/') && !/^\/[/\\]/.test(value)) || value.startsWith(base + '/');
      const url = new URL(value, base + '/');
      if (!onSite || url.origin !== base) out.push(`Location off the site: ${value}`);
    }
  }
  return out;
}

// Fills a route's pattern: each {name} with fill(name, index).
function fillPattern(pattern, fill) {
  let i = 0;
  return pattern.replace(/\{[^}]*\}/g, (m) => fill(m, i++));
}

describe('header injection and open redirects across the route table', () => {
  let site, admin, routes;
  before(async () => {
    site = await startSite({ articles: 5 });
    addUser(site.db, 'admin', 'admin');
    admin = new Client(site.base);
    const res = await admin.login('admin');
    assert.equal(res.status, 303);
    const r = khabar(['routes']);
    assert.equal(r.status, 0, r.stderr);
    routes = r.stdout.trim().split('\n').map((l) => {
      const [method, pattern, flags, role, query, form] = l.split('\t');
      const list = (v) => (v === '-' ? [] : v.split(','));
      return { method, pattern, flags: flags.split(','), role, query: list(query), form: list(form) };
    });
    assert.ok(routes.length > 50, `khabar routes printed ${routes.length} routes`);
  });
  after(async () => site.stop());

  test('no payload in any path parameter, query or form field injects a header or leaves the site', async () => {
    const failures = [];
    let sent = 0;
    const check = async (method, p, opts, who) => {
      const res = await send(site.port, method, p, opts);
      sent++;
      for (const f of problems(res, site.base)) failures.push(`${who} ${method} ${p}${opts.body ? ' body ' + opts.body : ''}: ${f}`);
    };
    // Logging out, and saving a user (whose form may disable the admin),
    // come last: the admin's session is used throughout.
    const late = (rt) => /logout|\/users\/\{/.test(rt.pattern);
    const ordered = [...routes].sort((a, b) => late(a) - late(b));
    for (const who of ['reader', 'admin']) {
      for (const rt of ordered) {
        const cookie = who === 'admin' ? admin.cookieHeader() : '';
        const plain = fillPattern(rt.pattern, () => '1');
        const names = [...new Set([...NAMES, ...rt.query, ...rt.form])];
        const post = rt.method === 'POST';
        const json = rt.flags.includes('public-json');
        for (const pl of PAYLOADS) {
          // In each path parameter.
          const withParam = (k) => fillPattern(rt.pattern, (m, i) => (i === k ? pl : '1'));
          const nparams = (rt.pattern.match(/\{/g) || []).length;
          for (let k = 0; k < nparams; k++) {
            const p = withParam(k);
            if (post) await check('POST', p, { cookie, body: json ? '{}' : `csrf=${admin.csrf}`, type: json ? 'application/json' : null }, who);
            else await check('GET', p, { cookie }, who);
          }
          // In the query, every name at once.
          const q = names.map((n) => `${n}=${pl}`).join('&');
          if (post && !json) {
            // And in the form.
            const body = `csrf=${admin.csrf}&` + names.map((n) => `${n}=${pl}`).join('&');
            await check('POST', `${plain}?${q}`, { cookie, body }, who);
          } else if (!post) {
            await check('GET', `${plain}?${q}`, { cookie }, who);
          }
        }
      }
      // In the path itself, with the trailing slash that redirects.
      for (const pl of PAYLOADS) {
        for (const p of [`/${pl}/`, `/${pl}`, `${pl}/`, `/news/${pl}/`, `/newsroom/${pl}/`]) {
          if (!p.startsWith('/')) continue;
          await check('GET', p, { cookie: who === 'admin' ? admin.cookieHeader() : '' }, who);
        }
      }
    }
    assert.ok(sent > 2000, `sent ${sent} requests`);
    assert.deepEqual(failures.slice(0, 20), [], `${failures.length} responses failed`);
    // The server kept serving through all of it.
    assert.equal((await fetch(site.base + '/')).status, 200);
  });
});

describe('the findings of the attack report stay fixed', () => {
  let site;
  before(async () => {
    site = await startSite({ articles: 3 });
    addUser(site.db, 'reporter', 'reporter');
  });
  after(async () => site.stop());

  test('a login link with CR/LF in next neither sets a cookie nor adds a header', async () => {
    const c = new Client(site.base);
    await c.login('reporter');
    const res = await send(site.port, 'GET', '/newsroom/login?next=/newsroom%0d%0aSet-Cookie:%20kb_session=attacker', { cookie: c.cookieHeader() });
    assert.equal(res.status, 303);
    assert.deepEqual(res.headers.filter(([n]) => n === 'location'), [['location', '/newsroom']]);
    assert.ok(!res.headers.some(([n, v]) => n === 'set-cookie' && /attacker/.test(v)), 'no attacker cookie');
    // Logged out, the form's hidden next is the plain newsroom.
    const page = await (await fetch(site.base + '/newsroom/login?next=/newsroom%0d%0aSet-Cookie:%20kb_session=attacker')).text();
    assert.match(page, /name="next" value="\/newsroom"/);
    // And the form's own next, posted, is refused the same way.
    const c2 = new Client(site.base);
    await c2.page('/newsroom/login');
    const r2 = await c2.post('/newsroom/login', { login: 'reporter', password: 'pass-word-123', next: '/newsroom\r\nSet-Cookie: kb_session=attacker' });
    assert.equal(r2.status, 303);
    assert.equal(r2.headers.get('location'), '/newsroom');
    assert.ok(!r2.headers.getSetCookie().some((v) => /attacker/.test(v)));
  });

  test('a trailing slash never redirects to another host', async () => {
    for (const p of ['//evil.example/', '/%2Fevil.example/', '/%5Cevil.example/', '/\\evil.example/']) {
      const res = await send(site.port, 'GET', p);
      assert.notEqual(res.status, 301, `${p} answered 301 to ${JSON.stringify(res.headers.find(([n]) => n === 'location'))}`);
      assert.equal(res.status, 404, p);
    }
    // The ordinary case still works.
    const ok = await send(site.port, 'GET', '/category/raksha/');
    assert.equal(ok.status, 301);
    assert.deepEqual(ok.headers.find(([n]) => n === 'location'), ['location', '/category/raksha']);
  });

  test('a failed login answers 401 Unauthorized, not 401 OK', async () => {
    const c = new Client(site.base);
    await c.page('/newsroom/login');
    const body = new URLSearchParams({ csrf: c.csrf, login: 'reporter', password: 'wrong-password', next: '/newsroom' }).toString();
    const raw = await rawRequest(site.port, `POST /newsroom/login HTTP/1.1\r\nHost: x\r\nCookie: ${c.cookieHeader()}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
    assert.match(raw, /^HTTP\/1\.1 401 Unauthorized\r\n/);
  });
});

describe('cookies and the access log', () => {
  test('a site whose URL is https sets Secure cookies, even without X-Forwarded-Proto', async () => {
    const s = await startSite({ articles: 2 });
    try {
      let r = khabar(['settings', 'set', '--db', s.db, 'base_url', 'https://news.example.com']);
      assert.equal(r.status, 0, r.stderr);
      await until('the new base_url to reach the server', async () => {
        const res = await fetch(s.base + '/newsroom/login');
        return res.headers.getSetCookie().some((c) => /; Secure/.test(c));
      });
      r = khabar(['settings', 'set', '--db', s.db, 'base_url', 'http://127.0.0.1']);
      assert.equal(r.status, 0, r.stderr);
      await until('the http base_url to reach the server', async () => {
        const res = await fetch(s.base + '/newsroom/login');
        const c = res.headers.getSetCookie();
        return c.length > 0 && !c.some((x) => /; Secure/.test(x));
      });
      const res = await fetch(s.base + '/newsroom/login', { headers: { 'x-forwarded-proto': 'https' } });
      // Only a proxy named by --trust-proxy may say so (proxy.test.mjs).
      assert.ok(res.headers.getSetCookie().every((x) => !/; Secure/.test(x)), 'a stranger\'s X-Forwarded-Proto is only text');
    } finally {
      await s.stop();
    }
  });

  test('set-password links never reach the access log', async () => {
    const first = await startSite({ articles: 2 });
    const db = first.db;
    const logPath = path.join(first.dir, 'access.log');
    addUser(db, 'newbie', 'reporter');
    const link = khabar(['user', 'link', '--db', db, 'newbie']);
    assert.equal(link.status, 0, link.stderr);
    const m = link.stdout.match(/\/newsroom\/set-password\/([0-9a-f]{64})/);
    assert.ok(m, `a set-password link in ${link.stdout}`);
    const token = m[1];
    // Serve the same database with an access log (the first server stays up).
    const port = await freePort();
    const child = spawn(bin, ['serve', '--db', db, '--listen', `127.0.0.1:${port}`, '--access-log', logPath], { cwd: root, stdio: 'ignore' });
    try {
      await until('the second server', async () => { try { await fetch(`http://127.0.0.1:${port}/`); return true; } catch { return false; } });
      const page = await fetch(`http://127.0.0.1:${port}/newsroom/set-password/${token}`);
      assert.equal(page.status, 200);
      await fetch(`http://127.0.0.1:${port}/newsroom/set-password/${token}/`, { redirect: 'manual' });
      await fetch(`http://127.0.0.1:${port}/news/marker-request`);
      await until('the access log to show the marker', () => {
        try { return readFileSync(logPath, 'utf8').includes('marker-request'); } catch { return false; }
      });
      const log = readFileSync(logPath, 'utf8');
      assert.ok(!log.includes(token), `the token is in the access log:\n${log}`);
      assert.match(log, /GET \/newsroom\/set-password\/:token HTTP/);
    } finally {
      const done = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await done;
      await first.stop();
    }
  });
});
