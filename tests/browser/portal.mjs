// Headless Chromium walk through the real server: an application from the portal form to
// a delivered reply letter, and axe-core on every page type visited.
// Usage: node portal.mjs BASE_URL PASSWORD   (run by tests/it/browser.rs)
import { chromium } from 'playwright-core';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const [base, password] = process.argv.slice(2);
const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const executablePath = process.env.CHROMIUM || '/usr/bin/chromium';

const browser = await chromium.launch({
  executablePath,
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
         '--disable-component-update', '--disable-sync'],
});
const failures = [];
const check = (cond, what) => { if (!cond) failures.push(what); };

async function axe(page, label) {
  // Evaluated through the DevTools protocol: the pages' CSP forbids inline scripts.
  await page.evaluate(axeSource);
  const result = await page.evaluate(async () => await window.axe.run(document, { resultTypes: ['violations'] }));
  const bad = result.violations.filter(v => v.impact === 'serious' || v.impact === 'critical');
  for (const v of bad) failures.push(`axe ${label}: ${v.id} (${v.impact}) ${v.nodes.map(n => n.target.join(' ')).join(', ')}`);
  console.log(`axe ${label}: ${result.violations.length} violations, ${bad.length} serious or critical`);
}

async function login(context, user) {
  const page = await context.newPage();
  await page.goto(`${base}/console/login`);
  await axe(page, 'console login');
  await page.fill('#username', user);
  await page.fill('#password', password);
  await Promise.all([page.waitForNavigation(), page.click('main button[type=submit]')]);
  check(page.url().endsWith('/console'), `${user} logged in (at ${page.url()})`);
  return page;
}

try {
  // 1. The public applies.
  const pub = await (await browser.newContext()).newPage();
  await pub.goto(`${base}/`);
  await axe(pub, 'portal home');
  await pub.goto(`${base}/apply/gzmz`);
  await axe(pub, 'application form');
  await pub.selectOption('#applicant_kind', 'natural_person');
  await pub.fill('#applicant_name', '浏览器测试');
  await pub.selectOption('#id_kind', 'resident_id');
  await pub.fill('#id_number', '11010519491231002X');
  await pub.fill('#phone', '13812345678');
  await pub.fill('#email', 'browser@example.com');
  await pub.fill('#info_title', '2025年度养老服务补贴发放情况');
  await pub.selectOption('#delivery_form', '电子数据');
  await pub.selectOption('#delivery_method', '电子邮件');
  await Promise.all([pub.waitForNavigation(), pub.click('main button[type=submit]')]);
  await axe(pub, 'receipt');
  const code = (await pub.textContent('code.secret')).trim();
  const serial = (await pub.textContent('strong')).trim();
  check(/^[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}$/.test(code), `query code shown (${code})`);
  console.log(`applied: ${serial}`);

  // 2. Staff start at their desk: the counts lead to the register, which filters by year.
  const staff = await login(await browser.newContext(), 'gzmz.staff');
  await axe(staff, 'console desk');
  check((await staff.content()).includes('待办事项'), 'the desk lists the to-dos');
  await Promise.all([staff.waitForNavigation(), staff.click('a:has-text("待确认收到的网上申请")')]);
  await axe(staff, 'applications register');
  check((await staff.content()).includes(serial), `the new online application is on the register (${serial})`);
  await staff.selectOption('#r-status', '');
  await staff.selectOption('#r-channel', '');
  await staff.selectOption('#r-year', '2020');
  await Promise.all([staff.waitForNavigation(), staff.click('form.filters button[type=submit]')]);
  const reg = await staff.content();
  check(/共 \d+ 件/.test(reg) && reg.includes('GZMZ-2020-'), 'the register filtered to 2020');
  check(!reg.includes(serial), 'the new application is not a 2020 one');

  // Staff confirm receipt from the inbox.
  await staff.goto(`${base}/console/orgs`);
  await staff.click('text=广州市民政局');
  await staff.click('text=依申请公开');
  await axe(staff, 'console inbox');
  await staff.click(`text=${serial}`);
  await axe(staff, 'handling screen');
  check((await staff.content()).includes('11010519491231002X'), 'handling screen shows the full ID');
  await staff.selectOption('#type', 'receipt_confirmed');
  await Promise.all([staff.waitForNavigation(), staff.click('form.stack button[type=submit]')]);
  check((await staff.content()).includes('办理中'), 'receipt confirmed');

  // 3. The approver replies and records delivery.
  const approver = await login(await browser.newContext(), 'gzmz.approver');
  await approver.goto(staff.url());
  await approver.selectOption('#type', 'replied');
  await approver.selectOption('#outcome', 'disclosed');
  await approver.fill('#summary', '所申请信息已通过电子邮件发送。');
  await Promise.all([approver.waitForNavigation(), approver.click('form.stack button[type=submit]')]);
  await approver.selectOption('#type', 'delivered');
  await Promise.all([approver.waitForNavigation(), approver.click('form.stack button[type=submit]')]);
  check((await approver.content()).includes('已送达'), 'delivered');
  await approver.click('a:has-text("政府信息公开申请答复告知书")');
  const letter = await approver.content();
  check(letter.includes('政府信息公开申请答复告知书') && letter.includes('予以公开'), 'reply letter');

  // 4. The applicant sees the reply.
  await pub.goto(`${base}/track`);
  await axe(pub, 'tracking form');
  await pub.fill('#code', code);
  await Promise.all([pub.waitForNavigation(), pub.click('main button[type=submit]')]);
  await axe(pub, 'tracking result');
  const tracked = await pub.content();
  check(tracked.includes('所申请信息已通过电子邮件发送。'), 'applicant sees the delivered reply');
  check(tracked.includes('政府信息公开申请答复告知书') && tracked.includes('class="letter"'), 'the tracking page shows the reply letter');
  check(!tracked.includes('11010519491231002X'), 'ID masked for the applicant');

  // 5. Proactive disclosure: drafted, approved, published, found by search in both scripts.
  await staff.goto(`${base}/console/orgs`);
  const cityId = (await staff.getAttribute('a[href^="/console/orgs/"]:text("广州市民政局")', 'href')).split('/').pop();
  await staff.goto(`${base}/console/orgs/${cityId}/catalog`);
  await axe(staff, 'console catalog list');
  await staff.goto(`${base}/console/orgs/${cityId}/catalog/new`);
  await axe(staff, 'console item form');
  await staff.selectOption('#column', 'normative');
  await staff.selectOption('#kind', 'normative');
  await staff.fill('#title', '广州市长者助餐服务管理办法');
  await staff.fill('#doc_number', '穗民规字〔2026〕88号');
  await staff.fill('#summary', '规范长者饭堂助餐服务');
  await staff.fill('#body', '第一条 为规范长者助餐服务，保障老年人用餐安全，制定本办法。');
  await Promise.all([staff.waitForNavigation(), staff.click('form[aria-labelledby=form-h] button[type=submit]')]);
  const itemUrl = staff.url();
  await Promise.all([staff.waitForNavigation(), staff.click('text=提交审核')]);
  await approver.goto(itemUrl);
  await axe(approver, 'console item review');
  await Promise.all([approver.waitForNavigation(), approver.click('text=审核通过并发布')]);
  const published = await approver.content();
  check(published.includes('已发布') && /\/20\d\d-\d{5}/.test(published), 'item published with an index number');
  await approver.goto(`${base}/console/orgs/${cityId}/columns`);
  await axe(approver, 'console columns');
  await approver.goto(`${base}/console/orgs/${cityId}/catalog/assessment?year=2017`);
  await axe(approver, 'console assessment');
  await approver.goto(`${base}/console/orgs/${cityId}/catalog/import`);
  await axe(approver, 'console import');

  // The annual report is written as sections; figures are picked from a list, not typed.
  await staff.goto(`${base}/console/orgs/${cityId}/annual/2025`);
  await axe(staff, 'annual report editor');
  check(!(await staff.inputValue('#s1')).includes('<p>'), 'the editor shows plain text, not HTML');
  await staff.fill('#s1', '本年新收申请');
  await staff.selectOption('#pick-s1', '新收申请数');
  await staff.click('button[data-insert="s1"]');
  check((await staff.inputValue('#s1')) === '本年新收申请{{新收申请数}}', `placeholder inserted (${await staff.inputValue('#s1')})`);

  const reader = await (await browser.newContext()).newPage();
  await reader.goto(`${base}/search?q=${encodeURIComponent('長者助餐')}`);
  await axe(reader, 'search results (Traditional query)');
  const hit = reader.locator('ol.hits a').first();
  check(await hit.count() === 1, 'Traditional query finds the Simplified document');
  await Promise.all([reader.waitForNavigation(), hit.click()]);
  await axe(reader, 'document page');
  check((await reader.content()).includes('穗民规字〔2026〕88号'), 'document page shows the document number');
  await reader.goto(`${base}/o/gzmz`);
  await axe(reader, 'organisation page');
  await reader.goto(`${base}/o/gzmz/c/normative?year=2017`);
  await axe(reader, 'column page');
  check((await reader.content()).includes('mark-invalid'), 'invalid 2017 documents are marked');
  await reader.goto(`${base}/o/gzmz/guide`);
  await axe(reader, 'guide');
  await reader.goto(`${base}/o/gzmz/catalog`);
  await axe(reader, 'catalog');
  // Reading aids, all without JavaScript: Traditional, pinyin, large text, high contrast.
  await reader.goto(`${base}/o/gzmz/c/normative?zh=hant&py=1&size=large&contrast=high`);
  await axe(reader, 'column page, Traditional with pinyin, large text, high contrast');
  const aided = await reader.content();
  check(aided.includes('<ruby>') && aided.includes('規範性文件'), 'pinyin and Traditional');
  await reader.goto(`${base}/o/gzmz`);
  check((await reader.content()).includes('aid-contrast'), 'preferences remembered');
  // The error page's "返回上一页" works under the CSP (no inline script, no javascript: URL).
  await reader.goto(`${base}/o/gzmz/guide`);
  await reader.goto(`${base}/info/99999999`);
  check(/[页頁]面不存在/.test(await reader.content()), 'Chinese 404 page (Traditional, as this reader chose)');
  await Promise.all([reader.waitForURL(`${base}/o/gzmz/guide`), reader.click('a[data-back]')]);
  check(reader.url() === `${base}/o/gzmz/guide`, `back link returns to the previous page (at ${reader.url()})`);

  // 6. Reading on a phone (390 px): no page scrolls sideways; wide tables scroll in their box.
  const phone = await (await browser.newContext({ viewport: { width: 390, height: 844 } })).newPage();
  const docLink = await reader.locator('a[href^="/info/"]').first().getAttribute('href').catch(() => null);
  const pages = ['/', '/o/gzmz', '/o/gzmz/c/normative', '/o/gzmz/c/normative?year=2017', '/o/gzmz/guide',
    '/o/gzmz/catalog', '/o/gzmz/reports', '/o/gzmz/reports/2020', '/search?q=%E5%85%BB%E8%80%81', '/apply',
    '/apply/gzmz', '/track', '/info/99999999', '/o/gzmz/c/normative?zh=hant&py=1&size=large'];
  if (docLink) pages.push(docLink);
  for (const p of pages) {
    await phone.goto(`${base}${p}`);
    const [sw, iw] = await phone.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
    check(sw <= iw, `no sideways scroll at 390 px on ${p} (page ${sw} px wide)`);
  }
  // At desktop width the report's table headers keep at least two characters per line.
  const desk = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
  await desk.goto(`${base}/o/gzmz/reports/2020`);
  const narrow = await desk.evaluate(() => [...document.querySelectorAll('table th')]
    .filter(th => th.textContent.trim().length > 2)
    .filter(th => th.getBoundingClientRect().width < 2.2 * parseFloat(getComputedStyle(th).fontSize))
    .map(th => th.textContent.trim()));
  check(narrow.length === 0, `report headers readable at 1280 px (one character per line: ${narrow.slice(0, 5).join(' | ')})`);
} catch (e) {
  failures.push(`exception: ${e.stack || e}`);
} finally {
  await browser.close();
}
if (failures.length) {
  console.error(failures.join('\n'));
  process.exit(1);
}
console.log('browser walk: all checks passed');
