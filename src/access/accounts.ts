import type { AreaId, EpochMs } from '../shared/brand.ts';
import { type Clock, HOUR } from '../shared/clock.ts';
import { DomainError } from '../shared/errors.ts';
import { newId } from '../shared/ids.ts';
import { err, ok, type Result } from '../shared/result.ts';
import { lockedUntil, phantomLockout } from './lockout.ts';
import type { AccessStore, ApiToken, Secrets, User } from './ports.ts';
import type { Principal } from './principal.ts';
import type { Role } from './roles.ts';

export const SESSION_TTL = 12 * HOUR;
export const MIN_PASSWORD = 12;
/** Tokens look like `glt_<id>_<secret>`; only the secret's SHA-256 is stored. */
const TOKEN_RE = /^glt_(tok_[0-9a-z]{16})_([A-Za-z0-9_-]{32,128})$/;

export interface AccountDeps {
  readonly store: AccessStore;
  readonly secrets: Secrets;
  readonly clock: Clock;
  /** Area ids that exist, for scope checks. */
  readonly isArea: (id: string) => boolean;
}

export interface LoginOk {
  readonly user: User;
  readonly sessionId: string;
  readonly csrf: string;
  readonly expiresAt: EpochMs;
}

/** Staff accounts, sessions and API tokens. Pure logic over the AccessStore and Secrets ports. */
export function createAccounts(deps: AccountDeps) {
  const { store, secrets, clock } = deps;
  // A dummy hash so that a login with an unknown name costs as much as one with a wrong password (no user probing).
  let dummyHash: Promise<string> | undefined;
  const phantoms = phantomLockout();
  const locked = (until: EpochMs, now: EpochMs) =>
    err(
      new DomainError('AUTH_LOCKED', 'The account is locked after repeated failures.', {
        retryAfterSeconds: Math.ceil((until - now) / 1000),
      }),
    );

  const principalOf = (u: User, csrf?: string): Principal => ({
    kind: 'user',
    id: u.id,
    name: u.username,
    role: u.role,
    scope: u.scope,
    ...(csrf !== undefined ? { csrf } : {}),
  });

  return {
    async createUser(input: { username: string; password: string; role: Role; scope: AreaId }): Promise<Result<User>> {
      if (!/^[a-z0-9][a-z0-9._-]{1,63}$/.test(input.username)) {
        return err(new DomainError('REQUEST_INVALID', 'A user name is 2–64 of a-z, 0-9, dot, dash, underscore.'));
      }
      if (input.password.length < MIN_PASSWORD) {
        return err(new DomainError('ACCESS_WEAK_PASSWORD', `Passwords have at least ${MIN_PASSWORD} characters.`));
      }
      if (!deps.isArea(input.scope)) return err(new DomainError('ACCESS_BAD_SCOPE', `No area ${input.scope}.`));
      if (await store.userByName(input.username)) {
        return err(new DomainError('ACCESS_USER_EXISTS', `User ${input.username} exists.`));
      }
      const user: User = {
        id: newId('usr'),
        username: input.username,
        role: input.role,
        scope: input.scope,
        passwordHash: await secrets.hashPassword(input.password),
        disabled: false,
        failedLogins: 0,
        lockedUntil: undefined,
        createdAt: clock(),
      };
      await store.createUser(user);
      return ok(user);
    },

    async login(username: string, password: string): Promise<Result<LoginOk>> {
      const now = clock();
      const user = await store.userByName(username);
      if (!user) {
        // Answered exactly as for an account: the same hash work, the same lockout after the same failures.
        const until = phantoms.lockedAt(username, now);
        if (until !== undefined) return locked(until, now);
        dummyHash ??= secrets.hashPassword('not a real password, only for timing');
        await secrets.verifyPassword(await dummyHash, password);
        phantoms.fail(username, now);
        return err(new DomainError('AUTH_INVALID_CREDENTIALS', 'Wrong user name or password.'));
      }
      if (user.lockedUntil !== undefined && user.lockedUntil > now) return locked(user.lockedUntil, now);
      const good = await secrets.verifyPassword(user.passwordHash, password);
      if (!good || user.disabled) {
        if (!good) {
          const failures = user.failedLogins + 1;
          await store.updateUser(user.id, { failedLogins: failures, lockedUntil: lockedUntil(failures, now) });
        }
        return err(new DomainError('AUTH_INVALID_CREDENTIALS', 'Wrong user name or password.'));
      }
      if (user.failedLogins > 0) await store.updateUser(user.id, { failedLogins: 0, lockedUntil: undefined });
      const sessionId = secrets.randomToken(32);
      const csrf = secrets.randomToken(24);
      const expiresAt = now + SESSION_TTL;
      await store.createSession({
        idHash: secrets.sha256(sessionId),
        userId: user.id,
        csrf,
        createdAt: now,
        expiresAt,
      });
      return ok({ user, sessionId, csrf, expiresAt });
    },

    async logout(sessionId: string): Promise<void> {
      await store.deleteSession(secrets.sha256(sessionId));
    },

    /** The principal of a session cookie, or undefined when it is unknown, expired or its user is disabled. */
    async fromSession(sessionId: string): Promise<Principal | undefined> {
      const s = await store.sessionByHash(secrets.sha256(sessionId));
      if (!s || s.expiresAt <= clock()) return undefined;
      const u = await store.userById(s.userId);
      if (!u || u.disabled) return undefined;
      return principalOf(u, s.csrf);
    },

    /** The principal of a bearer token, or undefined when it is malformed, unknown or revoked. */
    async fromToken(token: string): Promise<Principal | undefined> {
      const m = TOKEN_RE.exec(token);
      if (!m) return undefined;
      const t = await store.tokenById(m[1]!);
      if (!t || t.revokedAt !== undefined) return undefined;
      if (!timingSafeEqualHex(t.secretHash, secrets.sha256(m[2]!))) return undefined;
      return { kind: 'token', id: t.id, name: t.name, role: t.role, scope: t.scope };
    },

    async createToken(input: {
      name: string;
      role: Role;
      scope: AreaId;
    }): Promise<Result<{ token: string; meta: ApiToken }>> {
      if (!deps.isArea(input.scope)) return err(new DomainError('ACCESS_BAD_SCOPE', `No area ${input.scope}.`));
      const id: string = newId('tok', clock());
      const secret = secrets.randomToken(32);
      const meta: ApiToken = {
        id,
        name: input.name,
        role: input.role,
        scope: input.scope,
        secretHash: secrets.sha256(secret),
        createdAt: clock(),
        revokedAt: undefined,
      };
      await store.createToken(meta);
      return ok({ token: `glt_${id}_${secret}`, meta });
    },

    async revokeToken(id: string): Promise<Result<void>> {
      const done = await store.revokeToken(id, clock());
      return done ? ok(undefined) : err(new DomainError('ACCESS_UNKNOWN_TOKEN', `No token ${id}.`));
    },

    async setRole(username: string, role: Role, scope?: AreaId): Promise<Result<User>> {
      const u = await store.userByName(username);
      if (!u) return err(new DomainError('ACCESS_UNKNOWN_USER', `No user ${username}.`));
      if (scope !== undefined && !deps.isArea(scope))
        return err(new DomainError('ACCESS_BAD_SCOPE', `No area ${scope}.`));
      await store.updateUser(u.id, { role, ...(scope !== undefined ? { scope } : {}) });
      await store.deleteSessionsOf(u.id);
      return ok({ ...u, role, scope: scope ?? u.scope });
    },

    async setPassword(username: string, password: string): Promise<Result<User>> {
      const u = await store.userByName(username);
      if (!u) return err(new DomainError('ACCESS_UNKNOWN_USER', `No user ${username}.`));
      if (password.length < MIN_PASSWORD) {
        return err(new DomainError('ACCESS_WEAK_PASSWORD', `Passwords have at least ${MIN_PASSWORD} characters.`));
      }
      await store.updateUser(u.id, {
        passwordHash: await secrets.hashPassword(password),
        failedLogins: 0,
        lockedUntil: undefined,
      });
      await store.deleteSessionsOf(u.id);
      return ok(u);
    },

    async setDisabled(username: string, disabled: boolean): Promise<Result<User>> {
      const u = await store.userByName(username);
      if (!u) return err(new DomainError('ACCESS_UNKNOWN_USER', `No user ${username}.`));
      await store.updateUser(u.id, { disabled });
      if (disabled) await store.deleteSessionsOf(u.id);
      return ok({ ...u, disabled });
    },

    listUsers: () => store.listUsers(),
    listTokens: () => store.listTokens(),
  };
}

export type Accounts = ReturnType<typeof createAccounts>;

/** Constant-time comparison of two hex digests of equal length. */
function timingSafeEqualHex(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}
