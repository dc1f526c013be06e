// The npm web-push library's rate for preparing messages
// (generateRequestDetails: encryption and VAPID headers), on one core, for
// bench/push.sh. Usage: node bench/push_webpush.mjs COUNT ENDPOINT_BASE
import crypto from 'node:crypto';
import webpush from 'web-push';

const count = Number(process.argv[2] || 2000);
const base = process.argv[3] || 'https://127.0.0.1:1/p/';
const vapid = webpush.generateVAPIDKeys();
const payload = JSON.stringify({ id: 1, title: 'भारत-इज़राइल रक्षा सहयोग पर समझौता ज्ञापन पर हस्ताक्षर',
  body: 'तेल अवीव में संयुक्त कार्य समूह की 17वीं बैठक में दोनों देशों ने रक्षा सहयोग पर समझौता ज्ञापन पर हस्ताक्षर किए।',
  url: 'https://k.example/push/click/1', image: '', tag: 'alert-1' });
const subs = [];
for (let i = 0; i < 100; i++) {
  const e = crypto.createECDH('prime256v1');
  e.generateKeys();
  subs.push({ endpoint: base + i, keys: { p256dh: e.getPublicKey().toString('base64url'), auth: crypto.randomBytes(16).toString('base64url') } });
}
const opts = { vapidDetails: { subject: 'mailto:desk@k.example', publicKey: vapid.publicKey, privateKey: vapid.privateKey }, TTL: 86400, urgency: 'high', topic: 'alert-1' };
const t0 = process.cpuUsage();
const w0 = process.hrtime.bigint();
for (let i = 0; i < count; i++) webpush.generateRequestDetails(subs[i % subs.length], payload, opts);
const cpu = process.cpuUsage(t0);
const wall = Number(process.hrtime.bigint() - w0) / 1e9;
console.log(JSON.stringify({ count, wall_s: wall, cpu_s: (cpu.user + cpu.system) / 1e6, rate: count / ((cpu.user + cpu.system) / 1e6) }));
