import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { tinyCityDef } from './fixtures.ts';
import { parseCityDef } from './load.ts';

// biome-ignore lint/suspicious/noExplicitAny: the tests break definitions in ways the types forbid
type Mutable = any;

/** The tiny city with one change, as YAML text. */
function yamlWith(change: (def: Mutable) => void): string {
  const def = structuredClone(tinyCityDef()) as Mutable;
  change(def);
  return stringify(def);
}

function expectInvalid(text: string, path: string) {
  const r = parseCityDef(text, 'cities/x/city.yaml');
  assert.equal(r.ok, false);
  if (r.ok) return;
  assert.equal(r.error.code, 'CITY_INVALID');
  assert.equal(r.error.details?.file, 'cities/x/city.yaml');
  assert.equal(r.error.details?.path, path);
  return r.error;
}

describe('parseCityDef', () => {
  test('accepts a valid definition and returns it as data', () => {
    const r = parseCityDef(stringify(tinyCityDef()), 'city.yaml');
    assert.ok(r.ok);
    assert.deepEqual(r.value, tinyCityDef());
  });

  test('a missing deadline names its path', () => {
    expectInvalid(
      yamlWith((d) => delete d.categories[0].deadlines.resolve),
      '/categories/0/deadlines/resolve',
    );
  });

  test('a malformed duration names its path', () => {
    expectInvalid(
      yamlWith((d) => (d.categories[1].deadlines.resolve = '5 days')),
      '/categories/1/deadlines/resolve',
    );
  });

  test('an unknown field is rejected at its path', () => {
    expectInvalid(
      yamlWith((d) => (d.categories[0].colour = 'red')),
      '/categories/0/colour',
    );
  });

  test('a rule is checked against the variant its kind names', () => {
    expectInvalid(
      yamlWith((d) => delete d.rules[0].metric),
      '/rules/0/metric',
    );
    expectInvalid(
      yamlWith((d) => (d.rules[1].atLeast = 0)),
      '/rules/1/atLeast',
    );
    expectInvalid(
      yamlWith((d) => (d.rules[0].kind = 'treshold')),
      '/rules/0/kind',
    );
  });

  test('a bad enum value and a bad geometry type name their paths', () => {
    expectInvalid(
      yamlWith((d) => (d.categories[0].priority = 'asap')),
      '/categories/0/priority',
    );
    expectInvalid(
      yamlWith((d) => (d.areas[3].geometry.type = 'Point')),
      '/areas/3/geometry/type',
    );
  });

  test('the error gives the line of the offending value', () => {
    const text = yamlWith((d) => (d.grid.resolution = 99));
    const line = text.split('\n').findIndex((l) => l.includes('resolution: 99')) + 1;
    const e = expectInvalid(text, '/grid/resolution');
    assert.ok(line > 0);
    assert.equal(e?.details?.line, line);
  });

  test('YAML syntax errors and non-objects are CITY_INVALID', () => {
    const e = expectInvalid('id: [unclosed\nname: x\n', '');
    assert.equal(typeof e?.details?.line, 'number');
    expectInvalid('id: a\nid: b\n', '');
    expectInvalid('- just\n- a list\n', '');
    expectInvalid('', '');
  });

  test('dropping any required field of a category, team or sensor is reported at that field', () => {
    const required = {
      categories: ['code', 'name', 'priority', 'deadlines'],
      teams: ['id', 'name', 'areas', 'categories'],
      sensors: ['id', 'kind', 'lon', 'lat'],
    };
    for (const [list, keys] of Object.entries(required)) {
      for (const key of keys) {
        expectInvalid(
          yamlWith((d) => delete d[list][1][key]),
          `/${list}/1/${key}`,
        );
      }
    }
  });

  test('never throws, whatever the text', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: fc.constantFrom(...'abc:-[]{}*&!|>\'"#\n ') })), (s) => {
        const r = parseCityDef(s, 'f.yaml');
        assert.ok(r.ok || r.error.code === 'CITY_INVALID');
      }),
    );
  });
});
