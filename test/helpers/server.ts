import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Role } from '../../src/access/roles.ts';
import { ephemeralCipher } from '../../src/adapters/node-crypto.ts';
import { startDemoActivity } from '../../src/cli/demo.ts';
import { DEMO_CITY_DIR } from '../../src/cli/paths.ts';
import { buildApp } from '../../src/http/app.ts';
import { createRuntime, type Runtime } from '../../src/runtime.ts';
import type { AreaId } from '../../src/shared/brand.ts';
import type { Clock } from '../../src/shared/clock.ts';

export const TEST_PASSWORD = 'correct horse battery staple';

export interface TestServer {
  readonly url: string;
  readonly rt: Runtime;
  readonly app: FastifyInstance;
  readonly dataDir: string;
  /** Headers with a bearer API token of the role, scoped to `scope` (default the whole city). */
  auth(role: Role, scope?: AreaId): Promise<Record<string, string>>;
  /** Creates (once) a user `test-<role>[-<scope>]` with TEST_PASSWORD and returns its user name. */
  user(role: Exclude<Role, 'public' | 'integration'>, scope?: AreaId): Promise<string>;
  stop(): Promise<void>;
}

/**
 * Starts the real app on the demo city with a fresh temporary data folder, on 127.0.0.1 and a free port (or not
 * listening, for app.inject). With `simulate`, the demo simulator backfills an hour and keeps feeding the city, and
 * simulated staff work the cases.
 */
export async function startServer(
  opts: { simulate?: boolean; clock?: Clock; listen?: boolean; ingestRateLimit?: number } = {},
): Promise<TestServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'gridloop-test-'));
  const rt = await createRuntime({
    cityDir: DEMO_CITY_DIR,
    dataDir,
    jobIntervalMs: 0,
    cipher: ephemeralCipher(),
    ...(opts.clock ? { clock: opts.clock } : {}),
  });
  const app = await buildApp(rt, { secureCookies: false, ingestRateLimit: opts.ingestRateLimit ?? 100_000 });
  let url = '';
  if (opts.listen !== false) {
    await app.listen({ port: 0, host: '127.0.0.1' });
    const addr = app.server.address();
    if (addr === null || typeof addr === 'string') throw new Error('no address');
    url = `http://127.0.0.1:${addr.port}`;
  } else {
    await app.ready();
  }
  const demo = opts.simulate ? await startDemoActivity(rt, { backfillMs: 3_600_000 }) : undefined;
  const tokens = new Map<string, string>();
  const users = new Map<string, string>();
  return {
    url,
    rt,
    app,
    dataDir,
    async auth(role, scope = rt.city.root) {
      const key = `${role}@${scope}`;
      let token = tokens.get(key);
      if (!token) {
        const r = await rt.accounts.createToken({ name: `test-${role}`, role, scope });
        if (!r.ok) throw r.error;
        token = r.value.token;
        tokens.set(key, token);
      }
      return { authorization: `Bearer ${token}` };
    },
    async user(role, scope = rt.city.root) {
      const username =
        scope === rt.city.root
          ? `test-${role.replace('_', '-')}`
          : `test-${role.replace('_', '-')}-${scope}`.toLowerCase();
      if (!users.has(username)) {
        const r = await rt.accounts.createUser({ username, password: TEST_PASSWORD, role, scope });
        if (!r.ok) throw r.error;
        users.set(username, username);
      }
      return username;
    },
    async stop() {
      demo?.stop();
      await app.close();
      await rt.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
