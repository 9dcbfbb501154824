import type { Command } from 'commander';
import { newVaultKey, parseVaultKeys, VAULT_KEYS_ENV } from '../../adapters/node-crypto.ts';
import { cliActor, type RuntimeFlags, withRuntime, withRuntimeFlags } from '../shared.ts';

/**
 * `gridloop vault new-key ID` prints a fresh key entry; `gridloop vault rotate` re-encrypts every stored contact under
 * the current (first) key of GRIDLOOP_VAULT_KEYS. To rotate: put the new key first, keep the old ones after it, run
 * `rotate`, then drop the old keys.
 */
export function vaultCommand(program: Command): void {
  const vault = program.command('vault').description("the encrypted vault of reporters' contact details");
  vault
    .command('new-key')
    .description(`print a new random 32-byte key as id:base64, for ${VAULT_KEYS_ENV}`)
    .argument('<id>', 'the key id, e.g. 2026-11')
    .action((id: string) => {
      console.log(newVaultKey(id));
    });
  withRuntimeFlags(
    vault.command('rotate').description(`re-encrypt every contact under the first key of ${VAULT_KEYS_ENV}`),
  ).action(async (o: RuntimeFlags) => {
    const { current } = parseVaultKeys(process.env[VAULT_KEYS_ENV]);
    await withRuntime(o, async (rt) => {
      const count = await rt.stores.contacts.rotate(current);
      await rt.stores.audit.append([
        { at: rt.clock(), actor: cliActor(), action: 'contact.rotated', target: current, details: { count } },
      ]);
      console.log(`gridloop: ${count} contact records re-encrypted under key ${current}`);
    });
  });
}
