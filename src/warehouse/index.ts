export * from './dialect.js';
export * from './errors.js';
export * from './migrations.js';
export * from './registry.js';
export * from './schema.js';
export * from './types.js';
export * from './url.js';
export * from './values.js';
