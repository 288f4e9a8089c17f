// `report --format html` in a real browser (issue 15): Debian's chromium, headless, driven by
// playwright-core (no browser download). The page loads from file:// with no console error and no
// request but itself, every chart draws one series per provider of its data, tables sort, a
// screenshot is kept in test-artifacts/, and printing to PDF works.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser } from 'playwright-core';
import type { PeriodReport } from '../src/report/build.js';
import { jsonl, ROOT, run, tmpDir } from './helpers.js';
import { records, UNTIL } from './report-support.js';

const CHROMIUM = '/usr/bin/chromium';
const skip = existsSync(CHROMIUM) ? false : `${CHROMIUM} is not installed (.ci/run installs Debian's chromium)`;
const ARTIFACTS = join(ROOT, 'test-artifacts');
const dir = tmpDir('vtce-report-html-');
const html = join(dir, 'report.html');
let report: PeriodReport;
let browser: Browser | undefined;

before(async () => {
  // The hand-built logs, and mistral with only a recovery: in the recovery charts, not the errors chart.
  const log = join(dir, 'log.jsonl');
  writeFileSync(log, jsonl([...records(), { timestamp: '2026-11-21T08:00:00Z', provider: 'mistral', message: 'Successfully recovered from error', retry_count: 1 }]));
  const json = run(['report', log, '--until', UNTIL, '--format', 'json', '--quiet']);
  assert.equal(json.code, 0, json.stderr);
  report = JSON.parse(json.stdout) as PeriodReport;
  const page = run(['report', log, '--until', UNTIL, '--format', 'html', '--out', html, '--quiet']);
  assert.equal(page.code, 0, page.stderr);
  if (skip) return;
  const { chromium } = await import('playwright-core');
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'], timeout: 30_000 });
});
after(async () => {
  await browser?.close();
  rmSync(dir, { recursive: true, force: true });
});

test('the page is self-contained: uPlot, styles and data inlined, nothing fetched', { skip }, () => {
  const text = readFileSync(html, 'utf8');
  assert.ok(text.includes('uPlot'), 'uPlot inlined');
  assert.doesNotMatch(text, /<(script|link|img)[^>]+(src|href)=/i);
  assert.match(text, /@media print/);
});

test('in headless chromium: no console error, no network request, every chart drawn, tables sort, screenshot, PDF', { skip, timeout: 90_000 }, async () => {
  const page = await browser!.newPage({ viewport: { width: 1200, height: 900 } });
  page.setDefaultTimeout(15_000);
  const errors: string[] = [];
  const requests: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('request', (r) => requests.push(r.url()));
  const url = pathToFileURL(html).href;
  await page.goto(url, { waitUntil: 'load', timeout: 15_000 });
  await page.waitForFunction(() => (window as unknown as { __charts?: unknown[] }).__charts?.length === 4, undefined, { timeout: 10_000 });
  assert.deepEqual(errors, []);
  assert.deepEqual(requests, [url]);

  // One series per provider of each chart's data.
  const expected: Record<string, number> = {
    errors: report.trends.by_provider.filter((p) => p.current > 0).length,
    'rate-limits': report.rate_limit_usage.length,
    recovery: report.recovery.by_provider.length,
    attempts: new Set(report.recovery.attempts.map((a) => a.provider)).size,
  };
  assert.deepEqual(expected, { errors: 3, 'rate-limits': 4, recovery: 4, attempts: 4 });
  const charts = await page.evaluate(() => {
    const drawn = (window as unknown as { __charts: Array<{ id: string; series: number }> }).__charts;
    return drawn.map((c) => {
      const canvas = document.querySelector(`#chart-${c.id} canvas`) as HTMLCanvasElement | null;
      let inked = 0;
      if (canvas && canvas.width > 0 && canvas.height > 0) {
        const px = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
        for (let i = 3; i < px.length; i += 4) if (px[i] > 0) inked++;
      }
      return { id: c.id, series: c.series, width: canvas?.width ?? 0, height: canvas?.height ?? 0, inked };
    });
  });
  for (const c of charts) {
    assert.equal(c.series, expected[c.id as keyof typeof expected], `${c.id}: series`);
    assert.ok(c.width > 0 && c.height > 0, `${c.id}: canvas ${c.width}x${c.height}`);
    assert.ok(c.inked > 500, `${c.id}: ${c.inked} pixels drawn`);
  }

  // Sorting: a click on "errors" of the providers' trend table sorts ascending, another descending.
  const table = page.locator('#trends table.sortable').first();
  const firstColumn = () => table.locator('tbody tr td:first-child').allTextContents();
  assert.deepEqual(await firstColumn(), ['gemini', 'openai', 'anthropic']);
  await table.locator('th', { hasText: /^errors$/ }).click();
  assert.deepEqual(await firstColumn(), ['anthropic', 'openai', 'gemini']);
  await table.locator('th', { hasText: /^errors$/ }).click();
  assert.deepEqual(await firstColumn(), ['gemini', 'openai', 'anthropic']);

  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, 'report.png'), fullPage: true, timeout: 15_000 });
  assert.ok(readFileSync(join(ARTIFACTS, 'report.png')).length > 10_000);
  const pdf = await page.pdf({ format: 'A4', printBackground: true }); // (bounded by the test's timeout)
  assert.equal(pdf.subarray(0, 5).toString(), '%PDF-');
  writeFileSync(join(ARTIFACTS, 'report.pdf'), pdf);
  assert.deepEqual(errors, []);
  assert.deepEqual(requests, [url]);
  await page.close();
});
