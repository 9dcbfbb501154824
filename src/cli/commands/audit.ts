import { once } from 'node:events';
import { createWriteStream, existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Writable } from 'node:stream';
import type { Command } from 'commander';
import { verifyLog } from '../../access/audit-chain.ts';
import { nodeSha256 } from '../../adapters/node-crypto.ts';
import { SqliteAuditLog } from '../../adapters/sqlite/audit.ts';
import { type Db, openDb } from '../../adapters/sqlite/db.ts';
import { resolveDataDir } from '../paths.ts';
import { cliActor } from '../shared.ts';

const PAGE = 1000;

/** Opens `<data>/gridloop.db`, refusing to create an empty one: verifying a fresh file would prove nothing. */
function openExisting(dataOpt: string | undefined): Db | undefined {
  const path = join(resolveDataDir(dataOpt), 'gridloop.db');
  if (existsSync(path)) return openDb(path);
  console.error(`gridloop: no database at ${path}`);
  process.exitCode = 1;
  return undefined;
}

async function writeLine(out: Writable, line: string): Promise<void> {
  if (!out.write(`${line}\n`)) await once(out, 'drain');
}

/** `gridloop audit verify|export`: check the hash chain against its head, or write the log as NDJSON. */
export function auditCommand(program: Command): void {
  const audit = program.command('audit').description('the tamper-evident audit log');
  audit
    .command('verify')
    .description('check the hash chain and its head; names the first broken entry and exits 1 if any')
    .option('--data <dir>', 'data folder (env GRIDLOOP_DATA, default ./data)')
    .action(async (o: { data?: string }) => {
      const db = openExisting(o.data);
      if (!db) return;
      try {
        const verdict = await verifyLog(new SqliteAuditLog(db), nodeSha256, PAGE);
        if (verdict.ok) {
          console.log(`audit log ok: ${verdict.count} entries`);
        } else {
          console.error(`audit log broken at entry seq ${verdict.seq}: ${verdict.reason}`);
          process.exitCode = 1;
        }
      } finally {
        db.close();
      }
    });
  audit
    .command('export')
    .description('write every entry as NDJSON (stdout by default); the export itself is audited')
    .option('--data <dir>', 'data folder (env GRIDLOOP_DATA, default ./data)')
    .option('--out <file>', 'write to this file instead of stdout')
    .action(async (o: { data?: string; out?: string }) => {
      const db = openExisting(o.data);
      if (!db) return;
      const out: Writable = o.out ? createWriteStream(o.out) : process.stdout;
      try {
        const log = new SqliteAuditLog(db);
        let after = 0;
        let count = 0;
        for (;;) {
          const page = await log.list(after, PAGE);
          for (const e of page) await writeLine(out, JSON.stringify(e));
          count += page.length;
          const last = page.at(-1);
          if (!last || page.length < PAGE) break;
          after = last.seq;
        }
        if (o.out) {
          out.end();
          await once(out, 'finish');
        }
        await log.append([
          {
            at: Date.now(),
            actor: cliActor(),
            action: 'export',
            target: 'audit_log',
            details: { count, to: o.out ?? '-' },
          },
        ]);
        if (o.out) console.error(`gridloop: ${count} audit entries written to ${o.out}`);
      } finally {
        db.close();
      }
    });
}
