// A mock push service for tests: HTTP/2 over TLS on loopback, with a
// self-signed certificate made by openssl for this run (khabar trusts it
// through KHABAR_PUSH_TEST_CA). It records every request and answers by
// the first path segment:
//   /ok/...      201
//   /gone/...    410 (khabar must delete the subscription)
//   /missing/... 404 (likewise)
//   /busy/...    429 with Retry-After: 1 the first time, then 201
//   /hang/...    never answers
// A service started with {reset: true} drops every connection at once;
// {delay: ms} answers 201s that much later. Requests the client gave up
// on before an answer (a timeout's reset) are recorded in `abandoned`.
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import { readFileSync } from 'node:fs';
import http2 from 'node:http2';
import path from 'node:path';

// Makes a P-256 self-signed certificate for 127.0.0.1 in dir; returns
// {key, cert, caFile}.
export function makeCert(dir) {
  const key = path.join(dir, 'mock-key.pem');
  const cert = path.join(dir, 'mock-cert.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes',
    '-keyout', key, '-out', cert, '-days', '2', '-subj', '/CN=127.0.0.1',
    '-addext', 'subjectAltName=IP:127.0.0.1', '-addext', 'basicConstraints=critical,CA:TRUE'], { stdio: 'ignore' });
  return { key: readFileSync(key), cert: readFileSync(cert), caFile: cert };
}

export async function startMock({ key, cert }, { reset = false, delay = 0 } = {}) {
  const requests = [];
  const abandoned = [];
  const seen = new Map();
  const server = http2.createSecureServer({ key, cert, allowHTTP1: false });
  const sessions = new Set();
  server.on('session', (s) => {
    sessions.add(s);
    s.on('close', () => sessions.delete(s));
  });
  if (reset) server.prependListener('secureConnection', (sock) => sock.destroy());
  server.on('stream', (stream, headers) => {
    const chunks = [];
    stream.on('close', () => {
      if (!stream.headersSent) abandoned.push({ path: headers[':path'], at: Date.now() });
    });
    stream.on('data', (c) => chunks.push(c));
    stream.on('error', () => {});
    stream.on('end', () => {
      const p = headers[':path'];
      const req = { path: p, headers, body: Buffer.concat(chunks), at: Date.now() };
      requests.push(req);
      const kind = p.split('/')[1];
      const n = (seen.get(p) || 0) + 1;
      seen.set(p, n);
      if (kind === 'hang') return;
      if (kind === 'gone') return stream.respond({ ':status': 410 }) || stream.end();
      if (kind === 'missing') return stream.respond({ ':status': 404 }) || stream.end();
      if (kind === 'busy' && n === 1) {
        stream.respond({ ':status': 429, 'retry-after': '1' });
        return stream.end();
      }
      const ok = () => {
        if (stream.destroyed) return;
        stream.respond({ ':status': 201, location: 'https://127.0.0.1/m/' + requests.length });
        stream.end();
      };
      if (delay) setTimeout(ok, delay);
      else ok();
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address();
  return {
    port,
    base: `https://127.0.0.1:${port}`,
    requests,
    abandoned,
    close: () => new Promise((r) => {
      for (const s of sessions) s.destroy();
      server.close(() => r());
    }),
  };
}

// A browser's side of a subscription: its key pair and auth secret, and
// the JSON PushSubscription.toJSON() gives.
export function fakeBrowser(endpoint) {
  const ecdh = crypto.createECDH('prime256v1');
  ecdh.generateKeys();
  const auth = crypto.randomBytes(16);
  return {
    ecdh,
    auth: auth.toString('base64url'),
    json: { endpoint, expirationTime: null, keys: { p256dh: ecdh.getPublicKey().toString('base64url'), auth: auth.toString('base64url') } },
  };
}

// Verifies a VAPID Authorization header ("vapid t=JWT, k=KEY") against the
// site's public key and the audience; returns the JWT's claims or throws.
export function verifyVapid(header, publicKey, audience) {
  const m = /^vapid t=([^,]+), k=(.+)$/.exec(header || '');
  if (!m) throw new Error(`not a VAPID header: ${header}`);
  const [, jwt, k] = m;
  if (k !== publicKey) throw new Error('k= is not the site key');
  const [h, c, s] = jwt.split('.');
  const pub = Buffer.from(publicKey, 'base64url');
  const keyObj = crypto.createPublicKey({ key: { kty: 'EC', crv: 'P-256', x: pub.subarray(1, 33).toString('base64url'), y: pub.subarray(33).toString('base64url') }, format: 'jwk' });
  const sig = Buffer.from(s, 'base64url');
  if (sig.length !== 64) throw new Error(`signature is ${sig.length} bytes, not raw r||s`);
  if (!crypto.verify('sha256', Buffer.from(`${h}.${c}`), { key: keyObj, dsaEncoding: 'ieee-p1363' }, sig)) throw new Error('bad JWT signature');
  const head = JSON.parse(Buffer.from(h, 'base64url'));
  const claims = JSON.parse(Buffer.from(c, 'base64url'));
  if (head.alg !== 'ES256') throw new Error('alg is not ES256');
  if (claims.aud !== audience) throw new Error(`aud ${claims.aud} is not ${audience}`);
  return claims;
}
