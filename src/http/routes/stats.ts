import type { FastifyInstance } from 'fastify';
import { inScope } from '../../access/principal.ts';
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
  app.get('/api/v1/stats', { config: { role: 'analyst' } }, async (req) => {
    const p = req.principal;
    const area = p.scope === rt.city.root ? undefined : p.scope;
    const [readings, quarantined, allOpenAlerts, openCases, overdueCases] = await Promise.all([
      rt.stores.readings.countReadings(),
      rt.stores.quarantine.countQuarantine(),
      rt.stores.alerts.openAlerts(),
      rt.cases.list({ states: OPEN_CASE_STATES, area, limit: 100_000 }),
      rt.cases.list({ states: OPEN_CASE_STATES, overdue: true, area, limit: 100_000 }),
    ]);
    const openAlerts = allOpenAlerts.filter((a) => inScope(p, rt.grid.pathOf(a.area)));
    return {
      readings,
      quarantined,
      openAlerts: openAlerts.length,
      openCases: openCases.length,
      overdueCases: overdueCases.length,
    };
  });
}
