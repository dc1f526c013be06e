// Black-box tests of /metrics and the server's logs: the Prometheus text
// (version 0.0.4) parses by a parser written here, and its counters move
// as the requests made between two scrapes say they must; it answers
// loopback, or elsewhere the metrics_token setting as a Bearer token, and
// refuses a request relayed by a proxy without one. The access log is
// opened again on SIGHUP (logrotate moves it away first), and the
// server's own lines have a level and key=value shape. The newsroom's
// settings page saves the backups' and metrics' settings, checked, and
// never shows the token. On SQLite, and on
// PostgreSQL under scripts/with-pg.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, renameSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { khabar, newDb, sql, startSite, tempDir, until } from '../lib/khabar.mjs';
import { addUser, loggedIn } from '../lib/newsroom.mjs';

const TOKEN = 'metrics-token-0123456789abcdef';

let site, t, logPath;

before(async () => {
  t = tempDir();
  const db = newDb(t.dir);
  assert.equal(khabar(['demo', '--db', db, '--articles', '5']).status, 0);
  assert.equal(khabar(['settings', 'set', 'metrics_token', TOKEN, '--db', db]).status, 0);
  const short = khabar(['settings', 'set', 'metrics_token', 'short', '--db', db]);
  assert.equal(short.status, 2, 'a token shorter than 16 is refused');
  assert.ok(!short.stderr.includes('short'), 'a refused token is not echoed');
  logPath = path.join(t.dir, 'access.log');
  site = await startSite({ db, extraArgs: ['--access-log', logPath, '--media', path.join(t.dir, 'media')] });
});

after(async () => {
  await site.stop();
  t.remove();
});

// Parses Prometheus' text format 0.0.4: # HELP and # TYPE lines, then
// samples "name{label="value",...} number". Returns a Map from
// 'name{labels}' (labels as sent) to the number, and checks as it goes
// that every sample belongs to a family with a TYPE, each family is
// declared once, and values are numbers.
function parse(text) {
  assert.ok(text.endsWith('\n'), 'the text ends with a line break');
  const types = new Map(), samples = new Map();
  for (const line of text.slice(0, -1).split('\n')) {
    let m;
    if ((m = /^# (HELP|TYPE) ([a-zA-Z_:][a-zA-Z0-9_:]*) (.+)$/.exec(line))) {
      if (m[1] === 'TYPE') {
        assert.ok(!types.has(m[2]), `${m[2]} typed once`);
        assert.match(m[3], /^(counter|gauge|histogram|summary|untyped)$/, line);
        types.set(m[2], m[3]);
      }
      continue;
    }
    m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\[\\"n])*",?)*\})? (-?[0-9.e+]+|\+Inf|NaN)$/.exec(line);
    assert.ok(m, `a sample line: ${JSON.stringify(line)}`);
    const family = m[1].replace(/_(bucket|sum|count)$/, (s) => (types.get(m[1].slice(0, -s.length)) === 'histogram' ? '' : s));
    assert.ok(types.has(family), `${m[1]} has a TYPE`);
    const key = m[1] + (m[2] || '');
    assert.ok(!samples.has(key), `${key} once`);
    samples.set(key, Number(m[3]));
  }
  return samples;
}

async function scrape(headers = {}) {
  const res = await fetch(site.base + '/metrics', { headers });
  assert.equal(res.status, 200, await res.clone().text());
  assert.equal(res.headers.get('content-type'), 'text/plain; version=0.0.4; charset=utf-8');
  assert.match(res.headers.get('cache-control'), /no-store/);
  return parse(await res.text());
}

test('counters move as the requests between two scrapes say', async () => {
  const a = await scrape();
  // A page rendered (a miss) and then served from the cache (a hit), a
  // 404 that no route matched, a feed.
  const slug = '/category/desh?marker=metrics';
  for (const p of [slug, slug, '/no-such-page', '/feed']) await fetch(site.base + p);
  const b = await scrape();
  const d = (k) => (b.get(k) ?? 0) - (a.get(k) ?? 0);
  assert.equal(d('khabar_http_requests_total{kind="page",status="2xx"}'), 2);
  assert.equal(d('khabar_http_requests_total{kind="other",status="4xx"}'), 1);
  assert.equal(d('khabar_http_requests_total{kind="feed",status="2xx"}'), 1);
  // The first scrape is counted by the second (kind other, 2xx).
  assert.equal(d('khabar_http_requests_total{kind="other",status="2xx"}'), 1);
  assert.ok(d('khabar_cache_hits_total') >= 1, 'a cache hit counted');
  assert.ok(d('khabar_cache_misses_total') >= 2, 'the misses counted');
  assert.ok(b.get('khabar_cache_bytes') > 0 && b.get('khabar_cache_entries') >= 2);
  assert.equal(d('khabar_http_request_duration_seconds_count'), 5);
  assert.ok(d('khabar_http_request_duration_seconds_sum') > 0);
  // Buckets are cumulative and end at the count.
  const buckets = [...b].filter(([k]) => k.startsWith('khabar_http_request_duration_seconds_bucket'));
  assert.ok(buckets.length >= 5);
  for (let i = 1; i < buckets.length; i++) assert.ok(buckets[i][1] >= buckets[i - 1][1], 'cumulative buckets');
  assert.equal(buckets.at(-1)[0], 'khabar_http_request_duration_seconds_bucket{le="+Inf"}');
  assert.equal(buckets.at(-1)[1], b.get('khabar_http_request_duration_seconds_count'));
  // What the database counts, and the jobs.
  for (const k of ['khabar_push_queue', 'khabar_mail_queue{state="waiting"}', 'khabar_schedule_overdue',
    'khabar_schedule_lag_seconds', 'khabar_db_errors_total', 'khabar_cache_evictions_total'])
    assert.ok(b.has(k), k);
  assert.equal(b.get('khabar_metrics_db_ok'), 1);
  assert.ok(b.get('khabar_job_runs_total{job="schedule"}') >= 1);
  assert.ok(b.has('khabar_job_lag_seconds{job="backup"}'));
});

test('only loopback, or the token; a relayed request needs the token', async () => {
  const relayed = { 'x-forwarded-for': '203.0.113.9' };
  const refused = await fetch(site.base + '/metrics', { headers: relayed });
  assert.equal(refused.status, 403);
  assert.doesNotMatch(await refused.text(), /khabar_/);
  const wrong = await fetch(site.base + '/metrics', { headers: { ...relayed, authorization: `Bearer ${TOKEN}x` } });
  assert.equal(wrong.status, 403);
  const ok = await scrape({ ...relayed, authorization: `Bearer ${TOKEN}` });
  assert.ok(ok.has('khabar_http_requests_total{kind="page",status="2xx"}'));
  // The token is a secret: never listed.
  const list = khabar(['settings', '--db', site.db]).stdout;
  assert.match(list, /^metrics_token\s+\(set\)$/m);
  assert.ok(!list.includes(TOKEN));
});

test('SIGHUP opens the access log again; log lines have a level and key=value shape', async () => {
  await fetch(site.base + '/robots.txt?marker=before-rotate');
  await until('the first line', () => existsSync(logPath) && readFileSync(logPath, 'utf8').includes('marker=before-rotate'));
  renameSync(logPath, logPath + '.1'); // what logrotate does
  site.child.kill('SIGHUP');
  await until('the reload to be logged', () => /ts=\S+ level=info msg="received SIGHUP: access log reopened"/.test(site.log()));
  await fetch(site.base + '/robots.txt?marker=after-rotate');
  await until('the new file', () => existsSync(logPath) && readFileSync(logPath, 'utf8').includes('marker=after-rotate'));
  assert.ok(!readFileSync(logPath + '.1', 'utf8').includes('marker=after-rotate'), 'the moved file is left');
  assert.equal((await fetch(site.base + '/healthz')).status, 200, 'still serving');
  const lines = site.log().split('\n').filter((l) => l.startsWith('ts='));
  assert.ok(lines.length >= 2);
  for (const l of lines) assert.match(l, /^ts=\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ level=(info|warn|error) msg="(?:[^"\\]|\\.)*"$/);
});

test('the settings page saves the backup settings, checked, and never shows the token', async () => {
  addUser(site.db, 'ops-admin', 'admin');
  const admin = await loggedIn(site.base, 'ops-admin');
  const page = await (await admin.get('/newsroom/settings')).text();
  for (const k of ['backup_time', 'backup_keep', 'backup_dir', 'metrics_token'])
    assert.ok(page.includes(`name="${k}"`), `${k} on the settings page`);
  assert.ok(!page.includes(TOKEN), 'the token is not in the page');
  assert.match(page, /मेट्रिक्स टोकन[^<]*\(टोकन सहेजा हुआ है\)/);
  const bad = await admin.post('/newsroom/settings', { backup_time: '25:61', backup_keep: '3' });
  assert.equal(bad.status, 400);
  assert.equal(sql(site.db, "SELECT count(*) FROM settings WHERE key = 'backup_keep'"), '0', 'nothing of a refused form is saved');
  const ok = await admin.post('/newsroom/settings', { backup_time: '03:30', backup_keep: '3', backup_dir: '', metrics_token: '' });
  assert.equal(ok.status, 200);
  assert.equal(sql(site.db, "SELECT value FROM settings WHERE key = 'backup_time'"), '03:30');
  assert.equal(sql(site.db, "SELECT value FROM settings WHERE key = 'metrics_token'"), TOKEN, 'an empty token field keeps the token');
});
