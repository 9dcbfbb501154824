import type { Command } from 'commander';
import { loadCity } from '../../adapters/city-files.ts';
import { writeProblemReport } from '../../adapters/geojson-report.ts';
import { checkAreas, type GeometryProblem } from '../../grid/geometry-check.ts';

interface CheckFlags {
  report?: string;
  json?: boolean;
  samples: number;
}

/**
 * `gridloop check DIR [--report FILE.geojson] [--json]`: checks the area geometry of a city definition. Exit 0 when it
 * is usable (warnings only), 1 when not, with a one-line reason. Invalid rings, crossing self-intersections and holes
 * outside their shell are errors; overlaps and gaps are errors when `grid.policy` rejects them (its default), since the
 * grid would then leave their cells out, and warnings when the policy resolves them.
 */
export function checkCommand(program: Command): void {
  program
    .command('check')
    .description('check a city definition: invalid rings, self-intersections, overlaps and gaps between siblings')
    .argument('<dir>', 'the folder holding city.yaml')
    .option('--report <file>', 'write every problem as a GeoJSON FeatureCollection')
    .option('--json', 'print the summary and problems as one JSON object')
    .option(
      '--samples <n>',
      'sample cells per sibling group for overlap and gap areas',
      (v) => Number.parseInt(v, 10),
      50_000,
    )
    .action(async (dir: string, o: CheckFlags) => {
      const city = await loadCity(dir);
      const policy = gridPolicy(city.def.grid);
      const problems = checkAreas(city.areas, {
        rejectOverlaps: policy.overlaps === 'reject',
        rejectGaps: policy.gaps === 'reject',
        maxSamples: o.samples,
      });
      if (o.report) await writeProblemReport(o.report, problems);
      const errors = problems.filter((p) => p.severity === 'error');
      const reason = verdict(problems, policy);
      if (o.json) {
        const counts = countBy(problems);
        console.log(
          JSON.stringify({
            usable: errors.length === 0,
            reason,
            counts,
            problems: problems.map(({ geometry: _, ...p }) => p),
          }),
        );
      } else {
        for (const p of problems) console.log(`${p.severity} ${p.kind} [${p.areas.join(', ')}] ${p.detail}`);
        console.log(`gridloop check: ${reason}`);
      }
      process.exitCode = errors.length === 0 ? 0 : 1;
    });
}

function countBy(problems: readonly GeometryProblem[]): Record<string, { n: number; m2: number }> {
  const out: Record<string, { n: number; m2: number }> = {};
  for (const p of problems) {
    const c = out[p.kind] ?? { n: 0, m2: 0 };
    out[p.kind] = { n: c.n + 1, m2: Math.round(c.m2 + p.m2) };
  }
  return out;
}

function verdict(problems: readonly GeometryProblem[], policy: Policy): string {
  const errors = problems.filter((p) => p.severity === 'error');
  const summary = Object.entries(countBy(problems))
    .map(([k, c]) => `${c.n} ${k} (${c.m2.toLocaleString('en')} m²)`)
    .join(', ');
  if (errors.length === 0) return problems.length === 0 ? 'usable: no problems' : `usable with warnings: ${summary}`;
  const first = errors[0] as GeometryProblem;
  const why =
    first.kind === 'overlap' || first.kind === 'gap'
      ? ` (grid.policy.${first.kind}s is reject${policy.set ? '' : ' by default'}: their cells would be left out)`
      : '';
  return `unusable: ${errors.length} error(s), first ${first.kind} in ${first.areas.join(', ')}${why}: ${first.detail}; all: ${summary}`;
}

interface Policy {
  readonly gaps: string;
  readonly overlaps: string;
  /** Whether city.yaml sets grid.policy at all. */
  readonly set: boolean;
}

/** grid.policy as the grid reads it: gaps and overlaps each default to 'reject'. */
function gridPolicy(grid: unknown): Policy {
  const p = (grid as { policy?: unknown }).policy;
  if (typeof p === 'string') return { gaps: p, overlaps: p, set: true };
  const o = (p ?? {}) as { gaps?: unknown; overlaps?: unknown };
  const pick = (v: unknown) => (typeof v === 'string' ? v : 'reject');
  return { gaps: pick(o.gaps), overlaps: pick(o.overlaps), set: p !== undefined };
}
