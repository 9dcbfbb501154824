import type { ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import type { Runtime } from '../../runtime.ts';
import { alertJson, caseJson, historyJson } from '../serialize.ts';

const KEEPALIVE_MS = 15_000;

/**
 * GET /api/v1/live: Server-Sent Events carrying alerts, case changes and ingest counts as they happen. A slow client
 * whose socket buffer is full misses events rather than growing the server's memory; the page re-reads the lists when
 * it reconnects.
 */
export function liveRoutes(app: FastifyInstance, rt: Runtime): void {
  const clients = new Set<ServerResponse>();
  const broadcast = (event: string, data: unknown) => {
    if (clients.size === 0) return;
    const frame = `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
    for (const res of clients) {
      if (res.writableLength > 1 << 20) continue;
      res.write(frame);
    }
  };
  const offs = [
    rt.bus.on('AlertRaised', ({ alert }) => broadcast('alert.raised', alertJson(alert))),
    rt.bus.on('AlertCleared', ({ alert }) => broadcast('alert.cleared', alertJson(alert))),
    rt.bus.on('CaseChanged', (e) => broadcast('case.changed', { case: caseJson(e.case), entry: historyJson(e.entry) })),
    rt.bus.on('IngestDone', ({ summary, kind }) =>
      broadcast('ingest', {
        kind,
        received: summary.received,
        stored: summary.stored,
        quarantined: summary.quarantined,
        duplicate: summary.duplicate,
      }),
    ),
  ];
  const keepalive = setInterval(() => {
    for (const res of clients) res.write(': keepalive\n\n');
  }, KEEPALIVE_MS);
  keepalive.unref();

  app.addHook('onClose', async () => {
    clearInterval(keepalive);
    for (const off of offs) off();
    for (const res of clients) res.end();
    clients.clear();
  });

  app.get('/api/v1/live', { config: { role: 'analyst' } }, (req, reply) => {
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    res.write(`retry: 2000\nevent: hello\ndata: {}\n\n`);
    clients.add(res);
    req.raw.on('close', () => clients.delete(res));
  });
}
