import { type Static, Type as T } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { type CountCell, type PublishedCount, publicK, suppressSmall } from '../../access/k-anonymity.ts';
import type { Case } from '../../cases/types.ts';
import type { Runtime } from '../../runtime.ts';
import type { AreaId, CaseId, EpochMs } from '../../shared/brand.ts';
import { DAY, toIso } from '../../shared/clock.ts';
import { DomainError } from '../../shared/errors.ts';
import { sendError } from '../errors.ts';

const StatsQuery = T.Object({ period: T.Optional(T.String({ maxLength: 8 })) }, { additionalProperties: false });
const MEASURES = ['opened', 'closed', 'closedOnTime'] as const;
type Measure = (typeof MEASURES)[number];
const PAGE = 1000;

/** Public route rate limit per address (or token): generous for people, a brake for scrapers. */
export const PUBLIC_RATE_LIMIT = { max: 120, timeWindow: 60_000 };

/**
 * GET /api/public/stats?period=30d: the transparency figures, for anyone. Per district × category and for the whole
 * city: cases opened in the period, cases closed in it, and of those the ones closed on time (never marked overdue at
 * any stage). Small counts are suppressed (k from GRIDLOOP_PUBLIC_K, default 5), with complementary suppression.
 * JSON only: the page that shows it belongs to web/.
 */
export function publicRoutes(app: FastifyInstance, rt: Runtime): void {
  const k = publicK(process.env);
  app.get<{ Querystring: Static<typeof StatsQuery> }>(
    '/api/public/stats',
    { schema: { querystring: StatsQuery }, config: { role: 'public', rateLimit: PUBLIC_RATE_LIMIT } },
    async (req, reply) => {
      const m = /^([1-9]\d{0,2})d$/.exec(req.query.period ?? '30d');
      const days = m ? Number(m[1]) : Number.NaN;
      if (!(days >= 1 && days <= 366)) {
        return sendError(reply, new DomainError('REQUEST_INVALID', 'period is a number of days from 1d to 366d.'));
      }
      const to = rt.clock();
      const from = to - days * DAY;
      const counts = await countCases(rt, from);
      const districts = districtsOf(rt);
      const categories = [...rt.city.categories.values()];
      const tables = Object.fromEntries(
        MEASURES.map((measure) => {
          const cells: CountCell[] = districts.flatMap((d) =>
            categories.map((c) => ({ row: d.id, col: c.code, count: counts.get(key(d.id, c.code))?.[measure] ?? 0 })),
          );
          return [measure, suppressSmall(cells, k)];
        }),
      ) as Record<Measure, ReturnType<typeof suppressSmall>>;
      const pick = (f: (t: ReturnType<typeof suppressSmall>) => PublishedCount | undefined) =>
        Object.fromEntries(
          MEASURES.map((ms) => {
            const p = f(tables[ms]);
            return [
              ms,
              p === undefined ? { count: 0, suppressed: false } : { count: p.count, suppressed: p.suppressed },
            ];
          }),
        );
      return {
        period: `${days}d`,
        from: toIso(from),
        to: toIso(to),
        k,
        suppression:
          'Counts from 1 to k-1 are withheld (count null, suppressed true), and so are the counts that would reveal ' +
          'them by subtraction from a total.',
        districts: districts.map((d) => ({
          id: d.id,
          name: d.name,
          total: pick((t) => t.rowTotals.find((r) => r.row === d.id)),
          categories: categories.map((c) => ({
            code: c.code,
            name: c.name,
            ...pick((t) => t.cells.find((x) => x.row === d.id && x.col === c.code)),
          })),
        })),
        city: {
          total: pick((t) => t.total),
          categories: categories.map((c) => ({
            code: c.code,
            name: c.name,
            ...pick((t) => t.colTotals.find((x) => x.col === c.code)),
          })),
        },
      };
    },
  );
}

const key = (district: string, category: string) => `${district}\u0000${category}`;

/** The first level below the city; a city without districts counts as one. */
function districtsOf(rt: Runtime): { id: AreaId; name: string }[] {
  const root = rt.city.areas.get(rt.city.root);
  const ids = root && root.children.length > 0 ? root.children : [rt.city.root];
  return ids.map((id) => ({ id, name: rt.city.areas.get(id)?.name ?? id }));
}

/** Opened, closed and closed-on-time counts per district and category since `from`. */
async function countCases(rt: Runtime, from: EpochMs): Promise<Map<string, Record<Measure, number>>> {
  const out = new Map<string, Record<Measure, number>>();
  const bump = (c: Case, m: Measure) => {
    const k = key(c.areaPath[1] ?? c.areaPath[0] ?? rt.city.root, c.category);
    const row = out.get(k) ?? { opened: 0, closed: 0, closedOnTime: 0 };
    row[m]++;
    out.set(k, row);
  };
  // Newest first: stop at the first case opened before the period.
  await walk(rt, undefined, (c) => {
    if (c.createdAt < from) return false;
    bump(c, 'opened');
    return true;
  });
  // A closed case's last change is its closing (closed is terminal but for reopen, which leaves the state).
  const closed: Case[] = [];
  await walk(rt, ['closed'], (c) => {
    if (c.updatedAt >= from) closed.push(c);
    return true;
  });
  for (const c of closed) {
    bump(c, 'closed');
    const history = await rt.cases.history(c.id);
    if (history.ok && !history.value.some((h) => h.type === 'overdue')) bump(c, 'closedOnTime');
  }
  return out;
}

/** Pages through cases newest first until `visit` returns false or the cases run out. */
async function walk(rt: Runtime, states: Case['state'][] | undefined, visit: (c: Case) => boolean): Promise<void> {
  let before: CaseId | undefined;
  for (;;) {
    const page = await rt.cases.list({ states, limit: PAGE, before });
    for (const c of page) if (!visit(c)) return;
    if (page.length < PAGE) return;
    before = page[page.length - 1]?.id;
  }
}
