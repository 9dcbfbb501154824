import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { parse, stringify } from 'yaml';
import type { GridDef } from '../../src/city/schema.ts';
import { cityCommand } from '../../src/cli/commands/city-init.ts';
import { PROJECT_ROOT } from '../../src/cli/paths.ts';

/** The shared real data (../shared/data beside the project); tests skip with a notice without it, and fail on CI. */
export const SHARED_DATA = join(PROJECT_ROOT, '..', 'shared', 'data');
export const LA_DISTRICTS = join(SHARED_DATA, 'boundaries', 'la_city_council_districts_2012.geojson');
export const LA_COUNCILS = join(SHARED_DATA, 'boundaries', 'la_neighborhood_councils_certified.geojson');
export const LA_311_2020 = join(SHARED_DATA, '311', 'la_311_2020-01-01_to_03.csv');
export const LA_311_2018 = join(SHARED_DATA, '311', 'la_311_2018-12-27_to_31_mini.csv');

/** Runs `gridloop city init …args` in this process, quietly (the real command, without a child process). */
export async function cityInit(...args: string[]): Promise<void> {
  const program = new Command('gridloop').exitOverride().configureOutput({ writeErr: () => {}, writeOut: () => {} });
  cityCommand(program);
  const log = console.log;
  console.log = () => {};
  try {
    await program.parseAsync(['city', 'init', ...args], { from: 'user' });
  } finally {
    console.log = log;
  }
}

/** Rewrites the grid section of dir/city.yaml, as an operator would edit it after `city init`. */
export function setGrid(dir: string, grid: (g: GridDef) => GridDef): void {
  const file = join(dir, 'city.yaml');
  const def = parse(readFileSync(file, 'utf8'));
  def.grid = grid(def.grid);
  writeFileSync(file, stringify(def));
}
