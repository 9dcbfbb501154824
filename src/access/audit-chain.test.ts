import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { nodeSha256 } from '../adapters/node-crypto.ts';
import {
  ChainVerifier,
  canonicalJson,
  chainEntries,
  entryHash,
  GENESIS_HASH,
  GENESIS_HEAD,
  verifyChain,
} from './audit-chain.ts';
import { AUDIT_ACTIONS, type AuditEntry, type AuditInput, type JsonObject } from './audit-types.ts';

const sha = nodeSha256;

const jsonObject = fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 3 }), {
  maxKeys: 5,
}) as fc.Arbitrary<JsonObject>;

const input: fc.Arbitrary<AuditInput> = fc.record({
  at: fc.integer({ min: 0, max: 4_102_444_800_000 }),
  actor: fc.string({ maxLength: 20 }),
  action: fc.constantFrom(...AUDIT_ACTIONS),
  target: fc.string({ maxLength: 20 }),
  details: jsonObject,
});

/** Appends in several batches, as a store would across calls. */
const chainOf = (batches: AuditInput[][]): AuditEntry[] => {
  const all: AuditEntry[] = [];
  for (const b of batches) all.push(...chainEntries(all.at(-1) ?? GENESIS_HEAD, b, sha));
  return all;
};

const headOf = (es: readonly AuditEntry[]) => {
  const last = es.at(-1);
  return last ? { seq: last.seq, hash: last.hash } : GENESIS_HEAD;
};

const FIELDS = ['seq', 'at', 'actor', 'action', 'target', 'details', 'prevHash', 'hash'] as const;

/** A different value for one field of one entry. */
function mutate(e: AuditEntry, field: (typeof FIELDS)[number], salt: number): AuditEntry {
  const flip = (h: string) => (h[0] === 'a' ? 'b' : 'a') + h.slice(1);
  switch (field) {
    case 'seq':
      return { ...e, seq: e.seq + (salt === 0 ? 1 : salt) };
    case 'at':
      return { ...e, at: e.at + 1 };
    case 'details':
      return { ...e, details: { ...e.details, [`k${salt}`]: e.details[`k${salt}`] === 1 ? 2 : 1 } };
    case 'prevHash':
    case 'hash':
      return { ...e, [field]: flip(e[field]) };
    default:
      return { ...e, [field]: `${e[field]}x` };
  }
}

describe('audit chain', () => {
  test('any sequence of appends verifies, with and without the head', () => {
    fc.assert(
      fc.property(fc.array(fc.array(input, { maxLength: 5 }), { maxLength: 5 }), (batches) => {
        const es = chainOf(batches);
        const n = batches.flat().length;
        assert.deepEqual(verifyChain(es, headOf(es), sha), { ok: true, count: n });
        assert.deepEqual(verifyChain(es, undefined, sha), { ok: true, count: n });
        assert.equal(es[0]?.prevHash ?? GENESIS_HASH, GENESIS_HASH);
        assert.deepEqual(
          es.map((e) => e.seq),
          es.map((_, i) => i + 1),
        );
      }),
    );
  });

  test('changing any single field of any entry is detected at that entry', () => {
    fc.assert(
      fc.property(
        fc.array(input, { minLength: 1, maxLength: 8 }),
        fc.nat(),
        fc.constantFrom(...FIELDS),
        fc.integer({ min: -3, max: 3 }),
        (inputs, pick, field, salt) => {
          const es = chainOf([inputs]);
          const k = pick % es.length;
          const target = es[k]!;
          const bad = mutate(target, field, salt);
          fc.pre(canonicalJson(bad) !== canonicalJson(target));
          const tampered = es.map((e, i) => (i === k ? bad : e));
          const v = verifyChain(tampered, headOf(es), sha);
          assert.equal(v.ok, false);
          if (!v.ok) assert.equal(v.seq, target.seq, `${field} of entry ${target.seq}: ${v.reason}`);
        },
      ),
    );
  });

  test('a deleted last entry is detected through the head, and only through it', () => {
    const es = chainOf([[1, 2, 3].map((i) => ({ at: i, actor: 'u', action: 'login', target: 't' }))]);
    const head = headOf(es);
    assert.deepEqual(verifyChain(es.slice(0, 2), head, sha), { ok: false, seq: 3, reason: 'truncated' });
    assert.deepEqual(verifyChain([], head, sha), { ok: false, seq: 1, reason: 'truncated' });
    assert.deepEqual(verifyChain(es.slice(0, 2), undefined, sha), { ok: true, count: 2 });
    assert.deepEqual(verifyChain(es, headOf(es.slice(0, 2)), sha), { ok: false, seq: 3, reason: 'beyond-head' });
    assert.deepEqual(verifyChain(es, { seq: 3, hash: GENESIS_HASH }, sha), {
      ok: false,
      seq: 3,
      reason: 'head-mismatch',
    });
  });

  test('a deleted middle entry names the missing seq', () => {
    const es = chainOf([[1, 2, 3, 4].map((i) => ({ at: i, actor: 'u', action: 'export', target: 't' }))]);
    assert.deepEqual(verifyChain([es[0]!, es[2]!, es[3]!], headOf(es), sha), {
      ok: false,
      seq: 2,
      reason: 'seq-gap',
    });
  });

  test('a rebuilt chain with a forged entry still breaks at the head', () => {
    const es = chainOf([[1, 2].map((i) => ({ at: i, actor: 'u', action: 'contact.read', target: 'r' }))]);
    const forged = chainEntries(
      GENESIS_HEAD,
      [{ at: 1, actor: 'someone-else', action: 'contact.read', target: 'r' }],
      sha,
    );
    const rebuilt = [
      ...forged,
      ...chainEntries(forged[0]!, [{ at: 2, actor: 'u', action: 'contact.read', target: 'r' }], sha),
    ];
    assert.deepEqual(verifyChain(rebuilt, headOf(es), sha), { ok: false, seq: 2, reason: 'head-mismatch' });
  });

  test('the verifier stops at the first break', () => {
    const es = chainOf([[1, 2, 3].map((i) => ({ at: i, actor: 'u', action: 'login', target: 't' }))]);
    const v = new ChainVerifier(sha);
    assert.equal(v.push(es[0]!), true);
    assert.equal(v.push({ ...es[1]!, actor: 'x' }), false);
    assert.equal(v.push(es[2]!), false);
    assert.deepEqual(v.finish(headOf(es)), { ok: false, seq: 2, reason: 'hash-mismatch' });
  });

  test('canonical JSON ignores key order at every depth and survives a JSON round trip', () => {
    fc.assert(
      fc.property(jsonObject, (o) => {
        const reversed = Object.fromEntries(Object.entries(o).reverse());
        assert.equal(canonicalJson(reversed), canonicalJson(o));
        assert.equal(canonicalJson(JSON.parse(canonicalJson(o))), canonicalJson(o));
      }),
    );
    assert.equal(canonicalJson({ b: [1, { d: 1, c: 2 }], a: 'x' }), '{"a":"x","b":[1,{"c":2,"d":1}]}');
  });

  test('the hash covers prevHash and is SHA-256 hex of the canonical body', () => {
    const body = { seq: 1, at: 5, actor: 'a', action: 'login', target: 't', details: {}, prevHash: GENESIS_HASH };
    assert.match(entryHash(body, sha), /^[0-9a-f]{64}$/);
    assert.notEqual(entryHash(body, sha), entryHash({ ...body, prevHash: 'f'.repeat(64) }, sha));
    assert.equal(
      entryHash(body, sha),
      sha(`{"action":"login","actor":"a","at":5,"details":{},"prevHash":"${GENESIS_HASH}","seq":1,"target":"t"}`),
    );
  });
});
