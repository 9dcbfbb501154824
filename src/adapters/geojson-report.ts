import { writeFile } from 'node:fs/promises';
import type { GeometryProblem } from '../grid/geometry-check.ts';

/** One GeoJSON Feature per problem, with properties {kind, areas, m2, approx, severity, detail}. */
export function problemsToFeatureCollection(problems: readonly GeometryProblem[]): {
  type: 'FeatureCollection';
  features: unknown[];
} {
  return {
    type: 'FeatureCollection',
    features: problems.map((p) => ({
      type: 'Feature',
      geometry: p.geometry,
      properties: {
        kind: p.kind,
        areas: p.areas,
        m2: Math.round(p.m2 * 10) / 10,
        approx: p.approx,
        severity: p.severity,
        detail: p.detail,
      },
    })),
  };
}

/** Writes the check report as a GeoJSON FeatureCollection (WGS84 lon/lat). */
export async function writeProblemReport(file: string, problems: readonly GeometryProblem[]): Promise<void> {
  await writeFile(file, `${JSON.stringify(problemsToFeatureCollection(problems))}\n`, 'utf8');
}
