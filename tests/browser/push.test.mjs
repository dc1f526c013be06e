// The reader's side of push notifications in Debian's Chromium: the prompt
// waits for engagement (never on first paint), the service worker
// registers from the site root, "yes" leads to the browser's permission
// request (granted through the browser context) and then to a stored
// subscription. This machine cannot reach a real push service, so
// PushManager.subscribe is stubbed with a subscription made here; the rest
// (the key fetch, the POST, the server's checks) is real. Over the limit of
// new subscriptions per address, the page shows the server's Hindi reason.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, describe, test } from 'node:test';

import { launchChromium } from '../lib/browser.mjs';
import { startSite } from '../lib/khabar.mjs';

const SEED = '/news/bharat-israel-raksha-sahyog-par-samjhauta-gyapan-par-hastakshar';
let site, browser;

before(async () => {
  // The browser's requests come from the address served on: that must be
  // the site's own origin (base_url), or the push endpoints refuse them.
  site = await startSite({ articles: 10, ownUrl: true });
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  await site?.stop();
});

// A subscription as a browser's push service would make it.
function subscription() {
  const ecdh = crypto.createECDH('prime256v1');
  ecdh.generateKeys();
  return {
    endpoint: 'https://fcm.googleapis.com/fcm/send/browser-test-' + crypto.randomBytes(6).toString('hex'),
    expirationTime: null,
    keys: { p256dh: ecdh.getPublicKey().toString('base64url'), auth: crypto.randomBytes(16).toString('base64url') },
  };
}

// A phone-sized context whose permission requests and push subscriptions
// are observed; subscribe() answers with a subscription made in node.
async function phone() {
  const ctx = await browser.newContext({ viewport: { width: 360, height: 740 }, locale: 'hi-IN' });
  const sub = subscription();
  await ctx.addInitScript((s) => {
    window.__asked = 0;
    window.__subscribed = null;
    const ask = Notification.requestPermission.bind(Notification);
    Notification.requestPermission = () => { window.__asked++; return ask(); };
    PushManager.prototype.getSubscription = function () { return Promise.resolve(null); };
    PushManager.prototype.subscribe = function (opts) {
      window.__subscribed = { userVisibleOnly: opts.userVisibleOnly, keyLength: new Uint8Array(opts.applicationServerKey).length };
      return Promise.resolve({ endpoint: s.endpoint, toJSON: () => s, unsubscribe: () => Promise.resolve(true) });
    };
  }, sub);
  const page = await ctx.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  return { ctx, page, sub, errors };
}

describe('the push prompt', () => {
  test('not on first paint; after scrolling a story; yes asks permission and subscribes', async () => {
    const { ctx, page, sub, errors } = await phone();
    await page.goto(site.base + SEED, { waitUntil: 'load' });
    // The service worker registers from the root, with the whole site as scope.
    const sw = await page.evaluate(() => navigator.serviceWorker.ready.then((r) => ({ url: r.active && r.active.scriptURL, scope: r.scope })));
    assert.equal(sw.url, site.base + '/sw.js');
    assert.equal(sw.scope, site.base + '/');
    // The script has decided to wait for engagement (no timer is set).
    await page.locator('html[data-push-ask="waits"]').waitFor({ state: 'attached' });
    assert.equal(await page.locator('.push-ask').count(), 0, 'no prompt on a first view without engagement');
    // Scrolling into the story is engagement.
    await page.evaluate(() => window.scrollTo(0, document.querySelector('article .body').offsetTop + 400));
    const ask = page.locator('.push-ask');
    await ask.waitFor({ timeout: 3000 });
    assert.equal(await ask.locator('.push-ask-t').innerText(), 'नई खबरों की सूचना पाएँ?');
    assert.equal(await ask.evaluate((e) => getComputedStyle(e).position), 'fixed', 'an overlay: no layout shift');
    assert.equal(await page.evaluate(() => window.__asked), 0, 'no permission request before yes');
    await ctx.grantPermissions(['notifications'], { origin: site.base });
    const posted = page.waitForResponse((r) => r.url().endsWith('/api/v1/push/subscribe'));
    await ask.locator('.push-yes').click();
    const res = await posted;
    assert.equal(res.status(), 200);
    assert.deepEqual(await res.json(), { subscribed: true, topics: ['all'] });
    assert.equal(await page.evaluate(() => window.__asked), 1, 'yes led to the permission request');
    assert.deepEqual(await page.evaluate(() => window.__subscribed), { userVisibleOnly: true, keyLength: 65 });
    await page.locator('.push-ask-t', { hasText: 'सूचनाएँ चालू हो गईं' }).waitFor();
    // The server has it.
    const st = await (await fetch(site.base + '/api/v1/push/status', { method: 'POST', headers: { 'content-type': 'application/json', origin: site.origin }, body: JSON.stringify({ endpoint: sub.endpoint }) })).json();
    assert.deepEqual(st, { subscribed: true, topics: ['all'] });
    // Subscribed readers are not asked again.
    await page.goto(site.base + '/', { waitUntil: 'load' });
    // A second view: after its delay the script decides, and does not ask.
    await page.locator('html[data-push-ask="no"]').waitFor({ state: 'attached', timeout: 8000 });
    assert.equal(await page.locator('.push-ask').count(), 0);
    assert.deepEqual(errors, []);
    await ctx.close();
  });

  test('a second page view is engagement too; "not now" is remembered', async () => {
    const { ctx, page, errors } = await phone();
    await page.goto(site.base + '/', { waitUntil: 'load' });
    await page.locator('html[data-push-ask="waits"]').waitFor({ state: 'attached' });
    assert.equal(await page.locator('.push-ask').count(), 0);
    await page.goto(site.base + '/category/raksha', { waitUntil: 'load' });
    await page.locator('.push-ask').waitFor({ timeout: 4000 });
    await page.locator('.push-no').click();
    assert.equal(await page.locator('.push-ask').count(), 0);
    assert.equal(await page.evaluate(() => window.__asked), 0);
    await page.goto(site.base + '/', { waitUntil: 'load' });
    await page.locator('html[data-push-ask="no"]').waitFor({ state: 'attached', timeout: 8000 });
    assert.equal(await page.locator('.push-ask').count(), 0, 'not asked again after "not now"');
    assert.deepEqual(errors, []);
    await ctx.close();
  });

  test('the manage page offers every category and saves the chosen ones', async () => {
    const { ctx, page, sub, errors } = await phone();
    await ctx.grantPermissions(['notifications'], { origin: site.base });
    await page.goto(site.base + '/push', { waitUntil: 'load' });
    await page.locator('#push-manage').waitFor();
    assert.ok(await page.locator('input[name=topic]').count() >= 10);
    await page.locator('input[value=all]').uncheck();
    await page.locator('input[value=raksha]').check();
    await page.locator('input[value=khel]').check();
    const posted = page.waitForResponse((r) => r.url().endsWith('/api/v1/push/subscribe'));
    await page.locator('#push-manage button[type=submit]').click();
    assert.deepEqual((await (await posted).json()).topics.sort(), ['khel', 'raksha']);
    await page.locator('#push-status', { hasText: 'सहेज ली गई' }).waitFor();
    const st = await (await fetch(site.base + '/api/v1/push/status', { method: 'POST', headers: { 'content-type': 'application/json', origin: site.origin }, body: JSON.stringify({ endpoint: sub.endpoint }) })).json();
    assert.deepEqual(st.topics.sort(), ['khel', 'raksha']);
    assert.deepEqual(errors, []);
    await ctx.close();
  });

  test('over the limit of new subscriptions from one address, the page says when to try again', async () => {
    // This browser and node share 127.0.0.1: use up its 20 an hour.
    for (let i = 0; i < 21; i++) {
      const r = await fetch(site.base + '/api/v1/push/subscribe', {
        method: 'POST', headers: { 'content-type': 'application/json', origin: site.origin }, body: JSON.stringify({ subscription: subscription() }),
      });
      if (r.status === 429) break;
      assert.equal(r.status, 200, await r.text());
    }
    const { ctx, page, errors } = await phone();
    await ctx.grantPermissions(['notifications'], { origin: site.base });
    await page.goto(site.base + '/push', { waitUntil: 'load' });
    await page.locator('#push-manage').waitFor();
    const posted = page.waitForResponse((r) => r.url().endsWith('/api/v1/push/subscribe'));
    await page.locator('#push-manage button[type=submit]').click();
    assert.equal((await posted).status(), 429);
    const said = page.locator('#push-status', { hasText: 'मिनट बाद फिर कोशिश करें' });
    await said.waitFor();
    assert.match(await said.innerText(), /^सहेजा नहीं जा सका: इस इंटरनेट कनेक्शन से एक घंटे में 20 से ज़्यादा ब्राउज़रों पर सूचनाएँ चालू नहीं की जा सकतीं। कृपया \d+ मिनट बाद फिर कोशिश करें।$/);
    assert.deepEqual(errors, []);
    await ctx.close();
  });
});
