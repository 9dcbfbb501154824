type Ring = readonly (readonly number[])[];

/** Degrees, about 1 m: below what the map can show at any zoom a cell is drawn at. */
export const SIMPLIFY_TOLERANCE = 1e-5;

const round6 = (x: number): number => Math.round(x * 1e6) / 1e6;

/**
 * A closed ring for the map: Douglas-Peucker with `tolerance` (degrees, planar), then coordinates rounded to 6
 * decimals (about 0.1 m). The ring stays closed and keeps at least 4 positions, so it is still a valid polygon; an H3
 * hexagon passes through unchanged but for the rounding.
 */
export function simplifyRing(ring: Ring, tolerance = SIMPLIFY_TOLERANCE): number[][] {
  const pts = ring.map((p) => [p[0] ?? 0, p[1] ?? 0] as [number, number]);
  if (pts.length <= 4) return pts.map(([x, y]) => [round6(x), round6(y)]);
  const keep = new Uint8Array(pts.length);
  keep[0] = 1;
  keep[pts.length - 1] = 1;
  // A closed ring's two ends coincide, so split it at the vertex farthest from the start and simplify both halves.
  const far = farthestFrom(pts, 0);
  keep[far] = 1;
  const stack: [number, number][] = [
    [0, far],
    [far, pts.length - 1],
  ];
  while (stack.length > 0) {
    const [a, b] = stack.pop()!;
    let worst = -1;
    let at = -1;
    for (let i = a + 1; i < b; i++) {
      const d = segmentDistance(pts[i]!, pts[a]!, pts[b]!);
      if (d > worst) [worst, at] = [d, i];
    }
    if (at >= 0 && worst > tolerance) {
      keep[at] = 1;
      stack.push([a, at], [at, b]);
    }
  }
  let out = pts.filter((_, i) => keep[i] === 1);
  if (out.length < 4) out = pts;
  return out.map(([x, y]) => [round6(x), round6(y)]);
}

function farthestFrom(pts: readonly [number, number][], i: number): number {
  const [x0, y0] = pts[i]!;
  let best = 1;
  let dist = -1;
  for (let j = 1; j < pts.length - 1; j++) {
    const [x, y] = pts[j]!;
    const d = (x - x0) ** 2 + (y - y0) ** 2;
    if (d > dist) [dist, best] = [d, j];
  }
  return best;
}

function segmentDistance([x, y]: [number, number], [x1, y1]: [number, number], [x2, y2]: [number, number]): number {
  const dx = x2 - x1;
  const dy = y2 - y1;
  const len2 = dx * dx + dy * dy;
  const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, ((x - x1) * dx + (y - y1) * dy) / len2));
  return Math.hypot(x - (x1 + t * dx), y - (y1 + t * dy));
}
