import type { ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import { inScope, type Principal } from '../../access/principal.ts';
import type { Runtime } from '../../runtime.ts';
import type { AreaId } from '../../shared/brand.ts';
import { readCookie, SESSION_COOKIE } from '../auth.ts';
import { alertJson, caseJson, historyJson } from '../serialize.ts';

const KEEPALIVE_MS = 15_000;

/**
 * GET /api/v1/live: Server-Sent Events carrying alerts, case changes and ingest counts as they happen. A slow client
 * whose socket buffer is full misses events rather than growing the server's memory; the page re-reads the lists when
 * it reconnects.
 */
export function liveRoutes(app: FastifyInstance, rt: Runtime): void {
  // Each client sees only events about objects inside its scope (counts carry no objects and go to all).
  const clients = new Map<ServerResponse, Principal>();
  const broadcast = (event: string, data: unknown, areaPath?: readonly AreaId[]) => {
    if (clients.size === 0) return;
    const frame = `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
    for (const [res, p] of clients) {
      if (res.writableLength > 1 << 20) continue;
      if (areaPath !== undefined && !inScope(p, areaPath)) continue;
      res.write(frame);
    }
  };
  const offs = [
    rt.bus.on('AlertRaised', ({ alert }) => broadcast('alert.raised', alertJson(alert), rt.grid.pathOf(alert.area))),
    rt.bus.on('AlertCleared', ({ alert }) => broadcast('alert.cleared', alertJson(alert), rt.grid.pathOf(alert.area))),
    rt.bus.on('CaseChanged', (e) =>
      broadcast('case.changed', { case: caseJson(e.case), entry: historyJson(e.entry) }, e.case.areaPath),
    ),
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
  // The credentials each stream was opened with, re-checked at every keepalive: a stream ends with its session or token.
  const credentials = new Map<ServerResponse, () => Promise<boolean>>();
  const keepalive = setInterval(() => {
    for (const res of clients.keys()) {
      const stillValid = credentials.get(res);
      void (stillValid ? stillValid() : Promise.resolve(true)).then((ok) => {
        if (!ok) {
          clients.delete(res);
          credentials.delete(res);
          res.end();
        } else res.write(': keepalive\n\n');
      });
    }
  }, KEEPALIVE_MS);
  keepalive.unref();

  app.addHook('onClose', async () => {
    clearInterval(keepalive);
    for (const off of offs) off();
    for (const res of clients.keys()) res.end();
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
      'x-content-type-options': 'nosniff',
    });
    res.write(`retry: 2000\nevent: hello\ndata: {}\n\n`);
    clients.set(res, req.principal);
    const sid = readCookie(req.headers.cookie, SESSION_COOKIE);
    const bearer = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
    if (req.principal.kind === 'user' && sid) {
      credentials.set(res, async () => (await rt.accounts.fromSession(sid)) !== undefined);
    } else if (req.principal.kind === 'token' && bearer) {
      credentials.set(res, async () => (await rt.accounts.fromToken(bearer)) !== undefined);
    }
    req.raw.on('close', () => {
      clients.delete(res);
      credentials.delete(res);
    });
  });
}
