import { ACTIVE_CASE_STATES, type Case } from './api.ts';
import { dueIn, label } from './format.ts';
import { el, keyedList } from './keyed-list.ts';

export interface CasePanelOptions {
  categoryName(code: string): string;
  teamName(id: string): string;
  clock(iso: string): string;
  onPick(c: Case): void;
  onCount(n: number): void;
}

/** The list of cases that still need work. */
export interface CasePanel {
  load(cases: readonly Case[]): void;
  /** Returns false when the change was already shown (a replay after a resync). */
  changed(c: Case): boolean;
  tick(): void;
}

const ACTIVE = new Set<string>(ACTIVE_CASE_STATES);
/** A case that reaches a final state stays visible this long, so the change can be seen. */
const LINGER_MS = 5_000;

/** Renders active cases into `list`, newest first; a case leaving the loop fades out. */
export function createCasePanel(list: HTMLElement, opts: CasePanelOptions): CasePanel {
  const items = keyedList(list, opts.onCount);
  const cases = new Map<string, Case>();
  const timers = new Map<string, ReturnType<typeof setTimeout>>();

  const due = (c: Case): HTMLElement => {
    const span = el('span', 'due');
    if (c.dueAt) {
      span.dataset.due = c.dueAt;
      span.textContent = `${c.dueStage ?? 'due'} by ${opts.clock(c.dueAt)} (${dueIn(c.dueAt)})`;
    }
    return span;
  };

  const render = (c: Case): HTMLElement => {
    // The server marks overdue when it notices; the page also shows it as soon as the clock passes the deadline.
    const overdue = c.overdue || (c.dueAt !== undefined && Date.parse(c.dueAt) < Date.now());
    const li = el('li', `item case state-${c.state}${overdue ? ' overdue' : ''}${ACTIVE.has(c.state) ? '' : ' done'}`);
    li.dataset.testid = 'case-item';
    li.dataset.caseId = c.id;
    li.dataset.cell = c.cell;
    li.dataset.state = c.state;
    li.tabIndex = 0;
    li.title = c.title;
    li.append(el('span', `badge state-${c.state}`, label(c.state)));
    const main = el('div', 'main');
    const title = el('div', 'title', opts.categoryName(c.category));
    if (overdue) title.append(el('span', 'overdue-tag', 'overdue'));
    if (c.reworkCount > 0) title.append(el('span', 'rework-tag', `rework ×${c.reworkCount}`));
    main.append(title);
    const meta = el('div', 'meta');
    meta.append(el('span', 'team', c.team ? opts.teamName(c.team) : 'unassigned'), due(c));
    main.append(meta);
    li.append(main);
    li.addEventListener('click', () => opts.onPick(c));
    li.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') opts.onPick(c);
    });
    return li;
  };

  const put = (c: Case, flash: boolean): boolean => {
    const seen = cases.get(c.id);
    // Events can arrive after a fresher snapshot; never go back in time.
    if (seen && Date.parse(seen.updatedAt) > Date.parse(c.updatedAt)) return false;
    const same = seen?.updatedAt === c.updatedAt && seen.state === c.state && seen.overdue === c.overdue;
    if (same) return false;
    cases.set(c.id, c);
    clearTimeout(timers.get(c.id));
    timers.delete(c.id);
    items.upsert(c.id, Date.parse(c.createdAt), render(c), flash);
    if (!ACTIVE.has(c.state)) {
      timers.set(
        c.id,
        setTimeout(() => {
          timers.delete(c.id);
          cases.delete(c.id);
          items.remove(c.id);
        }, LINGER_MS),
      );
    }
    return true;
  };

  return {
    load(snapshot) {
      for (const t of timers.values()) clearTimeout(t);
      timers.clear();
      cases.clear();
      items.clear();
      for (const c of snapshot) if (ACTIVE.has(c.state)) put(c, false);
    },
    changed(c) {
      return put(c, !items.has(c.id));
    },
    tick() {
      for (const c of cases.values()) items.upsert(c.id, Date.parse(c.createdAt), render(c));
    },
  };
}
