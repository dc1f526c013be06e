// Static pages in Debian's Chromium (playwright-core) on a 360 px phone: an
// editor writes a Hindi page in the newsroom, sees its preview, puts it in
// the footer and publishes it; a reader on another phone opens it from the
// footer of the home page; then the editor sets the header menu and a reader
// follows its link; and an editor adds a correction to a published story,
// which a reader sees on the story and on /corrections (with the author's
// box under the story and the author's page with their profile).
// Screenshots go to tests/artifacts/.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { launchChromium, newsroomLogin, openPage } from '../lib/browser.mjs';
import { root, sql, startSite } from '../lib/khabar.mjs';
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

test('an editor adds a correction on a phone; a reader sees it on the story and on the corrections page', async () => {
  const story = sql(site.db, "SELECT id || ' ' || slug || ' ' || author_id FROM articles WHERE status = 'published' AND author_id IS NOT NULL ORDER BY id LIMIT 1").split(' ');
  const [id, slug, author] = story;
  /* The story's author has a profile (the newsroom's form is tested over HTTP). */
  sql(site.db, `UPDATE authors SET role = 'वरिष्ठ संवाददाता', bio = 'खेती, पानी और गाँवों की खबरें; दस साल से लखनऊ में।', email = 'desk@news.example', links = 'https://x.com/desk\nhttps://www.facebook.com/desk' WHERE id = ${author}`);
  sql(site.db, `INSERT INTO author_areas(author_id, category_id) SELECT ${author}, id FROM categories ORDER BY position LIMIT 2`);
  const ed = await openPage(browser, 360, 780);
  await newsroomLogin(ed.page, site.base, 'sita', PASSWORD);
  await ed.page.goto(`${site.base}/newsroom/articles/${id}`);
  await ed.page.getByLabel('सुधार', { exact: true }).check();
  await ed.page.getByLabel('पाठकों के लिए सूचना').fill('पहले लिखा था कि 12 गाँव डूबे; सही संख्या 7 है।');
  await ed.page.getByRole('button', { name: 'सूचना जोड़ें' }).click();
  await ed.page.waitForURL((u) => u.pathname === `/newsroom/articles/${id}`);
  await ed.page.locator('.note-list li').first().waitFor();
  await ed.page.locator('#notes').screenshot({ path: path.join(artifacts, 'editor-correction-360.png') });
  assert.deepEqual(ed.errors, []);

  const reader = await openPage(browser, 360, 780);
  await reader.page.goto(`${site.base}/news/${slug}`);
  const box = reader.page.locator('section.notes');
  await box.scrollIntoViewIfNeeded();
  assert.equal(await box.locator('.note-kind').first().textContent(), 'सुधार');
  assert.match(await box.textContent(), /सही संख्या 7 है/);
  assert.match(await reader.page.locator('.author-box').textContent(), /वरिष्ठ संवाददाता/);
  const wide = await reader.page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(wide <= 360, `story is ${wide} px wide`);
  /* The alerts' offer would cover the author's box in the picture. */
  const later = reader.page.getByRole('button', { name: 'अभी नहीं' });
  if (await later.isVisible()) await later.click();
  await reader.page.screenshot({ path: path.join(artifacts, 'story-correction-360.png'), fullPage: true });
  await reader.page.locator('.author-box').screenshot({ path: path.join(artifacts, 'story-author-box-360.png') });
  await box.getByRole('link', { name: 'सभी सुधार और अपडेट' }).click();
  await reader.page.waitForURL((u) => u.pathname === '/corrections');
  assert.match(await reader.page.locator('.corrections').textContent(), /सही संख्या 7 है/);
  await reader.page.locator('.corrections h2 a').first().waitFor();
  await reader.page.screenshot({ path: path.join(artifacts, 'corrections-360.png'), fullPage: true });
  await reader.page.goto(`${site.base}/author/${sql(site.db, `SELECT slug FROM authors WHERE id = ${author}`)}`);
  assert.match(await reader.page.locator('.author-links').textContent(), /x\.com/);
  assert.ok(await reader.page.evaluate(() => document.documentElement.scrollWidth) <= 360);
  await reader.page.screenshot({ path: path.join(artifacts, 'author-360.png'), fullPage: true });
  await reader.page.goto(`${site.base}/tips/sent?ref=KH-ABCD-EFGH&kind=grievance`);
  await reader.page.screenshot({ path: path.join(artifacts, 'grievance-ack-360.png'), fullPage: true });
  assert.deepEqual(reader.errors, []);
  await ed.ctx.close();
  await reader.ctx.close();
});
