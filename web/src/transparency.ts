import type { CityInfo } from './api.ts';
import { getJson } from './api.ts';

/**
 * The public transparency page: case counts per district × category from GET /api/public/stats (small counts
 * withheld by the server) and the latest public Open311 service requests. No sign-in; every text goes in through
 * textContent.
 */

interface Count {
  count: number | null;
  suppressed: boolean;
}
type Measure = 'opened' | 'closed' | 'closedOnTime';
type Counts = Record<Measure, Count>;
interface CategoryCounts extends Counts {
  code: string;
  name: string;
}
interface PublicStats {
  period: string;
  from: string;
  to: string;
  k: number;
  suppression: string;
  districts: { id: string; name: string; total: Counts; categories: CategoryCounts[] }[];
  city: { total: Counts; categories: CategoryCounts[] };
}
interface ServiceRequest {
  service_request_id: string;
  status: string;
  service_name: string;
  description: string | null;
  requested_datetime: string;
}

const MEASURES: Measure[] = ['opened', 'closed', 'closedOnTime'];
const PERIODS = ['7d', '30d', '90d'];
const LATEST = 20;

const $ = <T extends Element>(sel: string): T => {
  const el = document.querySelector<T>(sel);
  if (!el) throw new Error(`missing ${sel}`);
  return el;
};

function el<K extends keyof HTMLElementTagNameMap>(tag: K, cls?: string, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

function tooltip(k: number): string {
  return (
    `Withheld: fewer than ${k} cases could point to a single person, so counts from 1 to ${k - 1} are not published. ` +
    'Some larger counts are withheld too, so a small one cannot be worked out by subtraction from a total.'
  );
}

/** One count cell: the number, or "<k" with an explanation when withheld. */
function countCell(c: Count, measure: string, k: number): HTMLTableCellElement {
  const td = el('td', 'num');
  td.dataset.measure = measure;
  if (c.suppressed || c.count === null) {
    const abbr = el('abbr', 'suppressed', `<${k}`);
    abbr.title = tooltip(k);
    td.dataset.suppressed = 'true';
    td.append(abbr);
  } else {
    td.textContent = c.count.toLocaleString('en-GB');
  }
  return td;
}

/** On-time share of closed cases; unknown when either count is withheld or nothing closed. */
function rate(c: Counts): string {
  const { closed, closedOnTime } = c;
  if (closed.count === null || closedOnTime.count === null || closed.suppressed || closedOnTime.suppressed) return '–';
  if (closed.count === 0) return '–';
  return `${Math.round((100 * closedOnTime.count) / closed.count)} %`;
}

function row(label: string, c: Counts, k: number, cls: string): HTMLTableRowElement {
  const tr = el('tr', cls);
  const th = el('th', undefined, label);
  th.scope = 'row';
  tr.append(th, ...MEASURES.map((m) => countCell(c[m], m, k)), el('td', 'num rate', rate(c)));
  return tr;
}

const isZero = (c: Counts) => MEASURES.every((m) => c[m].count === 0 && !c[m].suppressed);

function renderStats(s: PublicStats, fmt: (iso: string) => string): void {
  const body = $<HTMLTableSectionElement>('.stats tbody');
  const foot = $<HTMLTableSectionElement>('.stats tfoot');
  const rows: HTMLTableRowElement[] = [];
  for (const d of s.districts) {
    const head = row(d.name, d.total, s.k, 'district');
    head.dataset.district = d.id;
    rows.push(head);
    const active = d.categories.filter((c) => !isZero(c));
    for (const c of active) rows.push(row(c.name, c, s.k, 'category'));
    if (active.length === 0) {
      const tr = el('tr', 'category none');
      const td = el('td', undefined, 'No cases in this period.');
      td.colSpan = 5;
      tr.append(td);
      rows.push(tr);
    }
  }
  body.replaceChildren(...rows);
  foot.replaceChildren(
    row(`All of ${$('[data-testid="city-name"]').textContent ?? 'the city'}`, s.city.total, s.k, 'city'),
  );

  for (const m of MEASURES) {
    const slot = $<HTMLElement>(`[data-total="${m}"]`);
    const c = s.city.total[m];
    slot.replaceChildren();
    if (c.suppressed || c.count === null) {
      const abbr = el('abbr', 'suppressed', `<${s.k}`);
      abbr.title = tooltip(s.k);
      slot.append(abbr);
    } else slot.textContent = c.count.toLocaleString('en-GB');
  }
  $<HTMLElement>('[data-total="rate"]').textContent = rate(s.city.total);
  $<HTMLElement>('[data-testid="period-range"]').textContent = `${fmt(s.from)} – ${fmt(s.to)}`;
  $<HTMLElement>('[data-testid="suppression-note"]').textContent =
    `“<${s.k}” marks a withheld count (k = ${s.k}); hover or tap it for why. Categories with no cases are left out.`;
  for (const k of document.querySelectorAll('.k-value')) k.textContent = String(s.k);
}

function renderRequests(list: ServiceRequest[], fmt: (iso: string) => string): void {
  const latest = [...list]
    .sort((a, b) => Date.parse(b.requested_datetime) - Date.parse(a.requested_datetime))
    .slice(0, LATEST);
  const items = latest.map((r) => {
    const li = el('li', 'request');
    li.dataset.status = r.status;
    const top = el('div', 'req-top');
    top.append(el('span', 'req-service', r.service_name), el('span', `pill ${r.status}`, r.status));
    const time = el('time', 'req-time', fmt(r.requested_datetime));
    time.dateTime = r.requested_datetime;
    li.append(top, time);
    if (r.description) li.append(el('p', 'req-desc', r.description));
    return li;
  });
  $<HTMLOListElement>('[data-testid="request-list"]').replaceChildren(...items);
  $<HTMLElement>('[data-testid="requests-empty"]').hidden = items.length > 0;
}

function dateTimeFormatter(timezone: string): (iso: string) => string {
  const opts: Intl.DateTimeFormatOptions = { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' };
  let f: Intl.DateTimeFormat;
  try {
    f = new Intl.DateTimeFormat('en-GB', { ...opts, timeZone: timezone });
  } catch {
    f = new Intl.DateTimeFormat('en-GB', opts);
  }
  return (iso) => f.format(new Date(iso));
}

async function start(): Promise<void> {
  const status = $<HTMLElement>('[data-testid="status"]');
  const buttons = [...document.querySelectorAll<HTMLButtonElement>('.period button')];
  const wanted = new URLSearchParams(location.search).get('period');
  let period = wanted && PERIODS.includes(wanted) ? wanted : '30d';
  let fmt = dateTimeFormatter(Intl.DateTimeFormat().resolvedOptions().timeZone);
  let seq = 0;

  const load = async () => {
    const mine = ++seq;
    for (const b of buttons) b.setAttribute('aria-pressed', String(b.dataset.period === period));
    status.textContent = 'Loading…';
    status.hidden = false;
    try {
      const stats = await getJson<PublicStats>(`/api/public/stats?period=${period}`);
      if (mine !== seq) return;
      renderStats(stats, fmt);
      document.body.dataset.period = stats.period;
      status.hidden = true;
    } catch {
      if (mine === seq) status.textContent = 'The figures could not be loaded. Please try again later.';
    }
  };

  for (const b of buttons) {
    b.addEventListener('click', () => {
      if (!b.dataset.period || b.dataset.period === period) return;
      period = b.dataset.period;
      history.replaceState(null, '', `?period=${period}`);
      void load();
    });
  }

  try {
    const city = await getJson<CityInfo>('/api/v1/city');
    $('[data-testid="city-name"]').textContent = city.name;
    document.title = `${city.name} · transparency · gridloop`;
    fmt = dateTimeFormatter(city.timezone);
  } catch {
    $('[data-testid="city-name"]').textContent = 'City';
  }
  await load();
  try {
    renderRequests(await getJson<ServiceRequest[]>('/open311/v2/requests.json'), fmt);
  } catch {
    const empty = $<HTMLElement>('[data-testid="requests-empty"]');
    empty.textContent = 'The service requests could not be loaded.';
    empty.hidden = false;
  }
  document.body.dataset.ready = 'true';
}

void start();
