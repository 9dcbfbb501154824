import type { CaseId, EpochMs } from '../shared/brand.ts';
import type { Case, CaseFilter, CaseHistoryEntry } from './types.ts';

export interface CaseStore {
  /** Stores a new case with its first history entry (seq is assigned by the store). */
  createCase(c: Case, first: Omit<CaseHistoryEntry, 'seq'>): Promise<void>;
  /**
   * Replaces the case with `next` and appends `entry`, in one transaction, only if the stored version is still
   * `next.version - 1`. Returns false when another writer got there first.
   */
  updateCase(next: Case, entry: Omit<CaseHistoryEntry, 'seq'>): Promise<boolean>;
  getCase(id: CaseId): Promise<Case | undefined>;
  history(id: CaseId): Promise<CaseHistoryEntry[]>;
  listCases(filter: CaseFilter): Promise<Case[]>;
  /** Cases not yet marked overdue whose current stage was due before `now`. */
  dueBefore(now: EpochMs, limit: number): Promise<Case[]>;
  countCases(): Promise<number>;
}
