import type { AreaId } from '../shared/brand.ts';
import type { DomainError } from '../shared/errors.ts';
import { err, ok, type Result } from '../shared/result.ts';
import { areaOrigin } from './area-features.ts';
import type { Area } from './city.ts';
import { invalid } from './load.ts';
import type { AreaDef } from './schema.ts';

/** The resolved hierarchy: areas in definition order, with children and depths filled in. */
export interface Hierarchy {
  readonly root: AreaId;
  readonly areas: ReadonlyMap<AreaId, Area>;
}

interface Located {
  readonly def: AreaDef;
  readonly file: string;
  readonly path: string;
}

/**
 * Checks the area hierarchy and builds it: ids unique, exactly one root, parents that exist, no cycles, each area's
 * level the one of its depth, and a geometry on every leaf (the grid's cells come from the leaves' polygons).
 */
export function resolveAreas(
  inline: readonly AreaDef[],
  features: readonly AreaDef[],
  levels: readonly string[],
  file: string,
): Result<Hierarchy> {
  const all: Located[] = [
    ...inline.map((def, i) => ({ def, file, path: `/areas/${i}` })),
    ...features.map((def, i) => ({ def, ...(areaOrigin(def) ?? { file, path: `/areaFeatures/${i}` }) })),
  ];
  const fail = (a: Located, field: string, message: string): Result<never, DomainError> =>
    err(invalid(a.file, `${a.path}${field}`, message));
  const at = (a: Located, field: string): string => (a.path.startsWith('/features/') ? `/properties${field}` : field);

  const byId = new Map<string, Located>();
  for (const a of all) {
    if (byId.has(a.def.id)) return fail(a, at(a, '/id'), `duplicate area id ${JSON.stringify(a.def.id)}`);
    byId.set(a.def.id, a);
  }
  const roots = all.filter((a) => a.def.parent === undefined);
  const root = roots[0];
  if (!root) return err(invalid(file, '/areas', 'no root area: exactly one area (the city) must have no parent'));
  const second = roots[1];
  if (second) return fail(second, at(second, '/parent'), `missing: only the root ${root.def.id} may have no parent`);

  const children = new Map<string, AreaId[]>();
  for (const a of all) {
    const parent = a.def.parent;
    if (parent === undefined) continue;
    if (!byId.has(parent)) return fail(a, at(a, '/parent'), `no area has the id ${JSON.stringify(parent)}`);
    children.set(parent, [...(children.get(parent) ?? []), a.def.id as AreaId]);
  }

  const depth = new Map<string, number>([[root.def.id, 0]]);
  const queue = [root.def.id];
  for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
    for (const child of children.get(id) ?? []) {
      depth.set(child, (depth.get(id) ?? 0) + 1);
      queue.push(child);
    }
  }

  const areas = new Map<AreaId, Area>();
  for (const a of all) {
    const d = depth.get(a.def.id);
    if (d === undefined) return fail(a, at(a, '/parent'), 'does not lead up to the root: the parents form a cycle');
    const expected = levels[d];
    if (!levels.includes(a.def.level)) {
      return fail(a, at(a, '/level'), `unknown level ${JSON.stringify(a.def.level)}; levels are ${levels.join(', ')}`);
    }
    if (expected !== a.def.level) {
      const want = expected === undefined ? `no level (levels go ${levels.length} deep)` : `level ${expected}`;
      return fail(a, at(a, '/level'), `an area at depth ${d} must have ${want}, not ${a.def.level}`);
    }
    const kids = children.get(a.def.id) ?? [];
    if (kids.length === 0 && !a.def.geometry) {
      return fail(a, '/geometry', 'a leaf area needs a geometry');
    }
    areas.set(a.def.id as AreaId, {
      id: a.def.id as AreaId,
      name: a.def.name,
      level: a.def.level,
      parent: a.def.parent as AreaId | undefined,
      children: kids,
      depth: d,
      geometry: a.def.geometry,
    });
  }
  return ok({ root: root.def.id as AreaId, areas });
}
