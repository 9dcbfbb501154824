/** Small text formatters for times and names. */

const UNITS: [number, string][] = [
  [86_400_000, 'd'],
  [3_600_000, 'h'],
  [60_000, 'min'],
  [1_000, 's'],
];

/** "4 min" for a span in milliseconds (sign ignored). */
export function span(ms: number): string {
  const abs = Math.abs(ms);
  for (const [size, unit] of UNITS) {
    if (abs >= size) return `${Math.floor(abs / size)} ${unit}`;
  }
  return '0 s';
}

/** "4 min ago" or "just now" for an ISO time. */
export function ago(iso: string, now = Date.now()): string {
  const ms = now - Date.parse(iso);
  return ms < 5_000 ? 'just now' : `${span(ms)} ago`;
}

/** "in 2 h" or "3 h late" for a due time. */
export function dueIn(iso: string, now = Date.now()): string {
  const ms = Date.parse(iso) - now;
  return ms >= 0 ? `in ${span(ms)}` : `${span(ms)} late`;
}

/** Formats clock times in the city's own time zone, falling back to the browser's on a bad zone. */
export function clockFormatter(timezone: string): (iso: string) => string {
  const options: Intl.DateTimeFormatOptions = { hour: '2-digit', minute: '2-digit', hour12: false };
  let fmt: Intl.DateTimeFormat;
  try {
    fmt = new Intl.DateTimeFormat('en-GB', { ...options, timeZone: timezone });
  } catch {
    fmt = new Intl.DateTimeFormat('en-GB', options);
  }
  return (iso) => fmt.format(new Date(iso));
}

/** "in_progress" → "in progress". */
export function label(state: string): string {
  return state.replaceAll('_', ' ');
}
