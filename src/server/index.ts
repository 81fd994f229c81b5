/**
 * The dashboard server: the Hono app (page, JSON API, /healthz, /metrics), its rendering and charts,
 * and `startDashboard`, which `serve` and `demo --serve` share.
 */
export * from './app.js';
export * from './charts.js';
export * from './format.js';
export * from './http.js';
export * from './page.js';
export * from './status.js';
