import type { Principal } from '../access/principal.ts';
import type { Runtime } from '../runtime.ts';
import type { AreaId } from '../shared/brand.ts';
import { DomainError } from '../shared/errors.ts';
import { err, ok, type Result } from '../shared/result.ts';

/**
 * The area a listing is filtered to: the requested one if it lies inside the caller's scope, else the scope itself.
 * An unknown area and an area outside the scope both answer GRID_UNKNOWN_AREA (404), so nobody learns what exists
 * beyond their scope.
 */
export function scopedArea(rt: Runtime, p: Principal, requested: string | undefined): Result<AreaId> {
  if (requested === undefined) return ok(p.scope);
  const id = requested as AreaId;
  if (!rt.city.areas.has(id) || !rt.grid.pathOf(id).includes(p.scope)) {
    return err(new DomainError('GRID_UNKNOWN_AREA', `No area ${requested}.`));
  }
  return ok(id);
}
