// The newsroom's push alerts in Debian's Chromium (playwright-core): an
// editor on a laptop writes a story, marks it breaking (which turns
// "सूचना भेजें" on), publishes it, and the loopback mock push service
// receives it; the history then shows it delivered. On a phone the editor
// sends a manual alert to one category. Screenshots of the manual alert
// page and the history at 360 and 1280 px go to tests/artifacts/.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import ece from 'http_ece';

import { launchChromium, newsroomLogin, openPage } from '../lib/browser.mjs';
import { khabar, root, startSite, tempDir, until } from '../lib/khabar.mjs';
import { addUser, PASSWORD } from '../lib/newsroom.mjs';
import { fakeBrowser, makeCert, startMock } from '../lib/pushmock.mjs';

const artifacts = path.join(root, 'tests', 'artifacts');
const TITLE = 'भूकंप के झटके, दिल्ली-एनसीआर में लोग घरों से बाहर निकले';
let t, site, browser, mock;
const subs = {};

before(async () => {
  mkdirSync(artifacts, { recursive: true });
  t = tempDir();
  const cert = makeCert(t.dir);
  process.env.KHABAR_PUSH_TEST_CA = cert.caFile;
  mock = await startMock(cert);
  site = await startSite({ articles: 10 });
  addUser(site.db, 'sita', 'editor', 'सीता वर्मा');
  for (const [name, topics] of [['all', ['all']], ['khel', ['khel']]]) {
    const b = fakeBrowser(`${mock.base}/ok/${name}`);
    const r = await fetch(site.base + '/api/v1/push/subscribe', {
      method: 'POST', headers: { 'content-type': 'application/json', origin: site.origin }, body: JSON.stringify({ subscription: b.json, topics }),
    });
    assert.equal(r.status, 200);
    subs[name] = b;
  }
  // A few older alerts, so the history has numbers to show.
  for (const title of ['सुबह की बड़ी खबरें', 'मौसम: आज बारिश की संभावना'])
    assert.equal(khabar(['push', 'send', '--db', site.db, '--title', title, '--url', '/category/desh']).status, 0);
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  await site?.stop();
  await mock?.close();
  t?.remove();
});

async function open(width, height = 800) {
  const { ctx, page, errors } = await openPage(browser, width, height);
  await newsroomLogin(page, site.base, 'sita', PASSWORD);
  return { ctx, page, errors };
}

const received = (name) => mock.requests.filter((q) => q.path === `/ok/${name}`).map((q) =>
  JSON.parse(ece.decrypt(q.body, { version: 'aes128gcm', privateKey: subs[name].ecdh, authSecret: subs[name].auth }).toString()));

describe('push alerts in the newsroom', () => {
  test('breaking news turns "सूचना भेजें" on; publishing sends it; the history shows it delivered', async () => {
    const { ctx, page, errors } = await open(1280);
    await page.goto(site.base + '/newsroom/articles/new');
    await page.locator('#f-title').fill(TITLE);
    await page.locator('#f-summary').fill('रिक्टर पैमाने पर 4.6 तीव्रता; किसी नुकसान की खबर नहीं।');
    await page.locator('#f-body').fill('नई दिल्ली। शाम को भूकंप के झटके महसूस किए गए।');
    await page.locator('#f-category').selectOption('desh');
    const notify = page.getByLabel('सूचना भेजें');
    assert.equal(await notify.isChecked(), false, 'off for ordinary news');
    await page.getByLabel('ब्रेकिंग न्यूज़').check();
    assert.equal(await notify.isChecked(), true, 'on once the story is breaking');
    await page.locator('.box-flow').screenshot({ path: path.join(artifacts, 'newsroom-editor-notify-1280.png') });
    await page.getByRole('button', { name: 'अभी प्रकाशित करें' }).click();
    await page.waitForURL(/alert=sent/);
    await page.getByText('सूचना भेज दी गई।').waitFor();
    await until('the push message', () => received('all').some((p) => p.title === TITLE));
    assert.ok(!received('khel').some((p) => p.title === TITLE), 'a khel-only reader gets no desh story');

    await page.getByRole('navigation', { name: 'न्यूज़रूम' }).getByRole('link', { name: 'सूचनाएँ' }).click();
    await page.waitForURL(/\/newsroom\/alerts$/);
    const row = page.locator('tbody tr').first();
    await until('the delivered count', async () => {
      await page.reload();
      return (await row.locator('td').nth(1).textContent()) === '1';
    });
    assert.match(await row.textContent(), new RegExp(TITLE));
    assert.match(await row.textContent(), /सीता वर्मा/);
    await page.screenshot({ path: path.join(artifacts, 'newsroom-alerts-1280.png'), fullPage: true });
    await page.goto(site.base + '/newsroom/alerts/new');
    await page.screenshot({ path: path.join(artifacts, 'newsroom-alert-new-1280.png'), fullPage: true });
    assert.deepEqual(errors, []);
    await ctx.close();
  });

  test('on a phone: a manual alert to one category', async () => {
    const { ctx, page, errors } = await open(360, 740);
    await page.goto(site.base + '/newsroom/alerts/new');
    await page.getByLabel('सूचना का शीर्षक').fill('क्रिकेट: भारत ने सीरीज़ जीती');
    await page.getByLabel('सूचना का पाठ').fill('आख़िरी मैच में 6 विकेट से जीत');
    await page.getByLabel('लिंक').fill('/category/khel');
    await page.getByLabel('किसे भेजें').selectOption('khel');
    await page.screenshot({ path: path.join(artifacts, 'newsroom-alert-new-360.png'), fullPage: true });
    await page.getByRole('button', { name: 'सूचना भेजें' }).click();
    await page.waitForURL(/\/newsroom\/alerts\?sent=\d+$/);
    await page.getByText('सूचना भेज दी गई।').waitFor();
    await until('the push message', () => received('khel').some((p) => p.title === 'क्रिकेट: भारत ने सीरीज़ जीती'));
    await page.reload();
    await page.screenshot({ path: path.join(artifacts, 'newsroom-alerts-360.png'), fullPage: true });
    // Nothing wider than the phone.
    assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= 360));
    assert.deepEqual(errors, []);
    await ctx.close();
  });
});
