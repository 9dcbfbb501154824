/**
 * What citizens write, by service code: short, plausible, and free of personal data (no names, phone numbers or
 * plates), as the charter requires of everything the simulator produces.
 */
export const REPORT_TEXTS: Record<string, readonly string[]> = {
  pothole: [
    'Deep pothole in the right-hand lane, cars swerving around it.',
    'Several potholes after the frost, one is about 30 cm wide.',
    'Pothole next to the bus stop, water collects in it when it rains.',
    'Road surface breaking up at the junction.',
    'Pothole on the cycle lane, dangerous at night.',
  ],
  'streetlight-out': [
    'Street light out, the path is completely dark.',
    'Two lamps in a row not working since last week.',
    'Street light flickering on and off all night.',
    'Lamp post light out near the pedestrian crossing.',
  ],
  'traffic-signal': [
    'Traffic lights stuck on red in all directions.',
    'Pedestrian signal not changing, button does nothing.',
    'Signal head turned by the wind, drivers cannot see it.',
    'Traffic lights flashing amber only.',
  ],
  'illegal-dumping': [
    'Mattress and furniture dumped on the verge.',
    'Bags of building rubble left by the recycling point.',
    'Old tyres dumped behind the playground.',
    'Fridge left on the pavement for days.',
    'Pile of household rubbish next to the path.',
  ],
  graffiti: [
    'Graffiti sprayed on the underpass wall.',
    'New tags on the bus shelter.',
    'Offensive graffiti on the school fence.',
    'Graffiti on the bridge railing.',
  ],
  'bin-overflow': [
    'Public bin overflowing, litter blowing around.',
    'Bins by the park entrance full, bags left beside them.',
    'Litter bin not emptied, attracting birds.',
  ],
  'air-pollution': [
    'Strong smell of smoke in the street this evening.',
    'Thick exhaust fumes at the junction, hard to breathe.',
    'Burning smell coming from the allotments.',
  ],
  noise: [
    'Loud music late at night from the square.',
    'Construction noise starting before 6 am.',
    'Generator running all night on the building site.',
    'Alarm ringing for hours without stopping.',
  ],
  flooding: [
    'Water over the road by the river, cars struggling to pass.',
    'Drain blocked, street flooded after the rain.',
    'River path under water near the footbridge.',
    'Basement entrances flooding on the low side of the street.',
  ],
  'fallen-tree': [
    'Large branch fallen across the footpath.',
    'Tree down after the storm, blocking one lane.',
    'Split tree leaning over the road, looks unsafe.',
  ],
};

/** A fallback for categories the simulator has no texts for. */
export const GENERIC_TEXTS: readonly string[] = ['Problem reported at this location.', 'Please have a look at this.'];

/** How common each category is among reports (relative weights, roughly as in municipal 311 data). */
export const REPORT_WEIGHTS: Record<string, number> = {
  pothole: 20,
  'streetlight-out': 14,
  'illegal-dumping': 15,
  graffiti: 12,
  'bin-overflow': 10,
  noise: 9,
  'traffic-signal': 5,
  'fallen-tree': 5,
  flooding: 3,
  'air-pollution': 3,
};

const STREET_NAMES = ['Mill', 'Station', 'Church', 'River', 'Bridge', 'Market', 'School', 'Garden', 'Linden', 'Meadow'];
const STREET_KINDS = ['Street', 'Road', 'Lane', 'Way', 'Walk', 'Row'];

/** A made-up street address in a community, such as "Bridge Lane 14, Oakfield". */
export function fakeAddress(random: () => number, community: string): string {
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)] as T;
  return `${pick(STREET_NAMES)} ${pick(STREET_KINDS)} ${1 + Math.floor(random() * 80)}, ${community}`;
}
