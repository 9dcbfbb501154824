import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { MemoryContactStore, openMemoryStore } from '../../src/adapters/memory/index.ts';
import type { AreaId, ReportId } from '../../src/shared/brand.ts';
import { accessStoreContract, user } from './access-store.contract.ts';
import { alert, alertStoreContract } from './alert-store.contract.ts';
import { auditInput, auditLogContract } from './audit-log.contract.ts';
import { caseStoreContract, kase } from './case-store.contract.ts';
import { cipherFrom, contactStoreContract } from './contact-store.contract.ts';
import { CELL_A, quarantined, reading, report, T0 } from './fixtures.ts';
import { quarantineStoreContract } from './quarantine-store.contract.ts';
import { readingStoreContract } from './reading-store.contract.ts';
import { reportStoreContract } from './report-store.contract.ts';
import { rollupRetentionContract } from './rollup-retention.contract.ts';

const make = async () => openMemoryStore();
const part =
  <K extends 'access' | 'alerts' | 'audit' | 'cases'>(key: K) =>
  async () => {
    const s = openMemoryStore();
    return { store: s[key], close: () => s.close() };
  };

// Every suite, by the name its module exports; the last test checks that no contract file is left out.
const suites: Record<string, () => void> = {
  readingStoreContract: () => readingStoreContract('memory', make),
  reportStoreContract: () => reportStoreContract('memory', make),
  quarantineStoreContract: () => quarantineStoreContract('memory', make),
  rollupRetentionContract: () => rollupRetentionContract('memory', make),
  alertStoreContract: () => alertStoreContract('memory', part('alerts')),
  caseStoreContract: () => caseStoreContract('memory', part('cases')),
  accessStoreContract: () => accessStoreContract('memory', part('access')),
  auditLogContract: () => auditLogContract('memory', part('audit')),
  contactStoreContract: () =>
    contactStoreContract('memory', async (cipher, clock) => {
      const s = openMemoryStore({ cipher, clock });
      return { store: s.contacts, withCipher: (c) => new MemoryContactStore(s.db, c, clock), close: () => s.close() };
    }),
};
for (const run of Object.values(suites)) run();

describe('memory store', () => {
  test('every contract suite in test/contracts runs on it', async () => {
    const here = dirname(fileURLToPath(import.meta.url));
    const exported: string[] = [];
    for (const file of readdirSync(here).filter((f) => f.endsWith('.contract.ts'))) {
      const mod = (await import(`./${file}`)) as Record<string, unknown>;
      for (const [name, v] of Object.entries(mod))
        if (typeof v === 'function' && name.endsWith('Contract')) exported.push(name);
    }
    assert.ok(exported.length >= 9);
    assert.deepEqual(exported.sort(), Object.keys(suites).sort());
  });

  // SQL stores copy by nature; an in-process one must copy on purpose, or a caller's later edit would change the data.
  test('what callers pass in or get back is a copy: changing it changes nothing stored', async () => {
    const s = openMemoryStore({ cipher: cipherFrom(`k1:${Buffer.alloc(32, 7).toString('base64')}`), clock: () => 1 });
    const mutate = (o: object) => {
      for (const k of Object.keys(o)) (o as Record<string, unknown>)[k] = 'changed';
    };
    const r = { ...reading('aq-1', 'pm25', T0, 1) };
    await s.readings.writeReadings([r], []);
    mutate(r);
    const [got] = await s.readings.readingsOf('aq-1', 'pm25', 0, T0 * 2);
    mutate(got!);
    (await s.readings.rollups(CELL_A, 'pm25', 0, T0 * 2)).forEach(mutate);
    assert.deepEqual(await s.readings.readingsOf('aq-1', 'pm25', 0, T0 * 2), [reading('aq-1', 'pm25', T0, 1)]);
    assert.deepEqual(await s.readings.rollups(CELL_A, 'pm25', 0, T0 * 2), [
      { bucket: T0, count: 1, sum: 1, min: 1, max: 1 },
    ]);

    const rep = report();
    const repIn = { ...rep };
    const q = { ...quarantined('x', 'INGEST_MALFORMED_JSON') };
    await s.reports.writeReports([repIn], [q]);
    mutate(repIn);
    mutate(q);
    mutate((await s.reports.getReport(rep.id))!);
    (await s.quarantine.listQuarantine({ limit: 1, offset: 0 })).forEach(mutate);
    assert.deepEqual(await s.reports.getReport(rep.id), rep);
    assert.equal((await s.quarantine.findQuarantine({ limit: 1 }))[0]?.raw, 'x');

    const a = structuredClone(alert(1));
    await s.alerts.insertAlert(a);
    (a.evidence.values as unknown as { value: number }[])[0]!.value = -1;
    const aOut = (await s.alerts.getAlert(alert(1).id))!;
    (aOut.evidence.values as unknown as { value: number }[])[0]!.value = -2;
    assert.deepEqual(await s.alerts.getAlert(alert(1).id), alert(1));

    const c = structuredClone(kase(1));
    await s.cases.createCase(c, {
      at: 1,
      type: 'opened',
      from: undefined,
      to: 'reported',
      actor: 'system',
      note: undefined,
      team: undefined,
    });
    (c.areaPath as AreaId[]).push('x' as AreaId);
    ((await s.cases.getCase(c.id))!.areaPath as AreaId[]).push('y' as AreaId);
    (await s.cases.history(c.id)).forEach(mutate);
    assert.deepEqual(await s.cases.getCase(c.id), kase(1));
    assert.equal((await s.cases.history(c.id))[0]?.actor, 'system');

    const u = user(1);
    await s.access.createUser({ ...u });
    mutate((await s.access.userById(u.id))!);
    assert.deepEqual(await s.access.userById(u.id), u);

    const [e] = await s.audit.append([auditInput(1)]);
    mutate((await s.audit.list(0, 1))[0]!.details);
    assert.deepEqual(await s.audit.list(0, 1), [e]);

    const contact = { email: 'a@example.org' };
    await s.contacts.put('r1' as ReportId, contact);
    contact.email = 'b@example.org';
    ((await s.contacts.get('r1' as ReportId)) as { email: string }).email = 'c@example.org';
    assert.deepEqual(await s.contacts.get('r1' as ReportId), { email: 'a@example.org' });
  });

  test('a failing batch of reports or an audit append leaves no trace, ids and head included', async () => {
    const s = openMemoryStore();
    const dup = report();
    await assert.rejects(
      s.reports.writeReports([report({ externalId: 'n0' }), dup, dup], [quarantined('q', 'INGEST_OUTSIDE_CITY')]),
    );
    assert.equal(await s.reports.findReportId('test', 'n0'), undefined);
    assert.equal(await s.quarantine.countQuarantine(), 0);
    await s.readings.writeReadings([], [quarantined('q', 'INGEST_OUTSIDE_CITY')]);
    // The failed batch consumed no quarantine id.
    assert.equal((await s.quarantine.findQuarantine({ limit: 1 }))[0]?.id, 1);
    await assert.rejects(s.audit.append([auditInput(1), { ...auditInput(2), target: undefined as never }]));
    assert.deepEqual(await s.audit.list(0, 10), []);
    assert.equal((await s.audit.head())?.seq, 0);
  });
});
