import { type Static, Type as T } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { inScope } from '../../access/principal.ts';
import type { Runtime } from '../../runtime.ts';
import type { AlertId, CellId, RuleId } from '../../shared/brand.ts';
import { DomainError } from '../../shared/errors.ts';
import { sendError } from '../errors.ts';
import { scopedArea } from '../scope.ts';
import { alertJson } from '../serialize.ts';

const AlertQuery = T.Object(
  {
    state: T.Optional(T.Union([T.Literal('open'), T.Literal('acknowledged'), T.Literal('cleared')])),
    severity: T.Optional(T.Union([T.Literal('info'), T.Literal('warning'), T.Literal('critical')])),
    area: T.Optional(T.String({ maxLength: 64 })),
    cell: T.Optional(T.String({ maxLength: 64 })),
    rule: T.Optional(T.String({ maxLength: 64 })),
    limit: T.Optional(T.Integer({ minimum: 1, maximum: 1000, default: 100 })),
    before: T.Optional(T.String({ maxLength: 64 })),
  },
  { additionalProperties: false },
);

/** GET /api/v1/alerts (filters: state, severity, area subtree, cell, rule; newest first) and GET /api/v1/alerts/:id. */
export function alertRoutes(app: FastifyInstance, rt: Runtime): void {
  app.get<{ Querystring: Static<typeof AlertQuery> }>(
    '/api/v1/alerts',
    { schema: { querystring: AlertQuery }, config: { role: 'analyst' } },
    async (req, reply) => {
      const q = req.query;
      const area = scopedArea(rt, req.principal, q.area);
      if (!area.ok) return sendError(reply, area.error);
      const areas = area.value === rt.city.root ? undefined : rt.grid.leavesOf(area.value);
      const alerts = await rt.stores.alerts.listAlerts({
        state: q.state,
        severity: q.severity,
        areas,
        cell: q.cell as CellId | undefined,
        rule: q.rule as RuleId | undefined,
        limit: q.limit ?? 100,
        before: q.before as AlertId | undefined,
      });
      return { alerts: alerts.map(alertJson) };
    },
  );

  app.get<{ Params: { id: string } }>('/api/v1/alerts/:id', { config: { role: 'analyst' } }, async (req, reply) => {
    const a = await rt.stores.alerts.getAlert(req.params.id as AlertId);
    if (!a || !inScope(req.principal, rt.grid.pathOf(a.area)))
      return sendError(reply, new DomainError('ALERT_NOT_FOUND', `No alert ${req.params.id}.`));
    return { alert: alertJson(a) };
  });
}
