import { randomBytes } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';
import type { Secrets } from '../access/ports.ts';
import { nodeSha256 } from './node-crypto.ts';

/**
 * Secrets on Node: random tokens from the OS CSPRNG, SHA-256, and argon2id with @node-rs/argon2's defaults
 * (m = 19 MiB, t = 2, p = 1: OWASP's minimum recommendation for argon2id).
 */
export const nodeSecrets: Secrets = {
  randomToken: (bytes) => randomBytes(bytes).toString('base64url'),
  sha256: nodeSha256,
  // The library's default algorithm is argon2id.
  hashPassword: (password) => hash(password),
  verifyPassword: async (h, password) => {
    try {
      return await verify(h, password);
    } catch {
      return false;
    }
  },
};
