import type { AreaId, EpochMs } from '../shared/brand.ts';
import type { Role } from './roles.ts';

export interface User {
  readonly id: string;
  readonly username: string;
  readonly role: Role;
  readonly scope: AreaId;
  /** argon2id PHC string; never leaves the store except to be verified. */
  readonly passwordHash: string;
  readonly disabled: boolean;
  readonly failedLogins: number;
  readonly lockedUntil: EpochMs | undefined;
  readonly createdAt: EpochMs;
}

export interface Session {
  /** SHA-256 of the session id; the id itself lives only in the cookie. */
  readonly idHash: string;
  readonly userId: string;
  readonly csrf: string;
  readonly createdAt: EpochMs;
  readonly expiresAt: EpochMs;
}

export interface ApiToken {
  readonly id: string;
  readonly name: string;
  readonly role: Role;
  readonly scope: AreaId;
  /** SHA-256 of the token's secret part. */
  readonly secretHash: string;
  readonly createdAt: EpochMs;
  readonly revokedAt: EpochMs | undefined;
}

export type UserPatch = Partial<
  Pick<User, 'role' | 'scope' | 'disabled' | 'failedLogins' | 'lockedUntil' | 'passwordHash'>
>;

/** Accounts, sessions and API tokens. */
export interface AccessStore {
  createUser(u: User): Promise<void>;
  userByName(username: string): Promise<User | undefined>;
  userById(id: string): Promise<User | undefined>;
  listUsers(): Promise<User[]>;
  updateUser(id: string, patch: UserPatch): Promise<void>;
  createSession(s: Session): Promise<void>;
  sessionByHash(idHash: string): Promise<Session | undefined>;
  deleteSession(idHash: string): Promise<void>;
  deleteSessionsOf(userId: string): Promise<void>;
  deleteExpiredSessions(now: EpochMs): Promise<number>;
  createToken(t: ApiToken): Promise<void>;
  tokenById(id: string): Promise<ApiToken | undefined>;
  listTokens(): Promise<ApiToken[]>;
  revokeToken(id: string, at: EpochMs): Promise<boolean>;
}

/** Secrets: random tokens, SHA-256, and argon2id password hashing. Implemented in adapters/secrets.ts. */
export interface Secrets {
  randomToken(bytes: number): string;
  sha256(s: string): string;
  hashPassword(password: string): Promise<string>;
  verifyPassword(hash: string, password: string): Promise<boolean>;
}
