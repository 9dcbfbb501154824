import type { City, ThresholdRule } from '../city/city.ts';
import type { Grid } from '../grid/types.ts';
import type { ReportInput } from '../ingest/report-input.ts';
import type { ReadingInput } from '../sensors/types.ts';
import type { Clock } from '../shared/clock.ts';
import { MINUTE } from '../shared/clock.ts';
import { createReadingSource } from './readings.ts';
import { createReportMaker } from './reports.ts';
import { poisson } from './rng.ts';
import { ticker } from './ticker.ts';

export interface SimulatorDeps {
  readonly city: City;
  readonly grid: Grid;
  readonly clock: Clock;
  ingestReadings(records: ReadingInput[]): Promise<unknown>;
  fileReports(records: ReportInput[]): Promise<unknown>;
  /** Uniform [0, 1) source; pass a seeded one (e.g. mulberry32) for reproducible runs. Default Math.random. */
  readonly random?: () => number;
  /** Mean gap between live citizen reports, in ms (default 4 s: the demo should look busy). */
  readonly reportEveryMs?: number;
  /** Mean gap between incidents, in ms of simulated time (default 15 min). */
  readonly incidentEveryMs?: number;
  /** Where errors of a live tick go (default console.error); a failed tick never stops the simulator. */
  readonly onError?: (e: unknown) => void;
}

export interface Simulator {
  /** Readings every 5 minutes for [from, to), incidents and reports in that window, so that alerts exist at start. */
  backfill(fromMs: number, toMs: number): Promise<void>;
  /** One live step at clock(): a reading per sensor and metric, the reports since the last tick, maybe an incident. */
  tick(): Promise<void>;
  /** Ticks every intervalMs (default 5 s) until stop(); a tick still running when the next is due is skipped. */
  start(intervalMs?: number): void;
  stop(): void;
}

export const BACKFILL_STEP_MS = 5 * MINUTE;
const BACKFILL_REPORT_EVERY_MS = 2 * MINUTE;
const MAX_TICK_GAP_MS = 5 * MINUTE;
const MAX_RUNNING_INCIDENTS = 8;
const BATCH = 5000;

/**
 * The demo's live data source: sensor readings with daily cycles, slow noise and the odd incident that crosses a rule's
 * threshold for long enough to fire, and a Poisson stream of citizen reports, some clustered in one cell so that count
 * rules fire. It knows the city only through its definition, so it runs on any city, most realistically on the demo.
 */
export function createSimulator(deps: SimulatorDeps): Simulator {
  const { city, clock } = deps;
  const random = deps.random ?? Math.random;
  const reportEveryMs = deps.reportEveryMs ?? 4000;
  const incidentEveryMs = deps.incidentEveryMs ?? 15 * MINUTE;
  const onError = deps.onError ?? ((e: unknown) => console.error('gridloop simulator:', e));
  const source = createReadingSource(city, random);
  const reports = createReportMaker(city, deps.grid, random);
  const thresholds = city.rules.filter((r): r is ThresholdRule => r.kind === 'threshold');
  const anyRule = () => thresholds[Math.floor(random() * thresholds.length)];
  const minutes = (lo: number, hi: number) => (lo + (hi - lo) * random()) * MINUTE;
  let lastReadingTs = Number.NEGATIVE_INFINITY;
  let lastTickTs: number | undefined;
  const loop = ticker(() => simulator.tick(), onError);

  const send = async (readings: ReadingInput[], filed: ReportInput[]) => {
    for (let i = 0; i < readings.length; i += BATCH) await deps.ingestReadings(readings.slice(i, i + BATCH));
    for (let i = 0; i < filed.length; i += BATCH) await deps.fileReports(filed.slice(i, i + BATCH));
  };

  const simulator: Simulator = {
    async backfill(from, to) {
      if (!(to > from)) return;
      const span = to - from;
      // One incident per threshold rule, alternately still going at `to` (so that alerts are open when the page
      // opens) and early in the window (so that some have cleared already), then random ones at the usual rate.
      for (const [k, rule] of thresholds.entries()) {
        const lead = minutes(10, 30);
        if (k % 2 === 0) {
          source.disturb(rule, (ramp) => Math.max(from, to - ramp - rule.forMs - lead), lead + minutes(15, 60));
        } else {
          source.disturb(rule, from + 0.25 * span * random(), minutes(5, 20));
        }
      }
      for (let n = poisson(random, span / incidentEveryMs); n > 0; n--) {
        const rule = anyRule();
        if (rule) source.disturb(rule, from + span * random(), minutes(5, 35));
      }
      const readings: ReadingInput[] = [];
      for (let ts = Math.ceil(from / BACKFILL_STEP_MS) * BACKFILL_STEP_MS; ts < to; ts += BACKFILL_STEP_MS) {
        readings.push(...source.at(ts));
        lastReadingTs = ts;
      }
      const stamped = sortedTimes(random, poisson(random, span / BACKFILL_REPORT_EVERY_MS), from, to).map(
        (ts): [number, ReportInput] => [ts, reports.next(ts)],
      );
      for (const rule of city.rules) {
        if (rule.kind !== 'count') continue;
        const window = Math.min(rule.withinMs, span, 40 * MINUTE);
        const times = sortedTimes(random, rule.atLeast, to - window, to);
        reports.burst(rule, times).forEach((r, i) => void stamped.push([times[i] ?? to, r]));
      }
      stamped.sort((a, b) => a[0] - b[0]);
      lastTickTs = Math.max(lastTickTs ?? to, to);
      await send(
        readings,
        stamped.map(([, r]) => r),
      );
    },

    async tick() {
      const now = clock();
      const gap = lastTickTs === undefined ? 0 : Math.min(MAX_TICK_GAP_MS, Math.max(0, now - lastTickTs));
      lastTickTs = Math.max(lastTickTs ?? now, now);
      if (gap > 0 && source.running(now) < MAX_RUNNING_INCIDENTS && random() < 1 - Math.exp(-gap / incidentEveryMs)) {
        const rule = anyRule();
        if (rule) source.disturb(rule, now, minutes(5, 35));
      }
      const readings = now > lastReadingTs ? source.at(now) : [];
      if (readings.length > 0) lastReadingTs = now;
      const times = sortedTimes(random, poisson(random, gap / reportEveryMs), now - gap, now);
      await send(
        readings,
        times.map((ts) => reports.next(ts)),
      );
    },

    start(intervalMs = 5000) {
      loop.start(intervalMs);
    },

    stop() {
      loop.stop();
    },
  };
  return simulator;
}

/** n instants uniformly in [from, to), in order, in whole milliseconds. */
function sortedTimes(random: () => number, n: number, from: number, to: number): number[] {
  return Array.from({ length: n }, () => Math.floor(from + (to - from) * random())).sort((a, b) => a - b);
}
