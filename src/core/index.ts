export * from './clock.js';
export * from './errors.js';
export * from './fake-clock.js';
export * from './hash.js';
export * from './logger.js';
export * from './random.js';
export * from './redact.js';
export * from './checkpoint.js';
