/**
 * The roles. Every API route declares the least role it needs in its route config, and the app refuses to start when a
 * route declares none. Staff roles form a ladder (each may do what the ones below it may); `integration` is a side
 * branch for machines that feed data in, and `public` is anyone, signed in or not.
 */
export const STAFF_LADDER = ['analyst', 'field_worker', 'dispatcher', 'supervisor', 'admin'] as const;
export const ROLES = ['public', 'integration', ...STAFF_LADDER] as const;
export type Role = (typeof ROLES)[number];
export type StaffRole = (typeof STAFF_LADDER)[number];

export const isRole = (x: unknown): x is Role => typeof x === 'string' && (ROLES as readonly string[]).includes(x);

const rank = (r: Role): number => (STAFF_LADDER as readonly string[]).indexOf(r);

/** Whether a principal with role `have` may use a route that needs `need`. */
export function roleAllows(have: Role, need: Role): boolean {
  if (need === 'public') return true;
  if (have === 'admin') return true;
  if (need === 'integration') return have === 'integration';
  const h = rank(have);
  return h >= 0 && h >= rank(need);
}
