// Browser tests in Debian's Chromium (playwright-core, never a downloaded
// browser): the home page and the seed article at phone and desktop widths.
// Screenshots go to tests/artifacts/ for people to look at.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { launchChromium } from '../lib/browser.mjs';
import { root, SEED_TITLE, startSite } from '../lib/khabar.mjs';

const artifacts = path.join(root, 'tests', 'artifacts');
let site, browser;

before(async () => {
  mkdirSync(artifacts, { recursive: true });
  site = await startSite({ articles: 40 });
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  await site?.stop();
});

// Opens a page at a width, recording every request and console error.
async function open(url, width) {
  const ctx = await browser.newContext({ viewport: { width, height: 800 }, locale: 'hi-IN' });
  const page = await ctx.newPage();
  const requests = [];
  const errors = [];
  page.on('request', (r) => requests.push(r.url()));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  const res = await page.goto(url, { waitUntil: 'load' });
  return { ctx, page, res, requests, errors };
}

function onlyLocal(requests) {
  for (const u of requests) assert.ok(u.startsWith(site.base), `no third-party request: ${u}`);
}

describe('reading on a phone (360 px) and a desktop (1280 px)', () => {
  for (const width of [360, 1280]) {
    test(`home page at ${width} px`, async () => {
      const { ctx, page, res, requests, errors } = await open(site.base + '/', width);
      assert.equal(res.status(), 200);
      await assert.doesNotReject(page.getByRole('link', { name: SEED_TITLE }).first().waitFor());
      assert.equal(await page.locator('.lead h2').innerText(), SEED_TITLE);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 0, `no sideways scrolling (overflow ${overflow}px)`);
      await page.screenshot({ path: path.join(artifacts, `home-${width}.png`), fullPage: false });
      onlyLocal(requests);
      assert.deepEqual(errors, []);
      await ctx.close();
    });

    test(`seed article at ${width} px`, async () => {
      const { ctx, page, requests, errors } = await open(site.base + '/', width);
      await page.getByRole('link', { name: SEED_TITLE }).first().click();
      await page.waitForURL(/\/news\/bharat-israel-raksha/);
      assert.equal(await page.locator('h1').innerText(), SEED_TITLE);
      assert.equal(await page.locator('.byline a').innerText(), 'समाचार डेस्क');
      assert.equal(await page.locator('.meta time').innerText(), '4 नवंबर, 2025, 18:30 IST');
      assert.match(await page.locator('.body p').first().innerText(), /^नई दिल्ली। रक्षा सचिव/);
      const wa = await page.locator('.share a.wa').getAttribute('href');
      assert.ok(wa.startsWith('https://wa.me/?text='));
      assert.ok(decodeURIComponent(wa).includes(SEED_TITLE));
      for (const cls of ['fb', 'xx', 'tg']) assert.equal(await page.locator(`.share a.${cls}`).count(), 1);
      assert.equal(await page.locator('.related .card').count() >= 3, true);
      // Legible Devanagari: body text at least 16 px with line-height >= 1.6,
      // and no letter-spacing.
      const style = await page.locator('.body p').first().evaluate((el) => {
        const s = getComputedStyle(el);
        return { size: parseFloat(s.fontSize), line: parseFloat(s.lineHeight), spacing: s.letterSpacing };
      });
      assert.ok(style.size >= 16, `font size ${style.size}`);
      assert.ok(style.line / style.size >= 1.6, `line height ${style.line / style.size}`);
      assert.equal(style.spacing, 'normal');
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 0, `no sideways scrolling (overflow ${overflow}px)`);
      await page.screenshot({ path: path.join(artifacts, `article-${width}.png`), fullPage: true });
      onlyLocal(requests);
      assert.deepEqual(errors, []);
      await ctx.close();
    });
  }

  test('copy link puts the article URL on the clipboard', async () => {
    const ctx = await browser.newContext({ viewport: { width: 360, height: 800 } });
    await ctx.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: site.base });
    const page = await ctx.newPage();
    await page.goto(site.base + '/news/bharat-israel-raksha-sahyog-par-samjhauta-gyapan-par-hastakshar');
    await page.locator('.share .copy').click();
    await page.getByRole('status').waitFor();
    assert.equal(await page.getByRole('status').innerText(), 'लिंक कॉपी हो गया');
    const text = await page.evaluate(() => navigator.clipboard.readText());
    assert.equal(text, 'http://127.0.0.1:8080/news/bharat-israel-raksha-sahyog-par-samjhauta-gyapan-par-hastakshar');
    await ctx.close();
  });

  test('dark mode follows the system setting', async () => {
    const ctx = await browser.newContext({ colorScheme: 'dark', viewport: { width: 360, height: 800 } });
    const page = await ctx.newPage();
    await page.goto(site.base + '/');
    const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    assert.equal(bg, 'rgb(18, 18, 18)');
    await page.screenshot({ path: path.join(artifacts, 'home-360-dark.png') });
    await ctx.close();
  });

  test('searching "israel" from the header finds the seed story first', async () => {
    const { ctx, page, requests, errors } = await open(site.base + '/', 360);
    await page.locator('header input[name=q]').fill('israel');
    await page.locator('header input[name=q]').press('Enter');
    await page.waitForURL(/\/search\?q=israel/);
    assert.match(await page.locator('.count').innerText(), /“israel” के लिए \d+ (नतीजा|नतीजे)/);
    const first = page.locator('.result h2 a').first();
    assert.equal(await first.innerText(), SEED_TITLE);
    assert.ok((await page.locator('.result mark').count()) > 0, 'matches are highlighted');
    await page.screenshot({ path: path.join(artifacts, 'search-360.png'), fullPage: true });
    await first.click();
    await page.waitForURL(/\/news\/bharat-israel-raksha/);
    onlyLocal(requests);
    assert.deepEqual(errors, []);
    await ctx.close();
  });

  test('the 404 page is Hindi and offers search', async () => {
    const { ctx, page, res } = await open(site.base + '/news/gayab', 360);
    assert.equal(res.status(), 404);
    assert.equal(await page.locator('h1').innerText(), 'यह पेज नहीं मिला');
    assert.equal(await page.locator('form.search.big input[name=q]').count(), 1);
    await page.screenshot({ path: path.join(artifacts, '404-360.png') });
    await ctx.close();
  });
});

describe('suggestions in the search box', () => {
  test('typed on a phone: a listbox of Hindi suggestions, arrows and Enter open one', async () => {
    const { ctx, page, requests, errors } = await open(site.base + '/', 360);
    const box = page.locator('#q');
    assert.equal(await box.getAttribute('role'), 'combobox');
    assert.equal(await box.getAttribute('aria-expanded'), 'false');
    // The index is built just after the server starts: type until it answers.
    for (let i = 0; i < 50; i++) {
      await box.fill('');
      await box.pressSequentially('raks', { delay: 30 });
      try {
        await page.locator('#q-suggest [role=option]').first().waitFor({ timeout: 1000 });
        break;
      } catch { /* not built yet */ }
    }
    const options = page.locator('#q-suggest [role=option]');
    assert.ok(await options.count() >= 2, 'several suggestions');
    assert.equal(await box.getAttribute('aria-expanded'), 'true');
    assert.match(await options.first().innerText(), /रक्षा/);
    await page.screenshot({ path: path.join(artifacts, 'suggest-360.png') });
    // The box stays inside the phone's width.
    const b = await page.locator('#q-suggest').boundingBox();
    assert.ok(b.x >= 0 && b.x + b.width <= 360, `listbox within the screen (${b.x}, ${b.width})`);
    await box.press('ArrowDown');
    assert.equal(await box.getAttribute('aria-activedescendant'), 'q-suggest-0');
    assert.equal(await options.first().getAttribute('aria-selected'), 'true');
    // Escape closes the list and keeps what was typed.
    await box.press('Escape');
    assert.equal(await box.getAttribute('aria-expanded'), 'false');
    assert.equal(await box.inputValue(), 'raks');
    await box.pressSequentially('h', { delay: 30 });
    await options.first().waitFor();
    await box.press('ArrowDown');
    await box.press('Enter');
    await page.waitForURL(/\/category\/raksha$/);
    onlyLocal(requests);
    assert.deepEqual(errors, []);
    await ctx.close();
  });

  test('without JavaScript the box is a plain search form', async () => {
    const ctx = await browser.newContext({ viewport: { width: 360, height: 800 }, javaScriptEnabled: false });
    const page = await ctx.newPage();
    await page.goto(site.base + '/');
    await page.locator('#q').fill('रक्षा');
    await page.locator('#q').press('Enter');
    await page.waitForURL(/\/search\?q=/);
    assert.match(await page.locator('main').innerText(), /रक्षा/);
    await ctx.close();
  });
});
