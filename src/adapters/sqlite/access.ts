import type { AccessStore, ApiToken, Session, User, UserPatch } from '../../access/ports.ts';
import {
  type SessionRow,
  type TokenRow,
  toSession,
  toToken,
  toUser,
  USER_COLUMNS,
  type UserRow,
} from '../rows/access.ts';
import type { Db } from './db.ts';

/** Accounts, sessions and tokens in SQLite. */
export class SqliteAccessStore implements AccessStore {
  readonly #db: Db;
  constructor(db: Db) {
    this.#db = db;
  }

  async createUser(u: User): Promise<void> {
    this.#db
      .prepare(
        `INSERT INTO users (id, username, role, scope, password_hash, disabled, failed_logins, locked_until, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        u.id,
        u.username,
        u.role,
        u.scope,
        u.passwordHash,
        u.disabled ? 1 : 0,
        u.failedLogins,
        u.lockedUntil ?? null,
        u.createdAt,
      );
  }

  async userByName(username: string): Promise<User | undefined> {
    const r = this.#db.prepare('SELECT * FROM users WHERE username = ?').get(username) as UserRow | undefined;
    return r && toUser(r);
  }

  async userById(id: string): Promise<User | undefined> {
    const r = this.#db.prepare('SELECT * FROM users WHERE id = ?').get(id) as UserRow | undefined;
    return r && toUser(r);
  }

  async listUsers(): Promise<User[]> {
    return (this.#db.prepare('SELECT * FROM users ORDER BY username').all() as UserRow[]).map(toUser);
  }

  async updateUser(id: string, patch: UserPatch): Promise<void> {
    const keys = Object.keys(patch) as (keyof UserPatch)[];
    if (keys.length === 0) return;
    const sets = keys.map((k) => `${USER_COLUMNS[k]} = ?`).join(', ');
    const values = keys.map((k) => {
      const v = patch[k];
      if (typeof v === 'boolean') return v ? 1 : 0;
      return v ?? null;
    });
    this.#db.prepare(`UPDATE users SET ${sets} WHERE id = ?`).run(...values, id);
  }

  async createSession(s: Session): Promise<void> {
    this.#db
      .prepare('INSERT INTO sessions (id_hash, user_id, csrf, created_at, expires_at) VALUES (?, ?, ?, ?, ?)')
      .run(s.idHash, s.userId, s.csrf, s.createdAt, s.expiresAt);
  }

  async sessionByHash(idHash: string): Promise<Session | undefined> {
    const r = this.#db.prepare('SELECT * FROM sessions WHERE id_hash = ?').get(idHash) as SessionRow | undefined;
    return r && toSession(r);
  }

  async deleteSession(idHash: string): Promise<void> {
    this.#db.prepare('DELETE FROM sessions WHERE id_hash = ?').run(idHash);
  }

  async deleteSessionsOf(userId: string): Promise<void> {
    this.#db.prepare('DELETE FROM sessions WHERE user_id = ?').run(userId);
  }

  async deleteExpiredSessions(now: number): Promise<number> {
    return this.#db.prepare('DELETE FROM sessions WHERE expires_at <= ?').run(now).changes;
  }

  async createToken(t: ApiToken): Promise<void> {
    this.#db
      .prepare(
        'INSERT INTO api_tokens (id, name, role, scope, secret_hash, created_at, revoked_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
      )
      .run(t.id, t.name, t.role, t.scope, t.secretHash, t.createdAt, t.revokedAt ?? null);
  }

  async tokenById(id: string): Promise<ApiToken | undefined> {
    const r = this.#db.prepare('SELECT * FROM api_tokens WHERE id = ?').get(id) as TokenRow | undefined;
    return r && toToken(r);
  }

  async listTokens(): Promise<ApiToken[]> {
    return (this.#db.prepare('SELECT * FROM api_tokens ORDER BY created_at').all() as TokenRow[]).map(toToken);
  }

  async revokeToken(id: string, at: number): Promise<boolean> {
    return (
      this.#db.prepare('UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL').run(at, id).changes >
      0
    );
  }
}
