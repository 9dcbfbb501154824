import type { Stats } from './api.ts';

const WINDOW_MS = 10_000;

/** The header's live counters: readings per second over a sliding window, and the open work from /stats. */
export interface Counters {
  /** Counts readings stored by one ingest call. */
  readings(n: number): void;
  stats(s: Stats): void;
  /** Adjusts the open-alert count between /stats refreshes. */
  addOpenAlerts(delta: number): void;
  /** Adjusts the open-case count between /stats refreshes. */
  addOpenCases(delta: number): void;
  /** Back to dashes (signed out: the counts are not public). */
  clear(): void;
}

/** Binds counters to the header elements with the given test ids. */
export function createCounters(root: ParentNode): Counters {
  const field = (id: string): HTMLElement => {
    const node = root.querySelector<HTMLElement>(`[data-testid="${id}"]`);
    if (!node) throw new Error(`missing ${id}`);
    return node;
  };
  const rate = field('counter-readings-rate');
  const openAlerts = field('counter-open-alerts');
  const openCases = field('counter-open-cases');
  const overdue = field('counter-overdue-cases');
  const fmt = new Intl.NumberFormat('en-GB');
  const recent: { at: number; n: number }[] = [];
  let alerts = 0;
  let cases = 0;
  let since: number | undefined;

  const showRate = (): void => {
    const now = Date.now();
    while (recent.length > 0 && (recent[0]?.at ?? now) < now - WINDOW_MS) recent.shift();
    const sum = recent.reduce((s, r) => s + r.n, 0);
    // Until the window has filled, divide by the time actually watched.
    const watched = since === undefined ? WINDOW_MS : Math.min(WINDOW_MS, now - since);
    const perSecond = sum / (Math.max(1000, watched) / 1000);
    rate.textContent = perSecond >= 10 || perSecond === 0 ? fmt.format(Math.round(perSecond)) : perSecond.toFixed(1);
  };
  setInterval(showRate, 1000);

  return {
    readings(n) {
      // The first event only starts the clock: counting it too would overstate the rate until the window fills.
      if (since === undefined) {
        since = Date.now();
        return;
      }
      recent.push({ at: Date.now(), n });
      showRate();
    },
    stats(s) {
      alerts = s.openAlerts;
      openAlerts.textContent = fmt.format(alerts);
      cases = s.openCases;
      openCases.textContent = fmt.format(cases);
      overdue.textContent = fmt.format(s.overdueCases);
      overdue.closest('.counter')?.classList.toggle('hot', s.overdueCases > 0);
    },
    addOpenAlerts(delta) {
      alerts = Math.max(0, alerts + delta);
      openAlerts.textContent = fmt.format(alerts);
    },
    addOpenCases(delta) {
      cases = Math.max(0, cases + delta);
      openCases.textContent = fmt.format(cases);
    },
    clear() {
      recent.length = 0;
      since = undefined;
      alerts = 0;
      cases = 0;
      rate.textContent = '0';
      for (const node of [openAlerts, openCases, overdue]) node.textContent = '–';
      overdue.closest('.counter')?.classList.remove('hot');
    },
  };
}
