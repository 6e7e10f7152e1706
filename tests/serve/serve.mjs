// shiftsim serve in Debian's Chromium, driven by playwright-core over the DevTools protocol.
// Environment: SHIFTSIM_URL (the server), CHROMIUM (the browser), OUT (screenshots, downloads).
import { chromium } from 'playwright-core';
import { readFileSync } from 'node:fs';
import assert from 'node:assert/strict';

const url = process.env.SHIFTSIM_URL, out = process.env.OUT;
const log = (...a) => console.log('serve.mjs:', ...a);

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM,
  headless: true,
  // As root the sandbox will not start; the rest keeps Chromium off the (closed) network.
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
         '--disable-component-update', '--disable-sync'],
});
const outside = [];
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
  const page = await context.newPage();
  const errors = [];
  page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('request', (r) => { if (!r.url().startsWith(url)) outside.push(r.url()); });

  // 1. The page opens on a plan from the library with its interventions.
  await page.goto(url);
  await page.waitForSelector('body[data-ready="1"]');
  const plan = await page.inputValue('#library');
  assert.equal(plan, 'prevention_invest_to_save.json', 'the page opens on the first library plan with interventions');
  const rows = await page.locator('#interventions tbody tr').count();
  assert.ok(rows >= 5, `the plan shows its interventions (${rows})`);
  await page.screenshot({ path: `${out}/serve-page.png` });

  // 2. Change a budget (the first intervention's) and take a quick look: the chart draws.
  const budget = page.locator('[data-path="/interventions/1/budget"]');
  await budget.fill('2500000');
  await page.waitForTimeout(400);
  await page.click('#quick');
  await page.waitForSelector('body[data-run-state="done"]', { timeout: 120000 });
  const first = await page.getAttribute('#chart', 'data-updates');
  assert.equal(first, '1', 'the chart was drawn once');
  const line = await page.getAttribute('#chart path[data-line="mean"]', 'd');
  assert.ok(line && line.split('L').length >= 4, `the chart has a line over the years (${line})`);
  const npvQuick = await page.locator('#figures .tile').nth(1).locator('.value').textContent();
  log('quick look with a 2.5m stop-smoking budget: NPV', npvQuick);

  // 3. The full comparison (small, to be quick here): progress, then the chart updates again.
  await page.fill('#replicates', '2');
  await page.fill('#scale', '0.02');
  await page.click('#full');
  await page.waitForSelector('body[data-run-state="running"], body[data-run-state="queued"]');
  await page.waitForSelector('body[data-run-state="done"]', { timeout: 300000 });
  assert.equal(await page.getAttribute('#chart', 'data-updates'), '2', 'the chart updated with the full comparison');
  assert.equal(await page.getAttribute('#bar', 'aria-valuenow'), '100');
  assert.equal(await page.locator('#plans tbody tr').count(), 2, 'both runs are side by side');
  await page.screenshot({ path: `${out}/serve-answer.png`, fullPage: true });

  // 4. Download the workbook: an xlsx (a zip) with the finance model's sheets.
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#downloads a[data-download="workbook"]')]);
  const file = `${out}/downloaded.xlsx`;
  await download.saveAs(file);
  const bytes = readFileSync(file);
  assert.equal(bytes.subarray(0, 2).toString('latin1'), 'PK', 'the workbook is a zip');
  assert.ok(bytes.includes(Buffer.from('xl/worksheets/sheet1.xml')), 'the workbook has sheets');
  log('downloaded the workbook:', bytes.length, 'bytes');
  const [paper] = await Promise.all([page.waitForEvent('download'), page.click('#downloads a[data-download="report"]')]);
  await paper.saveAs(`${out}/downloaded.html`);
  assert.ok(readFileSync(`${out}/downloaded.html`, 'utf8').includes('id="decision"'), 'the board paper downloads');

  // 5. A bad value: a negative budget gets check's message next to its field, and no run starts.
  await budget.fill('-5');
  const message = page.locator('[data-error-for="/interventions/1/budget"]');
  await message.filter({ hasText: 'must be >= 0' }).waitFor({ timeout: 10000 });
  assert.ok(await budget.evaluate((e) => e.classList.contains('bad')), 'the field is marked');
  assert.ok(await page.isDisabled('#full'), 'a plan with a problem cannot be run');
  log('bad value:', await message.textContent());
  // Ages typed as words: the schema's message, at the targeting field.
  await budget.fill('2500000');
  await page.fill('[data-path="/interventions/0/targeting/ages"]', 'old people');
  await page.locator('[data-error-for="/interventions/0/targeting/ages"]').filter({ hasText: /must be a list/ }).waitFor({ timeout: 10000 });
  await page.screenshot({ path: `${out}/serve-bad-value.png` });
  await page.fill('[data-path="/interventions/0/targeting/ages"]', '');
  await page.waitForFunction(() => document.querySelector('[data-error-for="/interventions/0/targeting/ages"]').textContent === '' &&
                                   !document.querySelector('#full').disabled, null, { timeout: 10000 });

  // 6. Two users at once: A starts a longer run; while it runs B starts one (queued behind it);
  // A cancels its own; A's stops, B's runs and finishes.
  const contextB = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const pageB = await contextB.newPage();
  await pageB.goto(url);
  await pageB.waitForSelector('body[data-ready="1"]');
  await page.fill('#replicates', '6');
  await page.fill('#scale', '0.05');
  await page.click('#full');
  await page.waitForSelector('body[data-run-state="running"]', { timeout: 60000 });
  await pageB.fill('#replicates', '2');
  await pageB.fill('#scale', '0.02');
  await pageB.click('#full');
  await pageB.waitForSelector('body[data-run-state="queued"], body[data-run-state="running"]');
  await page.click('#cancel');
  await page.waitForSelector('body[data-run-state="cancelled"]', { timeout: 120000 });
  await pageB.waitForSelector('body[data-run-state="done"]', { timeout: 300000 });
  assert.equal(await pageB.locator('#plans tbody tr').count(), 1, "B's run finished although A cancelled its own");
  assert.equal(await page.locator('#plans tbody tr').count(), 2, "A's cancelled run added no answer");
  log("two users: A's running comparison cancelled, B's queued one then ran and finished");
  await contextB.close();

  assert.deepEqual(errors, [], 'no console errors or warnings');
  assert.deepEqual(outside, [], 'nothing fetched from outside the server');
  log('OK');
} finally {
  await browser.close();
}
