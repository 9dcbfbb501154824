import { Command } from 'commander';
import { VaultError } from '../access/vault.ts';
import { isDomainError } from '../shared/errors.ts';
import { auditCommand } from './commands/audit.ts';
import { checkCommand } from './commands/check.ts';
import { cityCommand } from './commands/city-init.ts';
import { demoCommand } from './commands/demo.ts';
import { importCommand } from './commands/import.ts';
import { quarantineCommand } from './commands/quarantine.ts';
import { serveCommand } from './commands/serve.ts';
import { tokenCommand } from './commands/token.ts';
import { userCommand } from './commands/user.ts';
import { vaultCommand } from './commands/vault.ts';
import { workerCommand } from './commands/worker.ts';

/** The `gridloop` command line: one file per verb in commands/. */
export function buildProgram(): Command {
  const program = new Command('gridloop')
    .description('gridloop: open city operations on a grid, with privacy built in')
    .showHelpAfterError();
  serveCommand(program);
  importCommand(program);
  quarantineCommand(program);
  demoCommand(program);
  auditCommand(program);
  workerCommand(program);
  vaultCommand(program);
  cityCommand(program);
  checkCommand(program);
  userCommand(program);
  tokenCommand(program);
  return program;
}

export async function runCli(argv: readonly string[]): Promise<void> {
  try {
    await buildProgram().parseAsync(argv as string[]);
  } catch (e) {
    if (isDomainError(e) || e instanceof VaultError) {
      console.error(`gridloop: ${e.code}: ${e.message}`);
      process.exitCode = 1;
      return;
    }
    throw e;
  }
}
