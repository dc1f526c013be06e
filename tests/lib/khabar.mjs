// Helpers for the black-box tests: make a site in a temporary folder, run
// the real ./khabar binary on a free loopback port, and stop it.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
// KHABAR_BIN runs the suites against another build (make http-asan).
// KHABAR_SANITIZER says that build is an ASan one: no address-space
// limits (ASan reserves terabytes of shadow) and no SIGKILL crash loop.
export const sanitized = !!process.env.KHABAR_SANITIZER;
export const bin = process.env.KHABAR_BIN ? path.resolve(process.env.KHABAR_BIN) : path.join(root, 'khabar');

// Every server the tests start ends at once when a handler reads a query
// input its route does not declare (src/http/server.c): such a read could
// serve one request's cached page for another.
process.env.KHABAR_STRICT_INPUTS ??= '1';

// Runs a khabar subcommand to completion; returns {status, stdout, stderr}.
export function khabar(args, opts = {}) {
  const r = spawnSync(bin, args, { encoding: 'utf8', cwd: root, ...opts });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

// KHABAR_PG (set by scripts/with-pg) runs the suites on PostgreSQL: the
// libpq URL of a throwaway cluster, in which each site gets a database of
// its own. Unset: every site is an SQLite file.
export const pg = process.env.KHABAR_PG || null;
let pgCount = 0;

// The URL of pg's cluster with its database replaced by name.
// (Node's URL cannot parse a URL with an empty host: socket URLs have one.)
const PG_DB = /^(postgres(?:ql)?:\/\/[^/?]*)\/([^?]*)/;
export function pgUrl(name) {
  return pg.replace(PG_DB, (m, head) => `${head}/${name}`);
}

// A new, empty database for a site: a file called name in dir on SQLite,
// a new database on the test cluster on PostgreSQL.
export function newDb(dir, name = 'khabar.db') {
  if (!pg) return path.join(dir, name);
  const db = `t${process.pid}_${++pgCount}_${name.replace(/[^a-z0-9]/gi, '_')}`.toLowerCase();
  const r = spawnSync('psql', [pg, '-qAtc', `CREATE DATABASE ${db}`], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`cannot create database ${db}: ${r.stderr}`);
  return pgUrl(db);
}

// Whether db (a path or a URL) holds something: the file exists, or the
// database does.
export function dbExists(db) {
  if (!pg || !db.startsWith('postgres')) return existsSync(db);
  const name = PG_DB.exec(db)[2];
  const r = spawnSync('psql', [pg, '-qAtc', `SELECT 1 FROM pg_database WHERE datname = '${name}'`], { encoding: 'utf8' });
  return r.stdout.trim() === '1';
}

// Runs one SQL statement on a site's database (sqlite3 or psql) and
// returns its output: rows on lines, columns split by |.
export function sql(db, query) {
  const r = pg && db.startsWith('postgres')
    ? spawnSync('psql', [db, '-qAtc', query], { encoding: 'utf8' })
    : spawnSync('sqlite3', [db, query], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`SQL failed on ${db}: ${query}: ${r.stderr}`);
  return r.stdout.trim();
}

// Everything a site's database holds, as text: its tables, their columns
// and indexes, and every row of every table in a fixed order (sorted by
// all its columns); equal texts, equal databases. SQLite: what .dump
// shows bar the CREATE statements' layout, the search index's shadow
// tables and sqlite_sequence included. PostgreSQL: the public schema's
// tables, columns and indexes and their rows; not sequences, whose values
// are not transactional (a rolled-back insert still moves one on).
export function dumpDb(db) {
  const onPg = pg && db.startsWith('postgres');
  const run = (script) => {
    const r = onPg
      ? spawnSync('psql', [db, '-qAt', '-P', 'null=\\N', '-v', 'ON_ERROR_STOP=1'], { encoding: 'utf8', input: script })
      : spawnSync('sqlite3', ['-bail', '-cmd', '.mode quote', db], { encoding: 'utf8', input: script });
    if (r.status !== 0) throw new Error(`cannot read ${db}: ${r.stderr}`);
    return r.stdout;
  };
  const schema = run(onPg
    ? "SELECT table_name, ordinal_position, column_name, data_type, is_nullable, column_default FROM information_schema.columns WHERE table_schema = 'public' ORDER BY 1, 2;\n"
      + "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' ORDER BY 1;\n"
    : 'SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name;\n');
  // Tables and their column counts (virtual tables are read through their
  // shadow tables).
  const tables = run(onPg
    ? "SELECT c.table_name || ' ' || count(*) FROM information_schema.columns c JOIN pg_tables t ON t.tablename = c.table_name AND t.schemaname = c.table_schema WHERE c.table_schema = 'public' GROUP BY c.table_name ORDER BY 1;\n"
    : "SELECT name || ' ' || (SELECT count(*) FROM pragma_table_info(m.name)) FROM sqlite_master m WHERE type = 'table' AND sql NOT LIKE 'CREATE VIRTUAL%' ORDER BY 1;\n")
    .trim().split('\n').map((l) => l.replace(/^'|'$/g, '').split(' '));
  const rows = run(tables.map(([name, n]) => `SELECT '== ${name}'; SELECT * FROM "${name}" ORDER BY ${Array.from({ length: Number(n) }, (_, i) => i + 1).join(', ')};\n`).join(''));
  return schema + rows;
}

export function tempDir() {
  const dir = mkdtempSync(path.join(tmpdir(), 'khabar-test-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

// Waits until something accepts connections on port, or throws.
async function waitForPort(port, child, log) {
  for (let i = 0; i < 100; i++) {
    if (child.exitCode !== null) throw new Error(`khabar exited early: ${log()}`);
    const ok = await new Promise((resolve) => {
      const c = net.connect(port, '127.0.0.1', () => { c.end(); resolve(true); });
      c.on('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`khabar did not listen on ${port}: ${log()}`);
}

// The origin of the site's base_url setting: what its own pages' requests
// carry as Origin.
export function siteOrigin(db) {
  const out = khabar(['settings', '--db', db]).stdout;
  return new URL(/^base_url\s+(\S+)/m.exec(out)[1]).origin;
}

// Creates a demo site (articles generated besides the seed) and serves it.
// With ownUrl, the site's base_url becomes the address it is served on (a
// real browser's requests then come from the site's own origin).
// port: listen there (a port another program was told of), not on a
// free one. Returns {base, origin, db, dir, child, stop(), log()};
// origin is base_url's.
export async function startSite({ articles = 30, db = null, extraArgs = [], ownUrl = false, port: want = 0 } = {}) {
  const t = tempDir();
  const dbPath = db || newDb(t.dir);
  if (!db) {
    const r = khabar(['demo', '--db', dbPath, '--articles', String(articles)]);
    if (r.status !== 0) throw new Error(`khabar demo failed: ${r.stderr}`);
  }
  const port = want || await freePort();
  if (ownUrl) {
    const r = khabar(['settings', 'set', 'base_url', `http://127.0.0.1:${port}`, '--db', dbPath]);
    if (r.status !== 0) throw new Error(`khabar settings failed: ${r.stderr}`);
  }
  let out = '';
  // On PostgreSQL the photos' folder cannot sit beside the database.
  const media = dbPath.startsWith('postgres') && !extraArgs.includes('--media') ? ['--media', path.join(t.dir, 'media')] : [];
  const child = spawn(bin, ['serve', '--db', dbPath, '--listen', `127.0.0.1:${port}`, ...media, ...extraArgs], {
    cwd: root, stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.on('data', (d) => { out += d; });
  child.stderr.on('data', (d) => { out += d; });
  const log = () => out;
  await waitForPort(port, child, log);
  // Every test's database must still pass "khabar check" (SQLite's and
  // the search index's integrity checks) when its server stops.
  const stop = async (signal = 'SIGTERM') => {
    // A child killed by a signal has no exit code, but its signal.
    if (child.exitCode === null && child.signalCode === null) {
      const done = new Promise((r) => child.once('exit', r));
      child.kill(signal);
      await done;
    }
    const check = dbExists(dbPath) ? khabar(['check', '--db', dbPath]) : null;
    t.remove();
    if (check && (check.status !== 0 || check.stdout.trim() !== 'ok'))
      throw new Error(`khabar check failed on ${dbPath}: ${check.stdout}${check.stderr}`);
  };
  return { base: `http://127.0.0.1:${port}`, origin: siteOrigin(dbPath), port, db: dbPath, dir: t.dir, child, stop, log };
}

// A request from a chosen local address (fetch cannot pick one; on Linux
// any 127.x.y.z reaches a loopback listener): for limits per address.
// Resolves to {status, headers, text, json()}.
export function requestFrom(localAddress, url, { method = 'GET', headers = {}, body = null } = {}) {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers, localAddress }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d) => { text += d; });
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, text, json: () => JSON.parse(text) }));
    });
    req.on('error', reject);
    req.end(body ?? undefined);
  });
}

// Sends raw bytes on a new connection and returns everything read until the
// server closes or timeoutMs passes.
export function rawRequest(port, bytes, timeoutMs = 2000) {
  return new Promise((resolve) => {
    const c = net.connect(port, '127.0.0.1');
    let data = Buffer.alloc(0);
    const done = () => { c.destroy(); resolve(data.toString('utf8')); };
    const timer = setTimeout(done, timeoutMs);
    c.on('connect', () => c.write(bytes));
    c.on('data', (d) => { data = Buffer.concat([data, d]); });
    c.on('close', () => { clearTimeout(timer); resolve(data.toString('utf8')); });
    c.on('error', () => {});
  });
}

export const SEED_TITLE = 'भारत-इज़राइल रक्षा सहयोग पर समझौता ज्ञापन पर हस्ताक्षर';

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Polls fn (which may be async) every 50 ms until it is true; fails the
// test naming what it waited for after ms.
export async function until(what, fn, ms = 8000) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await fn()) return;
    await sleep(50);
  }
  throw new Error(`timed out waiting for ${what}`);
}

// The server's clock (kb_now()), as the tip form's stamp shows it: the
// time it signed into the form, in UTC seconds.
export async function serverTime(base) {
  const html = await (await fetch(base + '/tips')).text();
  return Number(/name="stamp" value="(\d+)\./.exec(html)?.[1] || 0);
}

// Writes t (UTC seconds) into a server's --fake-clock file and waits until
// the server reads it (it does every 0.2 s): its tip form's stamp shows t.
// With no base (the server is not running) it only writes the file.
export async function setServerClock(clockFile, t, base = null) {
  writeFileSync(clockFile, String(t));
  if (base) await until(`the server's clock to read ${t}`, async () => (await serverTime(base)) === t);
}
