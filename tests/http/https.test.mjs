// HTTPS in the binary (issue 17): a certificate obtained over ACME from
// Debian's pebble on loopback, with real validation (pebble's httpPort and
// tlsPort are khabar's --listen-http and --listen, so its validator fetches
// the HTTP-01 answer and handshakes for TLS-ALPN-01 with khabar itself),
// served with HTTP/2 and HSTS, the plain port redirecting, a renewal forced
// by SIGHUP; and an owned certificate (--tls-cert) swapped on SIGHUP.
// pebble rejects 20% of good nonces here, so badNonce retries run too.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, statSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import tls from 'node:tls';
import { after, before, describe, test } from 'node:test';

import { freePort, pg, startSite, tempDir, until } from '../lib/khabar.mjs';

// A self-signed P-256 certificate for localhost and 127.0.0.1 in dir.
function makeCert(dir, name) {
  const cert = path.join(dir, `${name}.pem`), key = path.join(dir, `${name}.key`);
  const r = spawnSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes',
    '-keyout', key, '-out', cert, '-days', '30', '-subj', '/CN=localhost',
    '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return { cert, key };
}

function serialOf(certFile) {
  const r = spawnSync('openssl', ['x509', '-in', certFile, '-noout', '-serial'], { encoding: 'utf8' });
  return r.stdout.trim().replace(/^serial=/, '').toLowerCase();
}

// The certificate a TLS handshake on port shows for localhost: its serial
// (lower-case hex) and issuer's common name, or null when none completes.
function servedCert(port, opts = {}) {
  return new Promise((resolve) => {
    const s = tls.connect({ host: '127.0.0.1', port, servername: 'localhost', rejectUnauthorized: false, ...opts }, () => {
      const c = s.getPeerCertificate();
      s.end();
      resolve({ serial: c.serialNumber.toLowerCase().replace(/^0+/, ''), issuer: c.issuer?.CN || '' });
    });
    s.on('error', () => resolve(null));
  });
}

// curl trusting ca: {code, version, headers, body}.
function curl(url, ca, args = []) {
  const r = spawnSync('curl', ['-sS', '--cacert', ca, '-D', '-', '-w', '\n%{http_code} %{http_version}', ...args, url],
    { encoding: 'utf8' });
  const lines = r.stdout.trimEnd().split('\n');
  const [code, version] = (lines.pop() || '').split(' ');
  const text = lines.join('\n');
  const cut = text.indexOf('\r\n\r\n');
  return { code: Number(code), version, headers: text.slice(0, cut).toLowerCase(), body: text.slice(cut + 4), err: r.stderr };
}

// Waits as until does; a timeout shows the server's and pebble's logs.
async function untilLogged(what, fn, ms, logs) {
  try {
    await until(what, fn, ms);
  } catch (e) {
    throw new Error(`${e.message}\n--- logs ---\n${logs()}`);
  }
}

const listening = (port) => new Promise((resolve) => {
  const c = net.connect(port, '127.0.0.1', () => { c.end(); resolve(true); });
  c.on('error', () => resolve(false));
});

describe('--https: a certificate from an ACME CA (pebble)', () => {
  let t, pebble, site, root, tlsPort, httpPort, dirUrl, pebbleCert, pebbleLog = '';
  const acmeArgs = (dir, plain) => ['--https', 'localhost', '--acme-directory', dirUrl, '--acme-ca', pebbleCert,
    '--listen-http', plain ? `127.0.0.1:${httpPort}` : '', '--acme-renew-before', '100000',
    ...(pg || dir ? ['--acme-dir', dir || path.join(t.dir, 'acme-pg')] : [])];
  // The served certificate chains to pebble's root (curl checks), once
  // the placeholder is replaced.
  let lastErr = '';
  const logs = () => `${site?.log()}\n--- curl ---\n${lastErr}\n--- pebble ---\n${pebbleLog.split('\n').slice(-60).join('\n')}`;
  const issued = () => untilLogged('a certificate from pebble', () => {
    const r = curl(`https://localhost:${tlsPort}/`, root);
    lastErr = r.err;
    return r.code === 200;
  }, 20000, logs);

  before(async () => {
    t = tempDir();
    ({ cert: pebbleCert } = makeCert(t.dir, 'pebble'));
    [tlsPort, httpPort] = [await freePort(), await freePort()];
    const [api, mgmt] = [await freePort(), await freePort()];
    const config = path.join(t.dir, 'pebble.json');
    writeFileSync(config, JSON.stringify({ pebble: {
      listenAddress: `127.0.0.1:${api}`, managementListenAddress: `127.0.0.1:${mgmt}`,
      certificate: pebbleCert, privateKey: path.join(t.dir, 'pebble.key'),
      httpPort, tlsPort, ocspResponderURL: '', externalAccountBindingRequired: false,
    } }));
    pebble = spawn('pebble', ['-config', config], {
      env: { ...process.env, PEBBLE_VA_NOSLEEP: '1', PEBBLE_AUTHZREUSE: '0', PEBBLE_WFE_NONCEREJECT: '20' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    pebble.stdout.on('data', (d) => { pebbleLog += d; });
    pebble.stderr.on('data', (d) => { pebbleLog += d; });
    await until('pebble to listen', () => listening(api).then((a) => a && listening(mgmt)), 10000);
    dirUrl = `https://127.0.0.1:${api}/dir`;
    root = path.join(t.dir, 'root.pem');
    const r = spawnSync('curl', ['-sS', '--cacert', pebbleCert, '-o', root, `https://127.0.0.1:${mgmt}/roots/0`], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    site = await startSite({ articles: 3, port: tlsPort, extraArgs: acmeArgs(null, true) });
    await issued();
  });
  after(async () => {
    await site?.stop();
    pebble?.kill();
    t?.remove();
  });

  test('the home page comes over HTTP/2 with HSTS, a certificate from the CA, https URLs and Secure cookies', () => {
    const r = curl(`https://localhost:${tlsPort}/`, root, ['--http2']);
    assert.equal(r.code, 200, site.log());
    assert.equal(r.version, '2', 'HTTP/2 negotiated by ALPN');
    assert.match(r.headers, /strict-transport-security: max-age=31536000/);
    // The demo's base_url is http://; served over TLS, the site names itself https.
    assert.match(r.body, /<link rel="canonical" href="https:\/\//);
    // The cached copy carries HSTS too.
    assert.match(curl(`https://localhost:${tlsPort}/`, root, ['--http2']).headers, /x-khabar-cache: hit[\s\S]*strict-transport-security|strict-transport-security[\s\S]*x-khabar-cache: hit/);
    // Cookies are Secure by themselves over TLS.
    assert.match(curl(`https://localhost:${tlsPort}/newsroom/login`, root).headers, /set-cookie: kb_pre=[^\r\n]*; secure/);
    const h1 = curl(`https://localhost:${tlsPort}/`, root, ['--http1.1']);
    assert.equal(h1.version, '1.1');
    assert.equal(h1.code, 200);
  });

  test('the plain port redirects to https, 301 for GET and 308 for POST, and knows no other token', () => {
    const get = curl(`http://127.0.0.1:${httpPort}/news/x?page=2`, root);
    assert.equal(get.code, 301);
    assert.match(get.headers, new RegExp(`location: https://127\\.0\\.0\\.1:${tlsPort}/news/x\\?page=2`));
    const post = curl(`http://127.0.0.1:${httpPort}/newsroom/login`, root, ['-X', 'POST', '-d', 'a=1']);
    assert.equal(post.code, 308);
    assert.equal(curl(`http://127.0.0.1:${httpPort}/.well-known/acme-challenge/nosuchtoken`, root).code, 404);
    assert.equal(curl(`http://127.0.0.1:${httpPort}/`, root, ['-H', 'Host: evil"host']).code, 400);
  });

  test('the account key and certificate are private files in a private folder', () => {
    const dir = pg ? path.join(t.dir, 'acme-pg') : path.join(site.dir, 'acme');
    assert.equal(statSync(dir).mode & 0o777, 0o700);
    for (const f of ['account.key', 'cert.pem', 'cert.key'])
      assert.equal(statSync(path.join(dir, f)).mode & 0o777, 0o600, f);
  });

  test('TLS below 1.2 and ciphers without forward secrecy are refused', async () => {
    assert.equal(await servedCert(tlsPort, { maxVersion: 'TLSv1.2', ciphers: 'AES128-GCM-SHA256' }), null);
    assert.equal(await servedCert(tlsPort, { minVersion: 'TLSv1', maxVersion: 'TLSv1.1', ciphers: 'DEFAULT@SECLEVEL=0' }), null);
    assert.ok(await servedCert(tlsPort, { maxVersion: 'TLSv1.2' }), 'TLS 1.2 with ECDHE works');
  });

  test('SIGHUP renews a certificate that is due, without a restart', async () => {
    const before = await servedCert(tlsPort);
    site.child.kill('SIGHUP');
    await untilLogged('a new serial', async () => {
      const now = await servedCert(tlsPort);
      return now && now.serial !== before.serial;
    }, 20000, logs);
    assert.equal(curl(`https://localhost:${tlsPort}/`, root).code, 200);
    assert.match(site.log(), /ACME: renewing a certificate for localhost/);
  });

  test('TLS-ALPN-01 alone (no plain listener) obtains one too', async () => {
    await site.stop();
    site = await startSite({ articles: 1, port: tlsPort, extraArgs: acmeArgs(path.join(t.dir, 'alpn'), false) });
    await issued();
    assert.doesNotMatch(site.log(), /no challenge pending/);
  });
});

describe('--tls-cert: an owned certificate on two addresses, read again on SIGHUP', () => {
  let t, site, a, b, cert, key, tlsPort, second;
  before(async () => {
    t = tempDir();
    a = makeCert(t.dir, 'a');
    b = makeCert(t.dir, 'b');
    cert = path.join(t.dir, 'site.pem');
    key = path.join(t.dir, 'site.key');
    copyFileSync(a.cert, cert);
    copyFileSync(a.key, key);
    [tlsPort, second] = [await freePort(), await freePort()];
    // A second --listen address: every one speaks TLS.
    site = await startSite({ articles: 1, port: tlsPort,
      extraArgs: ['--tls-cert', cert, '--tls-key', key, '--listen', `127.0.0.1:${second}`,
        '--listen-http', `127.0.0.1:${await freePort()}`] });
  });
  after(async () => {
    await site?.stop();
    t?.remove();
  });

  test('serves it over HTTP/2, swaps to a new one on SIGHUP, and keeps it when the new files are bad', async () => {
    const r = curl(`https://localhost:${tlsPort}/`, a.cert, ['--http2']);
    assert.equal(r.code, 200, r.err);
    assert.equal(r.version, '2');
    assert.equal((await servedCert(tlsPort)).serial, serialOf(a.cert).replace(/^0+/, ''));
    assert.equal(curl(`https://localhost:${second}/`, a.cert, ['--http2']).version, '2');
    copyFileSync(b.cert, cert);
    copyFileSync(b.key, key);
    site.child.kill('SIGHUP');
    const want = serialOf(b.cert).replace(/^0+/, '');
    await until('the second certificate', async () => (await servedCert(tlsPort))?.serial === want);
    writeFileSync(cert, 'not a certificate\n');
    site.child.kill('SIGHUP');
    await until('the refusal in the log', () => /still serving the certificate read before/.test(site.log()));
    assert.equal((await servedCert(tlsPort)).serial, want);
    assert.equal(curl(`https://localhost:${tlsPort}/`, b.cert).code, 200);
    assert.equal((await servedCert(second)).serial, want);
  });
});
