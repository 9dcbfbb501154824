import type { CaseService } from '../cases/service.ts';
import type { Case, CaseEventType, CaseState } from '../cases/types.ts';
import type { Clock } from '../shared/clock.ts';
import { isDomainError } from '../shared/errors.ts';
import { ticker } from './ticker.ts';

export interface OperatorsDeps {
  readonly cases: Pick<CaseService, 'list' | 'apply'>;
  readonly clock: Clock;
  /** Uniform [0, 1) source; pass a seeded one (e.g. mulberry32) for reproducible runs. Default Math.random. */
  readonly random?: () => number;
  /** Where unexpected errors go (default console.error); expected refusals such as a concurrent change are skipped. */
  readonly onError?: (e: unknown) => void;
}

export interface Operators {
  /** One look at the open cases: each may move one step, with a chance that grows with the time since the last tick. */
  tick(): Promise<void>;
  /** Ticks every intervalMs (default 5 s) until stop(); a tick still running when the next is due is skipped. */
  start(intervalMs?: number): void;
  stop(): void;
}

type Actor = 'sim-dispatcher' | 'sim-field-team' | 'sim-supervisor';

/** What the staff do to a case in each open state, and how long it takes at normal pace (mean, in ms of clock time). */
interface Step {
  readonly event: CaseEventType;
  readonly actor: Actor;
  readonly meanMs: number;
  /** Sometimes the other outcome: a reported case rejected, a resolved one failing verification. */
  readonly alt?: { readonly event: CaseEventType; readonly p: number; readonly notes: readonly string[] };
}

const STEPS: Partial<Record<CaseState, Step>> = {
  reported: {
    event: 'register',
    actor: 'sim-dispatcher',
    meanMs: 40_000,
    alt: {
      event: 'reject',
      p: 0.04,
      notes: [
        'Not actionable: on private land, owner to be informed.',
        'Not actionable: outside city responsibility, passed to the utility company.',
        'Not actionable: nothing found at the location given.',
        'Not actionable: already fixed when the desk checked.',
      ],
    },
  },
  registered: { event: 'dispatch', actor: 'sim-dispatcher', meanMs: 30_000 },
  reopened: { event: 'dispatch', actor: 'sim-dispatcher', meanMs: 30_000 },
  dispatched: { event: 'start', actor: 'sim-field-team', meanMs: 45_000 },
  rework: { event: 'start', actor: 'sim-field-team', meanMs: 60_000 },
  in_progress: { event: 'resolve', actor: 'sim-field-team', meanMs: 90_000 },
  resolved: {
    event: 'verify',
    actor: 'sim-supervisor',
    meanMs: 45_000,
    alt: {
      event: 'fail_verification',
      p: 0.1,
      notes: [
        'Verification failed: repair incomplete, sent back to the team.',
        'Verification failed: problem still there on re-inspection.',
        'Verification failed: site not cleared up after the work.',
      ],
    },
  },
  verified: { event: 'close', actor: 'sim-supervisor', meanMs: 30_000 },
};

const OPEN_STATES = Object.keys(STEPS) as CaseState[];

const NOTES: Partial<Record<CaseEventType, readonly string[]>> = {
  register: [
    'Location checked on the map, within our remit.',
    'Details clear, logged for action.',
    'Checked and registered.',
  ],
  dispatch: ['Sent to the responsible team.', 'Assigned to the area field team.', 'Passed to the duty crew.'],
  start: ['Crew on site, area coned off.', 'Team on the way with the van.', 'Work started, site made safe.'],
  verify: [
    'Checked on site, work done properly.',
    'Photo of the finished work checked, all fine.',
    'Spot check passed.',
  ],
  close: ['Closed after verification.', 'Closed, no further action needed.'],
};

const RESTART_NOTES = ['Back on site to finish the job.', 'Returned with the right parts.', 'Rework started.'];

/** Field teams say what they did, so resolve notes follow the category (demo city codes; others get the generic ones). */
const RESOLVE_NOTES: Record<string, readonly string[]> = {
  pothole: ['Pothole filled and compacted, surface level again.', 'Patch repair done, lane reopened.'],
  'streetlight-out': ['Lamp replaced, light working again.', 'Faulty cable joint repaired, lights back on.'],
  'traffic-signal': ['Controller reset and lamp replaced, cycle checked.', 'Signal head realigned and tested.'],
  'illegal-dumping': ['Dumped items cleared and taken to the depot.', 'Rubbish removed, verge swept.'],
  graffiti: ['Graffiti removed with the pressure washer.', 'Surface cleaned and painted over.'],
  'bin-overflow': ['Bin emptied, litter picked around it.', 'Bin emptied and collection round adjusted.'],
  'air-pollution': ['Source found and stopped, air checked again.', 'Burning stopped, site owner advised.'],
  noise: ['Source found and switched off.', 'Works told to keep to permitted hours.'],
  flooding: ['Drain cleared, water gone from the road.', 'Gully unblocked and road swept.'],
  'fallen-tree': ['Tree cut up and removed, path open again.', 'Broken branch removed, tree made safe.'],
};
const GENERIC_RESOLVE = ['Work done, site left clean and safe.', 'Fixed on site.'];

/** Refusals that only mean the case moved on (another writer) or cannot move yet (no team): try again later or never. */
const EXPECTED = new Set(['CASE_INVALID_TRANSITION', 'CASE_CONFLICT', 'CASE_NO_TEAM', 'CASE_NOT_FOUND']);

const NOMINAL_TICK_MS = 5000;
/** A long pause (a suspended laptop) must not push every case round the loop at once. */
const MAX_GAP_MS = 60_000;
const LIST_LIMIT = 300;
const OVERDUE_LIMIT = 100;
/** Shares of cases left lying until their stage deadline passes (then chased), and of cases worked about 7× slower. */
const FORGOTTEN = 0.05;
const SLOW = 0.15;

/**
 * Simulated staff for the demo: a dispatch desk, field teams and supervisors who work open cases through the real case
 * service, so that the command centre shows the loop turning. Each case has its own pace, drawn when first seen: most
 * go round in a few minutes, some take half an hour, and a few lie untouched at each stage until it runs overdue,
 * after which the desk chases them. Every change goes through `apply`, with the workflow's rules and history, as a
 * person's would.
 */
export function createOperators(deps: OperatorsDeps): Operators {
  const { cases, clock } = deps;
  const random = deps.random ?? Math.random;
  const onError = deps.onError ?? ((e: unknown) => console.error('gridloop operators:', e));
  const pick = (xs: readonly string[]) => xs[Math.floor(random() * xs.length)];
  const paces = new Map<string, number>();
  let lastTickTs: number | undefined;
  const loop = ticker(() => operators.tick(), onError);

  const paceOf = (c: Case): number => {
    let pace = paces.get(c.id);
    if (pace === undefined) {
      const r = random();
      pace = r < FORGOTTEN ? 0 : r < FORGOTTEN + SLOW ? 0.15 : 0.6 + 0.8 * random();
      paces.set(c.id, pace);
    }
    return c.overdue ? Math.max(pace, 0.5) : pace;
  };

  const noteFor = (c: Case, event: CaseEventType): string | undefined => {
    if (event === 'resolve') return pick(RESOLVE_NOTES[c.category] ?? GENERIC_RESOLVE);
    if (event === 'start' && c.state === 'rework') return pick(RESTART_NOTES);
    return pick(NOTES[event] ?? []);
  };

  async function work(c: Case, gap: number): Promise<void> {
    const step = STEPS[c.state];
    if (!step) return;
    if (random() >= 1 - Math.exp((-gap * paceOf(c)) / step.meanMs)) return;
    const alt = step.alt && (c.source === 'report' || step.event !== 'register') && random() < step.alt.p;
    const event = alt && step.alt ? step.alt.event : step.event;
    const note = alt && step.alt ? pick(step.alt.notes) : noteFor(c, event);
    const r = await cases.apply(c.id, event, { actor: step.actor, note });
    if (!r.ok && !(isDomainError(r.error) && EXPECTED.has(r.error.code))) onError(r.error);
  }

  const operators: Operators = {
    async tick() {
      const now = clock();
      const gap = lastTickTs === undefined ? NOMINAL_TICK_MS : Math.min(MAX_GAP_MS, Math.max(0, now - lastTickTs));
      lastTickTs = Math.max(lastTickTs ?? now, now);
      // The newest cases, and the overdue ones however old: the desk chases what is late.
      const recent = await cases.list({ states: OPEN_STATES, limit: LIST_LIMIT });
      const late = await cases.list({ states: OPEN_STATES, overdue: true, limit: OVERDUE_LIMIT });
      const seen = new Map<string, Case>();
      for (const c of [...recent, ...late]) seen.set(c.id, c);
      for (const id of paces.keys()) if (!seen.has(id)) paces.delete(id);
      if (gap === 0) return;
      for (const c of seen.values()) {
        try {
          await work(c, gap);
        } catch (e) {
          onError(e);
        }
      }
    },

    start(intervalMs = NOMINAL_TICK_MS) {
      loop.start(intervalMs);
    },

    stop() {
      loop.stop();
    },
  };
  return operators;
}
