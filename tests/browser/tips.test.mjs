// Readers' tips in Debian's Chromium (playwright-core): a reader on a
// phone follows the footer link, sends a Hindi tip with a photo and gets a
// reference; an editor on a laptop finds it in the queue, opens it and
// makes a draft from it; XSS payloads in every field stay inert in the
// newsroom's views; deleting asks first; the form works with JavaScript
// off, and with it warns about a too-big photo before it travels; the 429
// page after the limit; the admin sets the mail without seeing the
// password. Screenshots (form, confirmation and 429 at 360 px; queue, tip
// and settings at 1280; the tip at 360) go to tests/artifacts/.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { launchChromium, newsroomLogin, openPage } from '../lib/browser.mjs';
import { root, setServerClock, startSite } from '../lib/khabar.mjs';
import { addUser, PASSWORD, withGps } from '../lib/newsroom.mjs';

const artifacts = path.join(root, 'tests', 'artifacts');
const TEXT = 'बलिया के सहतवार बाज़ार में आज सुबह एक गोदाम में आग लग गई। दमकल की दो गाड़ियाँ पहुँचीं, कोई घायल नहीं हुआ।';
let site, browser, clockFile, now;

async function advance(seconds) {
  now += seconds;
  await setServerClock(clockFile, now, site.base); // the server reads it every 0.2 s
}

before(async () => {
  mkdirSync(artifacts, { recursive: true });
  clockFile = path.join(mkdtempSync('/tmp/khabar-clock-'), 'now');
  now = Math.ceil(Date.now() / 60000) * 60 + 300;
  writeFileSync(clockFile, String(now));
  site = await startSite({ articles: 12, extraArgs: ['--fake-clock', clockFile] });
  addUser(site.db, 'sita', 'editor', 'सीता वर्मा');
  addUser(site.db, 'boss', 'admin', 'मालिक');
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  await site?.stop();
});

const open = (width, height) => openPage(browser, width, height);

const login = (page) => newsroomLogin(page, site.base, 'sita', PASSWORD);

// A photo drawn in the browser (smoke over a market), JPEG with a GPS position.
async function makePhoto(page) {
  const dataUrl = await page.evaluate(() => {
    const c = document.createElement('canvas');
    c.width = 1200;
    c.height = 800;
    const g = c.getContext('2d');
    g.fillStyle = '#8fa3b8';
    g.fillRect(0, 0, 1200, 800);
    for (let i = 0; i < 14; i++) {
      g.fillStyle = `rgba(60,60,60,${0.15 + i * 0.03})`;
      g.beginPath();
      g.arc(600 + i * 25, 380 - i * 22, 80 + i * 9, 0, Math.PI * 2);
      g.fill();
    }
    g.fillStyle = '#6b4b2a';
    for (let x = 0; x < 1200; x += 150) g.fillRect(x + 10, 520, 130, 280);
    g.fillStyle = '#e8632b';
    g.fillRect(560, 460, 160, 80);
    return c.toDataURL('image/jpeg', 0.85);
  });
  return withGps(Buffer.from(dataUrl.split(',')[1], 'base64'));
}

// Fills the tip form on page (already open) and sends it after the
// minimum fill time; returns the page after the answer.
async function fillAndSend(page, f) {
  await page.locator('#tip-body').fill(f.body);
  await page.locator('#tip-place').fill(f.place);
  await page.locator('#tip-name').fill(f.name);
  await page.locator('#tip-contact').fill(f.contact);
  if (f.kind) await page.getByLabel(f.kind, { exact: true }).check();
  if (f.photo) await page.locator('#tip-photo').setInputFiles(f.photo);
  await page.locator('input[name=consent]').check();
  if (f.shot) await page.screenshot({ path: path.join(artifacts, f.shot), fullPage: true });
  await advance(5);
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'भेजें' }).click()]);
}

describe('the tip journey', () => {
  let ref;

  test('1. a reader on a phone sends a Hindi tip with a photo and gets a reference', async () => {
    const { ctx, page, errors, requests } = await open(360, 780);
    await page.goto(site.base + '/');
    await page.getByRole('link', { name: 'खबर, सुझाव या शिकायत भेजें' }).click();
    await page.waitForURL(/\/tips$/);
    assert.equal(await page.locator('h1').textContent(), 'खबर भेजें');
    // The honeypot is not something a person sees or tabs to.
    const trap = await page.locator('#tip-website').boundingBox();
    assert.ok(!trap || trap.x + trap.width < 0, 'the honeypot is off screen');
    assert.equal(await page.locator('#tip-website').getAttribute('tabindex'), '-1');
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `the form is ${overflow} px wider than a 360 px phone`);
    const photo = await makePhoto(page);
    await fillAndSend(page, {
      body: TEXT, place: 'बलिया', name: 'सुनील यादव', contact: 'sunil@example.com',
      photo: { name: 'आग.jpg', mimeType: 'image/jpeg', buffer: photo }, shot: 'tip-form-360.png',
    });
    assert.match(page.url(), /\/tips\/sent\?ref=KH-/);
    ref = (await page.locator('#tip-ref').textContent()).trim();
    assert.match(ref, /^KH-[2-9A-Z]{4}-[2-9A-Z]{4}$/);
    await page.screenshot({ path: path.join(artifacts, 'tip-sent-360.png'), fullPage: true });
    assert.deepEqual(errors, []);
    assert.deepEqual(requests.filter((u) => !u.startsWith(site.base)), [], 'no third-party requests');
    await ctx.close();
  });

  test('2. an editor finds it in the queue and 3. makes a draft from it', async () => {
    const { ctx, page, errors } = await open(1280, 900);
    await login(page);
    const tipsLink = page.locator('.nr-nav a[href="/newsroom/tips"]');
    assert.equal(await tipsLink.locator('.nr-count').textContent(), '1', 'one unread tip in the header');
    await tipsLink.click();
    await page.locator('#tq').fill('सहतवार');
    await page.getByRole('button', { name: 'छाँटें' }).click();
    const row = page.locator('#tip-list .row-title', { hasText: 'बलिया के सहतवार बाज़ार' });
    assert.equal(await row.count(), 1);
    assert.match(await page.locator('#tip-list').textContent(), new RegExp(ref));
    await page.screenshot({ path: path.join(artifacts, 'tips-queue-1280.png'), fullPage: true });
    await row.click();
    await page.waitForURL(/\/newsroom\/tips\/\d+$/);
    assert.equal((await page.locator('#tip-ref').textContent()).trim(), ref);
    assert.equal((await page.locator('#tip-contact').textContent()).trim(), 'sunil@example.com');
    // The photo is processed off the request path; reload until it shows.
    for (let i = 0; i < 30 && !(await page.locator('.tip-photos img').count()); i++) {
      await new Promise((r) => setTimeout(r, 200));
      await page.reload();
    }
    const img = page.locator('.tip-photos img');
    assert.equal(await img.count(), 1);
    assert.ok(await img.evaluate((el) => el.complete && el.naturalWidth > 0), 'the photo loads');
    assert.equal(await page.locator('.nr-count').count(), 0, 'read now');
    await page.screenshot({ path: path.join(artifacts, 'tip-view-1280.png'), fullPage: true });
    await Promise.all([page.waitForURL(/\/newsroom\/articles\/\d+$/), page.locator('#tip-draft').click()]);
    assert.equal(await page.locator('#f-title').inputValue(), TEXT.split('।')[0] + '।');
    assert.match(await page.locator('#f-body').inputValue(), /दमकल की दो गाड़ियाँ पहुँचीं/);
    assert.equal(await page.locator('#f-dateline').inputValue(), 'बलिया');
    assert.ok(Number(await page.locator('input[name=media_id]').inputValue()) > 0, 'the photo is the story\'s');
    assert.deepEqual(errors, []);
    await ctx.close();
  });

  test('4. XSS payloads in every field stay inert in the newsroom views', async () => {
    const payloads = [
      '<script>window.__xss=1;alert(1)</script>',
      '"><img src=x onerror="window.__xss=2;alert(2)">',
      '\'><svg onload="window.__xss=3;alert(3)">',
      'javascript:window.__xss=4;alert(4)',
      '</textarea><script>window.__xss=5</script>',
    ];
    const reader = await open(360, 780);
    await reader.page.goto(site.base + '/tips');
    await fillAndSend(reader.page, {
      body: `XSS खबर ${payloads.join(' ')} [क्लिक](javascript:window.__xss=6) <a href="javascript:alert(7)">x</a>`,
      place: payloads[1].slice(0, 90), name: payloads[0], contact: payloads[3], kind: 'समस्या',
      photo: { name: payloads[2] + '.jpg', mimeType: 'image/jpeg', buffer: await makePhoto(reader.page) },
    });
    assert.match(reader.page.url(), /\/tips\/sent\?ref=KH-/);
    await reader.ctx.close();

    const { ctx, page, errors, dialogs } = await open(1280, 900);
    await login(page);
    const flag = () => page.evaluate(() => window.__xss);
    await page.goto(site.base + '/newsroom/tips?q=XSS');
    assert.equal(await flag(), undefined);
    assert.match(await page.locator('#tip-list').textContent(), /<script>window.__xss=1/, 'shown as text');
    await page.locator('#tip-list .row-title').first().click();
    await page.waitForURL(/\/newsroom\/tips\/\d+$/);
    assert.equal(await flag(), undefined);
    assert.equal((await page.locator('#tip-name').textContent()).trim(), payloads[0]);
    assert.equal((await page.locator('#tip-contact').textContent()).trim(), payloads[3]);
    assert.equal(await page.locator('#tip-body a, #tip-contact a, .tip-main script, .tip-main svg').count(), 0, 'no markup from the reader');
    for (let i = 0; i < 20 && !(await page.locator('.tip-photos img').count()); i++) {
      await new Promise((r) => setTimeout(r, 200));
      await page.reload();
    }
    // Browsers send a quote in a file name as %22; the rest arrives as text.
    assert.equal(await page.locator('.tip-photos img').getAttribute('alt'), payloads[2].replaceAll('"', '%22') + '.jpg');
    assert.equal(await page.locator('.tip-photos svg').count(), 0);
    await page.locator('#tip-note').fill(payloads[4]);
    await page.getByRole('button', { name: 'नोट जोड़ें' }).click();
    await page.waitForURL(/\/newsroom\/tips\/\d+$/);
    assert.equal((await page.locator('.tip-note-body').textContent()).trim(), payloads[4]);
    await Promise.all([page.waitForURL(/\/newsroom\/articles\/\d+$/), page.locator('#tip-draft').click()]);
    // The live preview renders the body (newsroom.js counts its renders).
    await page.locator('#preview[data-rendered]').waitFor({ state: 'attached' });
    assert.equal(await flag(), undefined);
    await page.goto(site.base + '/newsroom/tips');
    assert.equal(await flag(), undefined);
    assert.deepEqual(dialogs, [], 'no dialog opened');
    assert.deepEqual(errors.filter((e) => !/Content Security Policy|Refused to/.test(e)), []);
    await ctx.close();
  });

  test('deleting a tip asks first', async () => {
    const { ctx, page } = await open(1280, 900);
    await login(page);
    await page.goto(site.base + '/newsroom/tips?q=XSS');
    await page.locator('#tip-list .row-title').first().click();
    await page.waitForURL(/\/newsroom\/tips\/\d+$/);
    const url = page.url();
    // open() dismisses dialogs: the tip stays.
    await Promise.all([page.waitForEvent('dialog'), page.locator('#tip-delete').click()]);
    // The click's handler has returned once the page runs this: had the
    // confirmation gone through, the page would be leaving.
    assert.equal(await page.evaluate(() => document.readyState), 'complete');
    assert.equal(page.url(), url);
    page.removeAllListeners('dialog');
    page.on('dialog', (d) => d.accept());
    await Promise.all([page.waitForURL((u) => u.pathname === '/newsroom/tips'), page.locator('#tip-delete').click()]);
    assert.equal((await page.goto(url)).status(), 404);
    await ctx.close();
  });

  test('on a phone the tip page fits; the admin sets the mail without seeing the password', async () => {
    const { ctx, page } = await open(360, 780);
    await login(page);
    await page.goto(site.base + '/newsroom/tips');
    await page.locator('#tip-list .row-title').first().click();
    await page.waitForURL(/\/newsroom\/tips\/\d+$/);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `the tip page is ${overflow} px wider than a 360 px phone`);
    await page.screenshot({ path: path.join(artifacts, 'tip-view-360.png'), fullPage: true });
    await ctx.close();

    const admin = await open(1280, 900);
    await admin.page.goto(site.base + '/newsroom/login');
    await admin.page.getByLabel('यूज़रनेम').fill('boss');
    await admin.page.getByLabel('पासवर्ड').fill(PASSWORD);
    await admin.page.getByRole('button', { name: 'लॉग इन' }).click();
    await admin.page.waitForURL((u) => u.pathname === '/newsroom');
    await admin.page.goto(site.base + '/newsroom/settings');
    await admin.page.getByLabel('SMTP सर्वर').fill('smtp.example.com');
    await admin.page.getByLabel('SMTP पासवर्ड').fill('pass-for-smtp-1');
    await admin.page.getByLabel('STARTTLS ज़रूरी').check();
    await admin.page.getByRole('button', { name: 'सहेजें' }).click();
    await admin.page.waitForLoadState();
    assert.equal(await admin.page.locator('#s-smtp_password').inputValue(), '');
    assert.ok(!(await admin.page.content()).includes('pass-for-smtp-1'));
    assert.match(await admin.page.locator('label[for=s-smtp_password]').textContent(), /पासवर्ड सहेजा हुआ है/);
    assert.equal(await admin.page.locator('#s-smtp_host').inputValue(), 'smtp.example.com');
    await admin.page.screenshot({ path: path.join(artifacts, 'tips-settings-1280.png'), fullPage: true });
    await admin.ctx.close();
  });

  test('the form works without JavaScript', async () => {
    const ctx = await browser.newContext({ viewport: { width: 360, height: 780 }, locale: 'hi-IN', javaScriptEnabled: false });
    const page = await ctx.newPage();
    await page.goto(site.base + '/tips');
    await fillAndSend(page, { body: 'बिना जावास्क्रिप्ट के भेजी गई खबर: नाले की सफ़ाई नहीं हुई।', place: 'गया', name: '', contact: '', kind: 'सुझाव' });
    assert.match(page.url(), /\/tips\/sent\?ref=KH-/);
    await ctx.close();
  });

  test('the form warns about a photo over 10 MB before sending it', async () => {
    const { ctx, page } = await open(360, 780);
    await page.goto(site.base + '/tips');
    await page.locator('#tip-photo').setInputFiles({ name: 'बड़ी.jpg', mimeType: 'image/jpeg', buffer: Buffer.alloc(11 * 1024 * 1024) });
    const warn = page.locator('#tip-check');
    assert.equal(await warn.isVisible(), true);
    assert.match(await warn.textContent(), /हर फ़ोटो 10 MB तक ही हो सकती है/);
    await ctx.close();
  });

  test('a stale form (its cookie gone) comes back with the text, and goes the second time', async () => {
    const { ctx, page, errors } = await open(360, 780);
    await page.goto(site.base + '/tips');
    await ctx.clearCookies();
    const body = 'पुराने टैब से भेजी गई खबर: पुल की रेलिंग टूटी हुई है।';
    await fillAndSend(page, { body, place: 'दरभंगा', name: 'मीना', contact: '' });
    assert.match(await page.locator('#tip-error').textContent(), /फ़ॉर्म पुराना हो गया था/);
    assert.equal(await page.locator('#tip-body').inputValue(), body);
    assert.equal(await page.locator('#tip-place').inputValue(), 'दरभंगा');
    await page.screenshot({ path: path.join(artifacts, 'tip-stale-360.png'), fullPage: true });
    await page.locator('input[name=consent]').check();
    await advance(5);
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'भेजें' }).click()]);
    assert.match(page.url(), /\/tips\/sent\?ref=KH-/);
    // The stale answer is a 403, which the console notes; nothing else.
    assert.deepEqual(errors.filter((e) => !/status of 403/.test(e)), []);
    await ctx.close();
  });

  test('beyond the limit the reader gets the Hindi 429 page', async () => {
    // Use up this address's tips with plain requests, then send from the browser.
    const { ctx, page } = await open(360, 780);
    await page.goto(site.base + '/tips');
    // Each carries the form's token, so each reaches the handler and counts.
    for (let i = 0; i < 12; i++)
      await page.evaluate(() => fetch('/tips', { method: 'POST', body: new FormData(document.querySelector('.tip-form')) }));
    await fillAndSend(page, { body: 'सीमा के बाद भेजी गई एक और खबर का विवरण', place: 'पटना', name: '', contact: '' });
    assert.equal(await page.locator('h1').textContent(), 'थोड़ी देर बाद फिर भेजें');
    assert.match(await page.locator('.tip-page').textContent(), /मिनट बाद/);
    await page.screenshot({ path: path.join(artifacts, 'tip-429-360.png'), fullPage: true });
    await ctx.close();
  });
});
