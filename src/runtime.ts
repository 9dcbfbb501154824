import { join } from 'node:path';
import { createAccounts } from './access/accounts.ts';
import { auditConfigChange, purgeContacts, subscribeAudit } from './access/audit-subscriber.ts';
import type { Cipher } from './access/vault.ts';
import { loadCity } from './adapters/city-files.ts';
import { directSink, type IngestSink, natsSink } from './adapters/nats/sink.ts';
import { connectNats, setupReadingsStream } from './adapters/nats/stream.ts';
import { nodeSha256, VAULT_KEYS_ENV, vaultCipherFromEnv } from './adapters/node-crypto.ts';
import { openPostgresStore } from './adapters/postgres/index.ts';
import { nodeSecrets } from './adapters/secrets.ts';
import { openSqliteStore } from './adapters/sqlite/index.ts';
import { createCaseService } from './cases/service.ts';
import type { City } from './city/city.ts';
import type { Bus, GridloopEvents } from './events.ts';
import { buildGrid } from './grid/index.ts';
import type { Grid } from './grid/types.ts';
import { buildZoneIndex } from './grid/zones.ts';
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
  /** postgres://… to use PostgreSQL (else env GRIDLOOP_DATABASE_URL; else SQLite in dataDir). */
  readonly databaseUrl?: string;
  /** PostgreSQL schema to use (env GRIDLOOP_DATABASE_SCHEMA); default the connection's search_path. */
  readonly databaseSchema?: string;
  /** Days raw readings are kept (rollups stay); 0 keeps them forever. Env GRIDLOOP_READING_RETENTION_DAYS. */
  readonly readingRetentionDays?: number;
  /** NATS server URL(s): accepted ingest input goes to the JetStream stream for `gridloop worker` to write. */
  readonly nats?: string;
  /** Replicas of the stream when this process creates it (3 on a cluster). */
  readonly natsReplicas?: number;
}

/**
 * The composition root: loads the city, builds the grid, opens the store and wires ingest → watch → cases through the
 * bus. The CLI's `serve`, `import` and the tests all start gridloop through here.
 */
export async function createRuntime(opts: RuntimeOptions) {
  const clock = opts.clock ?? systemClock;
  const loaded: City = await loadCity(opts.cityDir);
  const grid: Grid = unwrap(buildGrid(loaded));
  // Given polygon cells are needed only to build the grid, which keeps what it needs in typed arrays; their GeoJSON
  // (about 0.5 GB for 1M cells) is dropped from the city the runtime holds.
  const city: City = loaded.grid.kind === 'polygons' ? { ...loaded, grid: { ...loaded.grid, cells: [] } } : loaded;
  const zones = buildZoneIndex(city, grid);
  const sensors = unwrap(buildSensorRegistry(city, grid));
  const cipher = opts.cipher ?? (process.env[VAULT_KEYS_ENV] ? vaultCipherFromEnv() : undefined);
  const retentionMs =
    (opts.contactRetentionDays ??
      Number(process.env.GRIDLOOP_CONTACT_RETENTION_DAYS ?? DEFAULT_CONTACT_RETENTION_DAYS)) * DAY;
  const storeOpts = cipher ? { cipher, clock } : { clock };
  // GRIDLOOP_DATABASE_URL=postgres://… selects PostgreSQL; the default is the embedded SQLite file in the data folder.
  const databaseUrl = opts.databaseUrl ?? process.env.GRIDLOOP_DATABASE_URL;
  const stores: Stores = databaseUrl?.startsWith('postgres')
    ? await openPostgresStore(databaseUrl, {
        ...storeOpts,
        ...((opts.databaseSchema ?? process.env.GRIDLOOP_DATABASE_SCHEMA)
          ? { schema: (opts.databaseSchema ?? process.env.GRIDLOOP_DATABASE_SCHEMA) as string }
          : {}),
      })
    : openSqliteStore(opts.dataDir === ':memory:' ? ':memory:' : join(opts.dataDir, 'gridloop.db'), storeOpts);
  const readingRetentionMs =
    (opts.readingRetentionDays ?? Number(process.env.GRIDLOOP_READING_RETENTION_DAYS ?? 0)) * DAY;
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
  // Where accepted input goes: straight through the pipeline, or onto JetStream for the workers.
  const sink: IngestSink =
    opts.nats === undefined
      ? directSink((scope) => (scope === undefined ? ingest : ingestFor(scope)))
      : await (async () => {
          const nc = await connectNats(opts.nats as string, `gridloop-serve-${process.pid}`);
          await setupReadingsStream(nc, { replicas: opts.natsReplicas ?? 1 });
          return natsSink(nc);
        })();
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
  await auditConfigChange(stores.audit, city.id, cityFingerprint(city), clock);

  const interval = opts.jobIntervalMs ?? 30_000;
  let timer: NodeJS.Timeout | undefined;
  const runJobs = async () => {
    await watcher.tick();
    await cases.sweepOverdue();
    await purgeContacts(stores, clock);
    if (readingRetentionMs > 0) await stores.readings.deleteReadingsBefore(clock() - readingRetentionMs);
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
    sink,
    watcher,
    cases,
    accounts,
    contactsEnabled: cipher !== undefined,
    runJobs,
    async close() {
      if (timer) clearInterval(timer);
      await sink.close();
      await stores.close();
    },
  };
}

export const DEFAULT_CONTACT_RETENTION_DAYS = 30;

export type Runtime = Awaited<ReturnType<typeof createRuntime>>;

/** A fingerprint of everything the city definition says, including area and zone geometry read from its files. */
function cityFingerprint(city: City): string {
  return nodeSha256(JSON.stringify({ def: city.def, areas: [...city.areas.values()], zones: city.zones }));
}

function unwrap<T>(r: { ok: true; value: T } | { ok: false; error: Error }): T {
  if (!r.ok) throw r.error;
  return r.value;
}
