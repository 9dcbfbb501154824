/** The demo city's generator and the live simulator that feeds a city with readings and reports. */
export { demoCityDef, generateDemoCity } from './demo-city.ts';
export { demoCityInMemory } from './demo-memory.ts';
export { mulberry32 } from './rng.ts';
export { BACKFILL_STEP_MS, createSimulator, type Simulator, type SimulatorDeps } from './simulator.ts';
