import { cellsToMultiPolygon, cellToLatLng, gridDisk, latLngToCell } from 'h3-js';
import type { AreaGeometry, CityDef } from './schema.ts';

/** Centre of the tiny test city: open country in a fictional place, nowhere real. */
export const TINY_CENTRE = { lon: 10, lat: 50 } as const;

/**
 * The cells of each community of the tiny city: a disk of 127 res-9 cells cut into three sectors by the bearing of
 * each cell's centre, so that the communities tile the disk exactly.
 */
export function tinyCommunityCells(): Record<'c1' | 'c2' | 'c3', string[]> {
  const centre = latLngToCell(TINY_CENTRE.lat, TINY_CENTRE.lon, 9);
  const out = { c1: [] as string[], c2: [] as string[], c3: [] as string[] };
  for (const cell of gridDisk(centre, 6)) {
    const [lat, lon] = cellToLatLng(cell);
    const angle = Math.atan2(lat - TINY_CENTRE.lat, lon - TINY_CENTRE.lon);
    const key = angle < -Math.PI / 3 ? 'c1' : angle < Math.PI / 3 ? 'c2' : 'c3';
    out[key].push(cell);
  }
  return out;
}

const geometryOf = (cells: string[]): AreaGeometry => ({
  type: 'MultiPolygon',
  coordinates: cellsToMultiPolygon(cells, true),
});

/** A small but complete city definition for tests: 3 levels, 3 communities, 2 categories, 2 teams, 3 sensors, 2 rules. */
export function tinyCityDef(): CityDef {
  const cells = tinyCommunityCells();
  return {
    id: 'tiny',
    name: 'Tiny Town',
    timezone: 'Europe/Berlin',
    grid: { kind: 'h3', resolution: 9 },
    levels: ['city', 'district', 'community'],
    areas: [
      { id: 'tiny', name: 'Tiny Town', level: 'city' },
      { id: 'd1', name: 'North', level: 'district', parent: 'tiny' },
      { id: 'd2', name: 'South', level: 'district', parent: 'tiny' },
      { id: 'c1', name: 'Mill', level: 'community', parent: 'd1', geometry: geometryOf(cells.c1) },
      { id: 'c2', name: 'Ford', level: 'community', parent: 'd1', geometry: geometryOf(cells.c2) },
      { id: 'c3', name: 'Heath', level: 'community', parent: 'd2', geometry: geometryOf(cells.c3) },
    ],
    categories: [
      {
        code: 'pothole',
        name: 'Pothole',
        priority: 'normal',
        deadlines: { register: '4h', dispatch: '4h', start: '2d', resolve: '5d', verify: '1d', close: 60 },
      },
      {
        code: 'air-pollution',
        name: 'Air pollution',
        priority: 'high',
        deadlines: { register: '30m', dispatch: '30m', start: '2h', resolve: '1d', verify: '1d', close: '1d' },
      },
    ],
    teams: [
      { id: 'roads-north', name: 'Roads North', areas: ['d1'], categories: ['pothole'] },
      { id: 'city-desk', name: 'City Desk', areas: ['tiny'], categories: ['pothole', 'air-pollution'] },
    ],
    sensorKinds: [
      { kind: 'airQuality', name: 'Air quality', metrics: [{ name: 'pm25', unit: 'µg/m3', min: 0, max: 1000 }] },
      { kind: 'noise', name: 'Noise', metrics: [{ name: 'LAeq', unit: 'dBA', min: 20, max: 140 }] },
    ],
    sensors: [
      { id: 'aq-1', kind: 'airQuality', lon: 10, lat: 50 },
      { id: 'aq-2', kind: 'airQuality', lon: 10.005, lat: 50.005 },
      { id: 'ns-1', kind: 'noise', lon: 9.995, lat: 49.997 },
    ],
    rules: [
      {
        id: 'pm25-high',
        kind: 'threshold',
        name: 'PM2.5 high',
        metric: 'pm25',
        op: '>',
        value: 75,
        for: '30m',
        clearAt: 50,
        severity: 'warning',
        openCase: { category: 'air-pollution' },
      },
      {
        id: 'pothole-cluster',
        kind: 'count',
        name: 'Pothole cluster',
        category: 'pothole',
        atLeast: 3,
        within: '7d',
        severity: 'warning',
      },
    ],
  };
}
