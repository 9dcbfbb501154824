import type { CaseStore } from '../../cases/ports.ts';
import type { Case, CaseFilter, CaseHistoryEntry } from '../../cases/types.ts';
import type { CaseId, EpochMs } from '../../shared/brand.ts';
import { type CaseRow, caseFromRow, type HistoryRow, historyFromRow, pathText } from '../rows/cases.ts';
import { inTx, type Pool, type PoolClient } from './db.ts';

const COLUMNS = [
  'id',
  'state',
  'category',
  'priority',
  'title',
  'description',
  'cell',
  'area_path',
  'team',
  'source',
  'alert_id',
  'report_id',
  'created_at',
  'updated_at',
  'due_stage',
  'due_at',
  'overdue',
  'rework_count',
  'version',
] as const;

const values = (c: Case): unknown[] => [
  c.id,
  c.state,
  c.category,
  c.priority,
  c.title,
  c.description ?? null,
  c.cell,
  pathText(c.areaPath),
  c.team ?? null,
  c.source,
  c.alertId ?? null,
  c.reportId ?? null,
  c.createdAt,
  c.updatedAt,
  c.dueStage ?? null,
  c.dueAt ?? null,
  c.overdue,
  c.reworkCount,
  c.version,
];

const INSERT = `INSERT INTO cases (${COLUMNS.join(', ')}) VALUES (${COLUMNS.map((_, i) => `$${i + 1}`).join(', ')})`;
const UPDATE = `UPDATE cases SET ${COLUMNS.slice(1)
  .map((c, i) => `${c} = $${i + 2}`)
  .join(', ')} WHERE id = $1 AND version = $${COLUMNS.length} - 1`;

async function addEntry(c: PoolClient, id: CaseId, e: Omit<CaseHistoryEntry, 'seq'>): Promise<void> {
  await c.query(
    `INSERT INTO case_history (case_id, seq, at, type, from_state, to_state, actor, note, team)
     VALUES ($1, (SELECT coalesce(max(seq), 0) + 1 FROM case_history WHERE case_id = $1), $2, $3, $4, $5, $6, $7, $8)`,
    [id, e.at, e.type, e.from ?? null, e.to, e.actor, e.note ?? null, e.team ?? null],
  );
}

async function addAreas(c: PoolClient, k: Case): Promise<void> {
  await c.query('INSERT INTO case_areas (area, case_id) SELECT DISTINCT unnest($1::text[]), $2', [k.areaPath, k.id]);
}

/** The CaseStore on PostgreSQL: cases, their area membership and their append-only history. */
export class PgCaseStore implements CaseStore {
  readonly #pool: Pool;
  constructor(pool: Pool) {
    this.#pool = pool;
  }

  async createCase(k: Case, first: Omit<CaseHistoryEntry, 'seq'>): Promise<void> {
    await inTx(this.#pool, async (c) => {
      await c.query(INSERT, values(k));
      await addAreas(c, k);
      await addEntry(c, k.id, first);
    });
  }

  /** The row lock taken by the UPDATE serialises writers; the version check makes the loser see `false`. */
  async updateCase(next: Case, entry: Omit<CaseHistoryEntry, 'seq'>): Promise<boolean> {
    return inTx(this.#pool, async (c) => {
      const old = await c.query<{ area_path: string }>('SELECT area_path FROM cases WHERE id = $1 FOR UPDATE', [
        next.id,
      ]);
      const oldPath = old.rows[0]?.area_path;
      if (oldPath === undefined || (await c.query(UPDATE, values(next))).rowCount === 0) return false;
      if (oldPath !== pathText(next.areaPath)) {
        await c.query('DELETE FROM case_areas WHERE case_id = $1', [next.id]);
        await addAreas(c, next);
      }
      await addEntry(c, next.id, entry);
      return true;
    });
  }

  async getCase(id: CaseId): Promise<Case | undefined> {
    const { rows } = await this.#pool.query<CaseRow>('SELECT * FROM cases WHERE id = $1', [id]);
    return rows[0] && caseFromRow(rows[0]);
  }

  async history(id: CaseId): Promise<CaseHistoryEntry[]> {
    const { rows } = await this.#pool.query<HistoryRow>('SELECT * FROM case_history WHERE case_id = $1 ORDER BY seq', [
      id,
    ]);
    return rows.map(historyFromRow);
  }

  async listCases(f: CaseFilter): Promise<Case[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (sql: string, value: unknown) => {
      params.push(value);
      where.push(sql.replace('?', `$${params.length}`));
    };
    if (f.states !== undefined) add('state = ANY(?::text[])', f.states);
    if (f.area !== undefined) add('id IN (SELECT case_id FROM case_areas WHERE area = ?)', f.area);
    if (f.cell !== undefined) add('cell = ?', f.cell);
    if (f.team !== undefined) add('team = ?', f.team);
    if (f.category !== undefined) add('category = ?', f.category);
    if (f.overdue !== undefined) add('overdue = ?', f.overdue);
    if (f.reportId !== undefined) add('report_id = ?', f.reportId);
    if (f.before !== undefined) add('id < ?', f.before);
    params.push(Math.max(0, Math.floor(f.limit)));
    const sql = `SELECT * FROM cases${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT $${params.length}`;
    return (await this.#pool.query<CaseRow>(sql, params)).rows.map(caseFromRow);
  }

  async dueBefore(now: EpochMs, limit: number): Promise<Case[]> {
    const { rows } = await this.#pool.query<CaseRow>(
      'SELECT * FROM cases WHERE NOT overdue AND due_at IS NOT NULL AND due_at < $1 ORDER BY due_at, id LIMIT $2',
      [now, limit],
    );
    return rows.map(caseFromRow);
  }

  async countCases(): Promise<number> {
    return (await this.#pool.query<{ n: number }>('SELECT count(*) AS n FROM cases')).rows[0]?.n ?? 0;
  }
}
