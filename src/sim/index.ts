export { FAULT_KINDS, type FaultKind } from './faults.js';
export { startSimulator, type RunningSimulator, type SimServerOptions } from './server.js';
export { Simulator, type SimulatorOptions } from './simulator.js';
export { FORECAST_IDS, Tenant } from './tenant.js';
