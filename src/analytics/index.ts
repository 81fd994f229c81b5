export * from './migrations.js';
export * from './queries.js';
export * from './deals.js';
export * from './filters.js';
