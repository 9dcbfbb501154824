import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { admissionLimits, createAdmission, DEFAULT_ADMISSION } from './backpressure.ts';

describe('createAdmission', () => {
  test('refuses above the request limit and admits again after a release', () => {
    const a = createAdmission({ maxRequests: 2, maxBytes: 1_000 });
    const r1 = a.tryEnter(10);
    const r2 = a.tryEnter(10);
    assert.ok(r1 && r2);
    assert.equal(a.tryEnter(10), undefined);
    r1();
    r1(); // idempotent: a second release frees nothing more
    assert.deepEqual(a.inFlight(), { requests: 1, bytes: 10 });
    assert.ok(a.tryEnter(10));
    assert.equal(a.tryEnter(10), undefined);
  });

  test('refuses above the byte limit, but always admits one request when idle', () => {
    const a = createAdmission({ maxRequests: 10, maxBytes: 100 });
    const big = a.tryEnter(5_000);
    assert.ok(big, 'alone, even a body over the byte limit is admitted');
    assert.equal(a.tryEnter(1), undefined);
    big();
    const r = a.tryEnter(60);
    assert.ok(r);
    assert.equal(a.tryEnter(41), undefined);
    assert.ok(a.tryEnter(40));
  });

  test('in-flight counts never exceed the limits (beyond one lone request) and return to zero', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 1, max: 1_000 }),
        fc.array(fc.oneof(fc.integer({ min: 0, max: 600 }), fc.constant(-1)), { maxLength: 60 }),
        (maxRequests, maxBytes, ops) => {
          const a = createAdmission({ maxRequests, maxBytes });
          const held: (() => void)[] = [];
          for (const op of ops) {
            if (op < 0) held.shift()?.();
            else {
              const r = a.tryEnter(op);
              if (r) held.push(r);
            }
            const f = a.inFlight();
            assert.ok(f.requests <= maxRequests);
            assert.ok(f.requests <= 1 || f.bytes <= maxBytes);
          }
          for (const r of held) r();
          assert.deepEqual(a.inFlight(), { requests: 0, bytes: 0 });
        },
      ),
    );
  });
});

describe('admissionLimits', () => {
  test('options win over the environment, which wins over the defaults', () => {
    assert.deepEqual(admissionLimits({}, {}), DEFAULT_ADMISSION);
    const env = { GRIDLOOP_INGEST_MAX_REQUESTS: '7', GRIDLOOP_INGEST_MAX_BYTES: '1024' };
    assert.deepEqual(admissionLimits({}, env), { maxRequests: 7, maxBytes: 1024 });
    assert.deepEqual(admissionLimits({ maxRequests: 2 }, env), { maxRequests: 2, maxBytes: 1024 });
  });

  test('refuses limits that are not positive integers', () => {
    assert.throws(() => admissionLimits({ maxRequests: 0 }, {}));
    assert.throws(() => admissionLimits({}, { GRIDLOOP_INGEST_MAX_BYTES: 'lots' }));
  });
});
