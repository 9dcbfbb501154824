import { userInfo } from 'node:os';
import type { Command } from 'commander';
import { isRole, type Role } from '../access/roles.ts';
import { createRuntime, type Runtime } from '../runtime.ts';
import { DomainError } from '../shared/errors.ts';
import type { Result } from '../shared/result.ts';
import { resolveCityDir, resolveDataDir } from './paths.ts';

/** Pieces every CLI command that opens the store shares. */
export interface RuntimeFlags {
  data?: string;
  city?: string;
}

/** Adds the --data and --city options every account command takes (the same as `gridloop import`). */
export function withRuntimeFlags(cmd: Command): Command {
  return cmd
    .option('--data <dir>', 'data folder (env GRIDLOOP_DATA, default ./data)')
    .option('--city <dir>', 'city definition folder (env GRIDLOOP_CITY, default the demo city)');
}

/** Runs `fn` on a runtime without background jobs over the data folder, and always closes it. */
export async function withRuntime<T>(o: RuntimeFlags, fn: (rt: Runtime) => Promise<T>): Promise<T> {
  const rt = await createRuntime({
    cityDir: resolveCityDir(o.city),
    dataDir: resolveDataDir(o.data),
    jobIntervalMs: 0,
  });
  try {
    return await fn(rt);
  } finally {
    await rt.close();
  }
}

/** The audit actor of a command-line change: `cli:<os user>`. */
export function cliActor(): string {
  try {
    return `cli:${userInfo().username}`;
  } catch {
    return 'cli';
  }
}

/** A role given on the command line. `public` is everyone's role already, so no account is given it. */
export function parseRole(text: string): Role {
  if (!isRole(text) || text === 'public') {
    throw new DomainError(
      'REQUEST_INVALID',
      `Unknown role ${text}; one of analyst, field_worker, dispatcher, supervisor, admin, integration.`,
    );
  }
  return text;
}

/** The value of a Result, or its DomainError thrown for the CLI to print as `gridloop: CODE: message`. */
export function orThrow<T>(r: Result<T>): T {
  if (!r.ok) throw r.error;
  return r.value;
}
