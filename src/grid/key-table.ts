/**
 * A fixed set of H3 cell ids (lower-case hex strings of up to 16 digits, as h3-js writes them) and their positions
 * 0…size-1, for the hot path of point assignment. A JavaScript Map answers the same question, but h3-js hands back
 * each cell id as a fresh string made by concatenation, and a Map lookup with such a string in a city-sized map cost
 * about as much as h3-js's own latLngToCell (bench/assign.ts). Here a key is read back into the 64-bit number it
 * writes (two 32-bit halves) and its length; these three numbers are hashed into an open-addressing table (at most half
 * full) and compared with the ones stored in the slot, so that no string is hashed or compared. The three numbers give
 * the string back exactly, so the answer is exact. A slot holds its position and the three numbers side by side (16
 * bytes): points come in any order, and a lookup that touched several arrays would wait on memory for each.
 */
export interface KeyTable {
  readonly size: number;
  /** The position of key, or -1 when it is not in the table (any string may be asked). */
  indexOf(key: string): number;
  /** The key at position i (0 ≤ i < size). */
  keyAt(i: number): string;
}

/**
 * Builds the table; keys[i] gets position i, and a repeated key keeps its first position. Throws a RangeError on a key
 * that is not lower-case hex of 1 to 16 digits: an H3 grid only ever holds h3-js's own cell ids.
 */
export function buildKeyTable(keys: readonly string[]): KeyTable {
  let slots = 2;
  while (slots < 2 * keys.length) slots *= 2;
  const mask = slots - 1;
  // Slot s: [position + 1 (0 marks an empty slot), low half, high half, length] at 4s.
  const table = new Int32Array(4 * slots);
  const stored = keys.slice();
  // The halves of the last key read; read() answers whether the key is hex at all.
  let hi = 0;
  let lo = 0;
  const read = (key: string): boolean => {
    const n = key.length;
    if (n === 0 || n > 16) return false;
    hi = 0;
    lo = 0;
    const split = n - 8;
    for (let i = 0; i < n; i++) {
      const c = key.charCodeAt(i);
      const d = c >= 48 && c <= 57 ? c - 48 : c >= 97 && c <= 102 ? c - 87 : -1;
      if (d < 0) return false;
      if (i < split) hi = (hi << 4) | d;
      else lo = (lo << 4) | d;
    }
    return true;
  };
  const find = (n: number): number => {
    for (let s = hashOf(hi, lo, n) & mask; ; s = (s + 1) & mask) {
      const e = table[4 * s] as number;
      if (e === 0) return -s - 1;
      if (table[4 * s + 1] === lo && table[4 * s + 2] === hi && table[4 * s + 3] === n) return e - 1;
    }
  };
  for (const [i, key] of stored.entries()) {
    if (!read(key)) throw new RangeError(`not an H3 cell id: ${JSON.stringify(key)}`);
    const found = find(key.length);
    if (found >= 0) continue;
    table.set([i + 1, lo, hi, key.length], 4 * (-found - 1));
  }
  return {
    size: stored.length,
    indexOf: (key) => (read(key) ? Math.max(find(key.length), -1) : -1),
    keyAt: (i) => stored[i] as string,
  };
}

/** Mixes the halves and the length into 32 bits (the table's mask keeps the low ones). */
function hashOf(hi: number, lo: number, n: number): number {
  let h = Math.imul(lo ^ (lo >>> 16), 0x85ebca6b) ^ Math.imul(hi ^ n, 0xc2b2ae35);
  h = Math.imul(h ^ (h >>> 13), 0x27d4eb2f);
  return (h ^ (h >>> 16)) >>> 0;
}
