import { gridDisk } from 'h3-js';
import type { City, CountRule } from '../city/city.ts';
import type { Grid } from '../grid/types.ts';
import type { ReportInput } from '../ingest/report-input.ts';
import type { CellId } from '../shared/brand.ts';
import { toIso } from '../shared/clock.ts';
import { fakeAddress, GENERIC_TEXTS, REPORT_TEXTS, REPORT_WEIGHTS } from './report-texts.ts';
import { weighted } from './rng.ts';

/** Reports of these categories tend to come from near sensors of the metric: floods by the river, full bins … */
const NEAR_METRIC: Record<string, string> = {
  flooding: 'waterLevel',
  'bin-overflow': 'fillingLevel',
  noise: 'LAeq',
  'air-pollution': 'pm25',
};

interface Cluster {
  readonly cell: CellId;
  readonly category: string;
  remaining: number;
  readonly until: number;
}

export interface ReportMaker {
  /** One report at ts from the citizens' general stream; now and then it joins or starts a local cluster. */
  next(ts: number): ReportInput;
  /** Reports of a count rule's category in one random cell at the given times: enough to make the rule fire. */
  burst(rule: CountRule, times: readonly number[]): ReportInput[];
}

/** Makes plausible Open311 reports for a city: weighted categories, a point inside a city cell, a short text. */
export function createReportMaker(city: City, grid: Grid, random: () => number): ReportMaker {
  const cells = grid.allCells();
  const codes = [...city.categories.keys()];
  const counted = city.rules.filter((r): r is CountRule => r.kind === 'count');
  const sensorCells = new Map<string, CellId[]>();
  for (const s of city.sensors.values()) {
    const at = grid.assign(s.lon, s.lat);
    if (!at.ok) continue;
    for (const m of s.metrics) sensorCells.set(m.name, [...(sensorCells.get(m.name) ?? []), at.value.cell]);
  }
  let clusters: Cluster[] = [];
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)] as T;

  const cellFor = (code: string): CellId => {
    const near = sensorCells.get(NEAR_METRIC[code] ?? '');
    if (!near || random() < 0.4) return pick(cells);
    const around = gridDisk(pick(near), 2).filter((c) => grid.leafOf(c as CellId) !== undefined);
    return (around.length > 0 ? pick(around) : pick(cells)) as CellId;
  };

  const report = (code: string, cell: CellId, ts: number): ReportInput => {
    const [lon, lat] = pointIn(grid, cell, random);
    const input: ReportInput = {
      service_code: code,
      lat,
      long: lon,
      description: pick(REPORT_TEXTS[code] ?? GENERIC_TEXTS),
      requested_datetime: toIso(ts),
    };
    const leaf = grid.leafOf(cell);
    if (leaf && random() < 0.5) input.address_string = fakeAddress(random, city.areas.get(leaf)?.name ?? leaf);
    return input;
  };

  return {
    next(ts) {
      clusters = clusters.filter((c) => c.remaining > 0 && c.until > ts);
      const joining = clusters.length > 0 && random() < 0.3 ? pick(clusters) : undefined;
      if (joining) {
        joining.remaining--;
        return report(joining.category, joining.cell, ts);
      }
      const rule = counted.length > 0 && random() < 0.04 ? pick(counted) : undefined;
      if (rule) {
        const cell = pick(cells);
        const window = Math.min(rule.withinMs, 3_600_000);
        clusters.push({ cell, category: rule.category, remaining: rule.atLeast, until: ts + window });
        return report(rule.category, cell, ts);
      }
      const code = weighted(random, codes, (c) => REPORT_WEIGHTS[c] ?? 3);
      return report(code, cellFor(code), ts);
    },
    burst(rule, times) {
      const cell = pick(cells);
      return times.map((ts) => report(rule.category, cell, ts));
    },
  };
}

const round6 = (v: number) => Math.round(v * 1e6) / 1e6;

/** A random point well inside a cell: towards a random spot of its boundary, at most 70% of the way from the centre. */
function pointIn(grid: Grid, cell: CellId, random: () => number): [number, number] {
  const ring = grid.boundary(cell);
  const [cx, cy] = grid.centre(cell);
  const k = Math.floor(random() * (ring.length - 1));
  const a = ring[k] ?? [cx, cy];
  const b = ring[k + 1] ?? a;
  const along = random();
  const out = 0.7 * random();
  const ex = (a[0] ?? cx) + along * ((b[0] ?? cx) - (a[0] ?? cx));
  const ey = (a[1] ?? cy) + along * ((b[1] ?? cy) - (a[1] ?? cy));
  const p: [number, number] = [round6(cx + out * (ex - cx)), round6(cy + out * (ey - cy))];
  const back = grid.assign(p[0], p[1]);
  return back.ok && back.value.cell === cell ? p : [round6(cx), round6(cy)];
}
