import type { Alert, Severity } from './api.ts';
import { ago } from './format.ts';
import { el, keyedList } from './keyed-list.ts';
import { SEVERITY_RANK } from './map.ts';

export interface AlertPanelOptions {
  areaName(id: string): string;
  /** The user picked an alert in the list. */
  onPick(alert: Alert): void;
  /** The worst open alert of a cell changed (undefined: none left). */
  onCellSeverity(cell: string, severity: Severity | undefined): void;
  onCount(n: number): void;
}

/** The open-alert list and the per-cell index behind the map's colours. */
export interface AlertPanel {
  /** Replaces everything with a fresh snapshot of open alerts. */
  load(alerts: readonly Alert[]): void;
  /** Returns whether the alert was new to the list. */
  raised(alert: Alert): boolean;
  /** Returns whether the alert was in the list. */
  cleared(alert: Alert): boolean;
  inCell(cell: string): Alert[];
  /** Refreshes the relative times. */
  tick(): void;
}

/** Renders open alerts into `list`, newest first. */
export function createAlertPanel(list: HTMLElement, opts: AlertPanelOptions): AlertPanel {
  const alerts = new Map<string, Alert>();
  const items = keyedList(list, opts.onCount);

  const worst = (cell: string): Severity | undefined => {
    let best: Severity | undefined;
    for (const a of alerts.values()) {
      if (a.cell === cell && (!best || SEVERITY_RANK[a.severity] > SEVERITY_RANK[best])) best = a.severity;
    }
    return best;
  };

  const render = (a: Alert): HTMLElement => {
    const li = el('li', `item sev-${a.severity}`);
    li.dataset.testid = 'alert-item';
    li.dataset.alertId = a.id;
    li.dataset.cell = a.cell;
    li.tabIndex = 0;
    li.append(el('span', `badge sev-${a.severity}`, a.severity));
    const main = el('div', 'main');
    main.append(el('div', 'title', a.title));
    const meta = el('div', 'meta');
    const time = el('time', '', ago(a.raisedAt));
    time.dateTime = a.raisedAt;
    meta.append(el('span', 'area', opts.areaName(a.area)), time);
    main.append(meta);
    li.append(main);
    li.addEventListener('click', () => opts.onPick(a));
    li.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') opts.onPick(a);
    });
    return li;
  };

  const put = (a: Alert, flash: boolean): void => {
    alerts.set(a.id, a);
    items.upsert(a.id, Date.parse(a.raisedAt), render(a), flash);
    opts.onCellSeverity(a.cell, worst(a.cell));
  };

  return {
    load(snapshot) {
      const cells = new Set([...alerts.values()].map((a) => a.cell));
      alerts.clear();
      items.clear();
      for (const cell of cells) opts.onCellSeverity(cell, undefined);
      for (const a of snapshot) if (a.state !== 'cleared') put(a, false);
    },
    raised(a) {
      const fresh = !alerts.has(a.id);
      if (a.state !== 'cleared') put(a, fresh);
      return fresh && a.state !== 'cleared';
    },
    cleared(a) {
      const known = alerts.delete(a.id);
      items.remove(a.id);
      opts.onCellSeverity(a.cell, worst(a.cell));
      return known;
    },
    inCell: (cell) => [...alerts.values()].filter((a) => a.cell === cell),
    tick() {
      for (const t of list.querySelectorAll('time')) t.textContent = ago(t.dateTime);
    },
  };
}
