import { Command } from 'commander';
import { isDomainError } from '../shared/errors.ts';
import { auditCommand } from './commands/audit.ts';
import { cityCommand } from './commands/city-init.ts';
import { demoCommand } from './commands/demo.ts';
import { importCommand } from './commands/import.ts';
import { serveCommand } from './commands/serve.ts';

/** The `gridloop` command line: one file per verb in commands/. */
export function buildProgram(): Command {
  const program = new Command('gridloop')
    .description('gridloop: open city operations on a grid, with privacy built in')
    .showHelpAfterError();
  serveCommand(program);
  importCommand(program);
  demoCommand(program);
  auditCommand(program);
  cityCommand(program);
  return program;
}

export async function runCli(argv: readonly string[]): Promise<void> {
  try {
    await buildProgram().parseAsync(argv as string[]);
  } catch (e) {
    if (isDomainError(e)) {
      console.error(`gridloop: ${e.code}: ${e.message}`);
      process.exitCode = 1;
      return;
    }
    throw e;
  }
}
