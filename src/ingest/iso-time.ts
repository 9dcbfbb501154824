/**
 * A strict, allocation-free parser of ISO 8601 / RFC 3339 date-times: `YYYY-MM-DDThh:mm[:ss[.fff…]]` followed by `Z`
 * or `±hh:mm` (the `T` and `Z` may be lower case). It is several times faster than Date.parse on the ingest hot path,
 * and stricter: Date.parse takes `2024-02-30`, zone-less local times and free-form text.
 */

const C0 = 48;

/** Two ASCII digits at i as a number, or -1 (charCodeAt past the end gives NaN, which fails both tests). */
function two(s: string, i: number): number {
  const a = s.charCodeAt(i) - C0;
  const b = s.charCodeAt(i + 1) - C0;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
}

const daysIn = (y: number, m: number): number =>
  m === 2
    ? y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0)
      ? 29
      : 28
    : m === 4 || m === 6 || m === 9 || m === 11
      ? 30
      : 31;

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant, "chrono-compatible low-level date algorithms"). */
function daysFromCivil(year: number, m: number, d: number): number {
  const y = m <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m > 2 ? m - 3 : m + 9) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/**
 * Epoch ms of the date-time `s.slice(o, end)`, read in place, or NaN. With `zoneRequired` false, a date-time with no
 * zone is read as UTC (used only to classify a failure).
 */
function parse(s: string, o: number, end: number, zoneRequired: boolean): number {
  const n = end - o;
  if (n < 16 || n > 40) return Number.NaN;
  const y1 = two(s, o);
  const y2 = two(s, o + 2);
  if (y1 < 0 || y2 < 0 || s.charCodeAt(o + 4) !== 45 || s.charCodeAt(o + 7) !== 45) return Number.NaN;
  const t = s.charCodeAt(o + 10);
  if ((t !== 84 && t !== 116) || s.charCodeAt(o + 13) !== 58) return Number.NaN;
  const year = y1 * 100 + y2;
  const month = two(s, o + 5);
  const day = two(s, o + 8);
  const hour = two(s, o + 11);
  const minute = two(s, o + 14);
  if (month < 1 || month > 12 || day < 1 || day > daysIn(year, month) || hour < 0 || hour > 23) return Number.NaN;
  if (minute < 0 || minute > 59) return Number.NaN;
  let i = o + 16;
  let second = 0;
  let ms = 0;
  if (i < end && s.charCodeAt(i) === 58) {
    second = two(s, i + 1);
    if (second < 0 || second > 59 || i + 3 > end) return Number.NaN;
    i += 3;
    if (i < end && s.charCodeAt(i) === 46) {
      i++;
      const start = i;
      let scale = 100;
      for (; i < end; i++) {
        const c = s.charCodeAt(i) - C0;
        if (!(c >= 0 && c <= 9)) break;
        ms += c * scale;
        scale /= 10;
      }
      if (i === start || i - start > 9) return Number.NaN;
      ms = Math.floor(ms + 1e-9);
    }
  }
  let offset = 0;
  const z = i < end ? s.charCodeAt(i) : -1;
  if (z === 90 || z === 122) {
    i++;
  } else if (z === 43 || z === 45) {
    const oh = two(s, i + 1);
    const om = two(s, i + 4);
    if (oh < 0 || oh > 23 || s.charCodeAt(i + 3) !== 58 || om < 0 || om > 59) return Number.NaN;
    offset = (oh * 60 + om) * (z === 43 ? 1 : -1);
    i += 6;
  } else if (zoneRequired) {
    return Number.NaN;
  }
  if (i !== end) return Number.NaN;
  return ((daysFromCivil(year, month, day) * 24 + hour) * 60 + minute - offset) * 60_000 + second * 1000 + ms;
}

/** Epoch milliseconds of an ISO 8601 date-time with a zone, or NaN when `s` is not one (see `tsProblem`). */
export function parseIsoTs(s: string): number {
  return parse(s, 0, s.length, true);
}

/** As parseIsoTs, of `s.slice(start, end)` without making that string. */
export function parseIsoTsIn(s: string, start: number, end: number): number {
  return parse(s, start, end, true);
}

/** Why `parseIsoTs(s)` gave NaN: a well-formed date-time without a zone, or not a date-time at all. */
export function tsProblem(s: string): 'no-zone' | 'invalid' {
  return Number.isNaN(parse(s, 0, s.length, false)) ? 'invalid' : 'no-zone';
}
