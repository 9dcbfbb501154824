import { test } from 'node:test';
import type { QuarantineEntry, Report } from '../../src/ingest/types.ts';
import type { Stores } from '../../src/ports.ts';
import type { Reading } from '../../src/sensors/types.ts';
import type { AreaId, CellId, ReportId, SensorId, ServiceCode } from '../../src/shared/brand.ts';

/** Valid res-9 H3 cells, as a store sees them. */
export const CELL_A = '891fa4e1a03ffff' as CellId;
export const CELL_B = '891fa4e1a07ffff' as CellId;

export const T0 = Date.UTC(2024, 5, 1);

export const reading = (sensor: string, metric: string, ts: number, value: number, cell = CELL_A): Reading => ({
  sensor: sensor as SensorId,
  metric,
  ts,
  value,
  cell,
});

export const quarantined = (raw: string, code: QuarantineEntry['code'], path?: string): QuarantineEntry => ({
  source: 'test',
  raw,
  code,
  reason: `because ${code}`,
  path,
  receivedAt: T0,
});

let seq = 0;
/** A report with a fresh id; override any field. */
export const report = (over: Partial<Report> = {}): Report => ({
  id: `report_test${String(++seq).padStart(8, '0')}` as ReportId,
  source: 'test',
  externalId: undefined,
  serviceCode: 'pothole' as ServiceCode,
  lon: 10,
  lat: 50,
  cell: CELL_A,
  area: 'c1' as AreaId,
  description: undefined,
  address: undefined,
  mediaUrl: undefined,
  requestedAt: T0,
  receivedAt: T0 + 1000,
  ...over,
});

/** A fresh, empty store per test, and how to dispose of it. */
export type MakeStore<S> = () => Promise<{ store: S; close: () => Promise<void> | void }>;

/** A `test(name, fn)` that runs `fn` on a fresh store from `make` and closes it afterwards, pass or fail. */
export const storeTest =
  <S>(make: MakeStore<S>) =>
  (name: string, fn: (store: S) => Promise<void>) =>
    test(name, async () => {
      const { store, close } = await make();
      try {
        await fn(store);
      } finally {
        await close();
      }
    });

/** A test body that runs `fn` on fresh stores from `make` and closes them afterwards, pass or fail. */
export const withStoresOf = (make: () => Promise<Stores>) => (fn: (s: Stores) => Promise<void>) => async () => {
  const s = await make();
  try {
    await fn(s);
  } finally {
    await s.close();
  }
};
