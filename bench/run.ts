import { readdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * `npm run bench -- NAME [args]` runs bench/NAME.ts (its exported `main`); with no name it lists the benchmarks. Each
 * benchmark prints one JSON line with its figures on stdout, and its progress on stderr.
 */
interface Bench {
  readonly description: string;
  main(args: string[]): Promise<void>;
}

const dir = dirname(fileURLToPath(import.meta.url));
const names = readdirSync(dir)
  .filter((f) => f.endsWith('.ts') && f !== 'run.ts' && !f.startsWith('_'))
  .map((f) => f.slice(0, -3))
  .sort();

const [name, ...args] = process.argv.slice(2);
if (name === undefined) {
  for (const n of names) {
    const bench = (await import(`./${n}.ts`)) as Bench;
    console.log(`${n.padEnd(12)} ${bench.description}`);
  }
} else if (!names.includes(name)) {
  console.error(`No benchmark named ${name}. There are: ${names.join(', ')}.`);
  process.exitCode = 1;
} else {
  const bench = (await import(`./${name}.ts`)) as Bench;
  await bench.main(args);
}
