import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root, for the bundled demo city and web build, wherever the CLI is run from. */
export const PROJECT_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const DEMO_CITY_DIR = join(PROJECT_ROOT, 'cities', 'demo');

/** --city, else GRIDLOOP_CITY, else the demo city. */
export const resolveCityDir = (opt: string | undefined): string => opt ?? process.env.GRIDLOOP_CITY ?? DEMO_CITY_DIR;
/** --data, else GRIDLOOP_DATA, else ./data. */
export const resolveDataDir = (opt: string | undefined): string => opt ?? process.env.GRIDLOOP_DATA ?? './data';
