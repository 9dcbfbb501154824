import { access, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { AREAS_FILE, areasFeatureCollection, cityFromGeojson, type NestingNote } from '../city/init-from-geojson.ts';
import { invalid } from '../city/load.ts';
import { nestByOverlap } from '../grid/nesting.ts';
import { DomainError } from '../shared/errors.ts';

/** One `--areas FILE --level NAME --name-prop PROP [--id-prop PROP]` group of `gridloop city init`. */
export interface LevelFile {
  readonly file: string;
  readonly level: string;
  readonly nameProp: string;
  readonly idProp?: string;
}

export interface CityInitOptions {
  readonly id?: string;
  readonly name?: string;
  readonly timezone?: string;
  readonly resolution?: number;
  /** Overwrite an existing city.yaml. */
  readonly force?: boolean;
}

export interface CityInitSummary {
  readonly written: string[];
  readonly areas: number;
  readonly nesting: NestingNote[];
}

/**
 * Builds a city definition from boundary GeoJSON files (coarse to fine) and writes `dir/city.yaml` and
 * `dir/areas.geojson`. Throws CITY_NOT_FOUND for a missing input file and CITY_INVALID for a bad one, or when
 * dir/city.yaml exists and `force` is not set.
 */
export async function initCityFromFiles(
  dir: string,
  levels: readonly LevelFile[],
  opts: CityInitOptions = {},
): Promise<CityInitSummary> {
  const yamlPath = join(dir, 'city.yaml');
  if (!opts.force && (await exists(yamlPath))) {
    throw invalid(yamlPath, '', 'already exists: pass --force to overwrite it');
  }
  const specs = [];
  for (const l of levels) {
    specs.push({ ...l, features: await readJson(l.file) });
  }
  const built = cityFromGeojson(specs, {
    nest: (children, parents) => nestByOverlap(children, parents),
    ...(opts.id === undefined ? {} : { id: opts.id }),
    ...(opts.name === undefined ? {} : { name: opts.name }),
    ...(opts.timezone === undefined ? {} : { timezone: opts.timezone }),
    ...(opts.resolution === undefined ? {} : { resolution: opts.resolution }),
  });
  if (!built.ok) throw built.error;
  const { def, areas, nesting } = built.value;
  const header = [
    `# ${def.name}: built by \`gridloop city init\` from ${levels.map((l) => l.file).join(', ')}.`,
    '# Edit the name, time zone, categories and teams; then run `gridloop check` on this folder.',
    '',
  ].join('\n');
  await mkdir(dir, { recursive: true });
  const areasPath = join(dir, AREAS_FILE);
  await writeFile(yamlPath, header + stringify(def, { lineWidth: 0 }), 'utf8');
  await writeFile(areasPath, `${JSON.stringify(areasFeatureCollection(areas))}\n`, 'utf8');
  return { written: [yamlPath, areasPath], areas: areas.length + 1, nesting };
}

async function readJson(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR')
      throw new DomainError('CITY_NOT_FOUND', `${file} does not exist`, { file });
    throw e;
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw invalid(file, '', `not valid JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
}

const exists = (path: string): Promise<boolean> =>
  access(path).then(
    () => true,
    () => false,
  );
