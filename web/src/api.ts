/** The HTTP API's JSON shapes as the page sees them (times are ISO 8601 strings at this edge). */

export type Severity = 'info' | 'warning' | 'critical';

export interface CityInfo {
  id: string;
  name: string;
  timezone: string;
  resolution: number;
  levels: string[];
  bbox: [number, number, number, number];
  centre: [number, number];
  categories: { code: string; name: string; priority: string }[];
  teams: { id: string; name: string }[];
  areas: { id: string; name: string; level: string; parent?: string }[];
}

export interface Alert {
  id: string;
  rule: string;
  ruleKind: string;
  title: string;
  severity: Severity;
  state: 'open' | 'acknowledged' | 'cleared';
  cell: string;
  area: string;
  sensor?: string;
  metric?: string;
  category?: string;
  raisedAt: string;
  clearedAt?: string;
  caseId?: string;
}

export interface Case {
  id: string;
  state: string;
  category: string;
  priority: string;
  title: string;
  cell: string;
  areaPath: string[];
  team?: string;
  source: string;
  alertId?: string;
  createdAt: string;
  updatedAt: string;
  dueStage?: string;
  dueAt?: string;
  overdue: boolean;
  reworkCount: number;
}

export interface Stats {
  readings: number;
  reports: number;
  quarantined: number;
  openAlerts: number;
  openCases: number;
  overdueCases: number;
}

export interface CaseChange {
  case: Case;
  entry: { seq: number; at: string; type: string; from?: string; to: string; actor: string };
}

export interface IngestEvent {
  kind: 'readings' | 'reports';
  received: number;
  stored: number;
  quarantined: number;
  duplicate: number;
}

/** States in which a case still needs work; the case list shows these. */
export const ACTIVE_CASE_STATES = [
  'reported',
  'registered',
  'dispatched',
  'in_progress',
  'resolved',
  'verified',
  'rework',
  'reopened',
] as const;

/** GETs a JSON document from the API, throwing on a non-2xx answer. */
export async function getJson<T>(path: string): Promise<T> {
  const res = await fetch(path, { headers: { accept: 'application/json' } });
  if (!res.ok) throw new Error(`GET ${path}: HTTP ${res.status}`);
  return (await res.json()) as T;
}
