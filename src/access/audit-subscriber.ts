import type { Bus } from '../events.ts';
import type { Stores } from '../ports.ts';
import type { Clock } from '../shared/clock.ts';

/** States after which nobody needs to call the reporter back: the retention clock starts. */
const FINAL_STATES = new Set(['closed', 'rejected', 'merged']);

/**
 * Writes every case change to the audit log, and schedules the purge of a reporter's contact details when the case
 * of their report closes, is rejected or merged (cancelled again if the case reopens).
 */
export function subscribeAudit(bus: Bus, stores: Pick<Stores, 'audit' | 'contacts'>, retentionMs: number): () => void {
  return bus.on('CaseChanged', async ({ case: c, entry }) => {
    await stores.audit.append([
      {
        at: entry.at,
        actor: entry.actor,
        action: 'case.changed',
        target: c.id,
        details: {
          type: entry.type,
          from: entry.from ?? null,
          to: entry.to,
          team: entry.team ?? null,
          note: entry.note ?? null,
        },
      },
    ]);
    if (c.reportId === undefined) return;
    if (FINAL_STATES.has(entry.to)) await stores.contacts.setPurgeAfter(c.reportId, entry.at + retentionMs);
    else if (entry.to === 'reopened') await stores.contacts.setPurgeAfter(c.reportId, null);
  });
}

/**
 * The retention job: deletes contact details whose purge time has passed, and audits each purge; also drops expired
 * sessions.
 */
export async function purgeContacts(
  stores: Pick<Stores, 'audit' | 'contacts' | 'access'>,
  clock: Clock,
): Promise<number> {
  const now = clock();
  await stores.access.deleteExpiredSessions(now);
  const ids = await stores.contacts.purgeDue(now);
  if (ids.length > 0) {
    await stores.audit.append(
      ids.map((id) => ({ at: now, actor: 'system', action: 'contact.purged' as const, target: id })),
    );
  }
  return ids.length;
}

/**
 * Records a `config.changed` entry when the city definition the server starts with differs from the one it last
 * started with (compared by fingerprint), so a changed rule, team or boundary leaves a trace.
 */
export async function auditConfigChange(
  audit: Stores['audit'],
  target: string,
  fingerprint: string,
  clock: Clock,
): Promise<boolean> {
  const last = await audit.latest('config.changed');
  const previous = last?.details.fingerprint ?? null;
  if (previous === fingerprint) return false;
  await audit.append([
    { at: clock(), actor: 'system', action: 'config.changed', target, details: { fingerprint, previous } },
  ]);
  return true;
}
