// The email digest in Debian's Chromium (playwright-core): a reader on a
// phone types an address into a story's small form, lands on the sign-up
// page with it filled in, picks a category and signs up; the confirmation
// mail (a local SMTP listener) has the link that starts the subscription,
// and its page the preferences page, where the reader changes the choice
// and leaves with one button. An editor on a laptop sees the counts.
// Screenshots (sign-up, preferences at 360 px; the newsroom's page at
// 1280) go to tests/artifacts/.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { launchChromium, newsroomLogin, openPage } from '../lib/browser.mjs';
import { khabar, root, setServerClock, sql, startSite } from '../lib/khabar.mjs';
import { addUser, PASSWORD } from '../lib/newsroom.mjs';
import { startSmtp } from '../lib/smtp.mjs';

const artifacts = path.join(root, 'tests', 'artifacts');
let site, browser, smtp, clockFile, now;

before(async () => {
  mkdirSync(artifacts, { recursive: true });
  smtp = await startSmtp();
  clockFile = path.join(mkdtempSync('/tmp/khabar-clock-'), 'now');
  now = Math.ceil(Date.now() / 60000) * 60 + 300;
  writeFileSync(clockFile, String(now));
  site = await startSite({ articles: 6, extraArgs: ['--fake-clock', clockFile], ownUrl: true });
  for (const [k, v] of Object.entries({ tips_email: 'desk@news.example', smtp_host: '127.0.0.1', smtp_port: String(smtp.port) }))
    assert.equal(khabar(['settings', 'set', k, v, '--db', site.db]).status, 0);
  addUser(site.db, 'sita', 'editor', 'सीता वर्मा');
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  await site?.stop();
  await smtp?.close();
});

const overflow = (page) => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);

test('a reader signs up from a story on a phone, confirms, changes the choice and leaves', async () => {
  const { page, errors, requests } = await openPage(browser, 360, 780);
  const slug = sql(site.db, "SELECT slug FROM articles WHERE status = 'published' ORDER BY id LIMIT 1");
  await page.goto(`${site.base}/news/${slug}`);
  await page.getByLabel('रोज़ की प्रमुख खबरें ईमेल पर पाएँ').fill('paathak@example.com');
  await page.getByRole('button', { name: 'सदस्य बनें' }).click();
  await page.waitForURL(/\/digest\?email=/);
  assert.equal(await page.getByLabel('आपका ईमेल पता').inputValue(), 'paathak@example.com');
  const cat = sql(site.db, 'SELECT name FROM categories ORDER BY position, id LIMIT 1');
  await page.getByLabel(cat, { exact: true }).check();
  assert.ok((await overflow(page)) <= 0, 'the sign-up page fits 360 px');
  await page.screenshot({ path: path.join(artifacts, 'digest-signup-360.png'), fullPage: true });
  now += 5;
  await setServerClock(clockFile, now, site.base);
  const mail = smtp.next();
  await page.getByRole('button', { name: 'सदस्य बनें' }).click();
  await page.waitForURL(/\/digest\/sent$/);
  assert.match(await page.locator('h1').innerText(), /अपना ईमेल देखें/);
  const text = Buffer.from((await mail).data.split('\r\n\r\n').slice(3).join('').split('\r\n--')[0].replace(/\s+/g, ''), 'base64').toString('utf8');
  const confirm = /http:\/\/127\.0\.0\.1:\d+\/digest\/confirm\?t=[a-z0-9.]+/.exec(text)[0];
  await page.goto(confirm);
  await page.getByRole('button', { name: 'हाँ, सदस्यता शुरू करें' }).click();
  assert.match(await page.locator('h1').innerText(), /सदस्यता शुरू हो गई/);
  await page.getByRole('link', { name: 'अपनी पसंद बदलें' }).click();
  await page.waitForURL(/\/digest\/manage\?t=/);
  assert.ok(await page.getByLabel(cat, { exact: true }).isChecked());
  assert.ok((await overflow(page)) <= 0, 'the preferences page fits 360 px');
  await page.screenshot({ path: path.join(artifacts, 'digest-preferences-360.png'), fullPage: true });
  await page.getByLabel('केवल ब्रेकिंग न्यूज़').check();
  await page.getByRole('button', { name: 'सहेजें' }).click();
  assert.match(await page.locator('h1').innerText(), /पसंद सहेज ली गई/);
  assert.equal(sql(site.db, "SELECT frequency FROM digest_subscribers WHERE email = 'paathak@example.com'"), 'breaking');
  await page.goBack();
  await page.getByRole('button', { name: 'सदस्यता छोड़ें' }).click();
  assert.match(await page.locator('h1').innerText(), /सदस्यता बंद हो गई/);
  assert.equal(sql(site.db, "SELECT state FROM digest_subscribers WHERE email = 'paathak@example.com'"), 'unsubscribed');
  assert.deepEqual(errors, []);
  assert.deepEqual(requests.filter((u) => !u.startsWith(site.base) && !u.startsWith('http://127.0.0.1')), [], 'no third-party requests');
});

test('an editor sees the subscribers on a laptop', async () => {
  const { page } = await openPage(browser, 1280, 800);
  await newsroomLogin(page, site.base, 'sita', PASSWORD);
  await page.getByRole('link', { name: 'ईमेल डाइजेस्ट' }).click();
  await page.waitForURL(/\/newsroom\/digest$/);
  assert.match(await page.locator('#digest-states').innerText(), /1 सदस्यता छोड़ी/);
  await page.screenshot({ path: path.join(artifacts, 'digest-newsroom-1280.png'), fullPage: true });
});
