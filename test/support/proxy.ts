/**
 * A pass-through HTTP proxy in front of the simulator that can act before a request goes on: stop
 * PostgreSQL when the first export is downloaded, fill the disk, take a lock. It makes "mid-run"
 * deterministic without any hook in the product: the CLI only sees its Clari API, a little slower.
 */
import { createServer, request as httpRequest } from 'node:http';
import { listenLoopback } from './receivers.js';

export interface ProxiedRequest {
  readonly method: string;
  readonly path: string;
}

/** Starts the proxy to `origin`; `before` is awaited before each request is forwarded. Closed by runCleanups. */
export async function startProxy(
  origin: string,
  before: (request: ProxiedRequest) => Promise<void> | void,
): Promise<{ url: string }> {
  const target = new URL(origin);
  const server = createServer((req, res) => {
    void (async () => {
      await before({ method: req.method ?? 'GET', path: req.url ?? '/' });
      const upstream = httpRequest(
        { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
          answer.on('error', () => res.destroy());
        },
      );
      upstream.on('error', () => res.destroy());
      req.pipe(upstream);
    })().catch(() => res.destroy());
  });
  return { url: `http://127.0.0.1:${await listenLoopback(server)}/v4` };
}
