import type { City, GridSpec } from '../city/city.ts';
import type { AreaGeometry } from '../city/schema.ts';
import type { AreaId, CellId } from '../shared/brand.ts';
import type { CellProblem } from './cell-policy.ts';
import { buildPolygonIndex } from './polygon-index.ts';
import type { GridProblem } from './types.ts';

/** The area tree over the cells, computed once so that every query is a map lookup. */
export interface Hierarchy {
  readonly paths: ReadonlyMap<AreaId, readonly AreaId[]>;
  readonly subtreeCells: ReadonlyMap<AreaId, readonly CellId[]>;
  readonly subtreeLeaves: ReadonlyMap<AreaId, readonly AreaId[]>;
  /** Every cell of the city, leaf by leaf in tree order. */
  readonly all: readonly CellId[];
}

/** Root-to-area paths, subtree cells and subtree leaves from each leaf's own cells. */
export function buildHierarchy(city: City, leafCells: ReadonlyMap<AreaId, readonly CellId[]>): Hierarchy {
  const paths = new Map<AreaId, readonly AreaId[]>();
  const subtreeCells = new Map<AreaId, readonly CellId[]>();
  const subtreeLeaves = new Map<AreaId, readonly AreaId[]>();
  const visit = (id: AreaId, path: readonly AreaId[]): void => {
    const here = Object.freeze([...path, id]);
    paths.set(id, here);
    const children = city.areas.get(id)?.children ?? [];
    for (const child of children) visit(child, here);
    if (children.length === 0) {
      subtreeCells.set(id, Object.freeze([...(leafCells.get(id) ?? [])]));
      subtreeLeaves.set(id, Object.freeze([id]));
    } else {
      subtreeCells.set(id, Object.freeze(children.flatMap((c) => subtreeCells.get(c) ?? [])));
      subtreeLeaves.set(id, Object.freeze(children.flatMap((c) => subtreeLeaves.get(c) ?? [])));
    }
  };
  visit(city.root, []);
  return { paths, subtreeCells, subtreeLeaves, all: subtreeCells.get(city.root) ?? [] };
}

/** The leaf areas of the city in tree order with their geometries (a leaf without one gets an empty MultiPolygon). */
export function leafAreas(city: City): { ids: AreaId[]; geometries: AreaGeometry[] } {
  const ids: AreaId[] = [];
  const geometries: AreaGeometry[] = [];
  for (const area of city.areas.values()) {
    if (area.children.length > 0) continue;
    ids.push(area.id);
    geometries.push(area.geometry ?? { type: 'MultiPolygon', coordinates: [] });
  }
  return { ids, geometries };
}

/**
 * Whether a point lies in an area above the leaves (a district's outline, say): it is then in the city even when no
 * leaf holds it, so that a cell there is a gap rather than outside. Always false when no upper area has a geometry.
 */
export function upperAreaTest(city: City): (lon: number, lat: number) => boolean {
  const upper = [...city.areas.values()].filter((a) => a.children.length > 0 && a.geometry !== undefined);
  if (upper.length === 0) return () => false;
  const index = buildPolygonIndex(upper.map((a) => a.geometry as AreaGeometry));
  return (lon, lat) => index.containing(lon, lat).length > 0;
}

/** The policy's decisions with leaf indexes turned into area ids. */
export function toGridProblems(
  problems: readonly CellProblem[],
  ids: readonly AreaId[],
  spec: GridSpec,
): readonly GridProblem[] {
  return Object.freeze(
    problems.map((p) => ({
      cell: p.cell as CellId,
      kind: p.kind,
      candidates: p.candidates.map((l) => ids[l] as AreaId),
      chosen: p.chosen === undefined ? undefined : (ids[p.chosen] as AreaId),
      policy: p.kind === 'overlap' ? spec.policy.overlaps : spec.policy.gaps,
    })),
  );
}
