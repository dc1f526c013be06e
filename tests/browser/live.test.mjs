// Live coverage in Debian's Chromium (playwright-core) on 360 px phones:
// a reader has the demo's live story open; an editor posts an entry from
// the newsroom's live form; the reader's page shows the "नई अपडेट" notice
// without a reload and without moving, then the entry on a tap, the
// pinned entry still on top; the JSON-LD is a LiveBlogPosting checked as
// the distribution tests check NewsArticle; the editor sets the breaking
// ticker and the reader sees it. Screenshots go to tests/artifacts/.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { launchChromium, newsroomLogin, openPage } from '../lib/browser.mjs';
import { khabar, newDb, root, sql, startSite, tempDir } from '../lib/khabar.mjs';
import { addUser, PASSWORD } from '../lib/newsroom.mjs';

const artifacts = path.join(root, 'tests', 'artifacts');
const shot = (p, name) => p.screenshot({ path: path.join(artifacts, name) });
let site, browser, work, id, slug;

before(async () => {
  mkdirSync(artifacts, { recursive: true });
  work = tempDir();
  const db = newDb(work.dir);
  const r = khabar(['demo', '--live', '--db', db, '--articles', '3']);
  assert.equal(r.status, 0, r.stderr);
  site = await startSite({ db, ownUrl: true });
  addUser(site.db, 'sita', 'editor', 'सीता वर्मा');
  [id, slug] = sql(site.db, 'SELECT a.id, a.slug FROM live_coverage l JOIN articles a ON a.id = l.article_id').split('|');
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  await site?.stop();
  work?.remove();
});

test('an open reader page shows a new entry without a reload, after a gentle notice', async () => {
  const reader = await openPage(browser, 360, 780);
  await reader.page.goto(`${site.base}/news/${slug}`);
  await reader.page.locator('#live .entry').first().waitFor();
  await reader.page.locator('#live').scrollIntoViewIfNeeded();
  await shot(reader.page, 'live-reader-360.png');
  const pinnedId = await reader.page.locator('.live-pinned .entry').first().getAttribute('id');
  assert.ok(pinnedId, 'the demo has a pinned entry');
  const loads = [];
  reader.page.on('framenavigated', (f) => { if (f === reader.page.mainFrame()) loads.push(f.url()); });

  const ed = await openPage(browser, 360, 780);
  await newsroomLogin(ed.page, site.base, 'sita', PASSWORD);
  await ed.page.getByRole('link', { name: 'लाइव', exact: true }).click();
  await ed.page.waitForURL((u) => u.pathname === '/newsroom/live');
  await ed.page.getByRole('link', { name: 'लाइव: दिल्ली में भारी बारिश, कई इलाक़ों में जलभराव' }).click();
  await ed.page.waitForURL((u) => u.pathname === `/newsroom/articles/${id}/live`);
  const text = 'ताज़ा: आईटीओ पर पानी उतरा, यातायात फिर शुरू।';
  await ed.page.locator('#le-body').fill(text);
  await shot(ed.page, 'live-newsroom-form-360.png');
  const box = await ed.page.getByRole('button', { name: 'पोस्ट करें' }).boundingBox();
  assert.ok(box.width >= 280 && box.height >= 44, `the post button is big on a phone: ${JSON.stringify(box)}`);
  const posted = Date.now();
  await ed.page.getByRole('button', { name: 'पोस्ट करें' }).click();
  await ed.page.getByText('अपडेट पोस्ट हो गई।').waitFor();

  // The notice, and only the notice: the entry waits, the page stays put.
  const scrolled = await reader.page.evaluate(() => window.scrollY);
  const notice = reader.page.locator('.live-notice');
  await notice.waitFor({ state: 'visible', timeout: 8000 });
  const seen = Date.now() - posted;
  assert.ok(seen < 8000, `noticed after ${seen} ms`);
  assert.equal(await reader.page.getByText(text).count(), 0, 'not shown before the tap');
  assert.equal(await reader.page.evaluate(() => window.scrollY), scrolled, 'the page did not move');
  await shot(reader.page, 'live-notice-360.png');
  await notice.click();
  const first = reader.page.locator('.live-feed .entry').first();
  await first.getByText(text).waitFor();
  assert.equal(await notice.isHidden(), true);
  assert.equal(await reader.page.locator('.live-pinned .entry').first().getAttribute('id'), pinnedId, 'the pinned entry stays on top');
  const [pinnedY, firstY] = await Promise.all([
    reader.page.locator(`#${pinnedId}`).boundingBox(), first.boundingBox()]);
  assert.ok(pinnedY.y < firstY.y, 'pinned above the newest');
  // Its share buttons share its own URL.
  const newId = await first.getAttribute('id');
  assert.equal(await first.locator('.copy').getAttribute('data-url'), `${site.origin}/news/${slug}#${newId}`);
  assert.deepEqual(loads, [], 'no reload');
  assert.deepEqual(reader.errors, []);
  assert.deepEqual(ed.errors, []);
  assert.ok(reader.requests.every((u) => u.startsWith(site.base)), 'nothing from another site');
  // Without JavaScript a reload shows everything.
  const nojs = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 360, height: 780 } });
  const p = await nojs.newPage();
  await p.goto(`${site.base}/news/${slug}`);
  assert.equal(await p.getByText(text).count(), 1);
  await nojs.close();
  await reader.ctx.close();
  await ed.ctx.close();
});

test('the live story\'s JSON-LD is a complete LiveBlogPosting', async () => {
  const html = await (await fetch(`${site.base}/news/${slug}`)).text();
  const blocks = [...html.matchAll(/<script type="application\/ld\+json">([\s\S]*?)<\/script>/g)].map((m) => JSON.parse(m[1]));
  assert.equal(blocks.length, 1);
  assert.equal(blocks[0]['@context'], 'https://schema.org');
  const art = blocks[0]['@graph'].find((n) => n['@type'] === 'LiveBlogPosting');
  assert.ok(art, 'a LiveBlogPosting');
  assert.ok(art.headline.length <= 110);
  assert.equal(art.mainEntityOfPage['@id'], `${site.origin}/news/${slug}`);
  for (const k of ['datePublished', 'dateModified', 'coverageStartTime'])
    assert.match(art[k], /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+05:30$/, k);
  assert.ok(Date.parse(art.dateModified) >= Date.parse(art.datePublished));
  assert.equal(art.inLanguage, 'hi');
  assert.equal(art.publisher.name, 'खबर डेमो');
  for (const img of [...art.image, art.publisher.logo]) {
    const r = await fetch(img.url.replace(site.origin, site.base));
    assert.equal(r.status, 200, img.url);
  }
  assert.equal(art.liveBlogUpdate.length, 7, 'six demo entries and the new one');
  const anchors = new Set([...html.matchAll(/<article class="entry[^"]*" id="(e-\d+)"/g)].map((m) => m[1]));
  for (const u of art.liveBlogUpdate) {
    assert.equal(u['@type'], 'BlogPosting');
    assert.ok(u.headline.length > 0 && u.headline.length <= 110, u.headline);
    assert.match(u.datePublished, /\+05:30$/);
    assert.ok(anchors.has(u.url.split('#')[1]), `${u.url} has its anchor`);
  }
  assert.equal(art.liveBlogUpdate[0].headline, 'ताज़ा: आईटीओ पर पानी उतरा, यातायात फिर शुरू।', 'newest first');
});

test('an editor sets the breaking ticker and every page shows it', async () => {
  const ed = await openPage(browser, 360, 780);
  await newsroomLogin(ed.page, site.base, 'sita', PASSWORD);
  await ed.page.goto(`${site.base}/newsroom/articles/${id}/live`);
  // The form comes filled with the story: its title and its page.
  await ed.page.getByRole('button', { name: 'पट्टी लगाएँ' }).click();
  await ed.page.waitForURL((u) => u.pathname === `/newsroom/articles/${id}/live`);
  await ed.page.getByText('अभी चल रही है:').waitFor();
  const reader = await openPage(browser, 360, 780);
  await reader.page.goto(site.base + '/');
  const ticker = reader.page.locator('.ticker');
  await ticker.getByRole('link', { name: 'लाइव: दिल्ली में भारी बारिश, कई इलाक़ों में जलभराव' }).waitFor();
  await shot(reader.page, 'live-ticker-360.png');
  await ticker.getByRole('link').click();
  await reader.page.waitForURL((u) => u.pathname === `/news/${slug}`);
  assert.deepEqual(reader.errors, []);
  await ed.ctx.close();
  await reader.ctx.close();
});
