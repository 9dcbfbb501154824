import type { ApiToken, Session, User, UserPatch } from '../../access/ports.ts';
import type { Role } from '../../access/roles.ts';
import type { AreaId } from '../../shared/brand.ts';

/** A users row as SQLite and PostgreSQL return it; only `disabled` differs (0/1 against a boolean). */
export interface UserRow {
  id: string;
  username: string;
  role: string;
  scope: string;
  password_hash: string;
  disabled: number | boolean;
  failed_logins: number;
  locked_until: number | null;
  created_at: number;
}

/** An api_tokens row, the same in both databases. */
export interface TokenRow {
  id: string;
  name: string;
  role: string;
  scope: string;
  secret_hash: string;
  created_at: number;
  revoked_at: number | null;
}

/** A sessions row, the same in both databases. */
export interface SessionRow {
  id_hash: string;
  user_id: string;
  csrf: string;
  created_at: number;
  expires_at: number;
}

/** The account a row holds. */
export const toUser = (r: UserRow): User => ({
  id: r.id,
  username: r.username,
  role: r.role as Role,
  scope: r.scope as AreaId,
  passwordHash: r.password_hash,
  disabled: r.disabled === true || r.disabled === 1,
  failedLogins: r.failed_logins,
  lockedUntil: r.locked_until ?? undefined,
  createdAt: r.created_at,
});

/** The API token a row holds. */
export const toToken = (r: TokenRow): ApiToken => ({
  id: r.id,
  name: r.name,
  role: r.role as Role,
  scope: r.scope as AreaId,
  secretHash: r.secret_hash,
  createdAt: r.created_at,
  revokedAt: r.revoked_at ?? undefined,
});

/** The session a row holds. */
export const toSession = (r: SessionRow): Session => ({
  idHash: r.id_hash,
  userId: r.user_id,
  csrf: r.csrf,
  createdAt: r.created_at,
  expiresAt: r.expires_at,
});

/** The users column behind each patchable field. */
export const USER_COLUMNS: Record<keyof UserPatch, string> = {
  role: 'role',
  scope: 'scope',
  disabled: 'disabled',
  failedLogins: 'failed_logins',
  lockedUntil: 'locked_until',
  passwordHash: 'password_hash',
};
