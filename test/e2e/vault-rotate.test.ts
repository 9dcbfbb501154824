import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { newVaultKey, vaultCipherFromEnv } from '../../src/adapters/node-crypto.ts';
import { DEMO_CITY_DIR, PROJECT_ROOT } from '../../src/cli/paths.ts';
import { createRuntime } from '../../src/runtime.ts';
import type { ReportId } from '../../src/shared/brand.ts';

const run = promisify(execFile);
const CONTACT = { email: 'kim@example.org', phone: '+49 30 1234567' };

/** Key rotation: `gridloop vault rotate` re-encrypts every contact under the new key, so the old key can go. */
test('gridloop vault rotate re-encrypts under the new key; the old key can then be dropped', async () => {
  const data = mkdtempSync(join(tmpdir(), 'gridloop-vault-'));
  const oldKey = newVaultKey('k2026a');
  const newKey = newVaultKey('k2026b');
  try {
    const open = (keys: string) =>
      createRuntime({
        cityDir: DEMO_CITY_DIR,
        dataDir: data,
        jobIntervalMs: 0,
        cipher: vaultCipherFromEnv({ GRIDLOOP_VAULT_KEYS: keys }),
      });
    let rt = await open(oldKey);
    await rt.stores.contacts.put('report_a' as ReportId, CONTACT);
    await rt.stores.contacts.put('report_b' as ReportId, { name: 'Sam' });
    await rt.close();

    const cli = (keys: string, ...args: string[]) =>
      run(process.execPath, ['--import', 'tsx', join(PROJECT_ROOT, 'src', 'main.ts'), ...args, '--data', data], {
        cwd: PROJECT_ROOT,
        env: { ...process.env, GRIDLOOP_VAULT_KEYS: keys },
      });
    const out = await cli(`${newKey},${oldKey}`, 'vault', 'rotate');
    assert.match(out.stdout, /2 contact records re-encrypted under key k2026b/);

    rt = await open(newKey);
    assert.deepEqual(await rt.stores.contacts.get('report_a' as ReportId), CONTACT, 'readable with the new key alone');
    assert.deepEqual(await rt.stores.contacts.get('report_b' as ReportId), { name: 'Sam' });
    const log = await rt.stores.audit.list(0, 100);
    assert.ok(log.some((e) => e.action === 'contact.rotated' && e.target === 'k2026b'));
    await rt.close();

    // A key list that lacks the current key of the records cannot read them: rotating needs the old key present.
    await assert.rejects(cli(newVaultKey('other'), 'vault', 'rotate'), (e: { stderr: string }) =>
      /VAULT_UNKNOWN_KEY|VAULT_DECRYPT_FAILED/.test(e.stderr),
    );
  } finally {
    rmSync(data, { recursive: true, force: true });
  }
});
