export * from './dispatch.js';
export * from './hierarchy.js';
export * from './render.js';
export * from './rules.js';
export * from './types.js';
export * from './channels/index.js';
