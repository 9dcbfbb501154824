import { latLngToCell } from 'h3-js';
import type { SensorDef } from '../city/schema.ts';
import type { DemoModel } from './demo-areas.ts';
import { DEMO_SENSOR_COUNTS } from './demo-catalogue.ts';
import { DEMO_RESOLUTION, fromKm, type PlacedCell } from './demo-shape.ts';
import { shuffle, weighted } from './rng.ts';

const PREFIX = { airQuality: 'aq', waterLevel: 'wl', trafficFlow: 'tf', noise: 'ns', wasteContainer: 'wb' } as const;
const RING_ROAD_KM = 5;
const SPOKES = 8;

/** Whether a cell lies on one of the main roads: eight radial roads and a ring road around the Old Town. */
function onMainRoad(c: PlacedCell): boolean {
  const r = Math.hypot(c.x, c.y);
  if (Math.abs(r - RING_ROAD_KM) < 0.2) return true;
  const theta = Math.atan2(c.y, c.x);
  const nearest = Math.round((theta / (2 * Math.PI)) * SPOKES) * ((2 * Math.PI) / SPOKES);
  return r > 0.3 && Math.abs(r * Math.sin(theta - nearest)) < 0.18;
}

/** Distinct cells drawn with weights, without replacement. */
function draw(random: () => number, cells: readonly PlacedCell[], n: number, weight: (c: PlacedCell) => number) {
  const pool = [...cells];
  const out: PlacedCell[] = [];
  while (out.length < n && pool.length > 0) {
    const c = weighted(random, pool, weight);
    out.push(c);
    pool.splice(pool.indexOf(c), 1);
  }
  return out;
}

/** Cells at least `spacing` km apart, for stations that should cover the whole city. */
function spread(random: () => number, cells: readonly PlacedCell[], n: number, spacing: number): PlacedCell[] {
  const out: PlacedCell[] = [];
  for (const c of shuffle(random, [...cells])) {
    if (out.length >= n) break;
    if (out.every((o) => Math.hypot(o.x - c.x, o.y - c.y) >= spacing)) out.push(c);
  }
  return out.length === n ? out : spread(random, cells, n, spacing * 0.8);
}

/**
 * 300 sensors: river gauges spaced along the river, traffic counters on the main roads, noise monitors and waste bins
 * denser towards the centre, air-quality stations spread over the whole city. Each stands a few tens of metres from
 * its cell's centre, rounded to 6 decimals, and always inside its cell.
 */
export function placeSensors(random: () => number, model: DemoModel): SensorDef[] {
  const { cells, river } = model;
  const central = (c: PlacedCell) => Math.exp(-Math.hypot(c.x, c.y) / 5);
  const chosen: Record<keyof typeof PREFIX, PlacedCell[]> = {
    airQuality: spread(random, cells, DEMO_SENSOR_COUNTS.airQuality, 2.2),
    waterLevel: Array.from({ length: DEMO_SENSOR_COUNTS.waterLevel }, (_, i) => {
      const at = Math.floor(((i + 0.5) * river.length) / DEMO_SENSOR_COUNTS.waterLevel);
      return river[at] as PlacedCell;
    }),
    trafficFlow: draw(random, cells.filter(onMainRoad), DEMO_SENSOR_COUNTS.trafficFlow, () => 1),
    noise: draw(random, cells, DEMO_SENSOR_COUNTS.noise, (c) => central(c) + (onMainRoad(c) ? 0.5 : 0)),
    wasteContainer: draw(random, cells, DEMO_SENSOR_COUNTS.wasteContainer, (c) => 0.1 + central(c)),
  };
  const sensors: SensorDef[] = [];
  for (const kind of Object.keys(PREFIX) as (keyof typeof PREFIX)[]) {
    for (const [i, cell] of chosen[kind].entries()) {
      const [lon, lat] = positionIn(random, cell);
      sensors.push({ id: `${PREFIX[kind]}-${String(i + 1).padStart(3, '0')}`, kind, lon, lat });
    }
  }
  return sensors;
}

const round6 = (v: number) => Math.round(v * 1e6) / 1e6;

function positionIn(random: () => number, cell: PlacedCell): [number, number] {
  const angle = random() * 2 * Math.PI;
  const km = random() * 0.04;
  const [lon, lat] = fromKm(cell.x + km * Math.cos(angle), cell.y + km * Math.sin(angle)).map(round6) as [
    number,
    number,
  ];
  if (latLngToCell(lat, lon, DEMO_RESOLUTION) === cell.id) return [lon, lat];
  const [cx, cy] = fromKm(cell.x, cell.y).map(round6) as [number, number];
  return [cx, cy];
}
