/**
 * The health and metrics endpoints of a long-running process (`clari-dp schedule`), on the same
 * Hono stack as the dashboard: GET/HEAD /healthz answers the process's own status, /metrics the
 * Prometheus text when the process has a provider; anything else is a JSON 404 or 405.
 */
import { Hono } from 'hono';

export interface StatusSources {
  /** HTTP status and JSON body of /healthz. */
  readonly health: () => { readonly code: number; readonly body: unknown };
  /** Prometheus text exposition; without it /metrics answers 404. */
  readonly metricsText?: (() => Promise<string>) | undefined;
}

const NO_STORE = { 'cache-control': 'no-store' };

export function createStatusApp(sources: StatusSources): Hono {
  const app = new Hono();
  const json = (code: number, body: unknown, headers: Record<string, string> = {}): Response =>
    new Response(`${JSON.stringify(body)}\n`, {
      status: code,
      headers: { 'content-type': 'application/json; charset=utf-8', ...NO_STORE, ...headers },
    });
  app.use('*', async (c, next) => {
    if (c.req.method !== 'GET' && c.req.method !== 'HEAD')
      return json(405, { error: 'method not allowed' }, { allow: 'GET, HEAD' });
    return next();
  });
  app.get('/healthz', () => {
    const h = sources.health();
    return json(h.code, h.body);
  });
  const metricsText = sources.metricsText;
  if (metricsText)
    app.get(
      '/metrics',
      async () =>
        new Response(await metricsText(), {
          headers: { 'content-type': 'text/plain; version=0.0.4; charset=utf-8', ...NO_STORE },
        }),
    );
  app.notFound((c) =>
    json(404, {
      error: c.req.path === '/metrics' ? 'metrics are not available in this version' : 'not found',
      paths: ['/healthz'],
    }),
  );
  app.onError(() => json(500, { error: 'internal error' }));
  return app;
}
