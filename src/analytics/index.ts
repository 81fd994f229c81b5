export * from './migrations.js';
export * from './queries.js';
