import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { nodeSecrets } from '../adapters/secrets.ts';
import { openSqliteStore } from '../adapters/sqlite/index.ts';
import type { AreaId } from '../shared/brand.ts';
import { MINUTE } from '../shared/clock.ts';
import { createAccounts } from './accounts.ts';
import { FREE_ATTEMPTS, lockedUntil, phantomLockout } from './lockout.ts';
import { roleAllows } from './roles.ts';

const PW = 'a long enough password';

function setup() {
  const stores = openSqliteStore(':memory:');
  let now = Date.UTC(2026, 10, 29, 8);
  const accounts = createAccounts({
    store: stores.access,
    secrets: nodeSecrets,
    clock: () => now,
    isArea: (id) => ['city', 'd1', 'd2'].includes(id),
  });
  return { stores, accounts, advance: (ms: number) => (now += ms), now: () => now };
}

describe('accounts', () => {
  test('a user logs in with the right password only; the password is stored as argon2id, never in clear', async () => {
    const { stores, accounts } = setup();
    const u = await accounts.createUser({ username: 'ana', password: PW, role: 'analyst', scope: 'd1' as AreaId });
    assert.ok(u.ok);
    assert.match(u.value.passwordHash, /^\$argon2id\$/);
    assert.ok(!u.value.passwordHash.includes(PW));
    const bad = await accounts.login('ana', 'wrong password!!');
    assert.equal(!bad.ok && bad.error.code, 'AUTH_INVALID_CREDENTIALS');
    const unknown = await accounts.login('nobody', PW);
    assert.equal(!unknown.ok && unknown.error.code, 'AUTH_INVALID_CREDENTIALS');
    const good = await accounts.login('ana', PW);
    assert.ok(good.ok);
    const p = await accounts.fromSession(good.value.sessionId);
    assert.deepEqual(
      { role: p?.role, scope: p?.scope, csrf: p?.csrf, kind: p?.kind },
      { role: 'analyst', scope: 'd1', csrf: good.value.csrf, kind: 'user' },
    );
    const stored = await stores.access.sessionByHash(nodeSecrets.sha256(good.value.sessionId));
    assert.ok(stored, 'the session is stored under the hash of its id');
    assert.equal(await stores.access.sessionByHash(good.value.sessionId), undefined, 'never under the id itself');
    await accounts.logout(good.value.sessionId);
    assert.equal(await accounts.fromSession(good.value.sessionId), undefined);
  });

  test('a name without an account locks after the same failures, for the same waits: AUTH_LOCKED tells no names', async () => {
    const { accounts, advance } = setup();
    await accounts.createUser({ username: 'bob', password: PW, role: 'dispatcher', scope: 'city' as AreaId });
    const answers = async (name: string) => {
      const r = await accounts.login(name, 'not the password');
      return r.ok ? 'ok' : `${r.error.code} ${r.error.details?.retryAfterSeconds ?? ''}`;
    };
    const seen: Record<string, string[]> = { bob: [], nobody: [] };
    for (let i = 0; i < FREE_ATTEMPTS + 4; i++) {
      for (const name of ['bob', 'nobody']) seen[name]?.push(await answers(name));
      if (i === FREE_ATTEMPTS + 1) advance(MINUTE + 1);
    }
    assert.deepEqual(seen.nobody, seen.bob);
    assert.ok(seen.bob?.includes('AUTH_LOCKED 60'), JSON.stringify(seen.bob));
    assert.ok(seen.bob?.includes('AUTH_LOCKED 120'), JSON.stringify(seen.bob));
  });

  test('phantom lockout forgets the oldest names beyond its bound', () => {
    const p = phantomLockout(3);
    for (const name of ['a', 'b', 'c', 'd']) for (let i = 0; i < FREE_ATTEMPTS; i++) p.fail(name, 0);
    assert.equal(p.size, 3);
    assert.equal(p.lockedAt('a', 1), undefined, 'the oldest was forgotten');
    assert.equal(p.lockedAt('d', 1), MINUTE);
    p.fail('b', 0);
    p.fail('e', 0);
    assert.equal(p.lockedAt('c', 1), undefined, 'a failure refreshes b, so c is now the oldest');
    assert.ok(p.lockedAt('b', 1) !== undefined);
  });

  test('repeated failures lock the account with doubling waits; a success resets the count', async () => {
    const { accounts, advance } = setup();
    await accounts.createUser({ username: 'bob', password: PW, role: 'dispatcher', scope: 'city' as AreaId });
    for (let i = 0; i < FREE_ATTEMPTS; i++) {
      const r = await accounts.login('bob', 'not the password');
      assert.equal(!r.ok && r.error.code, 'AUTH_INVALID_CREDENTIALS');
    }
    const locked = await accounts.login('bob', PW);
    assert.equal(!locked.ok && locked.error.code, 'AUTH_LOCKED', 'even the right password is refused while locked');
    assert.equal(!locked.ok && locked.error.details?.retryAfterSeconds, 60);
    advance(MINUTE + 1);
    const again = await accounts.login('bob', 'still wrong');
    assert.equal(!again.ok && again.error.code, 'AUTH_INVALID_CREDENTIALS');
    const locked2 = await accounts.login('bob', PW);
    assert.equal(!locked2.ok && locked2.error.details?.retryAfterSeconds, 120, 'the second lock is twice as long');
    advance(2 * MINUTE + 1);
    assert.ok((await accounts.login('bob', PW)).ok);
    assert.ok((await accounts.login('bob', 'wrong again!!')).ok === false);
    assert.ok((await accounts.login('bob', PW)).ok, 'one failure after a success does not lock');
  });

  test('lockout backoff doubles and is capped at an hour', () => {
    assert.equal(lockedUntil(FREE_ATTEMPTS - 1, 0), undefined);
    assert.equal(lockedUntil(FREE_ATTEMPTS, 0), MINUTE);
    assert.equal(lockedUntil(FREE_ATTEMPTS + 3, 0), 8 * MINUTE);
    assert.equal(lockedUntil(FREE_ATTEMPTS + 30, 0), 60 * MINUTE);
  });

  test('disabling a user ends its sessions and refuses logins; sessions expire', async () => {
    const { accounts, advance } = setup();
    await accounts.createUser({ username: 'cy', password: PW, role: 'supervisor', scope: 'city' as AreaId });
    const s = await accounts.login('cy', PW);
    assert.ok(s.ok);
    await accounts.setDisabled('cy', true);
    assert.equal(await accounts.fromSession(s.value.sessionId), undefined);
    const r = await accounts.login('cy', PW);
    assert.equal(!r.ok && r.error.code, 'AUTH_INVALID_CREDENTIALS');
    await accounts.setDisabled('cy', false);
    const s2 = await accounts.login('cy', PW);
    assert.ok(s2.ok);
    advance(13 * 60 * MINUTE);
    assert.equal(await accounts.fromSession(s2.value.sessionId), undefined, 'expired after 12 h');
  });

  test('API tokens: stored hashed, scoped, revocable; tampered tokens fail', async () => {
    const { stores, accounts } = setup();
    const t = await accounts.createToken({ name: 'gauges', role: 'integration', scope: 'd2' as AreaId });
    assert.ok(t.ok);
    const { token, meta } = t.value;
    assert.match(token, /^glt_tok_[0-9a-z]{16}_/);
    const secret = token.split('_').slice(3).join('_');
    const row = await stores.access.tokenById(meta.id);
    assert.ok(row && !JSON.stringify(row).includes(secret), 'the secret is not stored');
    const p = await accounts.fromToken(token);
    assert.deepEqual([p?.kind, p?.role, p?.scope], ['token', 'integration', 'd2']);
    assert.equal(await accounts.fromToken(`${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`), undefined);
    assert.equal(await accounts.fromToken('glt_garbage'), undefined);
    assert.ok((await accounts.revokeToken(meta.id)).ok);
    assert.equal(await accounts.fromToken(token), undefined);
    const again = await accounts.revokeToken(meta.id);
    assert.equal(!again.ok && again.error.code, 'ACCESS_UNKNOWN_TOKEN');
  });

  test('bad account input is refused with codes', async () => {
    const { accounts } = setup();
    const weak = await accounts.createUser({
      username: 'dee',
      password: 'short',
      role: 'admin',
      scope: 'city' as AreaId,
    });
    assert.equal(!weak.ok && weak.error.code, 'ACCESS_WEAK_PASSWORD');
    const scope = await accounts.createUser({ username: 'dee', password: PW, role: 'admin', scope: 'mars' as AreaId });
    assert.equal(!scope.ok && scope.error.code, 'ACCESS_BAD_SCOPE');
    const name = await accounts.createUser({
      username: 'Robert"); DROP',
      password: PW,
      role: 'admin',
      scope: 'city' as AreaId,
    });
    assert.equal(!name.ok && name.error.code, 'REQUEST_INVALID');
    assert.ok(
      (await accounts.createUser({ username: 'dee', password: PW, role: 'admin', scope: 'city' as AreaId })).ok,
    );
    const dup = await accounts.createUser({ username: 'dee', password: PW, role: 'admin', scope: 'city' as AreaId });
    assert.equal(!dup.ok && dup.error.code, 'ACCESS_USER_EXISTS');
  });
});

describe('roles', () => {
  test('the staff ladder, the integration branch and public', () => {
    assert.ok(roleAllows('admin', 'integration'));
    assert.ok(roleAllows('integration', 'integration'));
    assert.ok(!roleAllows('supervisor', 'integration'));
    assert.ok(!roleAllows('integration', 'analyst'));
    assert.ok(roleAllows('dispatcher', 'field_worker'));
    assert.ok(!roleAllows('field_worker', 'dispatcher'));
    assert.ok(!roleAllows('public', 'analyst'));
    assert.ok(roleAllows('public', 'public'));
  });
});
