import type { Command } from 'commander';
import { writeDemoCity } from '../../adapters/city-files.ts';
import { DEMO_CITY_DIR } from '../paths.ts';

export function demoCommand(program: Command): void {
  const demo = program.command('demo').description('the generated demo city');
  demo
    .command('generate')
    .description('regenerate cities/demo from the generator (deterministic)')
    .option('--out <dir>', 'where to write it', DEMO_CITY_DIR)
    .action(async (o: { out: string }) => {
      await writeDemoCity(o.out);
      console.log(`gridloop: demo city written to ${o.out}`);
    });
}
