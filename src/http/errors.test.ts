import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { PROJECT_ROOT } from '../cli/paths.ts';
import { DomainError, ERROR_CODES, type ErrorCode } from '../shared/errors.ts';
import { errorBody, HTTP_STATUS, toDomainError } from './errors.ts';
import { errorsMarkdown } from './errors-doc.ts';

test('every error code has an HTTP status in the 4xx or 5xx range', () => {
  for (const code of Object.keys(ERROR_CODES) as ErrorCode[]) {
    const s = HTTP_STATUS[code];
    assert.ok(s >= 400 && s < 600, `${code} → ${s}`);
  }
  assert.deepEqual(Object.keys(HTTP_STATUS).sort(), Object.keys(ERROR_CODES).sort());
});

test('docs/errors.md lists every code and is up to date (npm run gen:errors)', () => {
  const doc = readFileSync(join(PROJECT_ROOT, 'docs', 'errors.md'), 'utf8');
  for (const code of Object.keys(ERROR_CODES)) assert.ok(doc.includes(`\`${code}\``), `${code} missing`);
  assert.equal(doc, errorsMarkdown(), 'docs/errors.md is stale: run npm run gen:errors');
});

test('unknown errors become INTERNAL and carry no stack or message of the original', () => {
  const e = toDomainError(new Error('SQLITE_CONSTRAINT: UNIQUE failed: secret_table.col'));
  assert.equal(e.code, 'INTERNAL');
  const body = JSON.stringify(errorBody(e));
  assert.doesNotMatch(body, /SQLITE|secret_table|at /);
});

test('a DomainError keeps its code and details', () => {
  const e = toDomainError(new DomainError('CASE_NOT_FOUND', 'No case x.', { id: 'x' }));
  assert.deepEqual(errorBody(e), { error: { code: 'CASE_NOT_FOUND', message: 'No case x.', details: { id: 'x' } } });
});
