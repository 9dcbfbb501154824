import type { AreaId } from '../shared/brand.ts';
import type { Role } from './roles.ts';

/** Who is calling: a staff user (session cookie), a machine (API token) or anyone (no credentials). */
export interface Principal {
  readonly kind: 'user' | 'token' | 'anonymous';
  readonly id: string;
  readonly name: string;
  readonly role: Role;
  /** The root of the area subtree the principal may see and change. */
  readonly scope: AreaId;
  /** For cookie sessions: the token that unsafe requests must echo in `x-csrf-token`. */
  readonly csrf?: string;
}

/** Whether an object whose area path (root → leaf) is given lies in the principal's scope. */
export const inScope = (p: Principal, areaPath: readonly AreaId[]): boolean => areaPath.includes(p.scope);
