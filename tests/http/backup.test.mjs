// Black-box tests of "khabar backup DEST" and "khabar restore SRC": a
// backup taken while 200 stories are published over HTTP passes khabar
// check and holds every publish acknowledged before it began; the photo
// files the database does not hold go with it; a restore serves the same
// pages byte for byte; a restore over a site (or, on SQLite, a file a
// server has open) is refused without --force and changes nothing; and
// the server's daily backup is made by one server of two, with old ones
// pruned. On SQLite, and on PostgreSQL under scripts/with-pg.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { bin, khabar, newDb, pg, root, sql, startSite, tempDir, until } from '../lib/khabar.mjs';
import { addUser, loggedIn } from '../lib/newsroom.mjs';

const TOTAL = 200;
const WORKERS = 16;

let site, t, media;
const extra = []; // servers started here, stopped after

before(async () => {
  t = tempDir();
  media = path.join(t.dir, 'site-media');
  mkdirSync(media);
  site = await startSite({ articles: 5, extraArgs: ['--media', media] });
  addUser(site.db, 'backup', 'editor');
});

after(async () => {
  for (const s of extra) await s.stop();
  await site.stop();
  t.remove();
});

// Runs a khabar subcommand without blocking the event loop (the server's
// clients go on meanwhile); resolves to {status, stdout, stderr}.
function run(args) {
  return new Promise((resolve) => {
    const c = spawn(bin, args, { cwd: root });
    let stdout = '', stderr = '';
    c.stdout.on('data', (d) => { stdout += d; });
    c.stderr.on('data', (d) => { stderr += d; });
    c.on('exit', (status) => resolve({ status, stdout, stderr }));
  });
}

const published = (db) => new Set(sql(db, "SELECT id FROM articles WHERE status = 'published'").split('\n').map(Number));

// What a page shows of the moment it was made: the footer's year.
const mask = (body) => body.replace(/<p>© \d{4} /g, '<p>© YEAR ');

let quiet; // a backup taken once the publishing ended

test('a backup taken during 200 publishes passes check and holds every one acknowledged before it', { timeout: 60000 }, async () => {
  // A photo from before photos lived in the database: a file only.
  writeFileSync(path.join(media, 'legacy-original.jpg'), 'not really a jpeg');
  const c = await loggedIn(site.base, 'backup');
  const acked = new Set();
  let next = 0, before, backup;
  const dest = path.join(t.dir, 'during');
  async function worker() {
    while (next < TOTAL) {
      const n = next++;
      const res = await c.post('/newsroom/articles/new/publish', { title: `बैकअप परीक्षण खबर ${n}`, body: `पाठ ${n}`, category: 'desh' });
      const m = (res.headers.get('location') || '').match(/^\/newsroom\/articles\/(\d+)$/);
      assert.ok(res.status === 303 && m, `publish ${n} answered ${res.status}`);
      acked.add(Number(m[1]));
      // Half way, the backup begins: what was acknowledged by then must
      // be in it.
      if (acked.size === TOTAL / 2 && !backup) {
        before = new Set(acked);
        backup = run(['backup', dest, '--db', site.db, '--media', media]);
      }
    }
  }
  await Promise.all(Array.from({ length: WORKERS }, worker));
  const r = await backup;
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^backup: .*database [\d.]+ MB, 1 photo file .*khabar check: ok; [\d.]+ s\n$/);
  assert.equal(acked.size, TOTAL);
  console.log(`# backup during publishes: ${r.stdout.trim()}; ${published(site.db).size - published(path.join(dest, 'khabar.db')).size} published after it began`);

  const check = khabar(['check', '--db', path.join(dest, 'khabar.db')]);
  assert.equal(check.stdout.trim(), 'ok', check.stderr);
  const held = published(path.join(dest, 'khabar.db'));
  const missing = [...before].filter((id) => !held.has(id));
  assert.deepEqual(missing, [], 'every publish acknowledged before the backup began is in it');
  // The photo file the database lacks is in the backup; nothing else.
  assert.deepEqual(readdirSync(path.join(dest, 'media')), ['legacy-original.jpg']);
  assert.deepEqual(readdirSync(t.dir).filter((f) => f.includes('.partial')), [], 'no partial folder left');

  // A second backup into the same folder is refused.
  const again = khabar(['backup', dest, '--db', site.db, '--media', media]);
  assert.equal(again.status, 1);
  assert.match(again.stderr, /exists already/);

  // One that cannot be made leaves nothing.
  const nowhere = path.join(t.dir, 'no-such-folder', 'b');
  const failed = khabar(['backup', nowhere, '--db', site.db, '--media', media]);
  assert.equal(failed.status, 1);
  assert.match(failed.stderr, /cannot make the backup folder .*No such file or directory/);
  assert.ok(!existsSync(path.dirname(nowhere)), 'nothing made');

  quiet = path.join(t.dir, 'quiet');
  const q = khabar(['backup', quiet, '--db', site.db, '--media', media]);
  assert.equal(q.status, 0, q.stderr);
});

test('a restore serves the same pages; over a site it needs --force', { timeout: 60000 }, async () => {
  assert.ok(quiet, 'the backup of the test before');
  const db = newDb(t.dir, 'restored.db');
  const rmedia = path.join(t.dir, 'restored-media');
  const r = khabar(['restore', quiet, '--db', db, '--media', rmedia]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^restore: .*1 photo file .*khabar check: ok/);
  assert.equal(readFileSync(path.join(rmedia, 'legacy-original.jpg'), 'utf8'), 'not really a jpeg');

  const copy = await startSite({ db, extraArgs: ['--media', rmedia] });
  extra.push(copy);
  const slug = sql(site.db, "SELECT slug FROM articles WHERE title = 'बैकअप परीक्षण खबर 7'");
  for (const p of ['/', `/news/${slug}`, '/category/desh', '/feed', `/media/legacy-original.jpg`]) {
    const [a, b] = await Promise.all([site.base, copy.base].map(async (base) => {
      const res = await fetch(base + p);
      return { status: res.status, body: mask(await res.text()) };
    }));
    assert.equal(a.status, 200, p);
    assert.equal(b.status, a.status, p);
    assert.equal(b.body, a.body, `${p}: the restored site serves the same bytes`);
  }

  // Over the running original: refused, nothing changed.
  const count = sql(site.db, 'SELECT count(*) FROM articles');
  const refused = khabar(['restore', path.join(t.dir, 'during'), '--db', site.db, '--media', media]);
  assert.equal(refused.status, 2, refused.stdout);
  assert.match(refused.stderr, pg ? /already holds a site.*--force/ : /is open in process \d+ .*--force/);
  assert.equal(sql(site.db, 'SELECT count(*) FROM articles'), count);

  // On PostgreSQL --force replaces the site in one transaction, while
  // its server runs, which then serves the backup's.
  if (pg) {
    const titles = (db) => new Set(sql(db, 'SELECT slug FROM articles').split('\n'));
    const during = titles(path.join(t.dir, 'during', 'khabar.db'));
    const gone = [...titles(site.db)].filter((x) => !during.has(x));
    assert.ok(gone.length > 0, 'stories published after the backup began');
    const forced = khabar(['restore', path.join(t.dir, 'during'), '--db', site.db, '--media', media, '--force']);
    assert.equal(forced.status, 0, forced.stderr);
    const n = sql(path.join(t.dir, 'during', 'khabar.db'), 'SELECT count(*) FROM articles');
    assert.equal(sql(site.db, 'SELECT count(*) FROM articles'), n);
    await until('the server to show the restored site', async () => (await fetch(`${site.base}/news/${gone[0]}`)).status === 404);
  }
});

test('on SQLite a stopped site is replaced with --force, atomically', { skip: !!pg && 'SQLite files only' }, () => {
  const db = path.join(t.dir, 'stopped', 'khabar.db');
  assert.equal(khabar(['restore', quiet, '--db', db]).status, 0);
  const r = khabar(['restore', quiet, '--db', db]);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /holds a site already.*--force/);
  const f = khabar(['restore', path.join(t.dir, 'during'), '--db', db, '--force']);
  assert.equal(f.status, 0, f.stderr);
  assert.equal(sql(db, 'SELECT count(*) FROM articles'), sql(path.join(t.dir, 'during', 'khabar.db'), 'SELECT count(*) FROM articles'));
  assert.deepEqual(readdirSync(path.dirname(db)).filter((n) => n.includes('.restore-')), [], 'no temporary file left');
  // Not a backup: refused with the reason.
  const bad = khabar(['restore', t.dir, '--db', db, '--force']);
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /is not a khabar backup/);
});

test('the daily backup is made by one server of two, and old ones are pruned', { timeout: 30000 }, async () => {
  const db = newDb(t.dir, 'daily.db');
  const media2 = path.join(t.dir, 'daily-media');
  const r = khabar(['restore', quiet, '--db', db, '--media', media2]);
  assert.equal(r.status, 0, r.stderr);
  const dir = path.join(t.dir, 'daily');
  mkdirSync(dir);
  // Two older daily backups (folders of the daily name) and something else.
  for (const old of ['khabar-20200101-0300', 'khabar-20200102-0300', 'notes']) mkdirSync(path.join(dir, old));
  for (const [k, v] of [['backup_time', '00:00'], ['backup_keep', '2'], ['backup_dir', dir]])
    assert.equal(khabar(['settings', 'set', k, v, '--db', db]).status, 0);
  assert.equal(khabar(['settings', 'set', 'backup_time', '25:00', '--db', db]).status, 2, 'a bad time is refused');
  const servers = await Promise.all([0, 1].map(() => startSite({ db, extraArgs: ['--media', media2] })));
  extra.push(...servers);
  const daily = () => readdirSync(dir).filter((n) => /^khabar-\d{8}-\d{4}$/.test(n)).sort();
  await until('the daily backup', () => daily().some((n) => !n.startsWith('khabar-2020')));
  await until('the oldest to be pruned', () => daily().length === 2);
  const names = daily();
  assert.equal(names[0], 'khabar-20200102-0300');
  assert.ok(existsSync(path.join(dir, 'notes')), 'other folders are left alone');
  const check = khabar(['check', '--db', path.join(dir, names[1], 'khabar.db')]);
  assert.equal(check.stdout.trim(), 'ok', check.stderr);
  const logs = () => servers.map((s) => (s.log().match(/level=info msg="backup: .*khabar check: ok/g) || []).length);
  await until('the backup\'s log line', () => logs().some((n) => n > 0));
  assert.deepEqual(logs().sort(), [0, 1], `one server made it: ${logs()}`);
});
