// Helpers for the black-box tests: make a site in a temporary folder, run
// the real ./khabar binary on a free loopback port, and stop it.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const bin = path.join(root, 'khabar');

// Runs a khabar subcommand to completion; returns {status, stdout, stderr}.
export function khabar(args, opts = {}) {
  const r = spawnSync(bin, args, { encoding: 'utf8', cwd: root, ...opts });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
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

// Creates a demo site (articles generated besides the seed) and serves it.
// Returns {base, db, dir, child, stop(), log()}.
export async function startSite({ articles = 30, db = null, extraArgs = [] } = {}) {
  const t = tempDir();
  const dbPath = db || path.join(t.dir, 'khabar.db');
  if (!db) {
    const r = khabar(['demo', '--db', dbPath, '--articles', String(articles)]);
    if (r.status !== 0) throw new Error(`khabar demo failed: ${r.stderr}`);
  }
  const port = await freePort();
  let out = '';
  const child = spawn(bin, ['serve', '--db', dbPath, '--listen', `127.0.0.1:${port}`, ...extraArgs], {
    cwd: root, stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.on('data', (d) => { out += d; });
  child.stderr.on('data', (d) => { out += d; });
  const log = () => out;
  await waitForPort(port, child, log);
  // Every test's database must still pass "khabar check" (SQLite's and
  // the search index's integrity checks) when its server stops.
  const stop = async (signal = 'SIGTERM') => {
    if (child.exitCode === null) {
      const done = new Promise((r) => child.once('exit', r));
      child.kill(signal);
      await done;
    }
    const check = existsSync(dbPath) ? khabar(['check', '--db', dbPath]) : null;
    t.remove();
    if (check && (check.status !== 0 || check.stdout.trim() !== 'ok'))
      throw new Error(`khabar check failed on ${dbPath}: ${check.stdout}${check.stderr}`);
  };
  return { base: `http://127.0.0.1:${port}`, port, db: dbPath, dir: t.dir, child, stop, log };
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
