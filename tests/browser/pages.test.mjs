// Static pages in Debian's Chromium (playwright-core) on a 360 px phone: an
// editor writes a Hindi page in the newsroom, sees its preview, puts it in
// the footer and publishes it; a reader on another phone opens it from the
// footer of the home page; then the editor sets the header menu and a reader
// follows its link. Screenshots go to tests/artifacts/.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { launchChromium, newsroomLogin, openPage } from '../lib/browser.mjs';
import { root, startSite } from '../lib/khabar.mjs';
import { addUser, PASSWORD } from '../lib/newsroom.mjs';

const artifacts = path.join(root, 'tests', 'artifacts');
const TITLE = 'विज्ञापन के लिए संपर्क';
let site, browser;

before(async () => {
  mkdirSync(artifacts, { recursive: true });
  site = await startSite({ articles: 5 });
  addUser(site.db, 'sita', 'editor', 'सीता वर्मा');
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  await site?.stop();
});

test('an editor writes a page on a phone and a reader opens it from the footer', async () => {
  const ed = await openPage(browser, 360, 780);
  await newsroomLogin(ed.page, site.base, 'sita', PASSWORD);
  await ed.page.getByRole('link', { name: 'पेज', exact: true }).click();
  await ed.page.waitForURL((u) => u.pathname === '/newsroom/pages');
  await ed.page.getByRole('link', { name: '+ नया पेज' }).click();
  await ed.page.waitForURL((u) => u.pathname === '/newsroom/pages/new');
  await ed.page.locator('#f-title').fill(TITLE);
  await ed.page.getByLabel('पेज का पाठ').fill('विज्ञापन के लिए **ईमेल** करें: ads@example.com\n\n## दरें\n\nपूरे पेज के लिए बात करें।');
  await ed.page.getByLabel('फ़ुटर में क्रम (0: फ़ुटर में नहीं)').fill('2');
  await ed.page.getByRole('tab', { name: 'झलक' }).click();
  await ed.page.locator('#preview[data-rendered] h2').waitFor();
  assert.equal(await ed.page.locator('#preview h2').textContent(), 'दरें');
  await ed.page.getByRole('tab', { name: 'लिखें' }).click();
  await ed.page.getByRole('button', { name: 'सहेजें' }).click();
  await ed.page.waitForURL(/\/newsroom\/pages\/\d+$/);
  await ed.page.getByRole('button', { name: 'अभी प्रकाशित करें' }).click();
  await ed.page.waitForURL(/\/newsroom\/pages\/\d+$/);
  await ed.page.getByText('प्रकाशित', { exact: true }).first().waitFor();
  await ed.page.screenshot({ path: path.join(artifacts, 'page-editor-360.png'), fullPage: true });
  assert.deepEqual(ed.errors, []);

  const reader = await openPage(browser, 360, 780);
  await reader.page.goto(site.base + '/');
  const link = reader.page.locator('.foot-links').getByRole('link', { name: TITLE });
  await link.scrollIntoViewIfNeeded();
  /* Place 2, as संपर्क has: the older page first. */
  const names = await reader.page.locator('.foot-links a').allTextContents();
  assert.deepEqual(names.slice(0, 4), ['हमारे बारे में', 'संपर्क', TITLE, 'शिकायत अधिकारी']);
  await link.click();
  await reader.page.waitForURL(/\/page\/[a-z0-9-]+$/);
  assert.equal(await reader.page.locator('h1').textContent(), TITLE);
  assert.equal(await reader.page.locator('.body strong').textContent(), 'ईमेल');
  /* Nothing is wider than the phone. */
  const wide = await reader.page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(wide <= 360, `page is ${wide} px wide`);
  await reader.page.screenshot({ path: path.join(artifacts, 'page-reader-360.png'), fullPage: true });
  assert.deepEqual(reader.errors, []);
  await ed.ctx.close();
  await reader.ctx.close();
});

test('an editor puts a link in the header menu on a phone and a reader follows it', async () => {
  const ed = await openPage(browser, 360, 780);
  await newsroomLogin(ed.page, site.base, 'sita', PASSWORD);
  await ed.page.goto(site.base + '/newsroom/menus');
  await ed.page.getByLabel('हेडर मेन्यू').fill('खेल | /category/khel\nसंपर्क | /page/contact');
  await ed.page.getByRole('button', { name: 'सहेजें' }).click();
  await ed.page.waitForURL((u) => u.pathname === '/newsroom/menus');
  await ed.page.screenshot({ path: path.join(artifacts, 'menus-360.png'), fullPage: true });
  assert.deepEqual(ed.errors, []);

  const reader = await openPage(browser, 360, 780);
  await reader.page.goto(site.base + '/');
  const names = await reader.page.locator('nav.nav a').allTextContents();
  assert.deepEqual(names, ['होम', 'खेल', 'संपर्क']);
  await reader.page.locator('nav.nav').getByRole('link', { name: 'संपर्क' }).click();
  await reader.page.waitForURL((u) => u.pathname === '/page/contact');
  assert.equal(await reader.page.locator('h1').textContent(), 'संपर्क');
  assert.deepEqual(reader.errors, []);
  await ed.ctx.close();
  await reader.ctx.close();
});
