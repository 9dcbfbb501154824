import { join } from 'node:path';
import { createAccounts } from './access/accounts.ts';
import { purgeContacts, subscribeAudit } from './access/audit-subscriber.ts';
import type { Cipher } from './access/vault.ts';
import { loadCity } from './adapters/city-files.ts';
import { VAULT_KEYS_ENV, vaultCipherFromEnv } from './adapters/node-crypto.ts';
import { nodeSecrets } from './adapters/secrets.ts';
import { openSqliteStore } from './adapters/sqlite/index.ts';
import { createCaseService } from './cases/service.ts';
import type { City } from './city/city.ts';
import type { Bus, GridloopEvents } from './events.ts';
import { buildGrid } from './grid/index.ts';
import { buildZoneIndex } from './grid/zones.ts';
import type { Grid } from './grid/types.ts';
import { createIngest, type Ingest } from './ingest/pipeline.ts';
import type { Stores } from './ports.ts';
import { buildSensorRegistry } from './sensors/registry.ts';
import type { AreaId } from './shared/brand.ts';
import { EventBus } from './shared/bus.ts';
import { type Clock, DAY, systemClock } from './shared/clock.ts';
import { createWatcher } from './watch/watcher.ts';

export interface RuntimeOptions {
  /** The folder holding city.yaml. */
  readonly cityDir: string;
  /** The data folder; the embedded store is `<dataDir>/gridloop.db`. ':memory:' keeps everything in memory. */
  readonly dataDir: string;
  readonly clock?: Clock;
  /** How often background jobs (count-rule clearing, overdue sweep) run; 0 turns them off. Default 30 s. */
  readonly jobIntervalMs?: number;
  /**
   * The contact vault's cipher. Default: from GRIDLOOP_VAULT_KEYS; without it, contact details are not stored at all.
   */
  readonly cipher?: Cipher;
  /** Days after a case closes that the reporter's contact details are purged (env GRIDLOOP_CONTACT_RETENTION_DAYS). */
  readonly contactRetentionDays?: number;
}

/**
 * The composition root: loads the city, builds the grid, opens the store and wires ingest → watch → cases through the
 * bus. The CLI's `serve`, `import` and the tests all start gridloop through here.
 */
export async function createRuntime(opts: RuntimeOptions) {
  const clock = opts.clock ?? systemClock;
  const city: City = await loadCity(opts.cityDir);
  const grid: Grid = unwrap(buildGrid(city));
  const zones = buildZoneIndex(city, grid);
  const sensors = unwrap(buildSensorRegistry(city, grid));
  const cipher = opts.cipher ?? (process.env[VAULT_KEYS_ENV] ? vaultCipherFromEnv() : undefined);
  const retentionMs =
    (opts.contactRetentionDays ??
      Number(process.env.GRIDLOOP_CONTACT_RETENTION_DAYS ?? DEFAULT_CONTACT_RETENTION_DAYS)) * DAY;
  const stores: Stores = openSqliteStore(
    opts.dataDir === ':memory:' ? ':memory:' : join(opts.dataDir, 'gridloop.db'),
    cipher ? { cipher, clock } : { clock },
  );
  const bus: Bus = new EventBus<GridloopEvents>();
  const ingest = createIngest({ city, grid, sensors, stores, bus, clock });
  // A token scoped to part of the city may feed only that part's sensors: others look unknown to it.
  const scopedIngest = new Map<AreaId, Ingest>();
  const ingestFor = (scope: AreaId): Ingest => {
    if (scope === city.root) return ingest;
    let scoped = scopedIngest.get(scope);
    if (!scoped) {
      const inScope = new Map([...sensors].filter(([, s]) => grid.pathOf(s.area).includes(scope)));
      scoped = createIngest({ city, grid, sensors: inScope, stores, bus, clock });
      scopedIngest.set(scope, scoped);
    }
    return scoped;
  };
  const watcher = createWatcher({
    city,
    grid,
    alerts: stores.alerts,
    countReports: (...a) => stores.reports.countReports(...a),
    bus,
    clock,
    zones,
  });
  const cases = createCaseService({ city, grid, cases: stores.cases, alerts: stores.alerts, bus, clock, zones });
  const accounts = createAccounts({
    store: stores.access,
    secrets: nodeSecrets,
    clock,
    isArea: (id) => city.areas.has(id as AreaId),
  });
  await watcher.init();
  watcher.subscribe();
  cases.subscribe();
  subscribeAudit(bus, stores, retentionMs);

  const interval = opts.jobIntervalMs ?? 30_000;
  let timer: NodeJS.Timeout | undefined;
  const runJobs = async () => {
    await watcher.tick();
    await cases.sweepOverdue();
    await purgeContacts(stores, clock);
  };
  if (interval > 0) {
    timer = setInterval(() => {
      runJobs().catch((e: unknown) => console.error('background job failed', e));
    }, interval);
    timer.unref();
  }

  return {
    city,
    grid,
    zones,
    sensors,
    stores,
    bus,
    clock,
    ingest,
    ingestFor,
    watcher,
    cases,
    accounts,
    contactsEnabled: cipher !== undefined,
    runJobs,
    async close() {
      if (timer) clearInterval(timer);
      await stores.close();
    },
  };
}

export const DEFAULT_CONTACT_RETENTION_DAYS = 30;

export type Runtime = Awaited<ReturnType<typeof createRuntime>>;

function unwrap<T>(r: { ok: true; value: T } | { ok: false; error: Error }): T {
  if (!r.ok) throw r.error;
  return r.value;
}
