import type { Command } from 'commander';
import type { User } from '../../access/ports.ts';
import { nodeSecrets } from '../../adapters/secrets.ts';
import type { AreaId } from '../../shared/brand.ts';
import { cliActor, orThrow, parseRole, type RuntimeFlags, withRuntime, withRuntimeFlags } from '../shared.ts';

/** Reads all of stdin as text (for --password-stdin); a single trailing newline is not part of the password. */
async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(typeof c === 'string' ? Buffer.from(c) : (c as Buffer));
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

const isLocked = (u: User, now: number): boolean => u.lockedUntil !== undefined && u.lockedUntil > now;

/** `gridloop user add|list|role|disable|enable`: staff accounts, each change written to the audit log. */
export function userCommand(program: Command): void {
  const user = program.command('user').description('staff accounts (each change is audited)');

  withRuntimeFlags(
    user
      .command('add')
      .description('add a user; without --password-stdin a strong random password is printed once')
      .argument('<username>', '2–64 of a-z, 0-9, dot, dash, underscore')
      .requiredOption('--role <role>', 'analyst, field_worker, dispatcher, supervisor, admin or integration')
      .requiredOption('--scope <area>', 'the area subtree the user may see and change (the city root for all)')
      .option('--password-stdin', 'read the password from stdin instead of generating one'),
  ).action(async (username: string, o: RuntimeFlags & { role: string; scope: string; passwordStdin?: boolean }) => {
    const role = parseRole(o.role);
    const given = o.passwordStdin ? await readStdin() : undefined;
    // 24 base64url characters from 18 random bytes: 144 bits.
    const password = given ?? nodeSecrets.randomToken(18);
    await withRuntime(o, async (rt) => {
      const u = orThrow(await rt.accounts.createUser({ username, password, role, scope: o.scope as AreaId }));
      await rt.stores.audit.append([
        {
          at: rt.clock(),
          actor: cliActor(),
          action: 'user.changed',
          target: u.id,
          details: { change: 'add', username: u.username, role: u.role, scope: u.scope },
        },
      ]);
      console.log(`user ${u.username} added (${u.id}, ${u.role}, scope ${u.scope})`);
      if (given === undefined) console.log(`password: ${password}`);
    });
  });

  withRuntimeFlags(
    user.command('list').description('list users: name, role, scope, disabled, locked').option('--json', 'NDJSON'),
  ).action(async (o: RuntimeFlags & { json?: boolean }) => {
    await withRuntime(o, async (rt) => {
      const now = rt.clock();
      const rows = (await rt.accounts.listUsers()).map((u) => ({
        username: u.username,
        role: u.role,
        scope: u.scope,
        disabled: u.disabled,
        locked: isLocked(u, now),
      }));
      if (o.json) {
        for (const r of rows) console.log(JSON.stringify(r));
        return;
      }
      console.log(['USERNAME'.padEnd(24), 'ROLE'.padEnd(13), 'SCOPE'.padEnd(20), 'DISABLED', 'LOCKED'].join(' '));
      for (const r of rows) {
        console.log(
          [r.username.padEnd(24), r.role.padEnd(13), r.scope.padEnd(20), String(r.disabled).padEnd(8), r.locked].join(
            ' ',
          ),
        );
      }
    });
  });

  withRuntimeFlags(
    user
      .command('role')
      .description("change a user's role (and scope); signs the user out everywhere")
      .argument('<username>')
      .argument('<role>')
      .option('--scope <area>', 'also move the user to this area subtree'),
  ).action(async (username: string, roleText: string, o: RuntimeFlags & { scope?: string }) => {
    const role = parseRole(roleText);
    await withRuntime(o, async (rt) => {
      const before = await rt.stores.access.userByName(username);
      const u = orThrow(await rt.accounts.setRole(username, role, o.scope as AreaId | undefined));
      await rt.stores.audit.append([
        {
          at: rt.clock(),
          actor: cliActor(),
          action: 'user.changed',
          target: u.id,
          details: {
            change: 'role',
            username: u.username,
            role: u.role,
            scope: u.scope,
            previous: { role: before?.role ?? null, scope: before?.scope ?? null },
          },
        },
      ]);
      console.log(`user ${u.username}: role ${u.role}, scope ${u.scope}`);
    });
  });

  for (const [verb, disabled] of [
    ['disable', true],
    ['enable', false],
  ] as const) {
    withRuntimeFlags(
      user
        .command(verb)
        .description(disabled ? 'disable a user: no login, and open sessions end' : 'enable a disabled user again')
        .argument('<username>'),
    ).action(async (username: string, o: RuntimeFlags) => {
      await withRuntime(o, async (rt) => {
        const u = orThrow(await rt.accounts.setDisabled(username, disabled));
        await rt.stores.audit.append([
          {
            at: rt.clock(),
            actor: cliActor(),
            action: 'user.changed',
            target: u.id,
            details: { change: verb, username: u.username },
          },
        ]);
        console.log(`user ${u.username} ${disabled ? 'disabled' : 'enabled'}`);
      });
    });
  }
}
