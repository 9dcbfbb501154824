import type { AuditEntry, AuditHead, AuditInput, AuditLog, ChainBreak, ChainVerdict, Sha256 } from './audit-types.ts';

/** The prevHash of the first entry, and the hash of the empty chain's head. */
export const GENESIS_HASH = '0'.repeat(64);
export const GENESIS_HEAD: AuditHead = { seq: 0, hash: GENESIS_HASH };

/**
 * JSON with object keys sorted at every depth, so that the same value always gives the same text (and hash), whatever
 * order the keys were written or read back in. Undefined members are left out, as JSON.stringify does.
 */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map((x) => (x === undefined ? 'null' : canonicalJson(x))).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    const parts: string[] = [];
    for (const k of Object.keys(o).sort()) {
      if (o[k] !== undefined) parts.push(`${JSON.stringify(k)}:${canonicalJson(o[k])}`);
    }
    return `{${parts.join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}

/** The hash of an entry: SHA-256 over the canonical form of every field but `hash`, prevHash included. */
export function entryHash(e: Omit<AuditEntry, 'hash'>, sha256: Sha256): string {
  const { seq, at, actor, action, target, details, prevHash } = e;
  return sha256(canonicalJson({ seq, at, actor, action, target, details, prevHash }));
}

/**
 * Chains new inputs onto `head`: each gets the next seq, the previous hash and its own hash. Details are normalised
 * through canonical JSON so that what is hashed is exactly what a store gives back.
 */
export function chainEntries(head: AuditHead, inputs: readonly AuditInput[], sha256: Sha256): AuditEntry[] {
  const out: AuditEntry[] = [];
  let prev = head;
  for (const i of inputs) {
    const body = {
      seq: prev.seq + 1,
      at: i.at,
      actor: i.actor,
      action: i.action,
      target: i.target,
      details: JSON.parse(canonicalJson(i.details ?? {})) as AuditEntry['details'],
      prevHash: prev.hash,
    };
    const e: AuditEntry = { ...body, hash: entryHash(body, sha256) };
    out.push(e);
    prev = e;
  }
  return out;
}

/** Checks entries one at a time (in seq order), so a long log can be verified page by page. */
export class ChainVerifier {
  readonly #sha256: Sha256;
  #last: AuditHead = GENESIS_HEAD;
  #count = 0;
  #broken: { seq: number; reason: ChainBreak } | undefined;

  constructor(sha256: Sha256) {
    this.#sha256 = sha256;
  }

  /** Feeds the next entry; returns false once the chain is broken (later entries are then ignored). */
  push(e: AuditEntry): boolean {
    if (this.#broken) return false;
    const reason = this.#check(e);
    if (reason) {
      this.#broken = { seq: this.#last.seq + 1, reason };
      if (reason !== 'seq-gap') this.#broken.seq = e.seq;
      return false;
    }
    this.#last = { seq: e.seq, hash: e.hash };
    this.#count++;
    return true;
  }

  #check(e: AuditEntry): ChainBreak | undefined {
    if (e.seq !== this.#last.seq + 1) return 'seq-gap';
    if (e.prevHash !== this.#last.hash) return 'prev-hash-mismatch';
    const { hash, ...body } = e;
    if (hash !== entryHash(body, this.#sha256)) return 'hash-mismatch';
    return undefined;
  }

  /** The verdict; with a head, also detects a removed tail (or rows added without moving the head). */
  finish(head?: AuditHead): ChainVerdict {
    if (this.#broken) return { ok: false, ...this.#broken };
    if (head) {
      const last = this.#last;
      if (last.seq < head.seq) return { ok: false, seq: last.seq + 1, reason: 'truncated' };
      if (last.seq > head.seq) return { ok: false, seq: head.seq + 1, reason: 'beyond-head' };
      if (last.hash !== head.hash) return { ok: false, seq: last.seq, reason: 'head-mismatch' };
    }
    return { ok: true, count: this.#count };
  }
}

/**
 * Verifies a whole chain from seq 1: names the FIRST broken entry (a seq gap names the missing seq), and, given the
 * head kept apart, detects a deleted last row.
 */
export function verifyChain(entries: Iterable<AuditEntry>, head: AuditHead | undefined, sha256: Sha256): ChainVerdict {
  const v = new ChainVerifier(sha256);
  for (const e of entries) if (!v.push(e)) break;
  return v.finish(head);
}

/** Verifies a stored log page by page against its head (a missing head row counts as the genesis head). */
export async function verifyLog(log: AuditLog, sha256: Sha256, pageSize = 1000): Promise<ChainVerdict> {
  const head = (await log.head()) ?? GENESIS_HEAD;
  const v = new ChainVerifier(sha256);
  let after = 0;
  for (;;) {
    const page = await log.list(after, pageSize);
    for (const e of page) if (!v.push(e)) return v.finish(head);
    const last = page.at(-1);
    if (!last || page.length < pageSize) break;
    after = last.seq;
  }
  return v.finish(head);
}
