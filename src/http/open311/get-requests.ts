import { type Static, Type as T } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { maskContacts } from '../../access/redact.ts';
import { CASE_STATES, type Case, type CaseState } from '../../cases/types.ts';
import { parseIsoTs } from '../../ingest/iso-time.ts';
import type { Report } from '../../ingest/types.ts';
import type { Runtime } from '../../runtime.ts';
import type { CaseId, EpochMs, ReportId, ServiceCode } from '../../shared/brand.ts';
import { DAY, toIso } from '../../shared/clock.ts';
import type { ErrorCode } from '../../shared/errors.ts';
import { HTTP_STATUS } from '../errors.ts';

/**
 * Open311 GeoReport v2 GET requests.json and GET requests/:id.json, for anyone. A service request is a citizen report
 * with the state of the case it opened. Public output carries no contact details: e-mail addresses and phone numbers in
 * the description and address are masked, and the position is rounded to 4 decimals (about 11 m north–south), enough
 * to find the pothole, not enough to single out a front door.
 */
const CLOSED: readonly CaseState[] = ['closed', 'rejected', 'merged'];
const OPEN: readonly CaseState[] = CASE_STATES.filter((s) => !CLOSED.includes(s));
/** The spec's window: without dates the last 90 days, and a range may not span more. */
const WINDOW_MS = 90 * DAY;
export const MAX_REQUESTS = 1000;
const PAGE = 500;
/** Per address (or token), as the other public reads. */
const RATE = { max: 120, timeWindow: 60_000 };

const Query = T.Object(
  {
    jurisdiction_id: T.Optional(T.String({ maxLength: 200 })),
    service_request_id: T.Optional(T.String({ maxLength: 40_000 })),
    service_code: T.Optional(T.String({ maxLength: 64 })),
    start_date: T.Optional(T.String({ maxLength: 40 })),
    end_date: T.Optional(T.String({ maxLength: 40 })),
    status: T.Optional(T.String({ maxLength: 40 })),
  },
  { additionalProperties: false },
);

/** Rounds a coordinate to 4 decimals (~11 m). */
export const roundCoord = (x: number): number => Math.round(x * 1e4) / 1e4;

function open311Error(reply: FastifyReply, code: ErrorCode, description: string): FastifyReply {
  const status = HTTP_STATUS[code] ?? 400;
  return reply.code(status).send([{ code: status, description, error: code }]);
}

/** One GeoReport v2 service request, as the public sees it. */
export function publicRequest(rt: Runtime, r: Report, c: Case | undefined) {
  const open = c === undefined || !CLOSED.includes(c.state);
  const team = c?.team === undefined ? undefined : rt.city.teams.find((t) => t.id === c.team);
  return {
    service_request_id: r.id,
    status: open ? 'open' : 'closed',
    status_notes: null,
    service_name: rt.city.categories.get(r.serviceCode)?.name ?? r.serviceCode,
    service_code: r.serviceCode,
    description: r.description === undefined ? null : maskContacts(r.description),
    agency_responsible: team?.name ?? null,
    service_notice: null,
    requested_datetime: toIso(r.requestedAt),
    updated_datetime: toIso(c?.updatedAt ?? r.receivedAt),
    expected_datetime: open && c?.dueAt !== undefined ? toIso(c.dueAt) : null,
    address: r.address === undefined ? null : maskContacts(r.address),
    lat: roundCoord(r.lat),
    long: roundCoord(r.lon),
    // A URL holding an '@' carries credentials or an address: not published.
    media_url: r.mediaUrl !== undefined && !r.mediaUrl.includes('@') ? r.mediaUrl : null,
  };
}

async function caseOf(rt: Runtime, id: ReportId): Promise<Case | undefined> {
  return (await rt.cases.list({ reportId: id, limit: 1 }))[0];
}

export function open311GetRoutes(app: FastifyInstance, rt: Runtime): void {
  app.get<{ Querystring: Static<typeof Query> }>(
    '/open311/v2/requests.json',
    { schema: { querystring: Query }, attachValidation: true, config: { role: 'public', rateLimit: RATE } },
    async (req, reply) => {
      if (req.validationError) return open311Error(reply, 'REQUEST_INVALID', req.validationError.message);
      const q = req.query;
      // The spec: service_request_id overrides every other argument.
      if (q.service_request_id !== undefined) {
        const ids = [...new Set(q.service_request_id.split(',').map((s) => s.trim()))].filter((s) => s !== '');
        if (ids.length > MAX_REQUESTS) {
          return open311Error(reply, 'REQUEST_INVALID', `At most ${MAX_REQUESTS} service_request_id at once.`);
        }
        const out = [];
        for (const id of ids) {
          const r = await rt.stores.reports.getReport(id as ReportId);
          if (r) out.push(publicRequest(rt, r, await caseOf(rt, r.id)));
        }
        return out;
      }
      if (q.status !== undefined && q.status !== 'open' && q.status !== 'closed') {
        return open311Error(reply, 'REQUEST_INVALID', 'status is open or closed.');
      }
      if (q.service_code !== undefined && !rt.city.categories.has(q.service_code as ServiceCode)) {
        return open311Error(reply, 'INGEST_UNKNOWN_SERVICE', `No service ${q.service_code}.`);
      }
      const range = window(rt.clock(), q.start_date, q.end_date);
      if (typeof range === 'string') return open311Error(reply, 'REQUEST_INVALID', range);
      const [from, to] = range;
      const states = q.status === 'open' ? OPEN : q.status === 'closed' ? CLOSED : undefined;
      // A report is requested before its case opens (give or take the allowed clock skew), so walking cases newest
      // first can stop at the first case opened before the window.
      const stopAt = from - rt.city.ingest.maxFutureSkewMs;
      const out = [];
      let before: CaseId | undefined;
      for (;;) {
        const page = await rt.cases.list({
          states,
          category: q.service_code as ServiceCode | undefined,
          limit: PAGE,
          before,
        });
        for (const c of page) {
          if (c.createdAt < stopAt) return out;
          if (c.reportId === undefined) continue;
          const r = await rt.stores.reports.getReport(c.reportId);
          if (!r || r.requestedAt < from || r.requestedAt > to) continue;
          out.push(publicRequest(rt, r, c));
          if (out.length >= MAX_REQUESTS) return out;
        }
        if (page.length < PAGE) return out;
        before = page[page.length - 1]?.id;
      }
    },
  );

  app.get<{ Params: { id: string } }>(
    '/open311/v2/requests/:id.json',
    { config: { role: 'public', rateLimit: RATE } },
    async (req, reply) => {
      const r = await rt.stores.reports.getReport(req.params.id as ReportId);
      if (!r) return open311Error(reply, 'NOT_FOUND', `No service request ${req.params.id}.`);
      return [publicRequest(rt, r, await caseOf(rt, r.id))];
    },
  );
}

/** [from, to] from the spec's start_date and end_date, or a reason they are not acceptable. */
function window(now: EpochMs, start: string | undefined, end: string | undefined): [EpochMs, EpochMs] | string {
  const s = start === undefined ? undefined : parseIsoTs(start);
  const e = end === undefined ? undefined : parseIsoTs(end);
  if (Number.isNaN(s) || Number.isNaN(e)) return 'start_date and end_date are ISO 8601 date-times with a zone.';
  const to = e ?? (s === undefined ? now : Math.min(now, s + WINDOW_MS));
  const from = s ?? to - WINDOW_MS;
  if (from > to) return 'start_date is after end_date.';
  if (to - from > WINDOW_MS) return 'start_date and end_date may not span more than 90 days.';
  return [from, to];
}
