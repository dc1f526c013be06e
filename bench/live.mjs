// bench/live.mjs: many readers following one live story, as the reader's
// script does: each keeps one keep-alive connection and asks
// /live/ID/since/SEQ.json every 3 s (their first asks spread over 3 s);
// then an editor posts an entry (the newsroom's form, over HTTP) and each
// reader's time from the post's answer to its first answer with the new
// seq is recorded. Prints p50/p99/max of those, how many readers saw it,
// and khabar's CPU (cores busy, from /proc/PID/stat) and resident memory
// while they follow. Run by bench/live.sh, which makes the site.
//
// Usage: node bench/live.mjs BASE PID STORY_ID READERS POSTS COOKIE CSRF
import net from 'node:net';

const [base, pid, story, readersArg, postsArg, cookie, csrf] = process.argv.slice(2);
const url = new URL(base);
const N = Number(readersArg), POSTS = Number(postsArg), PERIOD = 3000;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function cpuSeconds() {
  const f = require_('fs').readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(f[11]) + Number(f[12])) / 100; // utime + stime, in clock ticks of 1/100 s
}
function rssMb() {
  const s = require_('fs').readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(s)[1]) / 1024;
}
import * as fs from 'node:fs';
function require_() { return fs; }

let current = 0; // the seq readers start from
const seen = new Map(); // seq -> array of ms when each reader first saw it
let postedAt = 0, errors = 0, answers = 0;

class Reader {
  constructor(i) {
    this.i = i;
    this.seq = current;
    this.buf = Buffer.alloc(0);
    this.sock = net.connect({ host: url.hostname, port: Number(url.port) });
    this.sock.setNoDelay(true);
    this.sock.on('data', (d) => this.data(d));
    this.sock.on('error', () => { errors++; });
    this.sock.on('close', () => { this.closed = true; });
    setTimeout(() => this.ask(), Math.random() * PERIOD);
  }
  ask() {
    if (this.closed) return;
    this.sock.write(`GET /live/${story}/since/${this.seq}.json HTTP/1.1\r\nHost: ${url.host}\r\n\r\n`);
  }
  data(d) {
    this.buf = this.buf.length ? Buffer.concat([this.buf, d]) : d;
    for (;;) {
      const end = this.buf.indexOf('\r\n\r\n');
      if (end < 0) return;
      const head = this.buf.subarray(0, end).toString();
      const len = Number(/content-length: (\d+)/i.exec(head)?.[1] || 0);
      if (this.buf.length < end + 4 + len) return;
      const body = this.buf.subarray(end + 4, end + 4 + len).toString();
      this.buf = this.buf.subarray(end + 4 + len);
      answers++;
      if (!head.startsWith('HTTP/1.1 200')) errors++;
      else {
        const seq = JSON.parse(body).seq;
        if (seq > this.seq) {
          if (!seen.has(seq)) seen.set(seq, []);
          seen.get(seq).push(Date.now() - postedAt);
          this.seq = seq;
        }
      }
      setTimeout(() => this.ask(), PERIOD);
    }
  }
}

async function postEntry(k) {
  const body = new URLSearchParams({ csrf, body: `बेंचमार्क अपडेट ${k}: ${new Date().toISOString()}` });
  const r = await fetch(`${base}/newsroom/articles/${story}/live/entries`, {
    method: 'POST', body, redirect: 'manual', headers: { cookie },
  });
  if (r.status !== 303) throw new Error(`post: ${r.status} ${await r.text()}`);
}

const pct = (v, p) => v[Math.min(v.length - 1, Math.floor((p / 100) * v.length))];

(async () => {
  current = (await (await fetch(`${base}/live/${story}/since/0.json`)).json()).seq;
  const readers = [];
  for (let i = 0; i < N; i++) {
    readers.push(new Reader(i));
    if (i % 500 === 499) await sleep(20); // do not flood the accept queue
  }
  await sleep(2 * PERIOD); // every reader polling
  const open = readers.filter((r) => !r.closed).length;
  console.log(`readers: ${N} connections, ${open} open after warm-up, ${errors} errors so far`);
  const cpu0 = cpuSeconds(), t0 = Date.now(), answers0 = answers;
  let rssMax = rssMb();
  const all = [];
  for (let k = 1; k <= POSTS; k++) {
    const before = current;
    await postEntry(k);
    postedAt = Date.now();
    current = before + 1;
    const deadline = Date.now() + 15000;
    while (Date.now() < deadline && (seen.get(current)?.length || 0) < open) {
      await sleep(100);
      rssMax = Math.max(rssMax, rssMb());
    }
    const v = (seen.get(current) || []).sort((a, b) => a - b);
    all.push(...v);
    console.log(`post ${k}: ${v.length}/${open} readers saw it; p50 ${pct(v, 50)} ms, p99 ${pct(v, 99)} ms, max ${v[v.length - 1]} ms`);
    await sleep(1000);
  }
  const secs = (Date.now() - t0) / 1000, cpu = cpuSeconds() - cpu0;
  all.sort((a, b) => a - b);
  console.log(`all posts: p50 ${pct(all, 50)} ms, p99 ${pct(all, 99)} ms, max ${all[all.length - 1]} ms over ${all.length} sightings`);
  console.log(`khabar: ${(cpu / secs).toFixed(2)} cores busy (of 2) over ${secs.toFixed(1)} s, ${((answers - answers0) / secs).toFixed(0)} answers/s, RSS up to ${rssMax.toFixed(0)} MB; ${errors} errors`);
  for (const r of readers) r.sock.destroy();
  process.exit(0);
})();
