import type { CategoryDef, RuleDef, SensorKindDef } from '../city/schema.ts';

type Deadlines = CategoryDef['deadlines'];
const d = (
  register: string,
  dispatch: string,
  start: string,
  resolve: string,
  verify: string,
  close: string,
): Deadlines => ({
  register,
  dispatch,
  start,
  resolve,
  verify,
  close,
});

/**
 * The demo city's service categories. Deadlines follow common municipal practice: hazards (flooding, fallen trees,
 * broken signals) are made safe within hours, routine street repairs within days, cosmetic work within a week or two.
 */
export const DEMO_CATEGORIES: CategoryDef[] = [
  {
    code: 'pothole',
    name: 'Pothole',
    group: 'Streets',
    priority: 'normal',
    deadlines: d('4h', '4h', '2d', '5d', '1d', '1d'),
  },
  {
    code: 'streetlight-out',
    name: 'Street light out',
    group: 'Streets',
    priority: 'normal',
    deadlines: d('4h', '4h', '1d', '3d', '1d', '1d'),
  },
  {
    code: 'traffic-signal',
    name: 'Traffic signal fault',
    group: 'Streets',
    priority: 'high',
    deadlines: d('30m', '30m', '2h', '8h', '1d', '1d'),
  },
  {
    code: 'illegal-dumping',
    name: 'Illegal dumping',
    group: 'Cleansing',
    priority: 'normal',
    deadlines: d('4h', '4h', '1d', '2d', '1d', '1d'),
  },
  {
    code: 'graffiti',
    name: 'Graffiti',
    group: 'Cleansing',
    priority: 'low',
    deadlines: d('1d', '1d', '3d', '10d', '2d', '2d'),
  },
  {
    code: 'bin-overflow',
    name: 'Overflowing bin',
    group: 'Cleansing',
    priority: 'normal',
    deadlines: d('2h', '2h', '4h', '12h', '1d', '1d'),
  },
  {
    code: 'air-pollution',
    name: 'Air pollution',
    group: 'Environment',
    priority: 'high',
    deadlines: d('30m', '30m', '2h', '1d', '1d', '1d'),
  },
  {
    code: 'noise',
    name: 'Noise nuisance',
    group: 'Environment',
    priority: 'normal',
    deadlines: d('1h', '1h', '2h', '12h', '1d', '1d'),
  },
  {
    code: 'flooding',
    name: 'Flooding',
    group: 'Water',
    priority: 'urgent',
    deadlines: d('15m', '15m', '30m', '6h', '4h', '1d'),
  },
  {
    code: 'fallen-tree',
    name: 'Fallen tree or branch',
    group: 'Green spaces',
    priority: 'high',
    deadlines: d('30m', '30m', '2h', '12h', '1d', '1d'),
  },
];

/** Sensor kinds with FIWARE Smart Data Models metric names, units and physically possible ranges. */
export const DEMO_SENSOR_KINDS: SensorKindDef[] = [
  {
    kind: 'airQuality',
    name: 'Air quality station',
    metrics: [
      { name: 'pm25', unit: 'µg/m3', min: 0, max: 1000 },
      { name: 'no2', unit: 'µg/m3', min: 0, max: 2000 },
    ],
  },
  { kind: 'waterLevel', name: 'River gauge', metrics: [{ name: 'waterLevel', unit: 'm', min: 0, max: 10 }] },
  {
    kind: 'trafficFlow',
    name: 'Traffic counter',
    metrics: [{ name: 'intensity', unit: 'vehicles/h', min: 0, max: 10000 }],
  },
  { kind: 'noise', name: 'Noise monitor', metrics: [{ name: 'LAeq', unit: 'dBA', min: 20, max: 140 }] },
  {
    kind: 'wasteContainer',
    name: 'Waste bin fill sensor',
    metrics: [{ name: 'fillingLevel', unit: 'ratio', min: 0, max: 1 }],
  },
];

/** How many sensors of each kind the demo city has (300 in all). */
export const DEMO_SENSOR_COUNTS = {
  airQuality: 50,
  waterLevel: 25,
  trafficFlow: 90,
  noise: 60,
  wasteContainer: 75,
} as const;

/**
 * Rules. Thresholds are set near public limits: PM2.5 75 µg/m3 (China's GB 3095 24-hour grade II limit), NO2 200
 * µg/m3 (the EU and WHO one-hour limit), 85 dBA (a common nuisance level), and a river level well above normal.
 */
export const DEMO_RULES: RuleDef[] = [
  {
    id: 'pm25-high',
    kind: 'threshold',
    name: 'PM2.5 above 75 µg/m3 for 30 minutes',
    metric: 'pm25',
    op: '>',
    value: 75,
    for: '30m',
    clearAt: 50,
    severity: 'warning',
    openCase: { category: 'air-pollution' },
  },
  {
    id: 'no2-high',
    kind: 'threshold',
    name: 'NO2 above 200 µg/m3 for an hour',
    metric: 'no2',
    op: '>',
    value: 200,
    for: '1h',
    clearAt: 150,
    severity: 'warning',
    openCase: { category: 'air-pollution' },
  },
  {
    id: 'river-high',
    kind: 'threshold',
    name: 'River above 2.5 m for 10 minutes',
    metric: 'waterLevel',
    op: '>',
    value: 2.5,
    for: '10m',
    clearAt: 2.2,
    severity: 'critical',
    openCase: { category: 'flooding' },
  },
  {
    id: 'noise-loud',
    kind: 'threshold',
    name: 'Noise above 85 dBA for 15 minutes',
    metric: 'LAeq',
    op: '>',
    value: 85,
    for: '15m',
    clearAt: 80,
    severity: 'warning',
    openCase: { category: 'noise' },
  },
  {
    id: 'bin-full',
    kind: 'threshold',
    name: 'Bin at least 90% full for 30 minutes',
    metric: 'fillingLevel',
    op: '>=',
    value: 0.9,
    for: '30m',
    clearAt: 0.6,
    severity: 'info',
    openCase: { category: 'bin-overflow' },
  },
  {
    id: 'traffic-surge',
    kind: 'threshold',
    name: 'Traffic above 2,000 vehicles/h for 20 minutes',
    metric: 'intensity',
    op: '>',
    value: 2000,
    for: '20m',
    clearAt: 1600,
    severity: 'info',
  },
  {
    id: 'dumping-cluster',
    kind: 'count',
    name: 'Three or more dumping reports in a cell within a day',
    category: 'illegal-dumping',
    atLeast: 3,
    within: '24h',
    severity: 'warning',
    openCase: { category: 'illegal-dumping' },
  },
  {
    id: 'pothole-cluster',
    kind: 'count',
    name: 'Three or more pothole reports in a cell within a week',
    category: 'pothole',
    atLeast: 3,
    within: '7d',
    severity: 'warning',
    openCase: { category: 'pothole' },
  },
];
