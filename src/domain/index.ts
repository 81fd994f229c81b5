export * from './calendar.js';
export * from './dates.js';
