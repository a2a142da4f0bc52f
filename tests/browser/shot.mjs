// Screenshot a console page as a logged-in user (a development aid):
// node shot.mjs BASE USER PASSWORD PATH OUT.png
import { chromium } from 'playwright-core';
const [base, user, password, path, out] = process.argv.slice(2);
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'] });
const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
await page.goto(`${base}/console/login`);
await page.fill('#username', user);
await page.fill('#password', password);
await Promise.all([page.waitForNavigation(), page.click('form[action="/console/login"] button[type=submit]')]);
await page.goto(`${base}${path}`);
await page.screenshot({ path: out, fullPage: true });
await browser.close();
