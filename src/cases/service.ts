import type { City } from '../city/city.ts';
import type { Bus } from '../events.ts';
import type { Grid } from '../grid/types.ts';
import type { ZoneIndex } from '../grid/zones.ts';
import type { Report } from '../ingest/types.ts';
import type { CaseId, TeamId } from '../shared/brand.ts';
import { type Clock, toIso } from '../shared/clock.ts';
import { DomainError } from '../shared/errors.ts';
import { newId } from '../shared/ids.ts';
import { err, ok, type Result } from '../shared/result.ts';
import type { AlertStore } from '../watch/ports.ts';
import type { Alert } from '../watch/types.ts';
import { dueAt, raisePriority, type ZoneTightening, zoneTightening } from './deadlines.ts';
import { findResponsible, teamExists } from './dispatch.ts';
import type { CaseStore } from './ports.ts';
import type { Case, CaseEventType, CaseFilter, CaseHistoryEntry } from './types.ts';
import { next, STAGE_DUE } from './workflow.ts';

export interface CaseServiceDeps {
  readonly city: City;
  readonly grid: Grid;
  readonly cases: CaseStore;
  readonly alerts: AlertStore;
  readonly bus: Bus;
  readonly clock: Clock;
  /** Priority zones: without it, no zone tightens a deadline or raises a priority. */
  readonly zones?: ZoneIndex | undefined;
}

export interface ApplyOptions {
  /** `system`, `sim`, or a staff user's id. */
  readonly actor: string;
  readonly note?: string | undefined;
  /** For `dispatch`: the team to send the case to; without it, the responsible team. Ignored by other events. */
  readonly team?: TeamId | undefined;
}

export interface CaseService {
  /** Opens a case for an alert whose rule names a category; undefined when it names none or is linked already. */
  openFromAlert(alert: Alert): Promise<Case | undefined>;
  /** Opens a case in `reported` for a citizen report. */
  openFromReport(report: Report): Promise<Case>;
  /** Moves a case by one workflow event. */
  apply(id: CaseId, event: CaseEventType, opts: ApplyOptions): Promise<Result<Case>>;
  get(id: CaseId): Promise<Result<Case>>;
  history(id: CaseId): Promise<Result<CaseHistoryEntry[]>>;
  list(filter: CaseFilter): Promise<Case[]>;
  /** Marks every case past its stage deadline as overdue; returns the cases marked. */
  sweepOverdue(): Promise<Case[]>;
  /** AlertRaised → openFromAlert, ReportFiled → openFromReport. Returns the unsubscribe function. */
  subscribe(): () => void;
}

type Entry = Omit<CaseHistoryEntry, 'seq'>;

const notFound = (id: CaseId) => new DomainError('CASE_NOT_FOUND', `No case ${id}.`, { id });
const SWEEP_BATCH = 200;

/**
 * The case loop: opening, moving cases through the workflow table, dispatch and deadlines. Every change is one history
 * entry and one CaseChanged event. A case starts at version 1 with history seq 1, and each change adds one to both, so
 * an entry's seq is the case's new version (the store assigns the same number).
 *
 * Duplicates: every report opens its own case for now; merging reports of the same problem comes with the duplicates
 * work of a later issue (the `merge` event already exists for it).
 */
export function createCaseService(deps: CaseServiceDeps): CaseService {
  const { city, grid, cases, alerts, bus, clock, zones } = deps;

  const tighteningOf = (c: Pick<Case, 'cell' | 'category'>): ZoneTightening =>
    zoneTightening(city, zones?.zonesOf(c.cell) ?? [], c.category);

  function categoryOf(code: Case['category'], codeFor: 'CITY_INVALID' | 'INGEST_UNKNOWN_SERVICE') {
    const category = city.categories.get(code);
    // Rule categories are checked when the city loads and report codes at ingest, so a miss here is a bug.
    if (!category) throw new DomainError(codeFor, `No category ${code} in the city.`, { category: code });
    return category;
  }

  async function open(c: Case, note: string): Promise<Case> {
    const t = tighteningOf(c);
    const zoneNote =
      t.zones.length === 0
        ? ''
        : `; priority zone ${t.zones.map((z) => `${z.name} (${z.tag})`).join(', ')}: priority ${c.priority}` +
          (t.deadlineFactor < 1 ? `, deadlines x${t.deadlineFactor}` : '');
    const entry: Entry = {
      at: c.createdAt,
      type: 'opened',
      from: undefined,
      to: c.state,
      actor: 'system',
      note: note + zoneNote,
      team: undefined,
    };
    await cases.createCase(c, entry);
    await bus.emit('CaseChanged', { case: c, entry: { seq: c.version, ...entry } });
    return c;
  }

  function fresh(
    over: Pick<Case, 'category' | 'title' | 'description' | 'cell' | 'areaPath' | 'source' | 'alertId' | 'reportId'>,
  ): Case {
    const now = clock();
    const category = city.categories.get(over.category);
    // A priority zone raises the priority and shortens every stage of the case for its whole life.
    const t = tighteningOf(over);
    const priority = raisePriority(category?.priority ?? 'normal', t.priority);
    return {
      id: newId<CaseId>('case', now),
      state: 'reported',
      priority,
      team: undefined,
      createdAt: now,
      updatedAt: now,
      dueStage: STAGE_DUE.reported,
      dueAt: category ? dueAt(now, category, priority, STAGE_DUE.reported, t.deadlineFactor) : undefined,
      overdue: false,
      reworkCount: 0,
      version: 1,
      ...over,
    };
  }

  /** One attempt at an event; 'conflict' when another writer changed the case in between. */
  async function applyOnce(id: CaseId, event: CaseEventType, opts: ApplyOptions): Promise<Result<Case> | 'conflict'> {
    const current = await cases.getCase(id);
    if (!current) return err(notFound(id));
    const to = next(current.state, event);
    if (!to.ok) return to;
    let team = current.team;
    let note = opts.note;
    const now = clock();
    if (event === 'dispatch') {
      if (opts.team !== undefined) {
        if (!teamExists(city, opts.team)) {
          return err(new DomainError('CASE_UNKNOWN_TEAM', `No team ${opts.team}.`, { team: opts.team }));
        }
        team = opts.team;
      } else {
        // Rosters: the team on duty now wins; with nobody on duty the case still lands somewhere, flagged.
        const found = findResponsible(city, grid, current.areaPath, current.category, now);
        if (!found.ok) return found;
        team = found.value.team;
        if (found.value.offDuty) {
          const flag = `No responsible team on duty; sent to ${team} (off duty) at ${found.value.area}`;
          note = note ? `${note}. ${flag}` : flag;
        }
      }
    }
    const category = city.categories.get(current.category);
    const stage = STAGE_DUE[to.value];
    // Reassigning (dispatched → dispatched) keeps the running deadline: handing a case on must not reset its clock.
    const sameStage = to.value === current.state;
    const updated: Case = {
      ...current,
      state: to.value,
      team,
      updatedAt: now,
      dueStage: stage,
      dueAt: sameStage
        ? current.dueAt
        : category
          ? dueAt(now, category, current.priority, stage, tighteningOf(current).deadlineFactor)
          : undefined,
      overdue: sameStage ? current.overdue : false,
      reworkCount: current.reworkCount + (event === 'fail_verification' ? 1 : 0),
      version: current.version + 1,
    };
    const entry: Entry = {
      at: now,
      type: event,
      from: current.state,
      to: to.value,
      actor: opts.actor,
      note,
      team: event === 'dispatch' ? team : undefined,
    };
    if (!(await cases.updateCase(updated, entry))) return 'conflict';
    await bus.emit('CaseChanged', { case: updated, entry: { seq: updated.version, ...entry } });
    return ok(updated);
  }

  async function apply(id: CaseId, event: CaseEventType, opts: ApplyOptions): Promise<Result<Case>> {
    let r = await applyOnce(id, event, opts);
    if (r === 'conflict') r = await applyOnce(id, event, opts);
    if (r === 'conflict') return err(new DomainError('CASE_CONFLICT', `Case ${id} changed twice under "${event}".`));
    // workflow.autoDispatch: a registered case goes straight to the responsible team, as its own system step. With
    // no responsible team it stays registered for a person to dispatch.
    if (r.ok && event === 'register' && city.workflow.autoDispatch) {
      const dispatched = await apply(id, 'dispatch', { actor: 'system', note: 'Dispatched automatically' });
      if (dispatched.ok) return dispatched;
    }
    return r;
  }

  const service: CaseService = {
    async openFromAlert(alert) {
      if (alert.category === undefined || alert.caseId !== undefined) return undefined;
      const category = categoryOf(alert.category, 'CITY_INVALID');
      const c = await open(
        fresh({
          category: category.code,
          title: alert.title,
          description: `Raised by rule ${alert.rule}${alert.sensor ? ` from sensor ${alert.sensor}` : ''}.`,
          cell: alert.cell,
          areaPath: grid.pathOf(alert.area),
          source: 'alert',
          alertId: alert.id,
          reportId: undefined,
        }),
        `Opened by alert ${alert.id}`,
      );
      await alerts.linkCase(alert.id, c.id);
      if (!city.workflow.autoRegisterAlerts) return c;
      const registered = await apply(c.id, 'register', {
        actor: 'system',
        note: 'Sensor alert registered automatically',
      });
      return registered.ok ? registered.value : c;
    },

    async openFromReport(report) {
      const category = categoryOf(report.serviceCode, 'INGEST_UNKNOWN_SERVICE');
      return open(
        fresh({
          category: category.code,
          title: report.address ? `${category.name} at ${report.address}` : category.name,
          description: report.description,
          cell: report.cell,
          areaPath: grid.pathOf(report.area),
          source: 'report',
          alertId: undefined,
          reportId: report.id,
        }),
        `Opened by report ${report.id}`,
      );
    },

    apply,

    async get(id) {
      const c = await cases.getCase(id);
      return c ? ok(c) : err(notFound(id));
    },

    async history(id) {
      if (!(await cases.getCase(id))) return err(notFound(id));
      return ok(await cases.history(id));
    },

    list: (filter) => cases.listCases(filter),

    async sweepOverdue() {
      const now = clock();
      const marked: Case[] = [];
      for (;;) {
        const batch = await cases.dueBefore(now, SWEEP_BATCH);
        let progressed = 0;
        for (const c of batch) {
          const updated: Case = { ...c, overdue: true, updatedAt: now, version: c.version + 1 };
          const entry: Entry = {
            at: now,
            type: 'overdue',
            from: c.state,
            to: c.state,
            actor: 'system',
            note: `${c.dueStage} was due at ${c.dueAt === undefined ? '?' : toIso(c.dueAt)}`,
            team: undefined,
          };
          // A case changed meanwhile has a new deadline; the next sweep looks at it again.
          if (!(await cases.updateCase(updated, entry))) continue;
          progressed++;
          marked.push(updated);
          await bus.emit('CaseChanged', { case: updated, entry: { seq: updated.version, ...entry } });
        }
        if (batch.length < SWEEP_BATCH || progressed === 0) return marked;
      }
    },

    subscribe() {
      const offAlerts = bus.on('AlertRaised', async (e) => {
        await service.openFromAlert(e.alert);
      });
      const offReports = bus.on('ReportFiled', async (e) => {
        for (const r of e.reports) await service.openFromReport(r);
      });
      return () => {
        offAlerts();
        offReports();
      };
    },
  };
  return service;
}
