import type { Brand } from './brand.ts';

const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';

/**
 * A sortable unique id: 10 characters of time (ms, Crockford base 32) then 6 random ones, with a prefix that says what
 * it names (`case_…`, `alert_…`). Sortable ids keep listings in creation order without an extra column.
 */
export function newId<T extends Brand<string, string>>(prefix: string, now: number = Date.now()): T {
  let time = '';
  let t = now;
  for (let i = 0; i < 10; i++) {
    time = ALPHABET[t % 32] + time;
    t = Math.floor(t / 32);
  }
  let rand = '';
  for (let i = 0; i < 6; i++) rand += ALPHABET[Math.floor(Math.random() * 32)];
  return `${prefix}_${time}${rand}` as T;
}
