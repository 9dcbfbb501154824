/**
 * The staff roles (issue 4 builds accounts and scopes on them). Each API route declares the least role it needs in its
 * route config; the route table is checked at start-up so no route is born without one.
 */
export const ROLES = ['public', 'integration', 'analyst', 'field_worker', 'dispatcher', 'supervisor', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export const isRole = (x: unknown): x is Role => typeof x === 'string' && (ROLES as readonly string[]).includes(x);
