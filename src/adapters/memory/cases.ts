import type { CaseStore } from '../../cases/ports.ts';
import type { Case, CaseFilter, CaseHistoryEntry } from '../../cases/types.ts';
import type { CaseId, EpochMs } from '../../shared/brand.ts';
import { caseFromRow, caseToRow, type HistoryRow, historyFromRow, historyToRow } from '../rows/cases.ts';
import { compareText, constraintError, type MemoryDb, take } from './db.ts';

const toHistory = (seq: number, e: Omit<CaseHistoryEntry, 'seq'>): HistoryRow => ({ seq, ...historyToRow(e) });

/**
 * Whether an area_path holds `area`. pathText's outer slashes make '/id/' match whole area ids only, as the SQL stores'
 * case_areas rows do; an id with a slash in it is on no path.
 */
function pathFilter(area: string | undefined): (path: string) => boolean {
  if (area === undefined) return () => true;
  if (area.includes('/')) return () => false;
  return (path) => path.includes(`/${area}/`);
}

/** The CaseStore in memory: cases and their append-only history, with the optimistic version check of the SQL ones. */
export class MemoryCaseStore implements CaseStore {
  readonly #db: MemoryDb;
  constructor(db: MemoryDb) {
    this.#db = db;
  }

  async createCase(c: Case, first: Omit<CaseHistoryEntry, 'seq'>): Promise<void> {
    const row = caseToRow(c);
    if (this.#db.cases.has(row.id)) throw constraintError(`cases.id ${row.id} is taken`);
    const entry = toHistory(1, first);
    this.#db.cases.set(row.id, row);
    this.#db.caseHistory.set(row.id, [entry]);
  }

  async updateCase(next: Case, entry: Omit<CaseHistoryEntry, 'seq'>): Promise<boolean> {
    const row = caseToRow(next);
    const old = this.#db.cases.get(row.id);
    if (old === undefined || old.version !== row.version - 1) return false;
    const history = this.#db.caseHistory.get(row.id) ?? [];
    const added = toHistory((history.at(-1)?.seq ?? 0) + 1, entry);
    this.#db.cases.set(row.id, row);
    this.#db.caseHistory.set(row.id, [...history, added]);
    return true;
  }

  async getCase(id: CaseId): Promise<Case | undefined> {
    const row = this.#db.cases.get(id);
    return row ? caseFromRow(row) : undefined;
  }

  async history(id: CaseId): Promise<CaseHistoryEntry[]> {
    return (this.#db.caseHistory.get(id) ?? []).map(historyFromRow);
  }

  async listCases(f: CaseFilter): Promise<Case[]> {
    const states = f.states === undefined ? undefined : new Set<string>(f.states);
    const onPath = pathFilter(f.area);
    const rows = [...this.#db.cases.values()].filter(
      (r) =>
        (states === undefined || states.has(r.state)) &&
        onPath(r.area_path) &&
        (f.cell === undefined || r.cell === f.cell) &&
        (f.team === undefined || r.team === f.team) &&
        (f.category === undefined || r.category === f.category) &&
        (f.overdue === undefined || r.overdue === (f.overdue ? 1 : 0)) &&
        (f.reportId === undefined || r.report_id === f.reportId) &&
        (f.before === undefined || compareText(r.id, f.before) < 0),
    );
    return take(
      rows.sort((a, b) => compareText(b.id, a.id)),
      Math.max(0, f.limit),
    ).map(caseFromRow);
  }

  async dueBefore(now: EpochMs, limit: number): Promise<Case[]> {
    const rows = [...this.#db.cases.values()].filter((r) => r.overdue === 0 && r.due_at !== null && r.due_at < now);
    rows.sort((a, b) => (a.due_at as number) - (b.due_at as number) || compareText(a.id, b.id));
    return take(rows, limit).map(caseFromRow);
  }

  async countCases(): Promise<number> {
    return this.#db.cases.size;
  }
}
