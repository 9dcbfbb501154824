import type { Statement } from 'better-sqlite3';
import type { AlertId, CaseId, EpochMs } from '../../shared/brand.ts';
import { DomainError } from '../../shared/errors.ts';
import type { AlertStore } from '../../watch/ports.ts';
import type { Alert, AlertEvidence, AlertFilter } from '../../watch/types.ts';
import { type AlertRow, alertFromRow, alertToRow } from '../rows/alerts.ts';
import type { Db } from './db.ts';
import { statementCache } from './statement-cache.ts';

/** The AlertStore on SQLite. better-sqlite3 is synchronous; the port is async so a server store fits the same shape. */
export class SqliteAlertStore implements AlertStore {
  readonly #insert: Statement;
  readonly #clear: Statement;
  readonly #link: Statement;
  readonly #get: Statement;
  readonly #open: Statement;
  readonly #query: (sql: string) => Statement;

  constructor(db: Db) {
    this.#query = statementCache(db);
    this.#insert = db.prepare(
      `INSERT INTO alerts (id, rule, rule_kind, title, severity, state, cell, area, sensor, metric, category,
         raised_at, cleared_at, evidence, case_id)
       VALUES (@id, @rule, @rule_kind, @title, @severity, @state, @cell, @area, @sensor, @metric, @category,
         @raised_at, @cleared_at, @evidence, @case_id)`,
    );
    this.#clear = db.prepare(
      `UPDATE alerts SET state = 'cleared', cleared_at = ?, evidence = ? WHERE id = ? AND state != 'cleared'`,
    );
    this.#link = db.prepare('UPDATE alerts SET case_id = ? WHERE id = ?');
    this.#get = db.prepare('SELECT * FROM alerts WHERE id = ?');
    this.#open = db.prepare(`SELECT * FROM alerts WHERE state IN ('open', 'acknowledged') ORDER BY id`);
  }

  async insertAlert(a: Alert): Promise<void> {
    this.#insert.run(alertToRow(a));
  }

  /** Clearing an alert already cleared keeps its first clearing; an unknown id throws ALERT_NOT_FOUND. */
  async clearAlert(id: AlertId, at: EpochMs, evidence: AlertEvidence): Promise<void> {
    if (this.#clear.run(at, JSON.stringify(evidence), id).changes === 0) this.#mustExist(id);
  }

  async linkCase(id: AlertId, caseId: CaseId): Promise<void> {
    if (this.#link.run(caseId, id).changes === 0) this.#mustExist(id);
  }

  async getAlert(id: AlertId): Promise<Alert | undefined> {
    const row = this.#get.get(id) as AlertRow | undefined;
    return row ? alertFromRow(row) : undefined;
  }

  async listAlerts(f: AlertFilter): Promise<Alert[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (sql: string, value: unknown) => {
      where.push(sql);
      params.push(value);
    };
    if (f.state !== undefined) add('state = ?', f.state);
    if (f.cell !== undefined) add('cell = ?', f.cell);
    // One JSON parameter however many leaf areas the caller expanded, so SQLite's variable limit never bites.
    if (f.areas !== undefined) add('area IN (SELECT value FROM json_each(?))', JSON.stringify(f.areas));
    if (f.rule !== undefined) add('rule = ?', f.rule);
    if (f.severity !== undefined) add('severity = ?', f.severity);
    if (f.before !== undefined) add('id < ?', f.before);
    const sql = `SELECT * FROM alerts${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ?`;
    params.push(Math.max(0, Math.floor(f.limit)));
    return (this.#query(sql).all(...params) as AlertRow[]).map(alertFromRow);
  }

  async openAlerts(): Promise<Alert[]> {
    return (this.#open.all() as AlertRow[]).map(alertFromRow);
  }

  #mustExist(id: AlertId): void {
    if (!this.#get.get(id)) throw new DomainError('ALERT_NOT_FOUND', `No alert ${id}.`, { id });
  }
}
