import type { FastifyInstance } from 'fastify';
import { inScope } from '../../access/principal.ts';
import type { Runtime } from '../../runtime.ts';
import type { ReportId } from '../../shared/brand.ts';
import { DomainError } from '../../shared/errors.ts';
import { sendError } from '../errors.ts';

/**
 * GET /api/v1/reports/:id/contact: a reporter's contact details, for the roles that call citizens back (dispatcher and
 * above), within their scope. Every read is audited, including reads that find nothing.
 */
export function contactRoutes(app: FastifyInstance, rt: Runtime): void {
  app.get<{ Params: { id: string } }>(
    '/api/v1/reports/:id/contact',
    { config: { role: 'dispatcher' } },
    async (req, reply) => {
      const id = req.params.id as ReportId;
      const report = await rt.stores.reports.getReport(id);
      if (!report || !inScope(req.principal, rt.grid.pathOf(report.area))) {
        return sendError(reply, new DomainError('NOT_FOUND', `No report ${id}.`));
      }
      const contact = await rt.stores.contacts.get(id);
      await rt.stores.audit.append([
        {
          at: rt.clock(),
          actor: req.principal.id,
          action: 'contact.read',
          target: id,
          details: { found: contact !== undefined },
        },
      ]);
      return { reportId: id, contact: contact ?? null };
    },
  );
}
