/**
 * The local time of day, in hours, of an instant in a time zone: daily cycles follow the city's clock, not UTC.
 * Falls back to UTC for a zone this runtime does not know.
 */
export function localHour(timezone: string): (ts: number) => number {
  let format: Intl.DateTimeFormat;
  try {
    format = new Intl.DateTimeFormat('en-GB', {
      timeZone: timezone,
      hour: 'numeric',
      minute: 'numeric',
      hourCycle: 'h23',
    });
  } catch {
    format = new Intl.DateTimeFormat('en-GB', {
      timeZone: 'UTC',
      hour: 'numeric',
      minute: 'numeric',
      hourCycle: 'h23',
    });
  }
  return (ts) => {
    let hour = 0;
    let minute = 0;
    for (const part of format.formatToParts(ts)) {
      if (part.type === 'hour') hour = Number(part.value);
      else if (part.type === 'minute') minute = Number(part.value);
    }
    const seconds = (ts % 60_000) / 60_000;
    return (hour % 24) + (minute + (seconds < 0 ? seconds + 1 : seconds)) / 60;
  };
}
