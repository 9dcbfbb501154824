import { type Static, Type as T } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { uncoveredReport } from '../../cases/coverage.ts';
import type { Runtime } from '../../runtime.ts';
import { sendError } from '../errors.ts';
import { scopedArea } from '../scope.ts';
import { CoverageReply, ErrorReply } from './grid-schemas.ts';

const CoverageQuery = T.Object(
  { area: T.Optional(T.String({ maxLength: 64, description: 'an area inside the caller’s scope' })) },
  { additionalProperties: false },
);

/**
 * GET /api/v1/coverage: every area × category that nobody answers for (cases/coverage.ts), for staff, limited to the
 * caller's scope (or an area inside it): who answers for what is not public.
 */
export function coverageRoutes(app: FastifyInstance, rt: Runtime): void {
  const { city, grid } = rt;
  let report: ReturnType<typeof uncoveredReport> | undefined;
  app.get<{ Querystring: Static<typeof CoverageQuery> }>(
    '/api/v1/coverage',
    {
      schema: { querystring: CoverageQuery, response: { 200: CoverageReply, 400: ErrorReply, 404: ErrorReply } },
      config: { role: 'analyst' },
    },
    async (req, reply) => {
      const scope = scopedArea(rt, req.principal, req.query.area);
      if (!scope.ok) return sendError(reply, scope.error);
      const at = scope.value;
      // The city does not change while the server runs, so neither do the gaps.
      report ??= uncoveredReport(city, grid);
      const above = grid.pathOf(at);
      const cells = grid.cellsOf(at).length;
      const uncovered = report.uncovered.flatMap((u) => {
        if (grid.pathOf(u.area).includes(at)) return [u];
        // A gap over a whole ancestor is a gap over all of this area.
        return above.includes(u.area) ? [{ area: at, category: u.category, cells }] : [];
      });
      return {
        scope: at,
        uncovered,
        uncoveredPairs: uncovered.reduce((s, u) => s + u.cells, 0),
        totalPairs: cells * city.categories.size,
      };
    },
  );
}
