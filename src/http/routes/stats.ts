import type { FastifyInstance } from 'fastify';
import type { CaseState } from '../../cases/types.ts';
import type { Runtime } from '../../runtime.ts';

const OPEN_CASE_STATES: CaseState[] = [
  'reported',
  'registered',
  'dispatched',
  'in_progress',
  'resolved',
  'verified',
  'rework',
  'reopened',
];

/** GET /api/v1/stats: the headline counters of the command centre. */
export function statsRoutes(app: FastifyInstance, rt: Runtime): void {
  app.get('/api/v1/stats', { config: { role: 'analyst' } }, async () => {
    const [readings, quarantined, openAlerts, openCases, overdueCases] = await Promise.all([
      rt.stores.readings.countReadings(),
      rt.stores.quarantine.countQuarantine(),
      rt.stores.alerts.openAlerts(),
      rt.cases.list({ states: OPEN_CASE_STATES, limit: 100_000 }),
      rt.cases.list({ states: OPEN_CASE_STATES, overdue: true, limit: 100_000 }),
    ]);
    return {
      readings,
      quarantined,
      openAlerts: openAlerts.length,
      openCases: openCases.length,
      overdueCases: overdueCases.length,
      cases: await rt.stores.cases.countCases(),
    };
  });
}
