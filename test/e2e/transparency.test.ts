import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { CHROMIUM_MISSING, chromiumMissing, launchPage, RESULTS, skipWithoutChromium } from '../helpers/browser.ts';
import { startServer, type TestServer } from '../helpers/server.ts';

/**
 * The public transparency page in a real browser against the real server with the demo simulator running: without
 * signing in it shows the city, a district × category table where every published count is 0 or at least k and every
 * withheld one reads "<k" with an explanation, the latest public service requests, and no CSP violation.
 * Screenshots at 1440×900 and 375 px wide go to test-results/.
 */

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const MISSING = CHROMIUM_MISSING;
const missing = chromiumMissing;
const skip = skipWithoutChromium;

/** The next workflow event that moves a case towards closed. */
const NEXT: Record<string, string> = {
  reported: 'register',
  registered: 'dispatch',
  reopened: 'dispatch',
  dispatched: 'start',
  rework: 'start',
  in_progress: 'resolve',
  resolved: 'verify',
  verified: 'close',
};

describe('transparency page in chromium', { skip }, () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  const violations: string[] = [];

  /** Walks up to `n` open cases through the loop to closed with an admin token, so "closed" has numbers. */
  async function closeCases(n: number): Promise<number> {
    const admin = { ...(await server.auth('admin')), 'content-type': 'application/json' };
    const team = server.rt.city.teams[0]?.id;
    const list = await fetch(`${server.url}/api/v1/cases?limit=${n * 2}`, { headers: admin });
    assert.equal(list.status, 200);
    const { cases } = (await list.json()) as { cases: { id: string }[] };
    let closed = 0;
    for (const c of cases) {
      if (closed >= n) break;
      for (let i = 0; i < 12; i++) {
        const got = await fetch(`${server.url}/api/v1/cases/${c.id}`, { headers: admin });
        const state = ((await got.json()) as { case: { state: string } }).case.state;
        if (state === 'closed') {
          closed++;
          break;
        }
        const type = NEXT[state];
        if (type === undefined) break;
        await fetch(`${server.url}/api/v1/cases/${c.id}/events`, {
          method: 'POST',
          headers: admin,
          body: JSON.stringify(type === 'dispatch' && team ? { type, team } : { type }),
        });
      }
    }
    return closed;
  }

  before(async () => {
    assert.ok(!missing, MISSING);
    assert.ok(
      existsSync(join(ROOT, 'web', 'dist', 'transparency.html')),
      'web/dist is not built: run npm run build:web',
    );
    mkdirSync(RESULTS, { recursive: true });
    server = await startServer({ simulate: true });
    assert.ok((await closeCases(8)) >= 1, 'some cases were closed');
    ({ browser, page } = await launchPage(violations));
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  test('shows the city, districts and only counts of 0 or at least k, without signing in', async () => {
    const res = await page.goto(`${server.url}/transparency.html`);
    assert.equal(res?.status(), 200);
    assert.match(res?.headers()['content-security-policy'] ?? '', /script-src 'self'/);
    await page.waitForSelector('body[data-ready="true"]', { timeout: 15_000 });
    assert.equal(await page.getByTestId('city-name').textContent(), server.rt.city.name);
    assert.equal(await page.getByTestId('period-30d').getAttribute('aria-pressed'), 'true');

    const api = (await (await fetch(`${server.url}/api/public/stats?period=30d`)).json()) as { k: number };
    const k = api.k;
    const districts = await page.locator('tr.district th').allTextContents();
    const root = server.rt.city.areas.get(server.rt.city.root);
    const expected = (root?.children ?? []).map((id) => server.rt.city.areas.get(id)?.name ?? id);
    assert.ok(expected.length > 0);
    assert.deepEqual(districts, expected);

    const cells = await page
      .locator('.stats td[data-measure], [data-total] ')
      .evaluateAll((els) =>
        els.map((e) => ({ text: (e.textContent ?? '').trim(), title: e.querySelector('abbr')?.title ?? '' })),
      );
    let published = 0;
    let withheld = 0;
    for (const c of cells) {
      if (c.text === '–' || /%$/.test(c.text)) continue;
      if (c.text.startsWith('<')) {
        assert.equal(c.text, `<${k}`);
        assert.match(c.title, new RegExp(`fewer than ${k}`));
        withheld++;
      } else {
        const n = Number(c.text.replaceAll(',', ''));
        assert.ok(Number.isInteger(n) && (n === 0 || n >= k), `published count ${c.text} is 0 or at least ${k}`);
        published++;
      }
    }
    assert.ok(published > 0, 'some counts are published');
    // The simulator's hour of cases over several districts and categories always leaves some small counts.
    assert.ok(withheld > 0, 'some counts are withheld');
    const totalOpened = Number((await page.locator('[data-total="opened"]').textContent())?.replaceAll(',', ''));
    assert.ok(totalOpened >= k, 'the city total of opened cases is published');

    const requests = page.getByTestId('request-list').locator('li');
    const n = await requests.count();
    assert.ok(n > 0 && n <= 20, `between 1 and 20 requests, got ${n}`);
    assert.doesNotMatch((await page.getByTestId('request-list').textContent()) ?? '', /@[a-z0-9-]+\.[a-z]/i);
    await page.screenshot({ path: join(RESULTS, 'transparency.png') });
  });

  test('the period selector reloads the figures', async () => {
    await page.getByTestId('period-7d').click();
    await page.waitForSelector('body[data-period="7d"]', { timeout: 5_000 });
    assert.equal(await page.getByTestId('period-7d').getAttribute('aria-pressed'), 'true');
    assert.equal(await page.getByTestId('period-30d').getAttribute('aria-pressed'), 'false');
    assert.match(page.url(), /period=7d/);
  });

  test('fits a phone screen', async () => {
    await page.setViewportSize({ width: 375, height: 812 });
    await page.goto(`${server.url}/transparency.html`);
    await page.waitForSelector('body[data-ready="true"]', { timeout: 15_000 });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `the page does not scroll sideways (${overflow} px too wide)`);
    await page.screenshot({ path: join(RESULTS, 'transparency-375.png') });
    await page.screenshot({ path: join(RESULTS, 'transparency-375-full.png'), fullPage: true });
  });

  test('the command centre links to it, and nothing broke the CSP', async () => {
    await page.goto(server.url);
    assert.equal(await page.getByTestId('transparency-link').getAttribute('href'), '/transparency.html');
    assert.deepEqual(violations, []);
  });
});
