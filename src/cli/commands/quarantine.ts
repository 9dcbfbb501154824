import type { Command } from 'commander';
import { countingStores } from '../../adapters/import-file.ts';
import { createIngest, type IngestDeps } from '../../ingest/pipeline.ts';
import type { QuarantineStore } from '../../ingest/ports.ts';
import type { StoredQuarantineEntry } from '../../ingest/types.ts';
import { toIso } from '../../shared/clock.ts';
import { DomainError } from '../../shared/errors.ts';
import { type RuntimeFlags, withRuntime, withRuntimeFlags } from '../shared.ts';

const collect = (v: string, acc: string[]): string[] => [...acc, v];
const PAGE = 1000;

/** `gridloop quarantine list|show|replay`: inspect records that could not be stored, and retry them. */
export function quarantineCommand(program: Command): void {
  const q = program.command('quarantine').description('records that could not be stored: inspect and replay');

  withRuntimeFlags(
    q
      .command('list')
      .description('list quarantined records, oldest first')
      .option('--code <code>', 'only this error code, e.g. INGEST_UNKNOWN_SENSOR')
      .option('--limit <n>', 'at most this many', (v) => Number.parseInt(v, 10), 20)
      .option('--after <id>', 'only ids after this one (to page)', (v) => Number.parseInt(v, 10), 0)
      .option('--json', 'NDJSON, one entry a line'),
  ).action(async (o: RuntimeFlags & { code?: string; limit: number; after: number; json?: boolean }) => {
    await withRuntime(o, async (rt) => {
      const filter = { limit: o.limit, afterId: o.after, ...(o.code ? { code: o.code } : {}) };
      const rows = await rt.stores.quarantine.findQuarantine(filter);
      for (const e of rows) {
        if (o.json) console.log(JSON.stringify(view(e)));
        else
          console.log(
            `${e.id}\t${toIso(e.receivedAt)}\t${e.code}\t${e.source}\t${cut(e.reason, 60)}\t${cut(e.raw, 80)}`,
          );
      }
      if (!o.json) console.error(`${rows.length} shown of ${await rt.stores.quarantine.countQuarantine()} quarantined`);
    });
  });

  withRuntimeFlags(
    q
      .command('show')
      .description('one quarantined record: raw input, code, reason, path, source, time')
      .argument('<id>'),
  ).action(async (id: string, o: RuntimeFlags) => {
    await withRuntime(o, async (rt) => {
      const [e] = await rt.stores.quarantine.findQuarantine({ ids: [parseId(id)], limit: 1 });
      if (!e) throw new DomainError('NOT_FOUND', `no quarantined record has id ${id}`);
      console.log(JSON.stringify(view(e), null, 2));
    });
  });

  withRuntimeFlags(
    q
      .command('replay')
      .description('run quarantined records through the pipeline again (after the city definition was fixed)')
      .option('--code <code>', 'only records with this error code')
      .option('--id <id>', 'only this record (repeat)', collect, []),
  ).action(async (o: RuntimeFlags & { code?: string; id: string[] }) => {
    await withRuntime(o, async (rt) => {
      const ids = o.id.length > 0 ? o.id.map(parseId) : undefined;
      const s = await replayQuarantine(rt, rt.stores.quarantine, {
        ...(o.code ? { code: o.code } : {}),
        ...(ids ? { ids } : {}),
      });
      console.log(JSON.stringify(s));
    });
  });
}

export interface ReplaySummary {
  /** Quarantined records picked by the filter. */
  replayed: number;
  stored: number;
  duplicate: number;
  /** Refused again: back in quarantine under a new id, with the reason of this run. */
  quarantined: number;
  /** Not JSON at all (e.g. INGEST_MALFORMED_JSON): left as they are, since no fix to the city can make them pass. */
  unchanged: number;
  reasons: { code: string; count: number }[];
}

/**
 * Re-runs quarantined records through the pipeline, each under its own source (so reports keep their duplicate key).
 * A record that passes is stored; one refused again is quarantined afresh with the reason of this run; either way its
 * old entry is deleted, after the pipeline's transaction committed. A crash between the two leaves the old entry, and
 * replaying it again finds a duplicate, so nothing is lost or stored twice. A record's kind is told by its fields:
 * one with service_code, lat or long is a report, anything else a reading.
 */
export async function replayQuarantine(
  deps: IngestDeps,
  quarantine: QuarantineStore,
  filter: { code?: string; ids?: readonly number[] },
): Promise<ReplaySummary> {
  const reasons = new Map<string, number>();
  const ingest = createIngest({ ...deps, stores: countingStores(deps.stores, reasons) });
  const s: ReplaySummary = { replayed: 0, stored: 0, duplicate: 0, quarantined: 0, unchanged: 0, reasons: [] };
  // The ids to replay are fixed first: entries quarantined again get new, higher ids and must not be picked up twice.
  const picked: number[] = [];
  for (let after = 0; ; ) {
    const page = await quarantine.findQuarantine({ ...filter, afterId: after, limit: PAGE });
    for (const e of page) picked.push(e.id);
    if (page.length < PAGE) break;
    after = page[page.length - 1]?.id as number;
  }
  for (let k = 0; k < picked.length; k += PAGE) {
    const entries = await quarantine.findQuarantine({ ids: picked.slice(k, k + PAGE), limit: PAGE });
    const groups = new Map<string, { readings: unknown[]; reports: unknown[]; ids: number[] }>();
    for (const e of entries) {
      s.replayed++;
      let value: unknown;
      try {
        value = JSON.parse(e.raw);
      } catch {
        s.unchanged++;
        continue;
      }
      const g = groups.get(e.source) ?? { readings: [], reports: [], ids: [] };
      groups.set(e.source, g);
      const o = value as Record<string, unknown> | null;
      const isReport = typeof o === 'object' && o !== null && ('service_code' in o || 'lat' in o || 'long' in o);
      (isReport ? g.reports : g.readings).push(value);
      g.ids.push(e.id);
    }
    for (const [source, g] of groups) {
      for (const r of [
        g.readings.length ? await ingest.ingestRecords(g.readings, source) : undefined,
        g.reports.length ? await ingest.fileReports(g.reports, source) : undefined,
      ]) {
        if (!r) continue;
        s.stored += r.stored;
        s.duplicate += r.duplicate;
        s.quarantined += r.quarantined;
      }
      await quarantine.deleteQuarantine(g.ids);
    }
  }
  s.reasons = [...reasons]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 5)
    .map(([code, count]) => ({ code, count }));
  return s;
}

function view(e: StoredQuarantineEntry) {
  return {
    id: e.id,
    code: e.code,
    reason: e.reason,
    path: e.path ?? null,
    source: e.source,
    receivedAt: toIso(e.receivedAt),
    raw: e.raw,
  };
}

function parseId(v: string): number {
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n < 1) throw new DomainError('REQUEST_INVALID', `not a quarantine id: ${v}`);
  return n;
}

const cut = (t: string, n: number): string => {
  const one = t.replace(/\s+/g, ' ');
  return one.length > n ? `${one.slice(0, n - 1)}…` : one;
};
