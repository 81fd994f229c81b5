/**
 * The simulator's answers in Clari's shapes: JSON bodies, the export API's error envelope (with an
 * errorId), Kong's 404 and 429. Error ids come from the simulator's seeded random source, so a
 * given seed answers the same ids in the same order.
 */
import { randomHex, type Random } from '../core/index.js';
import type { SimResponse } from './types.js';

export const KONG_404 = 'no Route matched with those values';

export function json(status: number, body: unknown): SimResponse {
  return { status, headers: { 'content-type': 'application/json; charset=utf-8' }, body: JSON.stringify(body) };
}

export class Replies {
  constructor(
    private readonly random: Random,
    private readonly orgId: number,
    private readonly retryAfterSeconds: number,
  ) {}

  uuid(): string {
    const h = randomHex(this.random, 32);
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
  }

  exportError(status: number, code: string, namespace: string, message: string): SimResponse {
    return json(status, { code, namespace, errorId: this.uuid(), message, orgId: this.orgId });
  }

  serverError(): SimResponse {
    return this.exportError(500, 'internal_server_error', 'exports', 'An unexpected error occurred.');
  }

  notFound(): SimResponse {
    return json(404, { message: KONG_404, request_id: this.uuid() });
  }

  tooMany(seconds = this.retryAfterSeconds): SimResponse {
    return {
      ...json(429, { message: 'API rate limit exceeded' }),
      headers: {
        'content-type': 'application/json; charset=utf-8',
        'retry-after': String(seconds),
        'x-ratelimit-remaining-second': '0',
      },
    };
  }
}
