import type { AlertId, CaseId, EpochMs } from '../../shared/brand.ts';
import { DomainError } from '../../shared/errors.ts';
import type { AlertStore } from '../../watch/ports.ts';
import type { Alert, AlertEvidence, AlertFilter } from '../../watch/types.ts';
import { type AlertRow, alertFromRow } from '../rows/alerts.ts';
import type { Pool } from './db.ts';

/** The AlertStore on PostgreSQL. */
export class PgAlertStore implements AlertStore {
  readonly #pool: Pool;
  constructor(pool: Pool) {
    this.#pool = pool;
  }

  async insertAlert(a: Alert): Promise<void> {
    await this.#pool.query(
      `INSERT INTO alerts (id, rule, rule_kind, title, severity, state, cell, area, sensor, metric, category,
         raised_at, cleared_at, evidence, case_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`,
      [
        a.id,
        a.rule,
        a.ruleKind,
        a.title,
        a.severity,
        a.state,
        a.cell,
        a.area,
        a.sensor ?? null,
        a.metric ?? null,
        a.category ?? null,
        a.raisedAt,
        a.clearedAt ?? null,
        JSON.stringify(a.evidence),
        a.caseId ?? null,
      ],
    );
  }

  /** Clearing an alert already cleared keeps its first clearing; an unknown id throws ALERT_NOT_FOUND. */
  async clearAlert(id: AlertId, at: EpochMs, evidence: AlertEvidence): Promise<void> {
    const r = await this.#pool.query(
      `UPDATE alerts SET state = 'cleared', cleared_at = $1, evidence = $2 WHERE id = $3 AND state <> 'cleared'`,
      [at, JSON.stringify(evidence), id],
    );
    if (r.rowCount === 0) await this.#mustExist(id);
  }

  async linkCase(id: AlertId, caseId: CaseId): Promise<void> {
    const r = await this.#pool.query('UPDATE alerts SET case_id = $1 WHERE id = $2', [caseId, id]);
    if (r.rowCount === 0) await this.#mustExist(id);
  }

  async getAlert(id: AlertId): Promise<Alert | undefined> {
    const { rows } = await this.#pool.query<AlertRow>('SELECT * FROM alerts WHERE id = $1', [id]);
    return rows[0] && alertFromRow(rows[0]);
  }

  async listAlerts(f: AlertFilter): Promise<Alert[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (sql: string, value: unknown) => {
      params.push(value);
      where.push(sql.replace('?', `$${params.length}`));
    };
    if (f.state !== undefined) add('state = ?', f.state);
    if (f.cell !== undefined) add('cell = ?', f.cell);
    if (f.areas !== undefined) add('area = ANY(?::text[])', f.areas);
    if (f.rule !== undefined) add('rule = ?', f.rule);
    if (f.severity !== undefined) add('severity = ?', f.severity);
    if (f.before !== undefined) add('id < ?', f.before);
    params.push(Math.max(0, Math.floor(f.limit)));
    const sql = `SELECT * FROM alerts${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT $${params.length}`;
    return (await this.#pool.query<AlertRow>(sql, params)).rows.map(alertFromRow);
  }

  async openAlerts(): Promise<Alert[]> {
    const { rows } = await this.#pool.query<AlertRow>(
      `SELECT * FROM alerts WHERE state IN ('open', 'acknowledged') ORDER BY id`,
    );
    return rows.map(alertFromRow);
  }

  async #mustExist(id: AlertId): Promise<void> {
    if ((await this.#pool.query('SELECT 1 FROM alerts WHERE id = $1', [id])).rowCount === 0) {
      throw new DomainError('ALERT_NOT_FOUND', `No alert ${id}.`, { id });
    }
  }
}
