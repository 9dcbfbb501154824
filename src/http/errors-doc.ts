import { ERROR_CODES, type ErrorCode } from '../shared/errors.ts';
import { HTTP_STATUS } from './errors.ts';

/** The text of docs/errors.md, made from ERROR_CODES and HTTP_STATUS so that the doc cannot drift from the code. */
export function errorsMarkdown(): string {
  const rows = (Object.keys(ERROR_CODES) as ErrorCode[]).map(
    (code) => `| \`${code}\` | ${HTTP_STATUS[code]} | ${ERROR_CODES[code]} |`,
  );
  return [
    '# Error codes',
    '',
    'Every error gridloop reports carries one of these stable codes. Clients and tests should match on the code, never',
    'on the message. Over HTTP the body is `{"error": {"code", "message", "details"?}}` (Open311 routes answer in the',
    'GeoReport v2 form, `[{"code": status, "description", "error": code}]`). Per-record ingest problems don\'t fail',
    'the request: the record is quarantined with its code, and the answer lists the first 100 problems.',
    '',
    'This file is generated from `src/shared/errors.ts` and `src/http/errors.ts` by `npm run gen:errors`; a test fails',
    'when it is out of date.',
    '',
    '| code | HTTP status | meaning |',
    '|---|---|---|',
    ...rows,
    '',
  ].join('\n');
}
