export * from './calendar.js';
export * from './dates.js';
export * from './export-types.js';
