import { type Static, Type as T } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { inScope } from '../../access/principal.ts';
import { type Role, roleAllows } from '../../access/roles.ts';
import { CASE_EVENTS, CASE_STATES, type CaseEventType, type CaseState } from '../../cases/types.ts';
import type { Runtime } from '../../runtime.ts';
import type { CaseId, CellId, ServiceCode, TeamId } from '../../shared/brand.ts';
import { DomainError } from '../../shared/errors.ts';
import { sendError } from '../errors.ts';
import { scopedArea } from '../scope.ts';
import { caseJson, historyJson } from '../serialize.ts';

const CaseQuery = T.Object(
  {
    /** Comma-separated states. */
    state: T.Optional(T.String({ maxLength: 200 })),
    area: T.Optional(T.String({ maxLength: 64 })),
    cell: T.Optional(T.String({ maxLength: 64 })),
    team: T.Optional(T.String({ maxLength: 64 })),
    category: T.Optional(T.String({ maxLength: 64 })),
    overdue: T.Optional(T.Boolean()),
    limit: T.Optional(T.Integer({ minimum: 1, maximum: 1000, default: 100 })),
    before: T.Optional(T.String({ maxLength: 64 })),
  },
  { additionalProperties: false },
);

const CaseEventBody = T.Object(
  {
    type: T.String({ maxLength: 40 }),
    note: T.Optional(T.String({ maxLength: 2000 })),
    team: T.Optional(T.String({ maxLength: 64 })),
  },
  { additionalProperties: false },
);

/** Who may take each workflow event: field teams work cases, dispatchers route them, supervisors judge the work. */
export const EVENT_ROLE: Record<CaseEventType, Role> = {
  start: 'field_worker',
  resolve: 'field_worker',
  register: 'dispatcher',
  dispatch: 'dispatcher',
  reject: 'dispatcher',
  merge: 'dispatcher',
  verify: 'supervisor',
  fail_verification: 'supervisor',
  close: 'supervisor',
  reopen: 'supervisor',
};

const caseNotFound = (id: string) => new DomainError('CASE_NOT_FOUND', `No case ${id}.`);

/** Case listing with filters, one case with its history, and workflow events that move a case around the loop. */
export function caseRoutes(app: FastifyInstance, rt: Runtime): void {
  app.get<{ Querystring: Static<typeof CaseQuery> }>(
    '/api/v1/cases',
    { schema: { querystring: CaseQuery }, config: { role: 'analyst' } },
    async (req, reply) => {
      const q = req.query;
      let states: CaseState[] | undefined;
      if (q.state !== undefined) {
        states = q.state.split(',').map((s) => s.trim()) as CaseState[];
        const bad = states.find((s) => !(CASE_STATES as readonly string[]).includes(s));
        if (bad !== undefined) return sendError(reply, new DomainError('REQUEST_INVALID', `Unknown state ${bad}.`));
      }
      const area = scopedArea(rt, req.principal, q.area);
      if (!area.ok) return sendError(reply, area.error);
      const cases = await rt.cases.list({
        states,
        area: area.value === rt.city.root ? undefined : area.value,
        cell: q.cell as CellId | undefined,
        team: q.team as TeamId | undefined,
        category: q.category as ServiceCode | undefined,
        overdue: q.overdue,
        limit: q.limit ?? 100,
        before: q.before as CaseId | undefined,
      });
      return { cases: cases.map(caseJson) };
    },
  );

  app.get<{ Params: { id: string } }>('/api/v1/cases/:id', { config: { role: 'analyst' } }, async (req, reply) => {
    const id = req.params.id as CaseId;
    const c = await rt.cases.get(id);
    if (!c.ok) return sendError(reply, c.error);
    if (!inScope(req.principal, c.value.areaPath)) return sendError(reply, caseNotFound(id));
    const history = await rt.cases.history(id);
    if (!history.ok) return sendError(reply, history.error);
    return { case: caseJson(c.value), history: history.value.map(historyJson) };
  });

  app.post<{ Params: { id: string }; Body: Static<typeof CaseEventBody> }>(
    '/api/v1/cases/:id/events',
    { schema: { body: CaseEventBody }, config: { role: 'field_worker' } },
    async (req, reply) => {
      const { type, note, team } = req.body;
      if (!(CASE_EVENTS as readonly string[]).includes(type)) {
        return sendError(
          reply,
          new DomainError('CASE_UNKNOWN_EVENT', `Unknown event ${type}.`, { events: CASE_EVENTS }),
        );
      }
      const id = req.params.id as CaseId;
      const current = await rt.cases.get(id);
      if (!current.ok || !inScope(req.principal, current.value.areaPath)) return sendError(reply, caseNotFound(id));
      const need = EVENT_ROLE[type as CaseEventType];
      if (!roleAllows(req.principal.role, need)) {
        return sendError(reply, new DomainError('AUTH_FORBIDDEN', `The ${type} event needs the ${need} role.`));
      }
      const r = await rt.cases.apply(id, type as CaseEventType, {
        actor: req.principal.id,
        ...(note !== undefined ? { note } : {}),
        ...(team !== undefined ? { team: team as TeamId } : {}),
      });
      if (!r.ok) return sendError(reply, r.error);
      return { case: caseJson(r.value) };
    },
  );
}
