export * from './detect.js';
export * from './events.js';
export * from './signals.js';
