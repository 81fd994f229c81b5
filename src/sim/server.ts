/**
 * Serves a Simulator over real HTTP on loopback (design.md section 6). Bodies are written chunk by
 * chunk with backpressure, so a million-entry export streams; connection resets and cut-off bodies
 * are real socket events, as a client would meet them.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Simulator, type SimulatorOptions, type SimResponse } from './simulator.js';

export interface SimServerOptions extends SimulatorOptions {
  /** 0 picks a free port. Default 0. */
  readonly port?: number | undefined;
  /** Default 127.0.0.1. */
  readonly host?: string | undefined;
}

export interface RunningSimulator {
  /** Base URL of the API, e.g. http://127.0.0.1:41234/v4. */
  readonly url: string;
  /** Origin, for /__sim/ control calls. */
  readonly origin: string;
  readonly port: number;
  readonly simulator: Simulator;
  close(): Promise<void>;
}

const MAX_BODY = 1024 * 1024;

export async function startSimulator(options: SimServerOptions): Promise<RunningSimulator> {
  const simulator = new Simulator(options);
  const host = options.host ?? '127.0.0.1';
  const server = createServer((req, res) => {
    serve(simulator, options, req, res).catch(() => {
      if (!res.headersSent) {
        res.statusCode = 500;
        res.end('{"message":"simulator error"}');
      } else res.destroy();
    });
  });
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const origin = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  return {
    url: `${origin}/v4`,
    origin,
    port,
    simulator,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function serve(
  simulator: Simulator,
  options: SimServerOptions,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const body = await readBody(req);
  if (body === undefined) {
    res.statusCode = 413;
    res.end('{"message":"Request body too large"}');
    return;
  }
  const host = req.headers.host ?? `127.0.0.1`;
  const url = new URL(req.url ?? '/', `http://${host}`);
  const headers: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(req.headers)) headers[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
  const response = simulator.handle({
    method: req.method ?? 'GET',
    path: url.pathname,
    query: url.searchParams,
    headers,
    body,
    origin: `http://${host}`,
  });
  if (response.delayMs) await options.clock.sleep(response.delayMs);
  await write(simulator, res, response);
}

function readBody(req: IncomingMessage): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY) chunks.push(chunk);
    });
    req.on('end', () => resolve(size > MAX_BODY ? undefined : Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

async function write(simulator: Simulator, res: ServerResponse, response: SimResponse): Promise<void> {
  if (response.fault === 'reset') {
    res.socket?.destroy();
    return;
  }
  res.statusCode = response.status;
  // The Date header tells the tenant's (virtual) time, consistent with job timestamps.
  res.setHeader('date', new Date(simulator.now()).toUTCString());
  for (const [k, v] of Object.entries(response.headers ?? {})) res.setHeader(k, v);
  const body = response.body ?? '';
  if (typeof body === 'string') {
    if (response.fault === 'truncate') {
      res.write(body.slice(0, Math.floor(body.length / 2)));
      res.destroy();
      return;
    }
    res.setHeader('content-length', Buffer.byteLength(body));
    res.end(body);
    return;
  }
  let written = 0;
  for (const chunk of body) {
    if (response.fault === 'truncate' && written > 0) {
      // Cut off after the first chunk: the client sees a body that ends mid-document.
      res.destroy();
      return;
    }
    const text = response.fault === 'truncate' ? chunk.slice(0, Math.max(1, Math.floor(chunk.length * 0.6))) : chunk;
    written++;
    if (!res.write(text)) await new Promise<void>((resolve) => res.once('drain', resolve));
    if (res.destroyed) return;
  }
  if (response.fault === 'truncate') {
    res.destroy();
    return;
  }
  res.end();
}
