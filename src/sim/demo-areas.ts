import { centroid, cityCells, type PlacedCell, partition, riverCells } from './demo-shape.ts';
import { mulberry32, shuffle } from './rng.ts';

export const DEMO_SEED = 20_240_917;
const DISTRICTS = 12;
const COMMUNITIES = 60;

export interface DemoCommunity {
  readonly id: string;
  readonly name: string;
  readonly cells: readonly PlacedCell[];
}

export interface DemoDistrict extends DemoCommunity {
  readonly communities: readonly DemoCommunity[];
}

/** The demo city before it is written out: its cells, river and area hierarchy. */
export interface DemoModel {
  readonly cells: readonly PlacedCell[];
  readonly river: readonly PlacedCell[];
  readonly districts: readonly DemoDistrict[];
}

// Made-up names in the style of a mid-sized European river town.
const DISTRICT_NAMES = [
  'Northfield',
  'Harrow Hill',
  'Eastgate',
  'Brightwater',
  'Southmead',
  'Stonebridge',
  'Westholm',
  'Ashgrove',
  'Lindenau',
  'Millbrook',
  'Kestrel Heights',
];
const FIRST = ['Oak', 'Elm', 'Birch', 'Mill', 'Brook', 'Stone', 'Hazel', 'Fern', 'Wren', 'Lark', 'Ash', 'Willow'];
const SECOND = ['field', 'wood', 'side', 'gate', 'croft', 'lea', 'hurst', 'bury', 'ton', 'dale', 'mead', 'worth'];
const FIRST_MORE = [
  'Rose',
  'Bell',
  'Cole',
  'Marsh',
  'Cedar',
  'Alder',
  'Maple',
  'Thorn',
  'Heron',
  'Fox',
  'Moss',
  'Pine',
];

/**
 * Riverton: ~5,000 res-9 cells in a blob around (10.0, 50.0), cut into 12 districts (k-means of the cells) and each
 * district into communities (k-means again, about 60 in all, in proportion to the district's size). The district
 * nearest the centre is the Old Town; the others are named clockwise from north. Deterministic for a given seed.
 */
export function buildDemoModel(seed = DEMO_SEED): DemoModel {
  const random = mulberry32(seed);
  const cells = cityCells(random);
  const parts = partition(random, cells, DISTRICTS);
  const byDistance = [...parts].sort((a, b) => Math.hypot(...centroid(a)) - Math.hypot(...centroid(b)));
  const oldTown = byDistance[0] ?? [];
  const bearing = (p: PlacedCell[]) => {
    const [x, y] = centroid(p);
    return (Math.atan2(x, y) + 2 * Math.PI) % (2 * Math.PI);
  };
  const ring = byDistance.slice(1).sort((a, b) => bearing(a) - bearing(b));
  const names = communityNames(random);
  let n = 0;
  const districts = [oldTown, ...ring].map((part, i): DemoDistrict => {
    const id = `d${String(i + 1).padStart(2, '0')}`;
    const count = Math.max(3, Math.round((part.length / cells.length) * COMMUNITIES));
    const subparts = partition(random, part, count).sort((a, b) => bearing(a) - bearing(b));
    const communities = subparts.map((sub, j) => ({
      id: `${id}-c${j + 1}`,
      name: names[n++ % names.length] ?? `Community ${n}`,
      cells: sortById(sub),
    }));
    return { id, name: i === 0 ? 'Old Town' : (DISTRICT_NAMES[i - 1] ?? id), cells: sortById(part), communities };
  });
  return { cells: sortById(cells), river: riverCells(cells), districts };
}

function communityNames(random: () => number): string[] {
  const names = new Set<string>();
  for (const a of [...FIRST, ...FIRST_MORE]) {
    // Skip joins that double a letter at the seam (Mill + lea), which read as typos.
    for (const b of SECOND) if (a.at(-1) !== b[0]) names.add(`${a}${b}`);
  }
  return shuffle(random, [...names]);
}

const sortById = (cells: readonly PlacedCell[]): PlacedCell[] => [...cells].sort((a, b) => (a.id < b.id ? -1 : 1));
