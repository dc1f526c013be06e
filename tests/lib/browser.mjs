// Debian's Chromium for the browser tests, through playwright-core (never a
// downloaded browser): headless, no sandbox (containers), and none of the
// background traffic a fresh profile would start.
import { chromium } from 'playwright-core';

export const CHROMIUM_ARGS = ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run'];

export function launchChromium() {
  return chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
}

// A new context (a phone or a laptop, in Hindi) and its page, with the
// page's errors, its requests and its dialogs (dismissed) recorded.
export async function openPage(browser, width, height = 800) {
  const ctx = await browser.newContext({ viewport: { width, height }, locale: 'hi-IN', deviceScaleFactor: 1 });
  const page = await ctx.newPage();
  const errors = [], requests = [], dialogs = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('request', (r) => requests.push(r.url()));
  page.on('dialog', (d) => { dialogs.push(d.message()); d.dismiss(); });
  return { ctx, page, errors, requests, dialogs };
}

// Logs user in through the newsroom's login form (sent to it from /newsroom).
export async function newsroomLogin(page, base, user, password) {
  await page.goto(base + '/newsroom');
  await page.waitForURL(/\/newsroom\/login/);
  await page.getByLabel('यूज़रनेम').fill(user);
  await page.getByLabel('पासवर्ड').fill(password);
  await page.getByRole('button', { name: 'लॉग इन' }).click();
  await page.waitForURL((u) => u.pathname === '/newsroom');
}
