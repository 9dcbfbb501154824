import type { Statement } from 'better-sqlite3';
import type { CaseStore } from '../../cases/ports.ts';
import type { Case, CaseFilter, CaseHistoryEntry } from '../../cases/types.ts';
import type { CaseId, EpochMs } from '../../shared/brand.ts';
import { type CaseRow, caseFromRow, caseToRow, type HistoryRow, historyFromRow, historyToRow } from '../rows/cases.ts';
import type { Db } from './db.ts';
import { statementCache } from './statement-cache.ts';

const COLUMNS =
  'id, state, category, priority, title, description, cell, area_path, team, source, alert_id, report_id, ' +
  'created_at, updated_at, due_stage, due_at, overdue, rework_count, version';

function statements(db: Db) {
  const values = COLUMNS.split(', ')
    .map((c) => `@${c}`)
    .join(', ');
  const sets = COLUMNS.split(', ')
    .filter((c) => c !== 'id')
    .map((c) => `${c} = @${c}`)
    .join(', ');
  return {
    insert: db.prepare(`INSERT INTO cases (${COLUMNS}) VALUES (${values})`),
    update: db.prepare(`UPDATE cases SET ${sets} WHERE id = @id AND version = @version - 1`),
    pathOf: db.prepare('SELECT area_path FROM cases WHERE id = ?').pluck(),
    addArea: db.prepare('INSERT INTO case_areas (area, case_id) VALUES (?, ?)'),
    dropAreas: db.prepare('DELETE FROM case_areas WHERE case_id = ?'),
    addEntry: db.prepare(
      `INSERT INTO case_history (case_id, seq, at, type, from_state, to_state, actor, note, team)
       VALUES (@case_id, (SELECT coalesce(max(seq), 0) + 1 FROM case_history WHERE case_id = @case_id),
         @at, @type, @from_state, @to_state, @actor, @note, @team)`,
    ),
    get: db.prepare('SELECT * FROM cases WHERE id = ?'),
    history: db.prepare('SELECT * FROM case_history WHERE case_id = ? ORDER BY seq'),
    due: db.prepare(
      'SELECT * FROM cases WHERE overdue = 0 AND due_at IS NOT NULL AND due_at < ? ORDER BY due_at, id LIMIT ?',
    ),
    count: db.prepare('SELECT count(*) FROM cases').pluck(),
  };
}

/** The CaseStore on SQLite: cases, their area membership and their append-only history. */
export class SqliteCaseStore implements CaseStore {
  readonly #s: ReturnType<typeof statements>;
  readonly #query: (sql: string) => Statement;
  readonly #create: (c: Case, first: Omit<CaseHistoryEntry, 'seq'>) => void;
  readonly #update: (next: Case, entry: Omit<CaseHistoryEntry, 'seq'>) => boolean;

  constructor(db: Db) {
    this.#query = statementCache(db);
    const s = statements(db);
    this.#s = s;
    const addEntry = (id: CaseId, e: Omit<CaseHistoryEntry, 'seq'>) =>
      s.addEntry.run({ case_id: id, ...historyToRow(e) });
    const addAreas = (c: Case) => {
      for (const area of new Set(c.areaPath)) s.addArea.run(area, c.id);
    };
    this.#create = db.transaction((c: Case, first: Omit<CaseHistoryEntry, 'seq'>) => {
      s.insert.run(caseToRow(c));
      addAreas(c);
      addEntry(c.id, first);
    });
    this.#update = db.transaction((next: Case, entry: Omit<CaseHistoryEntry, 'seq'>): boolean => {
      const row = caseToRow(next);
      const oldPath = s.pathOf.get(next.id) as string | undefined;
      if (oldPath === undefined || s.update.run(row).changes === 0) return false;
      if (oldPath !== row.area_path) {
        s.dropAreas.run(next.id);
        addAreas(next);
      }
      addEntry(next.id, entry);
      return true;
    });
  }

  async createCase(c: Case, first: Omit<CaseHistoryEntry, 'seq'>): Promise<void> {
    this.#create(c, first);
  }

  async updateCase(next: Case, entry: Omit<CaseHistoryEntry, 'seq'>): Promise<boolean> {
    return this.#update(next, entry);
  }

  async getCase(id: CaseId): Promise<Case | undefined> {
    const row = this.#s.get.get(id) as CaseRow | undefined;
    return row ? caseFromRow(row) : undefined;
  }

  async history(id: CaseId): Promise<CaseHistoryEntry[]> {
    return (this.#s.history.all(id) as HistoryRow[]).map(historyFromRow);
  }

  async listCases(f: CaseFilter): Promise<Case[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (sql: string, value: unknown) => {
      where.push(sql);
      params.push(value);
    };
    if (f.states !== undefined) add('state IN (SELECT value FROM json_each(?))', JSON.stringify(f.states));
    if (f.area !== undefined) add('id IN (SELECT case_id FROM case_areas WHERE area = ?)', f.area);
    if (f.cell !== undefined) add('cell = ?', f.cell);
    if (f.team !== undefined) add('team = ?', f.team);
    if (f.category !== undefined) add('category = ?', f.category);
    if (f.overdue !== undefined) add('overdue = ?', f.overdue ? 1 : 0);
    if (f.reportId !== undefined) add('report_id = ?', f.reportId);
    if (f.before !== undefined) add('id < ?', f.before);
    const sql = `SELECT * FROM cases${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ?`;
    params.push(Math.max(0, Math.floor(f.limit)));
    return (this.#query(sql).all(...params) as CaseRow[]).map(caseFromRow);
  }

  async dueBefore(now: EpochMs, limit: number): Promise<Case[]> {
    return (this.#s.due.all(now, limit) as CaseRow[]).map(caseFromRow);
  }

  async countCases(): Promise<number> {
    return this.#s.count.get() as number;
  }
}
