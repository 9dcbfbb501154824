import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import type { Team } from '../city/city.ts';
import { tinyCityDef } from '../city/fixtures.ts';
import { resolveCity } from '../city/resolve.ts';
import type { TeamDef } from '../city/schema.ts';
import { localTime, onDuty } from './roster.ts';

/** A resolved team with this roster, through resolveCity so that the test exercises the real parsing. */
function team(roster: TeamDef['roster'], cityHolidays: string[] = []): Team {
  const def = tinyCityDef();
  def.holidays = cityHolidays;
  def.teams = [{ id: 't', name: 'T', areas: ['tiny'], categories: ['pothole'], ...(roster && { roster }) }];
  const city = resolveCity(def);
  assert.ok(city.ok, city.ok ? '' : city.error.message);
  return city.value.teams[0] as Team;
}

const BERLIN = 'Europe/Berlin';
const at = (iso: string) => Date.parse(iso);
const weekdays = { mon: ['07:00-19:00'], tue: ['07:00-19:00'], wed: ['07:00-19:00'], thu: ['07:00-19:00'] };
const crew = team({ hours: { ...weekdays, fri: ['07:00-12:00', '13:00-19:00'], sat: ['08:00-14:00'] } });

describe('onDuty', () => {
  test('a team without a roster is always on duty', () => {
    const t = team(undefined, ['2026-12-25']);
    fc.assert(fc.property(fc.integer({ min: 0, max: 4e12 }), (ms) => onDuty(t, ms, BERLIN)));
  });

  test('weekday spans in local time, half-open: on at the start, off at the end', () => {
    // Monday 2026-03-02; Berlin is UTC+1 in March.
    assert.equal(onDuty(crew, at('2026-03-02T05:59:59Z'), BERLIN), false);
    assert.equal(onDuty(crew, at('2026-03-02T06:00:00Z'), BERLIN), true);
    assert.equal(onDuty(crew, at('2026-03-02T17:59:59Z'), BERLIN), true);
    assert.equal(onDuty(crew, at('2026-03-02T18:00:00Z'), BERLIN), false);
    // Friday lunch break between two spans; Saturday morning only; Sunday off.
    assert.equal(onDuty(crew, at('2026-03-06T11:30:00Z'), BERLIN), false);
    assert.equal(onDuty(crew, at('2026-03-06T12:30:00Z'), BERLIN), true);
    assert.equal(onDuty(crew, at('2026-03-07T08:00:00Z'), BERLIN), true);
    assert.equal(onDuty(crew, at('2026-03-07T13:00:00Z'), BERLIN), false);
    assert.equal(onDuty(crew, at('2026-03-08T10:00:00Z'), BERLIN), false);
  });

  test('00:00-24:00 covers midnight on both sides; a night shift is two spans on two days', () => {
    const desk = team({ hours: { mon: ['00:00-24:00'], tue: ['00:00-24:00'] } });
    assert.equal(onDuty(desk, at('2026-03-02T23:00:00Z'), BERLIN), true); // Tue 00:00 local
    assert.equal(onDuty(desk, at('2026-03-01T23:00:00Z'), BERLIN), true); // Mon 00:00 local
    assert.equal(onDuty(desk, at('2026-03-01T22:59:59Z'), BERLIN), false); // Sun 23:59 local
    const night = team({ hours: { mon: ['22:00-24:00'], tue: ['00:00-06:00'] } });
    assert.equal(onDuty(night, at('2026-03-02T22:30:00Z'), BERLIN), true); // Mon 23:30
    assert.equal(onDuty(night, at('2026-03-03T04:59:00Z'), BERLIN), true); // Tue 05:59
    assert.equal(onDuty(night, at('2026-03-03T05:00:00Z'), BERLIN), false); // Tue 06:00
  });

  test("the city's holidays and the team's own are off all day, unless the team opts out of the city's", () => {
    const hours = { mon: ['00:00-24:00'], thu: ['00:00-24:00'], fri: ['00:00-24:00'] };
    const t = team({ hours, holidays: ['2026-12-28'] }, ['2026-12-25']);
    assert.equal(onDuty(t, at('2026-12-25T12:00:00Z'), BERLIN), false); // Friday, city holiday
    assert.equal(onDuty(t, at('2026-12-28T12:00:00Z'), BERLIN), false); // Monday, own holiday
    assert.equal(onDuty(t, at('2027-01-01T12:00:00Z'), BERLIN), true); // Friday, not listed
    const desk = team({ hours, observeCityHolidays: false }, ['2026-12-25']);
    assert.equal(onDuty(desk, at('2026-12-25T12:00:00Z'), BERLIN), true);
    // The holiday is a local date: 23:30 UTC on the 24th is already the 25th in Berlin.
    assert.equal(onDuty(t, at('2026-12-24T23:30:00Z'), BERLIN), false);
    assert.equal(onDuty(t, at('2026-12-24T22:30:00Z'), BERLIN), true);
  });

  test("the roster's own time zone wins over the city's, across daylight saving time", () => {
    const ny = team({ timezone: 'America/New_York', hours: { ...weekdays, fri: ['07:00-19:00'] } });
    // 12:00 UTC Monday is 07:00 in New York in winter (UTC-5) and 08:00 in summer (UTC-4): on both times.
    assert.equal(onDuty(ny, at('2026-01-05T12:00:00Z'), BERLIN), true);
    assert.equal(onDuty(ny, at('2026-01-05T11:59:00Z'), BERLIN), false);
    assert.equal(onDuty(ny, at('2026-07-06T11:00:00Z'), BERLIN), true);
    assert.equal(onDuty(ny, at('2026-07-06T10:59:00Z'), BERLIN), false);
    // The same roster without its zone reads the city's.
    assert.equal(onDuty(crew, at('2026-01-05T12:00:00Z'), 'America/New_York'), true);
    assert.equal(onDuty(crew, at('2026-01-05T11:59:00Z'), 'America/New_York'), false);
  });

  test('property: in winter (CET, UTC+1) on duty exactly when UTC+1 falls in a span of that weekday', () => {
    const spans: [number, number][][] = [
      [[420, 1140]],
      [[420, 1140]],
      [[420, 1140]],
      [[420, 1140]],
      [
        [420, 720],
        [780, 1140],
      ],
      [[480, 840]],
      [],
    ];
    const winter = fc
      .tuple(
        fc.integer({ min: 2021, max: 2029 }),
        fc.integer({ min: 0, max: 58 * 24 * 60 - 1 }),
        fc.integer({ min: 0, max: 59_999 }),
      )
      .map(([y, minute, ms]) => Date.UTC(y, 0, 1) + minute * 60_000 + ms);
    fc.assert(
      fc.property(winter, (ms) => {
        const local = new Date(ms + 3_600_000);
        const weekday = (local.getUTCDay() + 6) % 7;
        const minute = local.getUTCHours() * 60 + local.getUTCMinutes();
        const expected = (spans[weekday] ?? []).some(([a, b]) => minute >= a && minute < b);
        assert.equal(onDuty(crew, ms, BERLIN), expected);
      }),
      { numRuns: 500 },
    );
  });

  test('localTime gives the weekday, the date and the minute in the zone', () => {
    assert.deepEqual(localTime(at('2026-03-01T23:30:00Z'), BERLIN), { date: '2026-03-02', weekday: 0, minute: 30 });
    assert.deepEqual(localTime(at('2026-03-01T23:30:00Z'), 'UTC'), { date: '2026-03-01', weekday: 6, minute: 1410 });
  });
});
