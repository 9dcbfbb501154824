import type { FeatureCollection, Geometry, Polygon } from 'geojson';
import type * as maplibregl from 'maplibre-gl';
import { createAlertPanel } from './alerts.ts';
import {
  ACTIVE_CASE_STATES,
  type Alert,
  type Case,
  type CaseChange,
  type CityInfo,
  getJson,
  type IngestEvent,
  type Stats,
} from './api.ts';
import { createCasePanel } from './cases.ts';
import { createCounters } from './counters.ts';
import { ago, clockFormatter } from './format.ts';
import { el } from './keyed-list.ts';
import { connectLive } from './live.ts';
import { createCityMap } from './map.ts';

declare global {
  interface Window {
    /** For tests and the console: the map, and whether cells and the first snapshot are in. */
    __gridloop: { map: maplibregl.Map | undefined; ready: boolean };
  }
}

window.__gridloop = { map: undefined, ready: false };

const $ = <T extends HTMLElement>(selector: string): T => {
  const node = document.querySelector<T>(selector);
  if (!node) throw new Error(`missing ${selector}`);
  return node;
};

async function start(): Promise<void> {
  const [city, cells, districts] = await Promise.all([
    getJson<CityInfo>('/api/v1/city'),
    getJson<FeatureCollection<Polygon, { cell: string; area: string }>>('/api/v1/cells.geojson'),
    getJson<FeatureCollection<Geometry, { id: string; name: string }>>('/api/v1/areas.geojson?level=district'),
  ]);
  $('[data-testid="city-name"]').textContent = city.name;
  document.title = `${city.name} · gridloop`;

  const areas = new Map(city.areas.map((a) => [a.id, a]));
  const areaName = (id: string): string => areas.get(id)?.name ?? id;
  const areaPath = (id: string): string => {
    const names: string[] = [];
    for (let a = areas.get(id); a?.parent !== undefined; a = areas.get(a.parent)) names.push(a.name);
    return names.join(' · ') || id;
  };
  const categories = new Map(city.categories.map((c) => [c.code, c.name]));
  const teams = new Map(city.teams.map((t) => [t.id, t.name]));

  const counters = createCounters(document);
  const describeCell = (cell: string): HTMLElement => {
    const box = el('div', 'popup');
    box.append(el('div', 'popup-cell', cell), el('div', 'popup-area', areaPath(cityMap.areaOf(cell) ?? '')));
    const open = alerts.inCell(cell);
    if (open.length === 0) box.append(el('div', 'popup-none', 'No open alerts'));
    const ul = el('ul', 'popup-alerts');
    for (const a of open) {
      const li = el('li', '');
      li.append(el('span', `badge sev-${a.severity}`, a.severity), el('span', '', `${a.title} · ${ago(a.raisedAt)}`));
      ul.append(li);
    }
    box.append(ul);
    return box;
  };
  const cityMap = createCityMap($('#map'), city, cells, districts, describeCell);
  window.__gridloop.map = cityMap.map;

  const showCount = (name: string) => (n: number) => {
    $(`[data-testid="${name}-count"]`).textContent = String(n);
    $(`[data-empty="${name}s"]`).hidden = n > 0;
  };
  const alerts = createAlertPanel($('[data-testid="alert-list"]'), {
    areaName,
    onPick: (a) => cityMap.focusCell(a.cell),
    onCellSeverity: (cell, severity) => cityMap.setSeverity(cell, severity),
    onCount: showCount('alert'),
  });
  const clock = clockFormatter(city.timezone);
  const cases = createCasePanel($('[data-testid="case-list"]'), {
    categoryName: (code) => categories.get(code) ?? code,
    teamName: (id) => teams.get(id) ?? id,
    clock,
    onPick: (c) => cityMap.focusCell(c.cell),
    onCount: showCount('case'),
  });
  setInterval(() => {
    alerts.tick();
    cases.tick();
  }, 15_000);

  let statsTimer: ReturnType<typeof setTimeout> | undefined;
  const refreshStats = (delay: number): void => {
    clearTimeout(statsTimer);
    statsTimer = setTimeout(() => {
      getJson<Stats>('/api/v1/stats').then(counters.stats, (err: unknown) => console.warn(err));
    }, delay);
  };
  setInterval(() => refreshStats(0), 15_000);

  // Events that arrive while a snapshot is loading wait, then replay on top of it.
  let queue: (() => void)[] | undefined = [];
  const apply = (fn: () => void): void => {
    if (queue) queue.push(fn);
    else fn();
  };
  let pending = 0;
  const resync = async (): Promise<void> => {
    queue ??= [];
    pending++;
    try {
      const [a, c, s] = await Promise.all([
        getJson<{ alerts: Alert[] }>('/api/v1/alerts?state=open&limit=200'),
        getJson<{ cases: Case[] }>(`/api/v1/cases?limit=100&state=${ACTIVE_CASE_STATES.join(',')}`),
        getJson<Stats>('/api/v1/stats'),
      ]);
      alerts.load(a.alerts);
      cases.load(c.cases);
      counters.stats(s);
    } finally {
      pending--;
    }
    if (pending === 0 && queue) {
      const replay = queue;
      queue = undefined;
      for (const fn of replay) fn();
    }
  };

  await cityMap.ready;
  connectLive(
    '/api/v1/live',
    {
      'alert.raised': (data) =>
        apply(() => {
          if (alerts.raised(data as Alert)) counters.addOpenAlerts(1);
          refreshStats(1000);
        }),
      'alert.cleared': (data) =>
        apply(() => {
          if (alerts.cleared(data as Alert)) counters.addOpenAlerts(-1);
          refreshStats(1000);
        }),
      'case.changed': (data) =>
        apply(() => {
          const { case: c, entry } = data as CaseChange;
          if (cases.changed(c)) counters.addOpenCases(openDelta(entry.from, entry.to));
          refreshStats(500);
        }),
      ingest: (data) => {
        const e = data as IngestEvent;
        if (e.kind === 'readings') counters.readings(e.stored);
      },
    },
    (status) => {
      const box = $('.live');
      box.dataset.state = status;
      $('[data-testid="live-status"]').textContent = status;
    },
    () => void resync().catch((err: unknown) => console.error('resync failed', err)),
  );
  await resync();
  window.__gridloop.ready = true;
}

const ACTIVE = new Set<string>(ACTIVE_CASE_STATES);

/** How a workflow step changes the number of open cases: +1 when a case opens or reopens, -1 when it leaves. */
function openDelta(from: string | undefined, to: string): number {
  const was = from !== undefined && ACTIVE.has(from);
  return (ACTIVE.has(to) ? 1 : 0) - (was ? 1 : 0);
}

start().catch((err: unknown) => {
  console.error(err);
  const banner = el('div', 'fatal', `The command centre could not start: ${String(err)}`);
  document.body.append(banner);
});
