// Helpers for the newsroom's black-box tests: users made with the CLI, a
// small HTTP client that keeps cookies and the CSRF token, and JPEG EXIF
// tools (a GPS position to put in, and a check that none came out).
import assert from 'node:assert/strict';
import http from 'node:http';

import { khabar } from './khabar.mjs';

export const PASSWORD = 'pass-word-123';

// Creates a story as newsroom client c (fields: title, category, tags...)
// and publishes it; returns {id, slug, version}.
export async function publishStory(c, fields) {
  const res = await c.post('/newsroom/articles/new', { body: 'पहला पैरा।', ...fields }, { accept: 'application/json' });
  assert.equal(res.status, 201, await res.clone().text());
  const a = await res.json();
  const p = await c.post(`/newsroom/articles/${a.id}/publish`, {}, { accept: 'application/json' });
  assert.equal(p.status, 200, await p.clone().text());
  return { ...a, version: (await p.json()).version };
}

// Adds a newsroom user with the CLI (the password on standard input).
export function addUser(db, login, role, name = login) {
  const r = khabar(['user', 'add', '--db', db, '--role', role, '--name', name, login], { input: PASSWORD + '\n' });
  assert.equal(r.status, 0, r.stderr);
}

// fetch(url, init) sent from the source address from, through node:http
// (fetch cannot choose one). Every 127.0.0.x reaches a 127.0.0.1 listener
// on Linux, so a test can be several clients on several addresses.
async function fetchFrom(from, url, init) {
  const req = new Request(url, init);
  const body = req.body ? Buffer.from(await req.arrayBuffer()) : null;
  const headers = Object.fromEntries(req.headers);
  if (body) headers['content-length'] = String(body.length);
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const out = http.request({
      host: u.hostname, port: u.port, path: u.pathname + u.search, method: req.method, headers, localAddress: from,
    }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const h = new Headers();
        for (let i = 0; i < res.rawHeaders.length; i += 2) h.append(res.rawHeaders[i], res.rawHeaders[i + 1]);
        const empty = [204, 304].includes(res.statusCode);
        resolve(new Response(empty ? null : Buffer.concat(chunks), { status: res.statusCode, headers: h }));
      });
      res.on('error', reject);
    });
    out.on('error', reject);
    out.end(body);
  });
}

// A browser-like client: keeps cookies, knows the page's CSRF token.
// from: the source address to connect from ('127.0.0.2'), or none.
export class Client {
  constructor(base, { from } = {}) {
    this.base = base;
    this.cookies = new Map();
    this.csrf = '';
    this.from = from;
  }

  fetch(path, init) {
    return this.from ? fetchFrom(this.from, this.base + path, init) : fetch(this.base + path, init);
  }

  cookieHeader() {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  keep(res) {
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const i = pair.indexOf('=');
      const name = pair.slice(0, i), value = pair.slice(i + 1);
      if (/Max-Age=0/.test(c)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  async get(path, headers = {}) {
    const res = await this.fetch(path, { headers: { cookie: this.cookieHeader(), ...headers }, redirect: 'manual' });
    this.keep(res);
    return res;
  }

  // Reads the CSRF token of a page (from its forms or its meta tag).
  async page(path) {
    const res = await this.get(path);
    const html = await res.text();
    const m = html.match(/name="csrf" (?:value|content)="([0-9a-f]*)"/);
    if (m && m[1]) this.csrf = m[1];
    return { res, html };
  }

  // Posts a form (urlencoded, or multipart when it holds a Blob), adding
  // the CSRF token unless the fields give one.
  async post(path, fields = {}, headers = {}) {
    const hasFile = Object.values(fields).some((v) => v instanceof Blob);
    let body;
    if (hasFile) {
      body = new FormData();
      if (!('csrf' in fields)) body.append('csrf', this.csrf);
      for (const [k, v] of Object.entries(fields)) {
        if (v instanceof Blob) body.append(k, v, v.name || 'upload.bin');
        else body.append(k, v);
      }
    } else {
      body = new URLSearchParams({ csrf: this.csrf, ...fields });
    }
    const res = await this.fetch(path, {
      method: 'POST', body, redirect: 'manual', headers: { cookie: this.cookieHeader(), ...headers },
    });
    this.keep(res);
    return res;
  }

  async login(login, password = PASSWORD) {
    await this.page('/newsroom/login');
    const res = await this.post('/newsroom/login', { login, password, next: '/newsroom' });
    if (res.status === 303) await this.page('/newsroom');
    return res;
  }
}

// A logged-in client for login.
export async function loggedIn(base, login) {
  const c = new Client(base);
  const res = await c.login(login);
  assert.equal(res.status, 303, `login as ${login}`);
  return c;
}

// Inserts an EXIF block with a GPS position (28°36'50"N 77°12'30"E, New
// Delhi) right after a JPEG's start marker.
export function withGps(jpeg) {
  const tiff = Buffer.alloc(128);
  tiff.write('MM', 0, 'latin1');
  tiff.writeUInt16BE(42, 2);
  tiff.writeUInt32BE(8, 4);
  // IFD0: one entry, GPSInfo -> the GPS IFD at 26.
  tiff.writeUInt16BE(1, 8);
  tiff.writeUInt16BE(0x8825, 10);
  tiff.writeUInt16BE(4, 12);
  tiff.writeUInt32BE(1, 14);
  tiff.writeUInt32BE(26, 18);
  tiff.writeUInt32BE(0, 22);
  // GPS IFD: latitude and longitude with their references.
  const entries = [[1, 2, 2, 0x4e000000], [2, 5, 3, 80], [3, 2, 2, 0x45000000], [4, 5, 3, 104]];
  tiff.writeUInt16BE(entries.length, 26);
  entries.forEach(([tag, type, count, value], i) => {
    const o = 28 + i * 12;
    tiff.writeUInt16BE(tag, o);
    tiff.writeUInt16BE(type, o + 2);
    tiff.writeUInt32BE(count, o + 4);
    tiff.writeUInt32BE(value, o + 8);
  });
  tiff.writeUInt32BE(0, 28 + entries.length * 12);
  [[28, 1], [36, 1], [50, 1], [77, 1], [12, 1], [30, 1]].forEach(([n, d], i) => {
    tiff.writeUInt32BE(n, 80 + i * 8);
    tiff.writeUInt32BE(d, 84 + i * 8);
  });
  const head = Buffer.from('Exif\0\0', 'latin1');
  const len = Buffer.alloc(4);
  len.writeUInt16BE(0xffe1, 0);
  len.writeUInt16BE(2 + head.length + tiff.length, 2);
  return Buffer.concat([jpeg.subarray(0, 2), len, head, tiff, jpeg.subarray(2)]);
}

// Whether an image's bytes carry EXIF (JPEG APP1 "Exif", WebP "EXIF"
// chunk) or the GPS position withGps puts in.
export function hasExif(buf) {
  const b = Buffer.from(buf);
  return b.includes(Buffer.from('Exif\0\0', 'latin1')) || b.includes(Buffer.from('EXIF', 'latin1')) ||
    b.includes(Buffer.from([0x88, 0x25]));
}

// The size of a JPEG from its SOF marker: {width, height}.
export function jpegSize(buf) {
  const b = Buffer.from(buf);
  let i = 2;
  while (i < b.length) {
    if (b[i] !== 0xff) { i++; continue; }
    const m = b[i + 1];
    const len = b.readUInt16BE(i + 2);
    if (m >= 0xc0 && m <= 0xcf && m !== 0xc4 && m !== 0xc8 && m !== 0xcc)
      return { height: b.readUInt16BE(i + 5), width: b.readUInt16BE(i + 7) };
    i += 2 + len;
  }
  return null;
}
