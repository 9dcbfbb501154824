import type { Command } from 'commander';
import type { AreaId } from '../../shared/brand.ts';
import { toIso } from '../../shared/clock.ts';
import { DomainError } from '../../shared/errors.ts';
import { cliActor, orThrow, parseRole, type RuntimeFlags, withRuntime, withRuntimeFlags } from '../shared.ts';

/** `gridloop token create|list|revoke`: API tokens for machines. The token is shown once; only its hash is stored. */
export function tokenCommand(program: Command): void {
  const token = program
    .command('token')
    .description('API tokens for sensors and integrations (each change is audited)');

  withRuntimeFlags(
    token
      .command('create')
      .description('create a token and print it once (only its SHA-256 is stored)')
      .argument('<name>', 'what the token is for, e.g. the feeding system')
      .requiredOption('--role <role>', 'usually integration; or a staff role for scripts')
      .requiredOption('--scope <area>', 'the area subtree the token may see and change'),
  ).action(async (name: string, o: RuntimeFlags & { role: string; scope: string }) => {
    const role = parseRole(o.role);
    // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
    if (!/^[^\u0000-\u001f\u007f]{1,64}$/.test(name)) {
      throw new DomainError('REQUEST_INVALID', 'A token name is 1–64 characters without control characters.');
    }
    await withRuntime(o, async (rt) => {
      const { token: secret, meta } = orThrow(await rt.accounts.createToken({ name, role, scope: o.scope as AreaId }));
      await rt.stores.audit.append([
        {
          at: rt.clock(),
          actor: cliActor(),
          action: 'token.changed',
          target: meta.id,
          details: { change: 'create', name: meta.name, role: meta.role, scope: meta.scope },
        },
      ]);
      console.log(`token ${meta.id} created (${meta.role}, scope ${meta.scope}); it is shown only now:`);
      console.log(secret);
    });
  });

  withRuntimeFlags(
    token.command('list').description('list tokens (never their secrets)').option('--json', 'NDJSON'),
  ).action(async (o: RuntimeFlags & { json?: boolean }) => {
    await withRuntime(o, async (rt) => {
      const rows = (await rt.accounts.listTokens()).map((t) => ({
        id: t.id,
        name: t.name,
        role: t.role,
        scope: t.scope,
        createdAt: toIso(t.createdAt),
        revokedAt: t.revokedAt === undefined ? null : toIso(t.revokedAt),
      }));
      if (o.json) {
        for (const r of rows) console.log(JSON.stringify(r));
        return;
      }
      console.log(['ID'.padEnd(20), 'NAME'.padEnd(24), 'ROLE'.padEnd(13), 'SCOPE'.padEnd(20), 'REVOKED'].join(' '));
      for (const r of rows) {
        console.log(
          [r.id.padEnd(20), r.name.padEnd(24), r.role.padEnd(13), r.scope.padEnd(20), r.revokedAt ?? '-'].join(' '),
        );
      }
    });
  });

  withRuntimeFlags(
    token.command('revoke').description('revoke a token at once').argument('<id>', 'the tok_… id from token list'),
  ).action(async (id: string, o: RuntimeFlags) => {
    await withRuntime(o, async (rt) => {
      orThrow(await rt.accounts.revokeToken(id));
      await rt.stores.audit.append([
        { at: rt.clock(), actor: cliActor(), action: 'token.changed', target: id, details: { change: 'revoke' } },
      ]);
      console.log(`token ${id} revoked`);
    });
  });
}
