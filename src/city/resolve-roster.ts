import type { DaySpans, Roster } from './city.ts';
import { type RosterDef, WEEKDAYS } from './schema.ts';

type Fail = (path: string, message: string) => never;

/** Whether the runtime knows this IANA time zone. */
export function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** Checks that a `YYYY-MM-DD` date exists on the calendar (the schema's pattern lets 2026-02-31 through). */
export function checkDate(date: string, path: string, fail: Fail): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const back = new Date(Date.UTC(y, m - 1, d));
  if (back.getUTCMonth() !== m - 1 || back.getUTCDate() !== d) fail(path, `${date} is not a calendar date`);
  return date;
}

const minutes = (hhmm: string): number => {
  const [h, m] = hhmm.split(':').map(Number) as [number, number];
  return h * 60 + m;
};

/**
 * A team's roster with spans in minutes of the local day and its holidays merged with the city's (unless the team
 * opted out with `observeCityHolidays: false`). `at` is the roster's JSON pointer.
 */
export function resolveRoster(def: RosterDef, cityHolidays: readonly string[], at: string, fail: Fail): Roster {
  if (def.timezone !== undefined && !isTimeZone(def.timezone)) {
    fail(`${at}/timezone`, `${JSON.stringify(def.timezone)} is not an IANA time zone`);
  }
  const week: DaySpans[] = WEEKDAYS.map((day) =>
    (def.hours[day] ?? []).map((span, j): readonly [number, number] => {
      const [from, to] = span.split('-') as [string, string];
      const start = minutes(from);
      const end = minutes(to);
      if (end <= start) {
        fail(`${at}/hours/${day}/${j}`, `${span} must end after it starts; split a shift across midnight in two days`);
      }
      return [start, end];
    }),
  );
  const own = (def.holidays ?? []).map((d, i) => checkDate(d, `${at}/holidays/${i}`, fail));
  const holidays = new Set(def.observeCityHolidays === false ? own : [...cityHolidays, ...own]);
  return { timezone: def.timezone, week, holidays };
}
