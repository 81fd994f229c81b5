export * from './context.js';
export * from './doctor.js';
export * from './logger.js';
