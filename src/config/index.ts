export * from './alerts-schema.js';
export * from './load.js';
export * from './schema.js';
export * from './show.js';
