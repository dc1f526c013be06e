// The newsroom in Debian's Chromium (playwright-core): a reporter on a
// phone writes a Hindi story with a photo and submits it; an editor on a
// laptop reviews it and schedules it a minute ahead; the server's clock
// (injected, not slept on) moves past that minute and the story is on the
// home page with its photo. Then a list of XSS payloads goes through every
// field, and no script runs. Screenshots of the editor at 360 and 1280 px
// go to tests/artifacts/.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { launchChromium, newsroomLogin, openPage } from '../lib/browser.mjs';
import { root, startSite, until } from '../lib/khabar.mjs';
import { addUser, hasExif, PASSWORD, withGps } from '../lib/newsroom.mjs';

const artifacts = path.join(root, 'tests', 'artifacts');
const TITLE = 'पटना में गंगा का जलस्तर बढ़ा, निचले इलाकों में अलर्ट';
let site, browser, clockFile, now;

function setClock(t) {
  now = t;
  writeFileSync(clockFile, String(t));
}

// The site's local time (IST) of t as a datetime-local value.
function localInput(t) {
  return new Date((t + 5.5 * 3600) * 1000).toISOString().slice(0, 16);
}

before(async () => {
  mkdirSync(artifacts, { recursive: true });
  clockFile = path.join(mkdtempSync('/tmp/khabar-clock-'), 'now');
  setClock(Math.ceil(Date.now() / 60000) * 60 + 300);
  site = await startSite({ articles: 30, extraArgs: ['--fake-clock', clockFile] });
  addUser(site.db, 'ram', 'reporter', 'राम शर्मा');
  addUser(site.db, 'sita', 'editor', 'सीता वर्मा');
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  await site?.stop();
});

const open = (width, height) => openPage(browser, width, height);

const login = (page, user) => newsroomLogin(page, site.base, user, PASSWORD);

// A photo drawn in the browser (a river at dusk), as JPEG bytes with a GPS
// position put into its EXIF.
async function makePhoto(page) {
  const dataUrl = await page.evaluate(() => {
    const c = document.createElement('canvas');
    c.width = 1600;
    c.height = 1000;
    const g = c.getContext('2d');
    const sky = g.createLinearGradient(0, 0, 0, 620);
    sky.addColorStop(0, '#1d3b6e');
    sky.addColorStop(0.6, '#e0895a');
    sky.addColorStop(1, '#f6c27a');
    g.fillStyle = sky;
    g.fillRect(0, 0, 1600, 620);
    g.fillStyle = '#ffe6a8';
    g.beginPath();
    g.arc(1120, 470, 90, 0, Math.PI * 2);
    g.fill();
    const river = g.createLinearGradient(0, 620, 0, 1000);
    river.addColorStop(0, '#6d7f99');
    river.addColorStop(1, '#2b3a4f');
    g.fillStyle = river;
    g.fillRect(0, 620, 1600, 380);
    g.fillStyle = '#1f2630';
    for (let x = 0; x < 1600; x += 70) {
      const h = 60 + ((x * 37) % 140);
      g.fillRect(x, 620 - h, 60, h);
    }
    g.strokeStyle = 'rgba(255,230,170,0.5)';
    g.lineWidth = 4;
    for (let y = 660; y < 1000; y += 28) {
      g.beginPath();
      g.moveTo(980 + (y % 50), y);
      g.lineTo(1260 - (y % 40), y);
      g.stroke();
    }
    return c.toDataURL('image/jpeg', 0.88);
  });
  return withGps(Buffer.from(dataUrl.split(',')[1], 'base64'));
}

describe('the newsroom journey', () => {
  let articleUrl;

  test('1. a reporter on a phone writes a Hindi story with a photo and submits it', async () => {
    const { ctx, page, errors, requests } = await open(360, 780);
    await login(page, 'ram');
    await page.getByRole('link', { name: /नई खबर/ }).first().click();
    await page.waitForURL(/\/newsroom\/articles\/new$/);

    // Typing as an IME does: composed text arrives as input events.
    await page.locator('#f-title').focus();
    await page.keyboard.insertText(TITLE);
    await page.locator('#f-summary').fill('लगातार बारिश से गंगा खतरे के निशान के करीब; प्रशासन ने नाव और राहत शिविर तैयार रखे।');
    await page.locator('#f-body').focus();
    await page.keyboard.insertText('गंगा का जलस्तर पिछले 24 घंटों में 40 सेंटीमीटर बढ़ा है। ');
    await page.getByRole('button', { name: 'मोटा' }).click();
    await page.keyboard.insertText('गांधी घाट');
    await page.locator('#f-body').press('End');
    await page.keyboard.insertText(' पर पानी खतरे के निशान से 12 सेंटीमीटर नीचे है।\n\nजिला प्रशासन ने दियारा इलाकों के लोगों से ऊँची जगहों पर जाने की अपील की है।');
    await page.locator('#f-category').selectOption({ label: 'राज्य' });
    // Tags: one from the suggestions, one new.
    await page.locator('#f-tags').focus();
    await page.keyboard.insertText('इज़रा');
    await page.locator('#tag-hints').getByRole('button', { name: 'इज़राइल' }).click();
    await page.keyboard.insertText('बाढ़');
    assert.equal(await page.locator('#f-tags').inputValue(), 'इज़राइल, बाढ़');
    await page.locator('#f-dateline').fill('पटना');

    // The photo: uploaded, processed in the background, shown when ready.
    const jpeg = await makePhoto(page);
    assert.ok(hasExif(jpeg));
    await page.locator('#photo-file').setInputFiles({ name: 'ganga.jpg', mimeType: 'image/jpeg', buffer: jpeg });
    await page.locator('#photo-view img').waitFor({ timeout: 15000 });
    await page.locator('#f-caption').fill('पटना के गांधी घाट पर बढ़ा जलस्तर');
    await page.locator('#f-credit').fill('राम शर्मा');

    // The live preview uses the site's renderer, dateline first.
    await page.getByRole('tab', { name: 'झलक' }).click();
    await assert.doesNotReject(page.locator('#preview strong.dateline').waitFor());
    assert.match(await page.locator('#preview').innerText(), /^पटना। गंगा का जलस्तर/);
    assert.equal(await page.locator('#preview strong', { hasText: 'गांधी घाट' }).count(), 1);
    await page.getByRole('tab', { name: 'लिखें' }).click();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `no sideways scrolling (overflow ${overflow}px)`);
    await page.screenshot({ path: path.join(artifacts, 'newsroom-editor-360.png'), fullPage: true });

    await page.getByRole('button', { name: 'समीक्षा के लिए भेजें' }).click();
    await page.waitForURL(/\/newsroom\/articles\/\d+$/);
    articleUrl = new URL(page.url()).pathname;
    assert.equal(await page.locator('.ed-head .pill').innerText(), 'समीक्षा में');
    assert.equal(await page.locator('#f-title').inputValue(), TITLE);
    for (const u of requests) assert.ok(u.startsWith(site.base), `no third-party request: ${u}`);
    assert.deepEqual(errors, []);
    await ctx.close();
  });

  test('2. an editor on a laptop reviews it and schedules it a minute ahead', async () => {
    const { ctx, page, errors } = await open(1280, 900);
    await login(page, 'sita');
    // Editors land on the review queue.
    assert.equal(await page.locator('.tabs [aria-current]').innerText(), 'समीक्षा में');
    await page.getByRole('link', { name: TITLE }).click();
    await page.waitForURL((u) => u.pathname === articleUrl);
    assert.equal(await page.locator('#f-title').inputValue(), TITLE);
    assert.equal(await page.locator('#f-tags').inputValue(), 'इज़राइल, बाढ़');
    await page.locator('#photo-view img').waitFor();
    // Side by side on a laptop: the preview is already there.
    await page.locator('#preview .dateline').waitFor();
    await page.locator('#f-summary').fill('लगातार बारिश से गंगा खतरे के निशान के करीब पहुँची; प्रशासन ने नावें और राहत शिविर तैयार रखे।');
    await page.locator('#f-when').fill(localInput(now + 60));
    await page.screenshot({ path: path.join(artifacts, 'newsroom-editor-1280.png'), fullPage: false });
    await page.getByRole('button', { name: 'समय तय करें' }).click();
    await page.waitForURL((u) => u.pathname === articleUrl);
    assert.equal(await page.locator('.ed-head .pill').innerText(), 'निर्धारित');
    assert.match(await page.locator('.box-flow .when').innerText(), /प्रकाशित होगी/);
    // Not live yet.
    assert.ok(!(await (await fetch(site.base + '/')).text()).includes(TITLE));
    await page.goto(site.base + '/newsroom?status=scheduled');
    await page.screenshot({ path: path.join(artifacts, 'newsroom-desk-1280.png') });
    assert.deepEqual(errors, []);
    await ctx.close();
  });

  test('3. at its time the story is on the home page with its photo', async () => {
    setClock(now + 61);
    await until('the story on the home page', async () => (await (await fetch(site.base + '/')).text()).includes(TITLE));
    for (const width of [360, 1280]) {
      const { ctx, page, errors } = await open(width);
      await page.goto(site.base + '/');
      assert.equal(await page.locator('.lead h2').innerText(), TITLE);
      const img = page.locator('.lead-photo img');
      await img.evaluate((el) => el.complete || new Promise((r) => { el.onload = r; }));
      const shown = await img.evaluate((el) => ({ w: el.naturalWidth, src: el.currentSrc, aw: el.getAttribute('width'), ah: el.getAttribute('height') }));
      assert.ok(shown.w > 0, 'the photo loaded');
      assert.match(shown.src, /\/media\/[0-9a-f]{32}-\d+\.webp$/);
      assert.equal(shown.aw, '1600');
      assert.equal(shown.ah, '1000');
      await page.screenshot({ path: path.join(artifacts, `newsroom-home-${width}.png`) });
      await page.locator('.lead h2 a').click();
      await page.waitForURL(/\/news\//);
      assert.equal(await page.locator('h1').innerText(), TITLE);
      assert.equal(await page.locator('.hero figcaption').innerText(), 'पटना के गांधी घाट पर बढ़ा जलस्तर (राम शर्मा)');
      // The derivative served has no EXIF left.
      const src = await page.locator('.hero img').evaluate((el) => el.currentSrc);
      const bytes = Buffer.from(await (await fetch(src)).arrayBuffer());
      assert.ok(!hasExif(bytes), `${src} carries no EXIF`);
      assert.deepEqual(errors, []);
      await ctx.close();
    }
  });
});

describe('script in any field never runs', () => {
  const payloads = [
    '<script>window.__xss=1;alert(1)</script>',
    '<img src=x onerror="window.__xss=2;alert(2)">',
    '"><svg onload="window.__xss=3;alert(3)">',
    "'--></textarea><script>window.__xss=4</script>",
    '</title><script>window.__xss=5</script>',
    '{{raw t.save}}<iframe src="javascript:alert(6)">',
  ];
  const P = payloads.join(' ');

  test('XSS payloads in title, summary, body, caption, credit, tags and dateline', async () => {
    const { ctx, page, dialogs } = await open(1280, 900);
    await login(page, 'sita');
    await page.goto(site.base + '/newsroom/articles/new');
    await page.locator('#f-title').fill('XSS ' + payloads[0] + payloads[1]);
    await page.locator('#f-summary').fill(P);
    await page.locator('#f-body').fill(payloads.join('\n\n') + '\n\n[क्लिक](javascript:window.__xss=7) <a href="javascript:alert(8)">x</a>');
    await page.locator('#f-dateline').fill(payloads[2]);
    await page.locator('#f-tags').fill(payloads.slice(0, 3).join(', '));
    await page.locator('#f-caption').fill(payloads[3]);
    await page.locator('#f-credit').fill(payloads[4]);
    await page.locator('#f-author').fill(payloads[5]);
    await page.locator('.box details summary').click();
    await page.locator('#f-seo-title').fill(P);
    const jpeg = await makePhoto(page);
    await page.locator('#photo-file').setInputFiles({ name: payloads[1] + '.jpg', mimeType: 'image/jpeg', buffer: jpeg });
    await page.locator('#photo-view img').waitFor({ timeout: 15000 });
    await page.locator('#preview .dateline').waitFor();
    await page.getByRole('button', { name: 'अभी प्रकाशित करें' }).click();
    await page.waitForURL(/\/newsroom\/articles\/\d+$/);
    const id = page.url().match(/(\d+)$/)[1];
    assert.equal(await page.locator('.ed-head .pill').innerText(), 'प्रकाशित');
    const live = await page.locator('.box-flow a', { hasText: 'साइट पर देखें' }).getAttribute('href');

    const pages = [`/newsroom/articles/${id}`, '/newsroom', `/newsroom/articles/${id}/revisions`,
      `/newsroom/audit?article=${id}`, '/newsroom/media', '/newsroom/tags', live, '/', '/feed'];
    for (const p of pages) {
      await page.goto(site.base + p);
      await page.waitForTimeout(50);
      const found = await page.evaluate(() => ({
        flag: window.__xss,
        // Every script is ours: loaded by src, or JSON-LD data.
        scripts: [...document.scripts].filter((s) => !s.src && s.type !== 'application/ld+json').length,
        handlers: [...document.querySelectorAll('*')].filter((el) => [...el.attributes].some((a) => a.name.startsWith('on'))).length,
        jsLinks: [...document.querySelectorAll('[href^="javascript:" i], [src^="javascript:" i]')].length,
        iframes: document.querySelectorAll('iframe').length,
      }));
      assert.deepEqual(found, { flag: undefined, scripts: 0, handlers: 0, jsLinks: 0, iframes: 0 }, p);
    }
    // The payloads are shown as text where they belong.
    await page.goto(site.base + live);
    assert.equal(await page.locator('h1').innerText(), 'XSS ' + payloads[0] + payloads[1]);
    assert.deepEqual(dialogs, []);
    await ctx.close();
  });
});

describe('screens', () => {
  test('login, desk, media library and diff look right at 360 px', async () => {
    const { ctx, page, errors } = await open(360, 740);
    await page.goto(site.base + '/newsroom/login');
    await page.screenshot({ path: path.join(artifacts, 'newsroom-login-360.png') });
    await login(page, 'ram');
    await page.screenshot({ path: path.join(artifacts, 'newsroom-desk-360.png') });
    await page.goto(site.base + '/newsroom/media');
    await page.screenshot({ path: path.join(artifacts, 'newsroom-media-360.png') });
    await page.goto(site.base + '/newsroom/account');
    for (const p of ['/newsroom', '/newsroom/media', '/newsroom/account']) {
      await page.goto(site.base + p);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 0, `${p}: no sideways scrolling (overflow ${overflow}px)`);
    }
    assert.deepEqual(errors, []);
    await ctx.close();
  });
});
