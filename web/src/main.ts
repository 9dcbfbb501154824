import type { FeatureCollection, Geometry, Polygon } from 'geojson';
import type * as maplibregl from 'maplibre-gl';
import { createAlertPanel } from './alerts.ts';
import {
  ACTIVE_CASE_STATES,
  type Alert,
  ApiError,
  type Case,
  type CaseChange,
  type CityInfo,
  getJson,
  type IngestEvent,
  type Me,
  postJson,
  type Stats,
  setCsrfToken,
  setUnauthorizedHandler,
} from './api.ts';
import { createCasePanel } from './cases.ts';
import { createCounters } from './counters.ts';
import { ago, clockFormatter, label } from './format.ts';
import { el } from './keyed-list.ts';
import { connectLive } from './live.ts';
import { createCityMap } from './map.ts';
import { createSignIn } from './sign-in.ts';

declare global {
  interface Window {
    /** For tests and the console: the map, and whether cells and the signed-in user's first snapshot are in. */
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
  // Asked at once, so the form can show while the map still loads; 401 just means "not signed in".
  const whoAmI = getJson<Me>('/api/v1/auth/me').catch((err: unknown) => {
    if (err instanceof ApiError && err.status === 401) return undefined;
    throw err;
  });
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

  // Everything below needs a signed-in user; `session` counts sign-ins so late answers of an ended one are dropped.
  let session = 0;
  let signedIn = false;
  let live: EventSource | undefined;

  let statsTimer: ReturnType<typeof setTimeout> | undefined;
  const refreshStats = (delay: number): void => {
    clearTimeout(statsTimer);
    statsTimer = setTimeout(() => {
      if (!signedIn) return;
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
    const mine = session;
    queue ??= [];
    pending++;
    try {
      const [a, c, s] = await Promise.all([
        getJson<{ alerts: Alert[] }>('/api/v1/alerts?state=open&limit=200'),
        getJson<{ cases: Case[] }>(`/api/v1/cases?limit=100&state=${ACTIVE_CASE_STATES.join(',')}`),
        getJson<Stats>('/api/v1/stats'),
      ]);
      if (mine !== session) return;
      alerts.load(a.alerts);
      cases.load(c.cases);
      counters.stats(s);
    } finally {
      pending--;
    }
    if (pending === 0 && queue && mine === session) {
      const replay = queue;
      queue = undefined;
      for (const fn of replay) fn();
    }
  };

  const showLive = (status: string): void => {
    $('.live').dataset.state = status;
    $('[data-testid="live-status"]').textContent = status;
  };
  const userBox = $('.user');
  const userName = $('[data-testid="signed-in-user"]');

  const endSession = (note?: string): void => {
    session++;
    signedIn = false;
    live?.close();
    live = undefined;
    setCsrfToken(undefined);
    clearTimeout(statsTimer);
    queue = [];
    alerts.load([]);
    cases.load([]);
    counters.clear();
    userBox.hidden = true;
    showLive('signed out');
    $('.live').dataset.state = 'offline';
    window.__gridloop.ready = false;
    signIn.show(note);
  };

  const beginSession = (me: Me): void => {
    session++;
    signedIn = true;
    setCsrfToken(me.csrfToken);
    signIn.hide();
    userName.replaceChildren(el('b', '', me.name), ` · ${label(me.role)}`);
    if (me.scope !== city.areas.find((a) => a.parent === undefined)?.id) userName.append(` · ${areaName(me.scope)}`);
    userBox.hidden = false;
    const mine = session;
    queue = [];
    live = connectLive(
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
        if (mine !== session) return;
        showLive(status);
        // EventSource hides the HTTP status; when it gives up, ask whether the session is still valid (401 → form).
        if (status === 'offline') getJson<Me>('/api/v1/auth/me').catch(() => undefined);
      },
      () => void resync().catch((err: unknown) => console.error('resync failed', err)),
    );
    resync().then(
      () => {
        if (mine === session) window.__gridloop.ready = true;
      },
      (err: unknown) => console.error('resync failed', err),
    );
  };

  // Lists and events paint onto the map's cell layer, so a session starts only once the map has loaded.
  const signIn = createSignIn(document, (me) => void cityMap.ready.then(() => beginSession(me)));
  setUnauthorizedHandler(() => {
    if (signedIn) endSession('Your session has ended. Sign in again.');
  });
  $('[data-testid="logout"]').addEventListener('click', () => {
    postJson('/api/v1/auth/logout', {})
      .catch((err: unknown) => console.warn('sign-out', err))
      .finally(() => endSession());
  });

  const me = await whoAmI;
  if (!me) endSession();
  await cityMap.ready;
  if (me) beginSession(me);
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
