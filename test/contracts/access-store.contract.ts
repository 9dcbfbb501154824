import assert from 'node:assert/strict';
import { describe } from 'node:test';
import type { AccessStore, ApiToken, Session, User } from '../../src/access/ports.ts';
import type { AreaId } from '../../src/shared/brand.ts';
import { type MakeStore, storeTest } from './fixtures.ts';

/** A fresh, empty store per test, and how to dispose of it. */
export type MakeAccessStore = MakeStore<AccessStore>;

const T0 = 1_700_000_000_000;

export const user = (n: number, over: Partial<User> = {}): User => ({
  id: `user_${n}`,
  username: `user${n}`,
  role: 'analyst',
  scope: 'city' as AreaId,
  passwordHash: `$argon2id$v=19$m=19456,t=2,p=1$salt${n}$hash${n}`,
  disabled: false,
  failedLogins: 0,
  lockedUntil: undefined,
  createdAt: T0 + n,
  ...over,
});

const session = (n: number, userId: string): Session => ({
  idHash: `${'a'.repeat(63)}${n}`,
  userId,
  csrf: `csrf-${n}`,
  createdAt: T0 + n,
  expiresAt: T0 + n + 3_600_000,
});

const token = (n: number, over: Partial<ApiToken> = {}): ApiToken => ({
  id: `tok${n}`,
  name: `feed ${n}`,
  role: 'integration',
  scope: 'north' as AreaId,
  secretHash: `${'b'.repeat(63)}${n}`,
  createdAt: T0 + n,
  revokedAt: undefined,
  ...over,
});

/** The AccessStore contract: every adapter must pass it unchanged. */
export function accessStoreContract(adapter: string, make: MakeAccessStore): void {
  const withStore = storeTest(make);

  describe(`AccessStore contract: ${adapter}`, () => {
    withStore('a created user reads back by name and id; the list is sorted by username', async (s) => {
      const a = user(2, { username: 'Zoe', role: 'admin', lockedUntil: T0 + 99, failedLogins: 3, disabled: true });
      const b = user(1, { username: 'anna' });
      const c = user(3, { username: 'Bob' });
      for (const u of [a, b, c]) await s.createUser(u);
      assert.deepEqual(await s.userByName('Zoe'), a);
      assert.deepEqual(await s.userById(b.id), b);
      assert.equal(await s.userByName('zoe'), undefined);
      assert.equal(await s.userById('nobody'), undefined);
      // Bytewise order: capitals before lower case, as in SQLite.
      assert.deepEqual(
        (await s.listUsers()).map((u) => u.username),
        ['Bob', 'Zoe', 'anna'],
      );
    });

    withStore('a second user with the same username is refused', async (s) => {
      await s.createUser(user(1));
      await assert.rejects(s.createUser(user(2, { username: 'user1' })));
      assert.equal((await s.listUsers()).length, 1);
    });

    withStore('updateUser changes only the patched fields, and clears lockedUntil with undefined', async (s) => {
      await s.createUser(user(1));
      await s.updateUser('user_1', { role: 'supervisor', failedLogins: 5, lockedUntil: T0 + 60_000, disabled: true });
      assert.deepEqual(
        await s.userById('user_1'),
        user(1, { role: 'supervisor', failedLogins: 5, lockedUntil: T0 + 60_000, disabled: true }),
      );
      await s.updateUser('user_1', { lockedUntil: undefined, failedLogins: 0, disabled: false });
      await s.updateUser('user_1', { passwordHash: 'new-hash', scope: 'south' as AreaId });
      await s.updateUser('user_1', {});
      assert.deepEqual(
        await s.userById('user_1'),
        user(1, { role: 'supervisor', passwordHash: 'new-hash', scope: 'south' as AreaId }),
      );
    });

    withStore('sessions: create, look up by hash, delete one, delete all of a user', async (s) => {
      await s.createUser(user(1));
      await s.createUser(user(2));
      for (const [n, u] of [
        [1, 'user_1'],
        [2, 'user_1'],
        [3, 'user_2'],
      ] as const)
        await s.createSession(session(n, u));
      assert.deepEqual(await s.sessionByHash(session(1, 'user_1').idHash), session(1, 'user_1'));
      assert.equal(await s.sessionByHash('nope'), undefined);
      await s.deleteSession(session(1, 'user_1').idHash);
      assert.equal(await s.sessionByHash(session(1, 'user_1').idHash), undefined);
      await s.deleteSessionsOf('user_1');
      assert.equal(await s.sessionByHash(session(2, 'user_1').idHash), undefined);
      assert.deepEqual(await s.sessionByHash(session(3, 'user_2').idHash), session(3, 'user_2'));
    });

    withStore('a session for an unknown user is refused', async (s) => {
      await assert.rejects(s.createSession(session(1, 'ghost')));
    });

    withStore('tokens: create, read, list oldest first, revoke once', async (s) => {
      await s.createToken(token(2));
      await s.createToken(token(1, { role: 'admin', scope: 'city' as AreaId }));
      assert.deepEqual(await s.tokenById('tok2'), token(2));
      assert.equal(await s.tokenById('tok9'), undefined);
      assert.deepEqual(
        (await s.listTokens()).map((t) => t.id),
        ['tok1', 'tok2'],
      );
      assert.equal(await s.revokeToken('tok2', T0 + 500), true);
      assert.equal(await s.revokeToken('tok2', T0 + 600), false);
      assert.equal(await s.revokeToken('tok9', T0 + 600), false);
      assert.deepEqual(await s.tokenById('tok2'), token(2, { revokedAt: T0 + 500 }));
    });
  });
}
