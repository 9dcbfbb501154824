import type { Roster, Team } from '../city/city.ts';

/** The local calendar date, ISO weekday index (0 = Monday) and minute of the day of an instant in a time zone. */
export interface LocalTime {
  readonly date: string;
  readonly weekday: number;
  readonly minute: number;
}

const WEEKDAY_INDEX: Record<string, number> = { Mon: 0, Tue: 1, Wed: 2, Thu: 3, Fri: 4, Sat: 5, Sun: 6 };
const formats = new Map<string, Intl.DateTimeFormat>();

function formatFor(tz: string): Intl.DateTimeFormat {
  let f = formats.get(tz);
  if (!f) {
    // en-US with h23 gives stable field values (Mon…Sun, 00–23) whatever the host's locale.
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      weekday: 'short',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
    });
    formats.set(tz, f);
  }
  return f;
}

/** Local date, weekday and minute of `timeMs` in the IANA zone `tz`, through Intl (no time zone library needed). */
export function localTime(timeMs: number, tz: string): LocalTime {
  const parts: Record<string, string> = {};
  for (const p of formatFor(tz).formatToParts(timeMs)) parts[p.type] = p.value;
  return {
    date: `${parts.year}-${parts.month}-${parts.day}`,
    weekday: WEEKDAY_INDEX[parts.weekday ?? ''] ?? 0,
    minute: Number(parts.hour) * 60 + Number(parts.minute),
  };
}

/** Whether a roster has the team on duty at a local time: not a holiday, and inside one of the day's spans. */
export function rosterOnDuty(roster: Roster, local: LocalTime): boolean {
  if (roster.holidays.has(local.date)) return false;
  return (roster.week[local.weekday] ?? []).some(([from, to]) => local.minute >= from && local.minute < to);
}

/**
 * Whether the team is on duty at `timeMs`, reading its roster in the roster's time zone (or `cityTz`). Spans are
 * half-open, [start, end): a crew on 07:00-19:00 is on at 07:00 and off at 19:00. A holiday is off all day. A team
 * without a roster is always on duty.
 */
export function onDuty(team: Team, timeMs: number, cityTz: string): boolean {
  if (team.roster === undefined) return true;
  return rosterOnDuty(team.roster, localTime(timeMs, team.roster.timezone ?? cityTz));
}
