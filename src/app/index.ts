export * from './context.js';
export * from './doctor.js';
export * from './logger.js';
export * from './lock.js';
export * from './pipeline.js';
export * from './alerts.js';
export * from './metrics.js';
