// Most read in Chromium (issue 21): a story's page sends its read once
// seen, by script or, without JavaScript, by its <noscript> image; a
// reload is not counted again, a headless browser's User-Agent not at
// all (so these tests browse as a phone's Chrome); the home page's list
// at 360 px, its tabs switching period by CSS alone. Screenshots go to
// tests/artifacts/.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { launchChromium } from '../lib/browser.mjs';
import { root, sql, startSite, until } from '../lib/khabar.mjs';

const PHONE = 'Mozilla/5.0 (Linux; Android 13; SM-A146B) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Mobile Safari/537.36';
const HEADLESS = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/120.0.0.0 Safari/537.36';
const artifacts = path.join(root, 'tests', 'artifacts');
let site, browser, stories;

before(async () => {
  mkdirSync(artifacts, { recursive: true });
  process.env.KHABAR_READS_FLUSH_MS = '100';
  process.env.KHABAR_MOSTREAD_REFRESH_MS = '300';
  site = await startSite({ articles: 12 });
  delete process.env.KHABAR_READS_FLUSH_MS;
  delete process.env.KHABAR_MOSTREAD_REFRESH_MS;
  stories = sql(site.db, "SELECT id, slug FROM articles WHERE status = 'published' ORDER BY id LIMIT 3")
    .split('\n').map((l) => { const [id, slug] = l.split('|'); return { id, slug }; });
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  await site?.stop();
});

const counted = (s) => Number(sql(site.db, `SELECT coalesce(sum(reads), 0) FROM article_reads WHERE article_id = ${s.id}`));

async function open(url, { agent = PHONE, js = true, width = 360 } = {}) {
  const ctx = await browser.newContext({ viewport: { width, height: 800 }, locale: 'hi-IN', userAgent: agent, javaScriptEnabled: js });
  const page = await ctx.newPage();
  const beacons = [];
  page.on('response', (r) => { if (/\/r\/\d+\.gif$/.test(r.url())) beacons.push(r.status()); });
  await page.goto(url, { waitUntil: 'load' });
  return { ctx, page, beacons };
}

describe('most read in the browser', () => {
  test('a story\'s page sends its read once seen; a reload is not counted again', async () => {
    const [s] = stories;
    const { ctx, page, beacons } = await open(`${site.base}/news/${s.slug}`);
    await until('the beacon answered', () => beacons.length === 1);
    assert.deepEqual(beacons, [200]);
    await until('the read written', () => counted(s) === 1);
    await page.reload({ waitUntil: 'load' });
    await until('the second beacon answered', () => beacons.length === 2);
    await new Promise((r) => setTimeout(r, 400));
    assert.equal(counted(s), 1, 'a reload counts once');
    await ctx.close();
  });

  test('without JavaScript the <noscript> image sends it', async () => {
    const s = stories[1];
    const { ctx, beacons } = await open(`${site.base}/news/${s.slug}`, { js: false });
    await until('the image answered', () => beacons.length === 1);
    await until('the read written', () => counted(s) === 1);
    await ctx.close();
  });

  test('a headless browser\'s read is not counted', async () => {
    const s = stories[2];
    const { ctx, beacons } = await open(`${site.base}/news/${s.slug}`, { agent: HEADLESS });
    await until('the beacon answered', () => beacons.length === 1);
    await new Promise((r) => setTimeout(r, 400));
    assert.equal(counted(s), 0);
    await ctx.close();
  });

  test('the home page\'s list at 360 px, its tabs switching by CSS alone', async () => {
    await until('the list on the home page', async () => (await (await fetch(site.base + '/')).text()).includes('class="mostread"'));
    const { ctx, page } = await open(site.base + '/', { js: false });
    const box = page.locator('.mostread');
    await box.scrollIntoViewIfNeeded();
    assert.ok(await page.locator('.mr-day').isVisible(), 'the day\'s list is open');
    assert.ok(!(await page.locator('.mr-week').isVisible()), 'the week\'s is not');
    assert.equal(await page.locator('.mr-day li').count(), 2);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
    assert.ok(!overflow, 'nothing wider than the phone');
    await box.screenshot({ path: path.join(artifacts, 'mostread-home-360.png') });
    await page.getByText('एक हफ़्ता', { exact: true }).click();
    assert.ok(await page.locator('.mr-week').isVisible(), 'the week\'s list once its tab is pressed');
    assert.ok(!(await page.locator('.mr-day').isVisible()));
    await box.screenshot({ path: path.join(artifacts, 'mostread-home-360-week.png') });
    await page.screenshot({ path: path.join(artifacts, 'mostread-home-360-page.png'), fullPage: true });
    await ctx.close();
    // A story's page shows its category's list under the story.
    const story = await open(`${site.base}/news/${stories[0].slug}`);
    await story.page.screenshot({ path: path.join(artifacts, 'mostread-article-360.png'), fullPage: true });
    await story.ctx.close();
  });
});
