import type { FastifyInstance } from 'fastify';
import type { IngestSummary } from '../../ingest/types.ts';
import type { Runtime } from '../../runtime.ts';
import { DomainError } from '../../shared/errors.ts';
import { sendError } from '../errors.ts';

export const NDJSON_TYPES = ['application/x-ndjson', 'application/ndjson', 'application/jsonl'];

/**
 * POST /api/v1/readings: NDJSON (one reading a line) or a JSON array. Bad records are quarantined with their reason;
 * the answer counts stored, quarantined and duplicate records. 200 when anything was accepted, 422 when every record
 * was quarantined (they are still kept, with their reasons).
 */
export function readingsRoutes(
  app: FastifyInstance,
  rt: Runtime,
  opts: { bodyLimit: number; perMinute: number },
): void {
  app.post(
    '/api/v1/readings',
    {
      bodyLimit: opts.bodyLimit,
      config: { role: 'integration', rateLimit: { max: opts.perMinute, timeWindow: 60_000 } },
    },
    async (req, reply) => {
      const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
      let summary: IngestSummary;
      if (NDJSON_TYPES.includes(type)) {
        const text = req.body as string;
        if (text.trim() === '') return sendError(reply, new DomainError('INGEST_EMPTY_BODY', 'The body is empty.'));
        const accepted = await rt.sink.acceptNdjson(text, 'http', req.principal.scope);
        if (accepted.queued) return reply.code(202).send({ received: accepted.received });
        summary = accepted.summary;
      } else if (type === 'application/json') {
        const body = req.body;
        const records = Array.isArray(body) ? body : [body];
        if (records.length === 0) {
          return sendError(reply, new DomainError('INGEST_EMPTY_BODY', 'The array holds no records.'));
        }
        const accepted = await rt.sink.acceptRecords(records, 'http', req.principal.scope);
        if (accepted.queued) return reply.code(202).send({ received: accepted.received });
        summary = accepted.summary;
      } else {
        return sendError(
          reply,
          new DomainError(
            'INGEST_UNSUPPORTED_MEDIA_TYPE',
            `Send application/x-ndjson or application/json, not ${type}.`,
          ),
        );
      }
      const allBad = summary.received > 0 && summary.quarantined === summary.received;
      return reply.code(allBad ? 422 : 200).send(summary);
    },
  );
}
