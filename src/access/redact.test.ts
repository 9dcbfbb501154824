import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { EMAIL_MASK, maskContacts, PHONE_MASK } from './redact.ts';

const digits = (min: number, max: number) =>
  fc.array(fc.integer({ min: 0, max: 9 }), { minLength: min, maxLength: max }).map((d) => d.join(''));
const sep = fc.constantFrom(' ', '-', '.', '/', '');

/** Telephone numbers as people write them: international, with a trunk prefix, and North American. */
const phone = fc.oneof(
  // +49 30 1234567, +44-20-7946-0958, +33 1 23 45 67 89, +49 (0)30 1234567
  fc
    .tuple(fc.integer({ min: 1, max: 999 }), fc.boolean(), fc.array(digits(2, 4), { minLength: 3, maxLength: 4 }))
    .map(([cc, zero, groups]) => `+${cc}${zero ? ' (0)' : ' '}${groups.join(' ')}`),
  fc
    .tuple(fc.integer({ min: 1, max: 999 }), sep, digits(2, 4), digits(5, 8))
    .map(([cc, s, a, b]) => `+${cc}${s === '' ? ' ' : s}${a}${s}${b}`),
  // 030 1234567, 0171-1234567, 0171/123 45 67, (030) 12345678, 0049 30 1234567
  fc
    .tuple(digits(2, 4), fc.constantFrom(' ', '-', '/'), digits(5, 8), fc.boolean())
    .map(([area, s, num, paren]) => (paren ? `(0${area}) ${num}` : `0${area}${s}${num}`)),
  fc.tuple(digits(3, 3), digits(3, 3), digits(2, 2), digits(2, 2)).map(([a, b, c, d]) => `0${a} ${b} ${c} ${d}`),
  // (555) 123-4567, 555-123-4567, 555.123.4567, 1-555-123-4567
  fc
    .tuple(fc.integer({ min: 200, max: 999 }), digits(3, 3), digits(4, 4), fc.constantFrom('(', '-', '.', '1-'))
    .map(([a, b, c, style]) =>
      style === '(' ? `(${a}) ${b}-${c}` : style === '1-' ? `1-${a}-${b}-${c}` : `${a}${style}${b}${style}${c}`,
    ),
);

const word = fc.constantFrom(
  'pothole',
  'near',
  'the',
  'bus stop',
  'call',
  'me',
  'please',
  'Straße',
  'at',
  'on',
  'since',
);
const pad2 = (n: number) => String(n).padStart(2, '0');
/** Numbers that are not contact details and must survive masking. */
const benign = fc.oneof(
  word,
  fc
    .tuple(fc.integer({ min: 1990, max: 2099 }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 28 }))
    .chain(([y, m, d]) =>
      fc.constantFrom(
        `${y}-${pad2(m)}-${pad2(d)}`,
        `${pad2(d)}.${pad2(m)}.${y}`,
        `${m}/${d}/${y}`,
        `${y}-${pad2(m)}-${pad2(d)}T10:30:00Z`,
        `${pad2(d)}.${pad2(m)}.${y} 12:30`,
      ),
    ),
  fc.tuple(fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 })).map(([h, m]) => `${pad2(h)}:${pad2(m)}`),
  fc.tuple(fc.integer({ min: 1, max: 999 }), fc.constantFrom('', 'a', 'b')).map(([n, l]) => `Hauptstraße ${n}${l}`),
  fc.integer({ min: 0, max: 99_999 }).map(String),
  fc
    .tuple(
      fc.double({ min: -90, max: 90, noNaN: true }),
      fc.double({ min: -180, max: 180, noNaN: true }),
      fc.integer({ min: 4, max: 6 }),
      fc.constantFrom(', ', ' '),
    )
    .map(([lat, lon, d, s]) => `${lat.toFixed(d)}${s}${lon.toFixed(d)}`),
);
const joiner = fc.constantFrom(' ', ', ', '; ', ' - ', ': ', '\n');

function join(parts: string[], seps: string[]): string {
  return parts.map((p, i) => (i === 0 ? p : `${seps[i % seps.length] ?? ' '}${p}`)).join('');
}

describe('maskContacts', () => {
  test('examples: e-mail and phone numbers are masked, dates, times and addresses stay', () => {
    assert.equal(
      maskContacts('Call 0171 1234567 or mail jane.doe+city@example.org, thanks'),
      `Call ${PHONE_MASK} or mail ${EMAIL_MASK}, thanks`,
    );
    assert.equal(maskContacts('+49 (0)30 1234567 ab 12:30'), `${PHONE_MASK} ab 12:30`);
    assert.equal(maskContacts('(555) 123-4567.'), `${PHONE_MASK}.`);
    assert.equal(maskContacts('Hauptstraße 12, 10115 Berlin'), 'Hauptstraße 12, 10115 Berlin');
    assert.equal(maskContacts('Nr. 12 0171 1234567'), `Nr. 12 ${PHONE_MASK}`);
    assert.equal(
      maskContacts('seen 2026-11-29 12:45 at 52.520008, 13.404954'),
      'seen 2026-11-29 12:45 at 52.520008, 13.404954',
    );
    assert.equal(maskContacts('since 01.11.2026, 3 holes, dial 112'), 'since 01.11.2026, 3 holes, dial 112');
    assert.equal(maskContacts('0.127600 51.507400'), '0.127600 51.507400');
  });

  test('no generated e-mail address or phone number survives, wherever it sits in the text', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(benign, fc.emailAddress(), phone), { minLength: 1, maxLength: 8 }),
        fc.array(joiner, { minLength: 1, maxLength: 3 }),
        fc.array(fc.emailAddress(), { minLength: 1, maxLength: 2 }),
        fc.array(phone, { minLength: 1, maxLength: 2 }),
        (parts, seps, emails, phones) => {
          const text = join([...parts, ...emails, ...phones], seps);
          const masked = maskContacts(text);
          for (const e of emails) assert.ok(!masked.includes(e), `${e} survived in ${masked}`);
          for (const p of phones) assert.ok(!masked.includes(p), `${p} survived in ${masked}`);
          assert.ok(!/@[A-Za-z0-9-]+\.[A-Za-z]{2,}/.test(masked), masked);
        },
      ),
      { numRuns: 400 },
    );
  });

  test('texts without contact details are unchanged', () => {
    fc.assert(
      fc.property(
        fc.array(benign, { minLength: 1, maxLength: 10 }),
        fc.array(joiner, { minLength: 1, maxLength: 3 }),
        (parts, seps) => {
          const text = join(parts, seps);
          assert.equal(maskContacts(text), text);
        },
      ),
      { numRuns: 500 },
    );
  });
});
