/**
 * Accounts from the command line (issue 4 §1): the real `gridloop user …` and `gridloop token …` commands in child
 * processes on a temporary data folder, checked through the HTTP app opened on the same folder. Every change must reach
 * the audit log, which must still verify and must hold no password or token secret.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { loadCity } from '../../src/adapters/city-files.ts';
import { DEMO_CITY_DIR } from '../../src/cli/paths.ts';
import { buildApp } from '../../src/http/app.ts';
import { createRuntime, type Runtime } from '../../src/runtime.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const dataDir = mkdtempSync(join(tmpdir(), 'gridloop-cli-access-'));

/**
 * Runs `gridloop ARGS --data <dataDir>` with the real entry point and resolves with its exit code and output. Async, so
 * that independent commands run side by side: starting the CLI costs seconds.
 */
function gridloop(args: string[], input?: string): Promise<{ code: number | null; out: string; err: string }> {
  const env = { ...process.env };
  delete env.GRIDLOOP_CITY;
  delete env.GRIDLOOP_DATA;
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', ...args, '--data', dataDir], {
    cwd: ROOT,
    env,
  });
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => {
    out += d;
  });
  child.stderr.setEncoding('utf8').on('data', (d: string) => {
    err += d;
  });
  child.stdin.end(input ?? '');
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out, err }));
  });
}

/** The error code of a failed command's `gridloop: CODE: message` line. */
const errorCode = (stderr: string): string | undefined => /^gridloop: ([A-Z_]+): /m.exec(stderr)?.[1];

describe('gridloop user and token commands', () => {
  let rt: Runtime;
  let app: FastifyInstance;
  let root: string;
  let district: string;
  let password = '';
  const secrets: string[] = [];

  before(async () => {
    const city = await loadCity(DEMO_CITY_DIR);
    root = city.root;
    const child = city.areas.get(city.root)?.children[0];
    assert.ok(child, 'the demo city has a district');
    district = child;
  });

  after(async () => {
    await app?.close();
    await rt?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const login = (username: string, pw: string) =>
    app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username, password: pw } });
  const me = (headers: Record<string, string>) => app.inject({ method: 'GET', url: '/api/v1/auth/me', headers });

  test('user add prints a generated password once, and refuses bad roles, scopes and names in use', async () => {
    // The first command creates the database; the others run side by side once it exists.
    const r = await gridloop(['user', 'add', 'dana', '--role', 'dispatcher', '--scope', root]);
    assert.equal(r.code, 0, r.err);
    password = /^password: (\S+)$/m.exec(r.out)?.[1] ?? '';
    assert.ok(password.length >= 20, 'a strong generated password is printed');
    secrets.push(password);

    const stdinPassword = 'a passphrase from stdin';
    secrets.push(stdinPassword);
    const [bad, scope, dup, viaStdin] = await Promise.all([
      gridloop(['user', 'add', 'erin', '--role', 'overlord', '--scope', root]),
      gridloop(['user', 'add', 'erin', '--role', 'analyst', '--scope', 'no-such-area']),
      gridloop(['user', 'add', 'dana', '--role', 'analyst', '--scope', root]),
      gridloop(
        ['user', 'add', 'frank', '--role', 'analyst', '--scope', root, '--password-stdin'],
        `${stdinPassword}\n`,
      ),
    ]);
    assert.equal(bad.code, 1);
    assert.equal(errorCode(bad.err), 'REQUEST_INVALID');
    assert.equal(scope.code, 1);
    assert.equal(errorCode(scope.err), 'ACCESS_BAD_SCOPE');
    assert.equal(dup.code, 1);
    assert.equal(errorCode(dup.err), 'ACCESS_USER_EXISTS');
    assert.equal(viaStdin.code, 0, viaStdin.err);
    assert.ok(!viaStdin.out.includes(stdinPassword), 'a password given on stdin is not echoed');
  });

  test('user list shows the users with role, scope, disabled and locked', async () => {
    const r = await gridloop(['user', 'list', '--json']);
    assert.equal(r.code, 0, r.err);
    const rows = r.out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    assert.deepEqual(
      rows.find((u) => u.username === 'dana'),
      { username: 'dana', role: 'dispatcher', scope: root, disabled: false, locked: false },
    );
    assert.deepEqual(rows.map((u) => u.username).sort(), ['dana', 'frank']);
  });

  test('the new users sign in through the HTTP app; a role change signs out and applies at the next login', async () => {
    rt = await createRuntime({ cityDir: DEMO_CITY_DIR, dataDir, jobIntervalMs: 0 });
    app = await buildApp(rt, { secureCookies: false });
    await app.ready();
    assert.equal((await login('frank', 'a passphrase from stdin')).statusCode, 200);
    const res = await login('dana', password);
    assert.equal(res.statusCode, 200);
    const cookie = String(res.headers['set-cookie']).split(';')[0]!;
    const who = await me({ cookie });
    assert.equal(who.statusCode, 200);
    assert.equal(who.json().role, 'dispatcher');

    const [r, unknown] = await Promise.all([
      gridloop(['user', 'role', 'dana', 'supervisor', '--scope', district]),
      gridloop(['user', 'role', 'nobody', 'analyst']),
    ]);
    assert.equal(r.code, 0, r.err);
    assert.equal(errorCode(unknown.err), 'ACCESS_UNKNOWN_USER');
    assert.equal((await me({ cookie })).statusCode, 401);
    const again = await login('dana', password);
    assert.equal(again.statusCode, 200);
    assert.equal(again.json().user.role, 'supervisor');
    assert.equal(again.json().user.scope, district);
  });

  test('a disabled user cannot sign in', async () => {
    const r = await gridloop(['user', 'disable', 'dana']);
    assert.equal(r.code, 0, r.err);
    const res = await login('dana', password);
    assert.equal(res.statusCode, 401);
    assert.equal(res.json().error.code, 'AUTH_INVALID_CREDENTIALS');
  });

  test('a token works against the API until it is revoked', async () => {
    const [r, users] = await Promise.all([
      gridloop(['token', 'create', 'nightly report', '--role', 'analyst', '--scope', root]),
      gridloop(['user', 'list', '--json']),
    ]);
    assert.equal(r.code, 0, r.err);
    const dana = users.out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
      .find((u) => u.username === 'dana');
    assert.equal(dana.disabled, true);

    const token = /^(glt_\S+)$/m.exec(r.out)?.[1];
    assert.ok(token, 'the token is printed');
    // The secret is base64url, which may itself hold '_': take it after the fixed-size id, not after the last '_'.
    const secret = /^glt_tok_[0-9a-z]{16}_(.+)$/.exec(token)?.[1];
    assert.ok(secret && secret.length >= 32, token);
    secrets.push(secret);
    const headers = { authorization: `Bearer ${token}` };
    const who = await me(headers);
    assert.equal(who.statusCode, 200);
    assert.equal(who.json().kind, 'token');
    assert.equal(who.json().role, 'analyst');

    const list = await gridloop(['token', 'list', '--json']);
    assert.equal(list.code, 0, list.err);
    const row = JSON.parse(list.out.trim().split('\n')[0]!);
    assert.equal(row.name, 'nightly report');
    assert.equal(row.revokedAt, null);
    assert.ok(!list.out.includes(secret), 'token list never shows the secret');

    const revoke = await gridloop(['token', 'revoke', row.id]);
    assert.equal(revoke.code, 0, revoke.err);
    const denied = await me(headers);
    assert.equal(denied.statusCode, 401);
    assert.equal(denied.json().error.code, 'AUTH_REQUIRED');
  });

  test('every change is audited, the log verifies, and no secret is in the log or the database', async () => {
    await app.close();
    await rt.close();
    const [verify, again] = await Promise.all([
      gridloop(['audit', 'verify']),
      gridloop(['token', 'revoke', 'tok_0000000000000000']),
    ]);
    assert.equal(verify.code, 0, verify.err);
    assert.equal(errorCode(again.err), 'ACCESS_UNKNOWN_TOKEN');

    const exp = await gridloop(['audit', 'export']);
    assert.equal(exp.code, 0, exp.err);
    const entries = exp.out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const changes = entries
      .filter((e) => e.action === 'user.changed' || e.action === 'token.changed')
      .map((e) => `${e.action}:${e.details.change}`);
    assert.deepEqual(changes, [
      'user.changed:add',
      'user.changed:add',
      'user.changed:role',
      'user.changed:disable',
      'token.changed:create',
      'token.changed:revoke',
    ]);
    for (const e of entries.filter((x) => x.action === 'user.changed' || x.action === 'token.changed')) {
      assert.match(e.actor, /^cli(:|$)/);
    }
    // The server recorded the city definition it was first started with.
    assert.equal(entries.filter((x) => x.action === 'config.changed').length, 1);
    for (const s of secrets) assert.ok(!exp.out.includes(s), 'a secret leaked into the audit log');
    assert.ok(!exp.out.includes('$argon2'), 'a password hash leaked into the audit log');

    for (const f of ['gridloop.db', 'gridloop.db-wal']) {
      let raw: string;
      try {
        raw = readFileSync(join(dataDir, f)).toString('latin1');
      } catch {
        continue;
      }
      for (const s of secrets) assert.ok(!raw.includes(s), `a secret is in plain text in ${f}`);
    }
  });
});
