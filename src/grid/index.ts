/** The grid: cells, the area hierarchy over them, and the assignment of points (DESIGN.md §3). */
export { cellsFromFeatureCollection } from './cell-features.ts';
export { buildGrid } from './h3-grid.ts';
export type { Assignment, Grid, GridProblem } from './types.ts';
export { buildZoneIndex, type ZoneIndex } from './zones.ts';
