import type { AlertId, CaseId, EpochMs } from '../../shared/brand.ts';
import { DomainError } from '../../shared/errors.ts';
import type { AlertStore } from '../../watch/ports.ts';
import type { Alert, AlertEvidence, AlertFilter } from '../../watch/types.ts';
import { type AlertRow, alertFromRow, alertToRow } from '../rows/alerts.ts';
import { compareText, constraintError, type MemoryDb, take } from './db.ts';

const RULE_KINDS: readonly string[] = ['threshold', 'count'];
const STATES: readonly string[] = ['open', 'acknowledged', 'cleared'];

/** The AlertStore in memory, with the SQL schema's checks on rule kind and state. */
export class MemoryAlertStore implements AlertStore {
  readonly #db: MemoryDb;
  constructor(db: MemoryDb) {
    this.#db = db;
  }

  async insertAlert(a: Alert): Promise<void> {
    const row = alertToRow(a);
    if (this.#db.alerts.has(row.id)) throw constraintError(`alerts.id ${row.id} is taken`);
    if (!RULE_KINDS.includes(row.rule_kind)) throw constraintError(`alerts.rule_kind ${row.rule_kind}`);
    if (!STATES.includes(row.state)) throw constraintError(`alerts.state ${row.state}`);
    this.#db.alerts.set(row.id, row);
  }

  /** Clearing an alert already cleared keeps its first clearing; an unknown id throws ALERT_NOT_FOUND. */
  async clearAlert(id: AlertId, at: EpochMs, evidence: AlertEvidence): Promise<void> {
    const row = this.#mustExist(id);
    if (row.state === 'cleared') return;
    this.#db.alerts.set(id, { ...row, state: 'cleared', cleared_at: at, evidence: JSON.stringify(evidence) });
  }

  async linkCase(id: AlertId, caseId: CaseId): Promise<void> {
    const row = this.#mustExist(id);
    this.#db.alerts.set(id, { ...row, case_id: caseId });
  }

  async getAlert(id: AlertId): Promise<Alert | undefined> {
    const row = this.#db.alerts.get(id);
    return row ? alertFromRow(row) : undefined;
  }

  async listAlerts(f: AlertFilter): Promise<Alert[]> {
    const areas = f.areas === undefined ? undefined : new Set<string>(f.areas);
    const rows = [...this.#db.alerts.values()].filter(
      (r) =>
        (f.state === undefined || r.state === f.state) &&
        (f.cell === undefined || r.cell === f.cell) &&
        (areas === undefined || areas.has(r.area)) &&
        (f.rule === undefined || r.rule === f.rule) &&
        (f.severity === undefined || r.severity === f.severity) &&
        (f.before === undefined || compareText(r.id, f.before) < 0),
    );
    return take(
      rows.sort((a, b) => compareText(b.id, a.id)),
      Math.max(0, f.limit),
    ).map(alertFromRow);
  }

  async openAlerts(): Promise<Alert[]> {
    return [...this.#db.alerts.values()]
      .filter((r) => r.state === 'open' || r.state === 'acknowledged')
      .sort((a, b) => compareText(a.id, b.id))
      .map(alertFromRow);
  }

  #mustExist(id: AlertId): AlertRow {
    const row = this.#db.alerts.get(id);
    if (!row) throw new DomainError('ALERT_NOT_FOUND', `No alert ${id}.`, { id });
    return row;
  }
}
