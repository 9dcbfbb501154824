import { STAFF_LADDER, type StaffRole } from '../access/roles.ts';
import type { Runtime } from '../runtime.ts';
import { HOUR } from '../shared/clock.ts';
import { createOperators } from '../sim/operators.ts';
import { createSimulator } from '../sim/simulator.ts';

/**
 * The demo's life: the simulator backfills history and keeps feeding readings and reports, and simulated staff work
 * the cases round the loop. Used by `gridloop serve --demo` and by tests that want a busy city.
 */
export async function startDemoActivity(rt: Runtime, opts: { backfillMs?: number } = {}): Promise<{ stop(): void }> {
  const sim = createSimulator({
    city: rt.city,
    grid: rt.grid,
    clock: rt.clock,
    ingestReadings: (records) => rt.ingest.ingestRecords(records, 'sim'),
    fileReports: (records) => rt.ingest.fileReports(records, 'sim'),
  });
  const now = rt.clock();
  await sim.backfill(now - (opts.backfillMs ?? 2 * HOUR), now);
  await rt.runJobs();
  sim.start();
  const ops = createOperators({ cases: rt.cases, clock: rt.clock });
  ops.start();
  return {
    stop() {
      ops.stop();
      sim.stop();
    },
  };
}

export interface DemoCredential {
  readonly username: string;
  readonly role: StaffRole;
  readonly password: string;
}

/**
 * One demo user per staff role (`demo-admin`, `demo-dispatcher` …), scoped to the whole city, with fresh random
 * passwords on every start, and an integration token for feeding data with curl. Demo only: a real city adds its
 * users with `gridloop user add`.
 */
export async function ensureDemoUsers(rt: Runtime, randomPassword: () => string) {
  const users: DemoCredential[] = [];
  for (const role of STAFF_LADDER) {
    const username = `demo-${role.replace('_', '-')}`;
    const password = randomPassword();
    const exists = (await rt.stores.access.userByName(username)) !== undefined;
    const r = exists
      ? await rt.accounts.setPassword(username, password)
      : await rt.accounts.createUser({ username, password, role, scope: rt.city.root });
    if (!r.ok) throw r.error;
    users.push({ username, role, password });
  }
  const token = await rt.accounts.createToken({ name: 'demo-integration', role: 'integration', scope: rt.city.root });
  if (!token.ok) throw token.error;
  return { users, integrationToken: token.value.token };
}
