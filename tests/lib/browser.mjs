// Debian's Chromium for the browser tests, through playwright-core (never a
// downloaded browser): headless, no sandbox (containers), and none of the
// background traffic a fresh profile would start.
import { chromium } from 'playwright-core';

export function launchChromium() {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}
