/**
 * Screenshots of the dashboard for the README: signs in to a running service with a
 * reports:read key and writes docs/screenshots/dashboard-1280.png and dashboard-390.png (full
 * page), in Debian's chromium through playwright-core (never a downloaded browser).
 *
 *   npx tsx scripts/screenshots.ts --url http://127.0.0.1:3000 --key dm_… [--out docs/screenshots]
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { chromium, type Browser } from 'playwright-core';

const CHROMIUM = '/usr/bin/chromium';
const WIDTHS = [
  { width: 1280, height: 900 },
  { width: 390, height: 844 },
];

const { values } = parseArgs({
  options: {
    url: { type: 'string' },
    key: { type: 'string' },
    out: { type: 'string', default: 'docs/screenshots' },
  },
});
if (!values.url || !values.key) {
  process.stderr.write(
    'usage: tsx scripts/screenshots.ts --url http://127.0.0.1:PORT --key KEY [--out DIR]\n',
  );
  process.exit(2);
}

async function shoot(browser: Browser, url: string, key: string, out: string): Promise<void> {
  for (const viewport of WIDTHS) {
    const page = await browser.newPage({ viewport, deviceScaleFactor: 1 });
    await page.goto(new URL('/dashboard/', url).href);
    await page.fill('#key', key);
    await page.click('#signin-form button[type=submit]');
    await page.waitForFunction(
      () => {
        const denied = document.getElementById('denied');
        if (denied && !denied.hidden) throw new Error('the key was refused');
        const panels = [...document.querySelectorAll<HTMLElement>('.panel')];
        return panels.length > 0 && panels.every((el) => el.dataset.status === 'ready');
      },
      undefined,
      { timeout: 60_000 },
    );
    // Charts draw on the next frame after their data.
    await page.waitForTimeout(300);
    const file = path.join(out, `dashboard-${viewport.width}.png`);
    await page.screenshot({ path: file, fullPage: true });
    process.stdout.write(`wrote ${file}\n`);
    await page.close();
  }
}

mkdirSync(values.out, { recursive: true });
const browser = await chromium.launch({
  executablePath: CHROMIUM,
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu'],
});
try {
  await shoot(browser, values.url, values.key, values.out);
} finally {
  await browser.close();
}
