// Black-box tests of site-wide choices: a theme folder overriding the
// built-in templates and static files, the Hindi 500 page, and settings
// (Devanagari digits in dates) made with "khabar settings".
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

import { khabar, newDb, startSite, tempDir } from '../lib/khabar.mjs';

test('a theme folder overrides templates and static files', async () => {
  const t = tempDir();
  mkdirSync(path.join(t.dir, 'templates'));
  mkdirSync(path.join(t.dir, 'static'));
  writeFileSync(path.join(t.dir, 'templates', 'foot.html'), '</main><footer>थीम-पहचान {{site.name}}</footer></body></html>\n');
  writeFileSync(path.join(t.dir, 'static', 'style.css'), 'body { color: #123456 }\n');
  const site = await startSite({ articles: 5, extraArgs: ['--theme', t.dir] });
  try {
    const html = await (await fetch(site.base + '/')).text();
    assert.match(html, /<footer>थीम-पहचान खबर डेमो<\/footer>/);
    const css = html.match(/href="(\/static\/style\.[0-9a-f]{8}\.css)"/)[1];
    assert.equal(await (await fetch(site.base + css)).text(), 'body { color: #123456 }\n');
  } finally {
    await site.stop();
    t.remove();
  }
});

test('a broken theme is refused at start with the file and line', async () => {
  const t = tempDir();
  mkdirSync(path.join(t.dir, 'templates'));
  writeFileSync(path.join(t.dir, 'templates', 'home.html'), '{{> head}}\n{{#if lead}}\n');
  const db = newDb(t.dir, 'k.db');
  khabar(['init', '--name', 'x', '--url', 'https://x.example', '--db', db]);
  const r = khabar(['serve', '--db', db, '--theme', t.dir, '--listen', '127.0.0.1:1'], { timeout: 5000 });
  assert.equal(r.status, 1);
  assert.match(r.stderr, /cannot load the theme: home:2: block never closed/);
  t.remove();
});

test('a page that fails to render gets the Hindi 500 page and the server goes on', async () => {
  const t = tempDir();
  mkdirSync(path.join(t.dir, 'templates'));
  // A home page that includes itself fails at the depth limit.
  writeFileSync(path.join(t.dir, 'templates', 'home.html'), '{{> home}}');
  const site = await startSite({ articles: 5, extraArgs: ['--theme', t.dir] });
  try {
    const r = await fetch(site.base + '/');
    assert.equal(r.status, 500);
    assert.match(await r.text(), /कुछ गड़बड़ हो गई/);
    assert.equal((await fetch(site.base + '/robots.txt')).status, 200);
  } finally {
    await site.stop();
    t.remove();
  }
});

test('"khabar settings" checks values, and Devanagari digits reach the dates', async () => {
  const t = tempDir();
  const db = newDb(t.dir, 'k.db');
  assert.equal(khabar(['demo', '--db', db, '--articles', '3']).status, 0);
  let r = khabar(['settings', 'set', 'digits', 'roman', '--db', db]);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /not a valid digits: ascii or devanagari/);
  r = khabar(['settings', 'set', 'facebook', 'javascript:alert(1)', '--db', db]);
  assert.equal(r.status, 2);
  r = khabar(['settings', 'set', 'colour', 'red', '--db', db]);
  assert.match(r.stderr, /no setting "colour"/);
  assert.equal(khabar(['settings', 'set', 'digits', 'devanagari', '--db', db]).status, 0);
  assert.match(khabar(['settings', '--db', db]).stdout, /^digits +devanagari$/m);
  const site = await startSite({ db });
  try {
    const html = await (await fetch(site.base + '/news/bharat-israel-raksha-sahyog-par-samjhauta-gyapan-par-hastakshar')).text();
    assert.match(html, /<time datetime="2025-11-04T18:30:00\+05:30">४ नवंबर, २०२५, १८:३० IST<\/time>/);
  } finally {
    await site.stop();
    t.remove();
  }
});
