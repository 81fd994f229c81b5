/**
 * Binds the dashboard app to a socket with @hono/node-server: the one server file that touches the
 * network and real timers (architecture.test.ts lists it as shell). Shared by `serve` and
 * `demo --serve`. It refuses to expose the dashboard beyond loopback without a token: forecasts by
 * rep are exactly what must not leak onto an office network.
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { createAdaptorServer } from '@hono/node-server';
import { AppError, UsageError } from '../core/index.js';
import { createServerApp, type ServerDeps } from './app.js';

export interface DashboardOptions extends ServerDeps {
  /** Default 127.0.0.1. */
  readonly host?: string | undefined;
  /** Default 8080; 0 picks a free port. */
  readonly port?: number | undefined;
}

export interface RunningDashboard {
  /** e.g. http://127.0.0.1:8080/ */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  close(): Promise<void>;
}

export const DEFAULT_HOST = '127.0.0.1';
export const DEFAULT_PORT = 8080;
export const MIN_TOKEN_LENGTH = 16;
const TOKEN_HINT =
  'Generate one with `openssl rand -hex 24` and set CLARI_DP_SERVE_TOKEN (a --token flag shows up in `ps`).';

/** True for addresses only this machine can reach: localhost, 127.0.0.0/8, ::1. */
export function isLoopbackHost(host: string): boolean {
  const h = host
    .trim()
    .toLowerCase()
    .replace(/^\[(.*)\]$/, '$1');
  return h === 'localhost' || h === '::1' || /^127(\.\d{1,3}){3}$/.test(h) || /^::ffff:127(\.\d{1,3}){3}$/.test(h);
}

/** The refusals that protect the data: a non-loopback bind needs a token, and a token must be long. */
export function checkExposure(host: string, token: string | undefined): void {
  if (token !== undefined && token.length < MIN_TOKEN_LENGTH) {
    throw new UsageError(
      `The dashboard token is too short (${token.length} characters; at least ${MIN_TOKEN_LENGTH})`,
      TOKEN_HINT,
    );
  }
  if (token === undefined && !isLoopbackHost(host)) {
    throw new UsageError(
      `Refusing to serve the dashboard on ${host} without a token: anyone who can reach that address would see every rep's forecast, quota and pipeline`,
      'Set CLARI_DP_SERVE_TOKEN to a long random value (e.g. `openssl rand -hex 24`) and open the dashboard with it, or keep the default --host 127.0.0.1 and reach it through an SSH tunnel or an authenticating reverse proxy.',
    );
  }
}

function origin(host: string, port: number): string {
  const bare = host.replace(/^\[(.*)\]$/, '$1');
  return `http://${bare.includes(':') ? `[${bare}]` : bare}:${port}`;
}

/** Starts the dashboard; resolves once it listens. */
export async function startDashboard(options: DashboardOptions): Promise<RunningDashboard> {
  const host = options.host ?? DEFAULT_HOST;
  const port = options.port ?? DEFAULT_PORT;
  if (!Number.isInteger(port) || port < 0 || port > 65_535)
    throw new UsageError(`--port must be a whole number from 0 to 65535, got ${port}`);
  const token = options.token === undefined || options.token === '' ? undefined : options.token;
  checkExposure(host, token);
  const running = await serveApp(createServerApp({ ...options, token }), host, port, listenError);
  return { ...running, url: `${running.url}/` };
}

export interface RunningServer {
  /** e.g. http://127.0.0.1:8080, without a trailing slash. */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  close(): Promise<void>;
}

/**
 * Serves a Hono app on host:port with @hono/node-server (the dashboard, the scheduler's health
 * server): bounded timeouts, and a close that finishes requests in flight, drops idle keep-alive
 * sockets at once and anything left after 3 s. `failure` names a listen error for the user.
 */
export async function serveApp(
  app: { fetch: (request: Request) => Response | Promise<Response> },
  host: string,
  port: number,
  failure: (error: NodeJS.ErrnoException, host: string, port: number) => Error,
): Promise<RunningServer> {
  // overrideGlobalObjects: false keeps the process's own Request/Response untouched.
  const server = createAdaptorServer({ fetch: app.fetch, overrideGlobalObjects: false }) as Server;
  server.keepAliveTimeout = 5_000;
  server.headersTimeout = 15_000;
  server.requestTimeout = 60_000;
  await new Promise<void>((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException): void => reject(failure(error, host, port));
    server.once('error', onError);
    server.listen(port, host.replace(/^\[(.*)\]$/, '$1'), () => {
      server.off('error', onError);
      resolve();
    });
  });
  const bound = (server.address() as AddressInfo).port;
  let closing: Promise<void> | undefined;
  return {
    url: origin(host, bound),
    host,
    port: bound,
    close: () =>
      (closing ??= new Promise<void>((resolve) => {
        const force = setTimeout(() => server.closeAllConnections(), 3_000);
        force.unref();
        server.close(() => {
          clearTimeout(force);
          resolve();
        });
        server.closeIdleConnections();
      })),
  };
}

function listenError(error: NodeJS.ErrnoException, host: string, port: number): AppError {
  switch (error.code) {
    case 'EADDRINUSE':
      return new UsageError(
        `Port ${port} on ${host} is already in use`,
        'Stop the other server, or choose another port with --port (0 picks a free one).',
      );
    case 'EACCES':
      return new UsageError(
        `Not allowed to listen on ${host}:${port}`,
        'Ports below 1024 need privileges; use --port 8080 (the default) or another high port.',
      );
    case 'EADDRNOTAVAIL':
    case 'ENOTFOUND':
      return new UsageError(
        `Cannot listen on ${host}: no such address on this machine`,
        "Use --host 127.0.0.1 (the default), or an address of one of this machine's interfaces.",
      );
    default:
      return new AppError(`Cannot start the dashboard on ${host}:${port}: ${error.message}`, {
        code: 'server.listen',
        kind: 'internal',
        cause: error,
      });
  }
}
