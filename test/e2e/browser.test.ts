import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { inflateSync } from 'node:zlib';
import type { Browser, Page } from 'playwright-core';
import type { CellId } from '../../src/shared/brand.ts';
import { CHROMIUM_MISSING, chromiumMissing, launchPage, RESULTS, skipWithoutChromium } from '../helpers/browser.ts';
import { pickThresholdRule, readingsOverThreshold } from '../helpers/demo-readings.ts';
import { startServer, TEST_PASSWORD, type TestServer } from '../helpers/server.ts';

/**
 * The command centre in a real browser (Debian's chromium through playwright-core) against the real server: a staff
 * member signs in through the form, the map shows the city's cells, and readings over a threshold turn into a live
 * alert, a coloured cell and a case, all without a reload. Signing out returns to the form, a user scoped to one
 * district never sees another district's alerts, and the page runs under the server's CSP without a single violation.
 * Screenshots go to test-results/.
 */

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const LIVE_BUDGET_MS = 2_000;
const SEVERITY_RANK = { info: 1, warning: 2, critical: 3 } as const;

const MISSING = CHROMIUM_MISSING;
const missing = chromiumMissing;
const skip = skipWithoutChromium;

describe('command centre in chromium', { skip }, () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  let cell: CellId;
  let centre: [number, number];
  let darkPixel: Rgb;
  let integration: Record<string, string>;
  /** CSP violations seen by the page (securitypolicyviolation events) or reported on its console. */
  const violations: string[] = [];

  before(async () => {
    assert.ok(!missing, MISSING);
    assert.ok(existsSync(join(ROOT, 'web', 'dist', 'index.html')), 'web/dist is not built: run npm run build:web');
    mkdirSync(RESULTS, { recursive: true });
    server = await startServer();
    const { sensor } = pickThresholdRule(server.rt);
    const assigned = server.rt.grid.assign(sensor.lon, sensor.lat);
    assert.ok(assigned.ok, 'the demo sensor lies in the city');
    cell = assigned.value.cell;
    centre = server.rt.grid.centre(cell);
    ({ browser, page } = await launchPage(violations));
    integration = await server.auth('integration');
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  test('a wrong password shows the error line and keeps the form', async () => {
    const res = await page.goto(server.url);
    assert.match(res?.headers()['content-security-policy'] ?? '', /script-src 'self'/, 'the page is served with a CSP');
    await page.getByTestId('login-form').waitFor({ timeout: 10_000 });
    await page.getByTestId('login-username').fill(await server.user('dispatcher'));
    await page.getByTestId('login-password').fill('not the password');
    await page.getByTestId('login-submit').click();
    const error = page.getByTestId('login-error');
    await error.waitFor({ timeout: 5_000 });
    assert.match((await error.textContent()) ?? '', /wrong user name or password/i);
    assert.ok(await page.getByTestId('login-form').isVisible());
    assert.equal(await page.getByTestId('signed-in-user').isVisible(), false);
  });

  test('signs in through the form and shows every cell of the city on the map', async () => {
    const username = await server.user('dispatcher');
    await page.getByTestId('login-password').fill(TEST_PASSWORD);
    // The public map loads behind the form.
    await page.waitForFunction(() => window.__gridloop?.map?.loaded() === true, null, { timeout: 30_000 });
    await page.screenshot({ path: join(RESULTS, 'sign-in.png') });
    await page.getByTestId('login-submit').click();
    await page.getByTestId('login-form').waitFor({ state: 'hidden', timeout: 5_000 });
    await page.waitForFunction(() => window.__gridloop?.ready === true, null, { timeout: 30_000 });
    await page
      .getByTestId('live-status')
      .filter({ hasText: /^live$/ })
      .waitFor({ timeout: 10_000 });
    const who = (await page.getByTestId('signed-in-user').textContent()) ?? '';
    assert.match(who, new RegExp(username));
    assert.match(who, /dispatcher/);
    assert.ok(await page.getByTestId('logout').isVisible());
    const counts = await page.evaluate(() => {
      const map = window.__gridloop.map!;
      const ids = new Set(map.querySourceFeatures('cells').map((f) => f.properties.cell as string));
      return { source: ids.size, rendered: map.queryRenderedFeatures({ layers: ['cells-fill'] }).length };
    });
    assert.equal(counts.source, server.rt.grid.cellCount);
    assert.ok(counts.source > 1000, `the demo city has ${counts.source} cells`);
    assert.ok(counts.rendered > 1000, `rendered ${counts.rendered} cells`);
    assert.equal(await page.getByTestId('alert-item').count(), 0, 'a fresh city has no alerts');
    assert.equal(await page.getByTestId('counter-open-alerts').textContent(), '0');
    darkPixel = await pixelAt(page, centre);
    await page.screenshot({ path: join(RESULTS, 'command-centre.png') });
  });

  test('readings over a threshold show a new alert within 2 s, without a reload', async () => {
    // A reload would lose this marker.
    await page.evaluate(() => Object.assign(window, { __noReload: true }));
    const { rule } = pickThresholdRule(server.rt);
    const { ndjson } = readingsOverThreshold(server.rt, Date.now());
    const res = await fetch(`${server.url}/api/v1/readings`, {
      method: 'POST',
      headers: { ...integration, 'content-type': 'application/x-ndjson' },
      body: ndjson,
    });
    const answered = Date.now();
    assert.equal(res.status, 200);
    const item = page.locator(`[data-testid="alert-item"][data-cell="${cell}"]`);
    await item.waitFor({ timeout: LIVE_BUDGET_MS });
    const elapsed = Date.now() - answered;
    assert.ok(elapsed < LIVE_BUDGET_MS, `the alert took ${elapsed} ms`);
    assert.equal(await page.evaluate(() => Reflect.get(window, '__noReload')), true);
    assert.ok(await item.getAttribute('data-alert-id'));
    assert.equal(await page.getByTestId('counter-open-alerts').textContent(), '1');

    const state = await page.evaluate((id) => window.__gridloop.map!.getFeatureState({ source: 'cells', id }), cell);
    assert.equal(state.sev, SEVERITY_RANK[rule.severity]);
    await page.waitForTimeout(300); // let the map draw the new state
    const lit = await pixelAt(page, centre);
    assert.notDeepEqual(lit, darkPixel, 'the cell changed colour');
    const [r, , b] = lit;
    if (rule.severity === 'info') assert.ok(b > r + 60, `info cell is blue: ${lit}`);
    else assert.ok(r > b + 60, `${rule.severity} cell is red or amber: ${lit}`);
    await page.screenshot({ path: join(RESULTS, 'alert-live.png') });
  });

  test('the case the alert opened appears in the case list', async () => {
    const item = page.locator(`[data-testid="case-item"][data-cell="${cell}"]`);
    await item.waitFor({ timeout: LIVE_BUDGET_MS });
    assert.ok(await item.getAttribute('data-case-id'));
    assert.notEqual(await item.getAttribute('data-state'), 'closed');
    await page.getByTestId('counter-open-cases').filter({ hasText: /^1$/ }).waitFor({ timeout: LIVE_BUDGET_MS });
    await page.waitForTimeout(2_500); // past the arrival flash, so the screenshot shows the resting look
    await page.locator('.panel').screenshot({ path: join(RESULTS, 'case-list.png') });
  });

  test('clicking the alert flies to its cell and shows its popup', async () => {
    const zoom = await page.evaluate(() => window.__gridloop.map!.getZoom());
    await page.locator(`[data-testid="alert-item"][data-cell="${cell}"]`).click();
    const popup = page.locator('.maplibregl-popup');
    await popup.waitFor({ timeout: 5_000 });
    assert.match((await popup.textContent()) ?? '', new RegExp(cell));
    await page.waitForFunction(() => !window.__gridloop.map!.isMoving(), null, { timeout: 10_000 });
    assert.ok((await page.evaluate(() => window.__gridloop.map!.getZoom())) > zoom);
    await page.screenshot({ path: join(RESULTS, 'alert-focus.png') });
  });

  test('a reading back under the threshold clears the alert live', async () => {
    const { rule, sensor, metric } = pickThresholdRule(server.rt);
    const below = Math.max(metric.min, rule.clearAt - Math.max(1, Math.abs(rule.clearAt) * 0.2));
    const line = {
      sensor: sensor.id,
      metric: rule.metric,
      value: below,
      ts: new Date(Date.now() - 5_000).toISOString(),
    };
    const res = await fetch(`${server.url}/api/v1/readings`, {
      method: 'POST',
      headers: { ...integration, 'content-type': 'application/x-ndjson' },
      body: `${JSON.stringify(line)}\n`,
    });
    assert.equal(res.status, 200);
    await page
      .locator(`[data-testid="alert-item"][data-cell="${cell}"]`)
      .waitFor({ state: 'detached', timeout: LIVE_BUDGET_MS });
    const state = await page.evaluate((id) => window.__gridloop.map!.getFeatureState({ source: 'cells', id }), cell);
    assert.equal(state.sev, 0);
  });

  test('signing out returns to the form and ends the session', async () => {
    await page.getByTestId('logout').click();
    await page.getByTestId('login-form').waitFor({ timeout: 5_000 });
    assert.equal(await page.getByTestId('signed-in-user').isVisible(), false);
    assert.equal(await page.getByTestId('alert-item').count(), 0);
    assert.equal(await page.getByTestId('case-item').count(), 0, 'the lists are not left behind for the next user');
    const status = await page.evaluate(async () => (await fetch('/api/v1/auth/me')).status);
    assert.equal(status, 401, 'the server forgot the session');
  });

  test('a user scoped to one district does not see an alert raised in another', async () => {
    const { rule, sensor: first } = pickThresholdRule(server.rt);
    const districts = [...server.rt.city.areas.values()].filter((a) => a.level === 'district').map((a) => a.id);
    // Another sensor on the same metric (the first one's alert history is busy), and a district it is not in.
    const other = [...server.rt.city.sensors.values()].find(
      (s) => s.id !== first.id && s.metrics.some((m) => m.name === rule.metric),
    );
    assert.ok(other, `a second sensor measures ${rule.metric}`);
    const at = server.rt.grid.assign(other.lon, other.lat);
    assert.ok(at.ok);
    const scope = districts.find((d) => !at.value.path.includes(d));
    assert.ok(scope, 'the city has a district the sensor is not in');

    await page.getByTestId('login-username').fill(await server.user('analyst', scope));
    await page.getByTestId('login-password').fill(TEST_PASSWORD);
    await page.getByTestId('login-submit').click();
    await page.waitForFunction(() => window.__gridloop?.ready === true, null, { timeout: 10_000 });
    await page
      .getByTestId('live-status')
      .filter({ hasText: /^live$/ })
      .waitFor({ timeout: 5_000 });
    assert.match((await page.getByTestId('signed-in-user').textContent()) ?? '', /analyst/);

    const { ndjson } = readingsOverThreshold(server.rt, Date.now());
    const res = await fetch(`${server.url}/api/v1/readings`, {
      method: 'POST',
      headers: { ...integration, 'content-type': 'application/x-ndjson' },
      body: ndjson.replaceAll(JSON.stringify(first.id), JSON.stringify(other.id)),
    });
    assert.equal(res.status, 200);
    const admin = await fetch(`${server.url}/api/v1/alerts?state=open&limit=200`, {
      headers: await server.auth('admin'),
    });
    const { alerts } = (await admin.json()) as { alerts: { sensor?: string; cell: string }[] };
    const raised = alerts.find((a) => a.sensor === other.id);
    assert.ok(raised, 'the alert exists for an admin');
    await page.waitForTimeout(LIVE_BUDGET_MS);
    assert.equal(await page.getByTestId('alert-item').count(), 0, 'the scoped user sees no alert');
    assert.equal(await page.getByTestId('counter-open-alerts').textContent(), '0');
    const state = await page.evaluate(
      (id) => window.__gridloop.map!.getFeatureState({ source: 'cells', id }),
      raised.cell,
    );
    assert.ok(!state.sev, 'the cell is not coloured');
  });

  test('the page ran under the CSP without a single violation', () => {
    assert.deepEqual(violations, []);
  });
});

type Rgb = [number, number, number];

/** The colour the page shows at a map coordinate, read from a 1×1 screenshot. */
async function pixelAt(page: Page, lonLat: [number, number]): Promise<Rgb> {
  const { x, y } = await page.evaluate((ll) => {
    const map = window.__gridloop.map!;
    const p = map.project(ll);
    const box = map.getContainer().getBoundingClientRect();
    return { x: Math.round(box.left + p.x), y: Math.round(box.top + p.y) };
  }, lonLat);
  return firstPixel(await page.screenshot({ clip: { x, y, width: 1, height: 1 } }));
}

/** Decodes the first pixel of an 8-bit RGB or RGBA PNG. */
function firstPixel(png: Buffer): Rgb {
  const idat: Buffer[] = [];
  let colourType = -1;
  let bitDepth = -1;
  for (let off = 8; off < png.length; ) {
    const len = png.readUInt32BE(off);
    const type = png.toString('ascii', off + 4, off + 8);
    const data = png.subarray(off + 8, off + 8 + len);
    if (type === 'IHDR') {
      bitDepth = data[8] ?? -1;
      colourType = data[9] ?? -1;
    } else if (type === 'IDAT') idat.push(data);
    off += 12 + len;
  }
  assert.ok(bitDepth === 8 && (colourType === 2 || colourType === 6), `PNG type ${colourType}/${bitDepth}`);
  // Byte 0 is the row's filter; for the first pixel of the first row every PNG filter leaves the bytes unchanged.
  const raw = inflateSync(Buffer.concat(idat));
  return [raw[1] ?? 0, raw[2] ?? 0, raw[3] ?? 0];
}
