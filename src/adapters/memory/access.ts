import type { AccessStore, ApiToken, Session, User, UserPatch } from '../../access/ports.ts';
import type { EpochMs } from '../../shared/brand.ts';
import { toSession, toToken, toUser, USER_COLUMNS, type UserRow } from '../rows/access.ts';
import { compareText, constraintError, type MemoryDb } from './db.ts';

/** Accounts, sessions and tokens in memory, with the SQL schema's unique keys and the session → user reference. */
export class MemoryAccessStore implements AccessStore {
  readonly #db: MemoryDb;
  constructor(db: MemoryDb) {
    this.#db = db;
  }

  async createUser(u: User): Promise<void> {
    const users = this.#db.users;
    if (users.has(u.id)) throw constraintError(`users.id ${u.id} is taken`);
    for (const other of users.values()) {
      if (other.username === u.username) throw constraintError(`users.username ${u.username} is taken`);
    }
    users.set(u.id, {
      id: u.id,
      username: u.username,
      role: u.role,
      scope: u.scope,
      password_hash: u.passwordHash,
      disabled: u.disabled ? 1 : 0,
      failed_logins: u.failedLogins,
      locked_until: u.lockedUntil ?? null,
      created_at: u.createdAt,
    });
  }

  async userByName(username: string): Promise<User | undefined> {
    for (const r of this.#db.users.values()) if (r.username === username) return toUser(r);
    return undefined;
  }

  async userById(id: string): Promise<User | undefined> {
    const r = this.#db.users.get(id);
    return r && toUser(r);
  }

  async listUsers(): Promise<User[]> {
    return [...this.#db.users.values()].sort((a, b) => compareText(a.username, b.username)).map(toUser);
  }

  /** Sets only the patched fields; undefined clears lockedUntil and is refused for the others (NOT NULL in SQL). */
  async updateUser(id: string, patch: UserPatch): Promise<void> {
    const row = this.#db.users.get(id);
    if (row === undefined) return;
    const next: Record<string, unknown> = { ...row };
    for (const k of Object.keys(patch) as (keyof UserPatch)[]) {
      const v = patch[k];
      const column = USER_COLUMNS[k];
      if (v === undefined && k !== 'lockedUntil') throw constraintError(`users.${column} is NOT NULL`);
      next[column] = typeof v === 'boolean' ? (v ? 1 : 0) : (v ?? null);
    }
    this.#db.users.set(id, next as unknown as UserRow);
  }

  async createSession(s: Session): Promise<void> {
    if (this.#db.sessions.has(s.idHash)) throw constraintError('sessions.id_hash is taken');
    if (!this.#db.users.has(s.userId)) throw constraintError(`sessions.user_id ${s.userId} references no user`);
    this.#db.sessions.set(s.idHash, {
      id_hash: s.idHash,
      user_id: s.userId,
      csrf: s.csrf,
      created_at: s.createdAt,
      expires_at: s.expiresAt,
    });
  }

  async sessionByHash(idHash: string): Promise<Session | undefined> {
    const r = this.#db.sessions.get(idHash);
    return r && toSession(r);
  }

  async deleteSession(idHash: string): Promise<void> {
    this.#db.sessions.delete(idHash);
  }

  async deleteSessionsOf(userId: string): Promise<void> {
    for (const [k, r] of this.#db.sessions) if (r.user_id === userId) this.#db.sessions.delete(k);
  }

  async deleteExpiredSessions(now: EpochMs): Promise<number> {
    let n = 0;
    for (const [k, r] of this.#db.sessions) {
      if (r.expires_at <= now) {
        this.#db.sessions.delete(k);
        n++;
      }
    }
    return n;
  }

  async createToken(t: ApiToken): Promise<void> {
    if (this.#db.tokens.has(t.id)) throw constraintError(`api_tokens.id ${t.id} is taken`);
    this.#db.tokens.set(t.id, {
      id: t.id,
      name: t.name,
      role: t.role,
      scope: t.scope,
      secret_hash: t.secretHash,
      created_at: t.createdAt,
      revoked_at: t.revokedAt ?? null,
    });
  }

  async tokenById(id: string): Promise<ApiToken | undefined> {
    const r = this.#db.tokens.get(id);
    return r && toToken(r);
  }

  /** Oldest first; tokens created in the same millisecond stay in the order they were created. */
  async listTokens(): Promise<ApiToken[]> {
    return [...this.#db.tokens.values()].sort((a, b) => a.created_at - b.created_at).map(toToken);
  }

  async revokeToken(id: string, at: EpochMs): Promise<boolean> {
    const r = this.#db.tokens.get(id);
    if (r === undefined || r.revoked_at !== null) return false;
    this.#db.tokens.set(id, { ...r, revoked_at: at });
    return true;
  }
}
