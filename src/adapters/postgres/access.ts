import type { AccessStore, ApiToken, Session, User, UserPatch } from '../../access/ports.ts';
import type { EpochMs } from '../../shared/brand.ts';
import {
  type SessionRow,
  type TokenRow,
  toSession,
  toToken,
  toUser,
  USER_COLUMNS,
  type UserRow,
} from '../rows/access.ts';
import type { Pool } from './db.ts';

/** Accounts, sessions and tokens on PostgreSQL. */
export class PgAccessStore implements AccessStore {
  readonly #pool: Pool;
  constructor(pool: Pool) {
    this.#pool = pool;
  }

  async createUser(u: User): Promise<void> {
    await this.#pool.query(
      `INSERT INTO users (id, username, role, scope, password_hash, disabled, failed_logins, locked_until, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [
        u.id,
        u.username,
        u.role,
        u.scope,
        u.passwordHash,
        u.disabled,
        u.failedLogins,
        u.lockedUntil ?? null,
        u.createdAt,
      ],
    );
  }

  async userByName(username: string): Promise<User | undefined> {
    const { rows } = await this.#pool.query<UserRow>('SELECT * FROM users WHERE username = $1', [username]);
    return rows[0] && toUser(rows[0]);
  }

  async userById(id: string): Promise<User | undefined> {
    const { rows } = await this.#pool.query<UserRow>('SELECT * FROM users WHERE id = $1', [id]);
    return rows[0] && toUser(rows[0]);
  }

  async listUsers(): Promise<User[]> {
    return (await this.#pool.query<UserRow>('SELECT * FROM users ORDER BY username')).rows.map(toUser);
  }

  async updateUser(id: string, patch: UserPatch): Promise<void> {
    const keys = Object.keys(patch) as (keyof UserPatch)[];
    if (keys.length === 0) return;
    const sets = keys.map((k, i) => `${USER_COLUMNS[k]} = $${i + 1}`).join(', ');
    await this.#pool.query(`UPDATE users SET ${sets} WHERE id = $${keys.length + 1}`, [
      ...keys.map((k) => patch[k] ?? null),
      id,
    ]);
  }

  async createSession(s: Session): Promise<void> {
    await this.#pool.query(
      'INSERT INTO sessions (id_hash, user_id, csrf, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)',
      [s.idHash, s.userId, s.csrf, s.createdAt, s.expiresAt],
    );
  }

  async sessionByHash(idHash: string): Promise<Session | undefined> {
    const { rows } = await this.#pool.query<SessionRow>('SELECT * FROM sessions WHERE id_hash = $1', [idHash]);
    return rows[0] && toSession(rows[0]);
  }

  async deleteSession(idHash: string): Promise<void> {
    await this.#pool.query('DELETE FROM sessions WHERE id_hash = $1', [idHash]);
  }

  async deleteSessionsOf(userId: string): Promise<void> {
    await this.#pool.query('DELETE FROM sessions WHERE user_id = $1', [userId]);
  }

  async deleteExpiredSessions(now: number): Promise<number> {
    return (await this.#pool.query('DELETE FROM sessions WHERE expires_at <= $1', [now])).rowCount ?? 0;
  }

  async createToken(t: ApiToken): Promise<void> {
    await this.#pool.query(
      'INSERT INTO api_tokens (id, name, role, scope, secret_hash, created_at, revoked_at) VALUES ($1, $2, $3, $4, $5, $6, $7)',
      [t.id, t.name, t.role, t.scope, t.secretHash, t.createdAt, t.revokedAt ?? null],
    );
  }

  async tokenById(id: string): Promise<ApiToken | undefined> {
    const { rows } = await this.#pool.query<TokenRow>('SELECT * FROM api_tokens WHERE id = $1', [id]);
    return rows[0] && toToken(rows[0]);
  }

  async listTokens(): Promise<ApiToken[]> {
    return (await this.#pool.query<TokenRow>('SELECT * FROM api_tokens ORDER BY created_at, id')).rows.map(toToken);
  }

  async revokeToken(id: string, at: EpochMs): Promise<boolean> {
    const r = await this.#pool.query('UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL', [
      at,
      id,
    ]);
    return (r.rowCount ?? 0) > 0;
  }
}
