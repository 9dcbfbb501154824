import { cellsToMultiPolygon } from 'h3-js';
import type { AreaGeometry, RosterDef, SensorDef, ZoneDef, ZoneRuleDef } from '../city/schema.ts';
import type { DemoModel } from './demo-areas.ts';
import { fromKm, toKm } from './demo-shape.ts';

export const DEMO_ZONES_FILE = 'zones.geojson';

const round6 = (v: number) => Math.round(v * 1e6) / 1e6;

/** An axis-aligned rectangle of w × h km centred at (x, y) km, as a closed GeoJSON ring. */
function rectangle(x: number, y: number, w: number, h: number): AreaGeometry {
  const corners: [number, number][] = [
    [x - w / 2, y - h / 2],
    [x + w / 2, y - h / 2],
    [x + w / 2, y + h / 2],
    [x - w / 2, y + h / 2],
    [x - w / 2, y - h / 2],
  ];
  return { type: 'Polygon', coordinates: [corners.map(([cx, cy]) => fromKm(cx, cy).map(round6))] };
}

const nearest = <T extends { readonly x: number; readonly y: number }>(cells: readonly T[], x: number, y: number): T =>
  cells.reduce((best, c) => (Math.hypot(c.x - x, c.y - y) < Math.hypot(best.x - x, best.y - y) ? c : best));

/**
 * Priority zones of Riverton: three schools and an underpass smaller than a cell (each tags the cell holding its
 * centroid or the one centre it covers), a hospital campus over a few cells, and the riverbank along every river cell.
 * Schools and the hospital stand beside the air-quality station nearest a fixed point, so that the demo shows
 * tightened thresholds; the underpass is snapped to the ring road's nearest city cell.
 */
export function demoZones(model: DemoModel, sensors: readonly SensorDef[]): ZoneDef[] {
  const stations = sensors
    .filter((s) => s.kind === 'airQuality')
    .map((s) => {
      const [x, y] = toKm(s.lon, s.lat);
      return { id: s.id, x, y };
    });
  const station = (x: number, y: number) => nearest(stations, x, y);
  const school = (id: string, name: string, x: number, y: number): ZoneDef => {
    const c = station(x, y);
    // A school ground of 120 × 80 m around the station.
    return { id, tag: 'school', name, geometry: rectangle(c.x, c.y, 0.12, 0.08) };
  };
  const hospital = station(-1.5, 2.5);
  const underpass = nearest(model.cells, 5, 0);
  const riverbank = cellsToMultiPolygon(
    model.river.map((c) => c.id),
    true,
  ).map((p) => p.map((ring) => ring.map((pt) => pt.map(round6))));
  return [
    school('school-oakfield', 'Oakfield Primary School', 1.5, 2),
    school('school-millbrook', 'Millbrook Grammar School', -3, -1.5),
    school('school-eastgate', 'Eastgate Community School', 4, 3),
    {
      id: 'hospital-st-anne',
      tag: 'hospital',
      name: "St Anne's Hospital",
      geometry: rectangle(hospital.x + 0.1, hospital.y, 0.8, 0.6),
    },
    {
      id: 'underpass-ring-east',
      tag: 'underpass',
      name: 'Ring Road East underpass',
      geometry: rectangle(underpass.x, underpass.y, 0.05, 0.02),
    },
    {
      id: 'riverbank',
      tag: 'riverbank',
      name: 'Riverbank',
      geometry: { type: 'MultiPolygon', coordinates: riverbank },
    },
  ];
}

/**
 * Schools and the hospital: air-quality limits at 80% (WHO-style protection of sensitive sites) and half the time to
 * deal with air pollution and noise. Riverbank: flooding and fallen trees urgent. Underpass: flooding urgent and fast.
 */
export const DEMO_ZONE_RULES: ZoneRuleDef[] = [
  ...['school', 'hospital'].map(
    (tag): ZoneRuleDef => ({
      tag,
      thresholdFactor: 0.8,
      rules: ['pm25-high', 'no2-high'],
      deadlineFactor: 0.5,
      categories: ['air-pollution', 'noise'],
    }),
  ),
  { tag: 'riverbank', priority: 'urgent', categories: ['flooding', 'fallen-tree'] },
  { tag: 'underpass', priority: 'urgent', deadlineFactor: 0.5, categories: ['flooding'] },
];

/** Public holidays of 2026 in Riverton (the German federal ones and Corpus Christi). */
export const DEMO_HOLIDAYS = [
  '2026-01-01',
  '2026-04-03',
  '2026-04-06',
  '2026-05-01',
  '2026-05-14',
  '2026-05-25',
  '2026-06-04',
  '2026-10-03',
  '2026-12-25',
  '2026-12-26',
];

const ALL_DAY = ['00:00-24:00'];

/** Rosters by team: street crews on weekdays and Saturday mornings, cleansing early to late, the desk around the clock. */
export const DEMO_ROSTERS: { readonly streets: RosterDef; readonly cleansing: RosterDef; readonly desk: RosterDef } = {
  streets: {
    hours: {
      mon: ['07:00-19:00'],
      tue: ['07:00-19:00'],
      wed: ['07:00-19:00'],
      thu: ['07:00-19:00'],
      fri: ['07:00-19:00'],
      sat: ['08:00-14:00'],
    },
  },
  cleansing: {
    hours: {
      mon: ['06:00-22:00'],
      tue: ['06:00-22:00'],
      wed: ['06:00-22:00'],
      thu: ['06:00-22:00'],
      fri: ['06:00-22:00'],
      sat: ['06:00-22:00'],
      sun: ['08:00-12:00'],
    },
  },
  desk: {
    hours: { mon: ALL_DAY, tue: ALL_DAY, wed: ALL_DAY, thu: ALL_DAY, fri: ALL_DAY, sat: ALL_DAY, sun: ALL_DAY },
    observeCityHolidays: false,
  },
};

/** The zones as a GeoJSON FeatureCollection, one feature per line. */
export function zonesToGeoJson(zones: readonly ZoneDef[]): string {
  const lines = zones.map((z) =>
    JSON.stringify({ type: 'Feature', properties: { id: z.id, tag: z.tag, name: z.name }, geometry: z.geometry }),
  );
  return `{"type":"FeatureCollection","features":[\n${lines.join(',\n')}\n]}\n`;
}
