import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { checkMapping, createMapper, isoUtc, localToUtc, parseLatLon, timeParser } from './mapping.ts';

describe('timeParser', () => {
  test('reads zone-less local times in the stated IANA zone, across DST', () => {
    const iso = timeParser('YYYY-MM-DD HH:mm:ss', 'America/Los_Angeles');
    assert.equal(iso('2020-01-01 00:05:00'), '2020-01-01T08:05:00.000Z');
    assert.equal(iso('2020-07-01 12:00:00'), '2020-07-01T19:00:00.000Z');
    // Clocks go back on 2020-11-01 at 02:00 PDT: 01:30 happens twice, the earlier instant is taken.
    assert.equal(iso('2020-11-01 01:30:00'), '2020-11-01T08:30:00.000Z');
    // Clocks go forward on 2020-03-08 at 02:00 PST: 02:30 does not exist and lands after the gap.
    assert.equal(iso('2020-03-08 02:30:00'), '2020-03-08T10:30:00.000Z');
    const us = timeParser('MM/DD/YYYY hh:mm:ss A', 'America/Los_Angeles');
    assert.equal(us('12/31/2018 11:55:30 PM'), '2019-01-01T07:55:30.000Z');
    assert.equal(us('12/31/2018 12:05:00 AM'), '2018-12-31T08:05:00.000Z');
    assert.equal(us('12/31/2018 12:05:00 PM'), '2018-12-31T20:05:00.000Z');
    // A value that does not match is handed on unchanged, for the validator to refuse.
    assert.equal(us('13/45/2018 11:55:30 PM'), '13/45/2018 11:55:30 PM');
    assert.equal(us('02/30/2019 01:00:00 AM'), '02/30/2019 01:00:00 AM');
    assert.equal(us('yesterday'), 'yesterday');
  });

  test('default: ISO with a zone passes; zone-less ISO is local', () => {
    const p = timeParser(undefined, 'Europe/Berlin');
    assert.equal(p('2024-01-01T10:00:00Z'), '2024-01-01T10:00:00Z');
    assert.equal(p('2024-01-01 10:00:00'), '2024-01-01T09:00:00.000Z');
  });

  test('property: local → UTC round-trips through Intl for every wall time that exists', () => {
    const toUtc = localToUtc('America/Los_Angeles');
    const fmt = new Intl.DateTimeFormat('en-CA', {
      timeZone: 'America/Los_Angeles',
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(1990, 0, 1), max: Date.UTC(2040, 0, 1) }), (t0) => {
        const t = t0 - (t0 % 1000);
        const p = Object.fromEntries(fmt.formatToParts(t).map((x) => [x.type, Number(x.value)]));
        const back = toUtc(p.year!, p.month!, p.day!, p.hour!, p.minute!, p.second!, 0);
        // In the repeated hour the earlier instant comes back, which is at most an hour before.
        assert.ok(
          back === t || back === t - 3_600_000,
          `${new Date(t).toISOString()} → ${new Date(back).toISOString()}`,
        );
      }),
      { numRuns: 2000 },
    );
  });
});

test('isoUtc writes what Date#toISOString writes', () => {
  fc.assert(
    fc.property(fc.integer({ min: Date.UTC(0, 0, 1) - 1900 * 365 * 86_400_000, max: Date.UTC(9999, 11, 31) }), (ms) => {
      assert.equal(isoUtc(ms), new Date(ms).toISOString());
    }),
    { numRuns: 5000 },
  );
});

describe('createMapper', () => {
  test('maps a 311 row to a ReportInput, with a location column when lat/lon are empty', () => {
    const m = createMapper({
      kind: 'reports',
      columns: {
        id: 'SR',
        service_code: 'Type',
        requested_datetime: 'Created',
        closed_datetime: 'Closed',
        lat: 'Lat',
        long: 'Lon',
        location: 'Loc',
        description: ['Type', 'Status'],
        address_string: 'Addr',
      },
      services: { 'Bulky Items': 'bulky-items' },
      fallbackService: 'general',
      timestampFormat: 'MM/DD/YYYY hh:mm:ss A',
      timezone: 'America/Los_Angeles',
    });
    const row: Record<string, string> = {
      SR: '1-1',
      Type: 'Bulky Items',
      Created: '12/31/2018 11:55:30 PM',
      Closed: '12/30/2018 01:00:00 PM',
      Lat: '',
      Lon: '',
      Loc: '(34.24, -118.53)',
      Status: 'Closed',
      Addr: '',
    };
    const out = m((c) => row[c] ?? '');
    assert.deepEqual(out, {
      record: {
        id: '1-1',
        service_code: 'bulky-items',
        requested_datetime: '2019-01-01T07:55:30.000Z',
        lat: 34.24,
        long: -118.53,
        description: 'Type: Bulky Items; Status: Closed',
      },
      warning: 'CLOSED_BEFORE_CREATED',
    });
    row.Type = 'Feedback';
    row.Loc = '';
    row.Closed = '';
    assert.deepEqual(
      m((c) => row[c] ?? ''),
      {
        record: {
          id: '1-1',
          service_code: 'general',
          requested_datetime: '2019-01-01T07:55:30.000Z',
          description: 'Type: Feedback; Status: Closed',
        },
      },
    );
  });

  test('maps readings, with constants and numeric values', () => {
    const m = createMapper({
      kind: 'readings',
      columns: { ts: 't', value: 'v' },
      constants: { sensor: 's1', metric: 'pm25' },
    });
    assert.deepEqual(
      m((c) => ({ t: '2024-01-01T00:00:00Z', v: '12.5' })[c] ?? ''),
      {
        record: { sensor: 's1', metric: 'pm25', value: 12.5, ts: '2024-01-01T00:00:00Z' },
      },
    );
    assert.deepEqual(m((c) => ({ t: 'x', v: 'NA' })[c] ?? '').record.value, 'NA');
  });

  test('checkMapping refuses unknown fields, zones and formats', () => {
    assert.equal(checkMapping({ kind: 'reports', columns: { id: 'a' } }), undefined);
    assert.match(checkMapping({ kind: 'readings', columns: { lat: 'a' } }) ?? '', /unknown target field/);
    assert.match(checkMapping({ kind: 'reports', columns: {}, timezone: 'Mars/Olympus' }) ?? '', /time zone/);
    assert.match(checkMapping({ kind: 'reports', columns: {}, timestampFormat: 'hh:mm' }) ?? '', /lacks/);
  });

  test('parseLatLon', () => {
    assert.deepEqual(parseLatLon('(34.1, -118.2)'), { lat: 34.1, lon: -118.2 });
    assert.deepEqual(parseLatLon(' 34 , -118 '), { lat: 34, lon: -118 });
    assert.equal(parseLatLon('(0.0, 0.0)'), undefined);
    assert.equal(parseLatLon('somewhere'), undefined);
    assert.equal(parseLatLon(''), undefined);
  });
});
