/**
 * Small-count suppression for published count tables (rows × columns, with row, column and grand totals). A count
 * from 1 to k-1 could single out a person ("the one report of a broken lamp in this district"), so it is withheld.
 * Zero is published: it says that nothing happened, which singles out nobody.
 *
 * Complementary suppression: a table publishes its totals, so a lone withheld cell in a row or column could be
 * recovered by subtraction. Wherever exactly one member of a sum (the cells of a row and the row total; the row
 * totals and the grand total; likewise for columns) is withheld, the next-smallest published member is withheld too,
 * until no sum has a lone gap. This closes single-subtraction attacks, not every linear-algebra attack on a large
 * table; with the few districts and categories of a city that is the usual, accepted level.
 */

export const DEFAULT_PUBLIC_K = 5;

export interface CountCell {
  readonly row: string;
  readonly col: string;
  readonly count: number;
}

/** A published count: null and suppressed when withheld. */
export interface PublishedCount {
  readonly count: number | null;
  readonly suppressed: boolean;
}

export interface SuppressedTable {
  readonly k: number;
  readonly cells: readonly (PublishedCount & { readonly row: string; readonly col: string })[];
  readonly rowTotals: readonly (PublishedCount & { readonly row: string })[];
  readonly colTotals: readonly (PublishedCount & { readonly col: string })[];
  readonly total: PublishedCount;
}

/** The k of public outputs from the environment (GRIDLOOP_PUBLIC_K), default 5; an invalid value is refused. */
export function publicK(env: Readonly<Record<string, string | undefined>>): number {
  const raw = env.GRIDLOOP_PUBLIC_K;
  if (raw === undefined || raw.trim() === '') return DEFAULT_PUBLIC_K;
  const k = Number(raw);
  if (!Number.isInteger(k) || k < 1 || k > 1000) {
    throw new RangeError(`GRIDLOOP_PUBLIC_K must be an integer from 1 to 1000, not ${raw}.`);
  }
  return k;
}

interface Slot {
  readonly value: number;
  suppressed: boolean;
}

/**
 * Suppresses a count table: cells missing from `cells` count as 0; rows and columns come out in first-seen order.
 * A cell given twice is summed.
 */
export function suppressSmall(cells: readonly CountCell[], k: number = DEFAULT_PUBLIC_K): SuppressedTable {
  const rows: string[] = [];
  const cols: string[] = [];
  const sums = new Map<string, number>();
  for (const c of cells) {
    if (!Number.isInteger(c.count) || c.count < 0) throw new RangeError(`Count ${c.count} is not a count.`);
    if (!rows.includes(c.row)) rows.push(c.row);
    if (!cols.includes(c.col)) cols.push(c.col);
    const key = JSON.stringify([c.row, c.col]);
    sums.set(key, (sums.get(key) ?? 0) + c.count);
  }
  const slot = (value: number): Slot => ({ value, suppressed: value > 0 && value < k });
  const grid = rows.map((r) => cols.map((c) => slot(sums.get(JSON.stringify([r, c])) ?? 0)));
  const rowTotals = grid.map((cs) => slot(cs.reduce((a, s) => a + s.value, 0)));
  const colTotals = cols.map((_, j) => slot(grid.reduce((a, cs) => a + (cs[j] as Slot).value, 0)));
  const total = slot(rowTotals.reduce((a, s) => a + s.value, 0));

  // Each sum: its parts, then its total.
  const sumsOf: { parts: Slot[]; total: Slot }[] = [
    ...grid.map((cs, i) => ({ parts: cs, total: rowTotals[i] as Slot })),
    ...cols.map((_, j) => ({ parts: grid.map((cs) => cs[j] as Slot), total: colTotals[j] as Slot })),
    { parts: rowTotals, total },
    { parts: colTotals, total },
  ];
  for (let changed = true; changed; ) {
    changed = false;
    for (const { parts, total: t } of sumsOf) {
      const members = [...parts, t];
      if (members.filter((s) => s.suppressed).length !== 1) continue;
      const extra = nextToWithhold(parts, t);
      if (extra) {
        extra.suppressed = true;
        changed = true;
      }
    }
  }

  const pub = (s: Slot): PublishedCount => ({ count: s.suppressed ? null : s.value, suppressed: s.suppressed });
  return {
    k,
    cells: rows.flatMap((r, i) => cols.map((c, j) => ({ row: r, col: c, ...pub((grid[i] as Slot[])[j] as Slot) }))),
    rowTotals: rows.map((r, i) => ({ row: r, ...pub(rowTotals[i] as Slot) })),
    colTotals: cols.map((c, j) => ({ col: c, ...pub(colTotals[j] as Slot) })),
    total: pub(total),
  };
}

/** The smallest published non-zero part, else the total, else a published zero part (a zero can hide a gap too). */
function nextToWithhold(parts: readonly Slot[], total: Slot): Slot | undefined {
  const open = parts.filter((s) => !s.suppressed);
  const nonZero = open.filter((s) => s.value > 0).sort((a, b) => a.value - b.value);
  if (nonZero[0]) return nonZero[0];
  if (!total.suppressed) return total;
  return open[0];
}
