// Black-box tests of the command line: init, article add, demo, and the
// errors "serve" gives for a taken port or an unusable database.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { bin, freePort, khabar, newDb, pg, pgUrl, root, startSite, tempDir, until } from '../lib/khabar.mjs';

// Whether something accepts a connection on port (the connection is closed at once).
const accepts = (port) => new Promise((resolve) => {
  const c = net.connect(port, '127.0.0.1', () => { c.destroy(); resolve(true); });
  c.on('error', () => resolve(false));
});

let t;
before(() => { t = tempDir(); });
after(() => t.remove());

function count(db) {
  // Counts published articles through the public list: the CLI has no query
  // command, so ask the store indirectly via a second "demo" refusal.
  const r = khabar(['demo', '--db', db, '--articles', '0']);
  return r.stderr.includes('already has articles') ? 'some' : 'none';
}

describe('khabar init', () => {
  test('makes a site with the default Hindi categories', () => {
    const db = newDb(t.dir, 'init.db');
    const r = khabar(['init', '--name', 'दैनिक भारत', '--url', 'https://news.example/', '--db', db]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /site "दैनिक भारत" ready/);
    assert.match(r.stdout, /https:\/\/news\.example\)/);
  });

  test('refuses a bad URL or missing name with a usage line', () => {
    const db = newDb(t.dir, 'bad.db');
    let r = khabar(['init', '--name', 'x', '--url', 'news.example', '--db', db]);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /--url must look like https:\/\/example\.com/);
    r = khabar(['init', '--url', 'https://a.b', '--db', db]);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /usage: khabar init/);
  });
});

describe('khabar article add', () => {
  let db;
  before(() => {
    db = newDb(t.dir, 'articles.db');
    assert.equal(khabar(['init', '--name', 'खबर', '--url', 'https://k.example', '--db', db]).status, 0);
  });

  const write = (name, text) => {
    const f = path.join(t.dir, name);
    writeFileSync(f, text);
    return f;
  };

  test('adds a Hindi article and prints its Latin URL', () => {
    const f = write('ok.md', '---\ntitle: रक्षा सचिव की इज़राइल यात्रा\ncategory: रक्षा\ntags: इज़राइल, रक्षा\n'
      + 'author: राजीव शर्मा\npublished_at: 2025-11-04 14:30\nsummary: सार\ndateline: नई दिल्ली\n---\n\nखबर का पाठ।\n');
    const r = khabar(['article', 'add', f, '--db', db]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^added article \d+: \/news\/[a-z0-9-]+\n$/);
    assert.match(r.stdout, /raksha/);
  });

  const bad = [
    ['invalid UTF-8', 'utf8.md', Buffer.concat([Buffer.from('---\ntitle: ठीक\nsummary: '), Buffer.from([0xe0, 0xa4]), Buffer.from('\n---\nx\n')]), /utf8\.md:3: invalid UTF-8/],
    ['no opening fence', 'nofence.md', 'title: x\n', /nofence\.md:1: expected "---"/],
    ['unclosed front matter', 'open.md', '---\ntitle: x\nbody\n', /open\.md:3: expected "key: value"/],
    ['unknown key', 'key.md', '---\ntitle: x\ncolour: red\n---\n', /key\.md:3: unknown key "colour"/],
    ['missing title', 'notitle.md', '---\nsummary: x\n---\n', /notitle\.md:1: the front matter needs a title/],
    ['bad date', 'date.md', '---\ntitle: x\npublished_at: कल\n---\n', /date\.md:3: cannot read the date/],
    ['unknown category', 'cat.md', '---\ntitle: x\ncategory: फ़ैशन\n---\n', /cat\.md:3: no category "फ़ैशन"/],
  ];
  for (const [what, name, text, want] of bad) {
    test(`${what}: names file and line, stores nothing`, () => {
      const fresh = newDb(t.dir, `fresh-${name}.db`);
      khabar(['init', '--name', 'खबर', '--url', 'https://k.example', '--db', fresh]);
      const r = khabar(['article', 'add', write(name, text), '--db', fresh]);
      assert.equal(r.status, 1);
      assert.match(r.stderr, want);
      assert.equal(r.stderr.trim().split('\n').length, 1, 'one line');
      assert.equal(count(fresh), 'none');
    });
  }
});

describe('khabar demo', () => {
  test('is deterministic and refuses a database with articles', () => {
    const a = newDb(t.dir, 'demo-a.db');
    assert.equal(khabar(['demo', '--db', a, '--articles', '20']).status, 0);
    const again = khabar(['demo', '--db', a, '--articles', '20']);
    assert.equal(again.status, 1);
    assert.match(again.stderr, /already has articles/);
  });
});

describe('khabar serve errors', () => {
  test('a taken port: one clear line and a non-zero exit', async () => {
    const port = await freePort();
    const blocker = net.createServer().listen(port, '127.0.0.1');
    await new Promise((r) => blocker.once('listening', r));
    const db = newDb(t.dir, 'serve.db');
    khabar(['init', '--name', 'x', '--url', 'https://x.example', '--db', db]);
    const r = khabar(['serve', '--db', db, '--listen', `127.0.0.1:${port}`], { timeout: 5000 });
    blocker.close();
    assert.equal(r.status, 1);
    assert.match(r.stderr, new RegExp(`^khabar: cannot listen on 127\\.0\\.0\\.1:${port}: Address already in use`));
    assert.equal(r.stderr.trim().split('\n').length, 1);
  });

  // A file that cannot be opened or is not a database: SQLite's own
  // failures (PostgreSQL's are the next test's).
  test('a database file that cannot be opened or written: one clear line', { skip: pg ? 'SQLite files only' : false }, async () => {
    const port = await freePort();
    let r = khabar(['serve', '--db', '/nonexistent/dir/k.db', '--listen', `127.0.0.1:${port}`], { timeout: 5000 });
    assert.equal(r.status, 1);
    assert.match(r.stderr, /^khabar: cannot open \/nonexistent\/dir\/k\.db/);
    // A read-only database file (root ignores file modes, so use a folder
    // mounted nowhere writable: a file that is not a database at all).
    const junk = path.join(t.dir, 'junk.db');
    writeFileSync(junk, 'this is not a database, it is a text file of some length '.repeat(100));
    r = khabar(['serve', '--db', junk, '--listen', `127.0.0.1:${port}`], { timeout: 5000 });
    assert.equal(r.status, 1);
    assert.match(r.stderr, /^khabar: cannot .*junk\.db.*not a database/);
  });

  test('a database on PostgreSQL that is missing or out of reach: one clear line', { skip: pg ? false : 'PostgreSQL only' }, async () => {
    const port = await freePort();
    let r = khabar(['serve', '--db', pgUrl('nosuch'), '--listen', `127.0.0.1:${port}`], { timeout: 5000 });
    assert.equal(r.status, 1);
    assert.match(r.stderr, /^khabar: cannot connect to PostgreSQL at .*nosuch: .*database "nosuch" does not exist; create it/);
    assert.equal(r.stderr.trim().split('\n').length, 1);
    r = khabar(['serve', '--db', 'postgresql://khabar@/x?host=/nonexistent&port=5432', '--listen', `127.0.0.1:${port}`], { timeout: 5000 });
    assert.equal(r.status, 1);
    assert.match(r.stderr, /^khabar: cannot connect to PostgreSQL at \/nonexistent:5432\/x: .*; check that PostgreSQL runs there/);
    assert.equal(r.stderr.trim().split('\n').length, 1);
  });

  test('a bad --listen or --threads value is refused', () => {
    let r = khabar(['serve', '--listen', 'nonsense', '--db', newDb(t.dir, 'l.db')], { timeout: 5000 });
    assert.equal(r.status, 1);
    assert.match(r.stderr, /expected ADDRESS:PORT/);
    r = khabar(['serve', '--threads', '0'], { timeout: 5000 });
    assert.equal(r.status, 1);
    assert.match(r.stderr, /--threads must be a number/);
  });
});

describe('graceful shutdown', () => {
  test('SIGTERM finishes the request in flight, then exits 0', async () => {
    const site = await startSite({ articles: 5 });
    // A request whose body arrives slowly is in flight when the signal comes.
    const sock = net.connect(site.port, '127.0.0.1');
    await new Promise((r) => sock.once('connect', r));
    let reply = '';
    sock.on('data', (d) => { reply += d; });
    sock.write('GET /robots.txt HTTP/1.1\r\nHost: x\r\n');
    const exited = new Promise((r) => site.child.once('exit', (code) => r(code)));
    site.child.kill('SIGTERM');
    // The signal has come when the server says so and stops accepting.
    await until('the server to take the signal and stop accepting', async () => /received SIGTERM/.test(site.log()) && !(await accepts(site.port)));
    sock.write('\r\n');
    const code = await exited;
    assert.equal(code, 0);
    assert.match(reply, /^HTTP\/1\.1 200/);
    assert.match(reply, /User-agent/);
    assert.match(site.log(), /received SIGTERM/);
    await site.stop();
  });
});
