export * from './job-state.js';
export * from './landing.js';
export * from './load.js';
export * from './plan.js';
export * from './rebuild.js';
export * from './retention.js';
export * from './run.js';
export * from './transform.js';
