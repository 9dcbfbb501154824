import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { PROJECT_ROOT } from '../../src/cli/paths.ts';

/** Debian's chromium by default; CHROMIUM_PATH points elsewhere on other systems. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const RESULTS = join(PROJECT_ROOT, 'test-results');
export const CHROMIUM_MISSING = `${CHROMIUM} missing: install with: apt-get install -y chromium`;
export const chromiumMissing = !existsSync(CHROMIUM);
/** For describe(…, { skip }): a visible notice on a developer's machine; under CI=true the suite runs and fails. */
export const skipWithoutChromium = chromiumMissing && process.env.CI !== 'true' ? CHROMIUM_MISSING : false;

/**
 * Launches headless Chromium with the flags this closed network needs and opens a 1440×900 page that records every
 * CSP violation (securitypolicyviolation events and console reports) into `violations`.
 */
export async function launchPage(violations: string[]): Promise<{ browser: Browser; page: Page }> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless=new',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  page.on('pageerror', (e) => console.error('page error:', e));
  page.on('console', (m) => {
    if (/content security policy/i.test(m.text())) violations.push(`console: ${m.text()}`);
  });
  await page.exposeFunction('__cspViolation', (v: string) => violations.push(v));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      const report = Reflect.get(window, '__cspViolation') as (v: string) => void;
      void report(`${e.effectiveDirective} blocked ${e.blockedURI || 'inline'} (${e.sourceFile}:${e.lineNumber})`);
    });
  });
  return { browser, page };
}
