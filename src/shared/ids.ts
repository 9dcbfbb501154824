import type { Brand } from './brand.ts';

const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';

/** The last id's time part and random digits: ids of one millisecond count up from a random start. */
let lastTime = '';
const digits = new Uint8Array(6);

/**
 * A sortable unique id: 10 characters of time (ms, Crockford base 32) then 6 of a random part, with a prefix that says
 * what it names (`case_…`, `alert_…`). Sortable ids keep listings in creation order without an extra column.
 *
 * Ids of the same millisecond (a batch of 50,000 imported reports shares its clock reading) do not draw a fresh random
 * part each: the first draws a random start below 2^29 and the next ones count up from it, as monotonic ULIDs do. So
 * ids made by one process never collide (independent draws of 30 bits would: a batch of 50,000 has about even odds of
 * a repeat), and ids of one millisecond sort in the order they were made.
 */
export function newId<T extends Brand<string, string>>(prefix: string, now: number = Date.now()): T {
  let time = '';
  let t = now;
  for (let i = 0; i < 10; i++) {
    time = ALPHABET[t % 32] + time;
    t = Math.floor(t / 32);
  }
  if (time === lastTime && countUp()) return `${prefix}_${time}${randomPart()}` as T;
  lastTime = time;
  digits[0] = Math.floor(Math.random() * 16);
  for (let i = 1; i < 6; i++) digits[i] = Math.floor(Math.random() * 32);
  return `${prefix}_${time}${randomPart()}` as T;
}

/** Adds one to the random part; false if it would overflow (after 2^29 ids in one millisecond). */
function countUp(): boolean {
  for (let i = 5; i >= 0; i--) {
    if ((digits[i] as number) < 31) {
      digits[i] = (digits[i] as number) + 1;
      return true;
    }
    digits[i] = 0;
  }
  return false;
}

const randomPart = (): string => {
  let s = '';
  for (const d of digits) s += ALPHABET[d];
  return s;
};
