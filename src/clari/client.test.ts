/**
 * Client behaviour under a scripted fetch and a fake clock: headers, retries, Retry-After, the
 * never-retried POST, timeouts, breaker, redirects and redaction. Contract tests against the
 * simulator over real HTTP live in test/contract.
 */
import { describe, expect, it } from 'vitest';
import { FakeClock, Redactor } from '../core/index.js';
import { ClariClient, type ClariClientOptions } from './client.js';
import type { FetchLike } from '../core/index.js';

const KEY = 'sk-live-0123456789abcdef';

interface Call {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: string | null;
}

type Step = Response | Error | ((call: Call, signal: AbortSignal) => Promise<Response> | Response);

function script(steps: Step[]): { fetch: FetchLike; calls: Call[] } {
  const calls: Call[] = [];
  const fetch: FetchLike = (url, init) => {
    const call: Call = {
      url,
      method: init.method ?? 'GET',
      headers: { ...(init.headers as Record<string, string>) },
      body: (init.body as string | null) ?? null,
    };
    calls.push(call);
    const step = steps.shift();
    if (!step) return Promise.reject(new Error('script exhausted'));
    if (step instanceof Error) return Promise.reject(step);
    if (typeof step === 'function') return Promise.resolve(step(call, init.signal!));
    return Promise.resolve(step);
  };
  return { fetch, calls };
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });

const limitsBody = {
  jobs: {
    concurrentLimit: 3,
    monthlyQuota: 1000,
    submittedJobIds: [],
    availableConcurrentLimit: 3,
    availableMonthlyQuota: 1000,
  },
};

function netError(code: string): Error {
  return Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error(code), { code }) });
}

function client(fetch: FetchLike, clock: FakeClock, extra: Partial<ClariClientOptions> = {}): ClariClient {
  return new ClariClient({
    apiKey: KEY,
    baseUrl: 'https://api.clari.test/v4',
    fetch,
    clock,
    random: () => 0.5,
    timeoutMs: 1000,
    retry: { maxAttempts: 4, baseDelayMs: 100, maxDelayMs: 1000, minRetryAfterMs: 250, maxRetryAfterMs: 60_000 },
    breaker: { failureThreshold: 100, cooldownMs: 5000 },
    ...extra,
  });
}

describe('requests', () => {
  it('sends the key in the apikey header only, and export parameters in the JSON body', async () => {
    const clock = new FakeClock();
    const { fetch, calls } = script([json(200, { jobId: '6073683781a6da229df71e00' })]);
    const created = await client(fetch, clock).createExport('net_new_arr', {
      timePeriod: '2026_Q2',
      typesToExport: ['forecast'],
    });
    expect(created.jobId).toBe('6073683781a6da229df71e00');
    const call = calls[0]!;
    expect(call.url).toBe('https://api.clari.test/v4/export/forecast/net_new_arr');
    expect(call.method).toBe('POST');
    expect(call.headers.apikey).toBe(KEY);
    expect(Object.keys(call.headers).filter((h) => h.toLowerCase() === 'authorization')).toEqual([]);
    expect(call.url).not.toContain(KEY);
    expect(JSON.parse(call.body!)).toEqual({ timePeriod: '2026_Q2', typesToExport: ['forecast'] });
    expect(call.headers['content-type']).toBe('application/json');
  });

  it('unwraps wrapped and bare job status, and lists in either shape', async () => {
    const clock = new FakeClock();
    const job = { jobId: 'a1', status: 'DONE', rowsTruncated: false, startTime: 1, endTime: 2 };
    const { fetch } = script([json(200, { job }), json(200, job), json(200, [job]), json(200, { jobs: [job] })]);
    const c = client(fetch, clock);
    expect(await c.getJob('a1')).toMatchObject({ jobId: 'a1', status: 'DONE' });
    expect(await c.getJob('a1')).toMatchObject({ jobId: 'a1', status: 'DONE' });
    expect((await c.listJobs()).map((j) => j.jobId)).toEqual(['a1']);
    expect((await c.listJobs()).map((j) => j.jobId)).toEqual(['a1']);
  });

  it('fills runningJobIds when Clari omits it', async () => {
    const { fetch } = script([json(200, limitsBody)]);
    const limits = await client(fetch, new FakeClock()).getLimits();
    expect(limits.runningJobIds).toEqual([]);
    expect(limits.availableConcurrentLimit).toBe(3);
  });
});

describe('retries', () => {
  it('honours Retry-After in seconds and as an HTTP-date on 429', async () => {
    const clock = new FakeClock(Date.parse('2026-11-23T10:00:00Z'));
    const { fetch, calls } = script([
      json(429, { message: 'API rate limit exceeded' }, { 'retry-after': '3' }),
      json(429, { message: 'API rate limit exceeded' }, { 'retry-after': 'Mon, 23 Nov 2026 10:00:10 GMT' }),
      json(200, limitsBody),
    ]);
    await clock.run(client(fetch, clock).getLimits());
    expect(calls).toHaveLength(3);
    expect(clock.sleeps.filter((ms) => ms !== 1000)).toEqual([3000, 7000]);
  });

  it('turns Retry-After: 0 into a floor, not a hot loop', async () => {
    const clock = new FakeClock();
    const { fetch } = script([
      json(429, {}, { 'retry-after': '0' }),
      json(429, {}, { 'retry-after': '0' }),
      json(200, limitsBody),
    ]);
    await clock.run(client(fetch, clock).getLimits());
    expect(clock.sleeps.filter((ms) => ms !== 1000)).toEqual([250, 250]);
  });

  it('backs off exponentially on 5xx and network errors, then gives up with the last error', async () => {
    const clock = new FakeClock();
    const { fetch, calls } = script([
      json(503, 'down'),
      netError('ECONNRESET'),
      json(500, { code: 'internal_server_error', message: 'x' }),
      json(502, 'bad gateway'),
    ]);
    const error = await clock.run(client(fetch, clock).getJob('a1')).catch((e: unknown) => e);
    expect(calls).toHaveLength(4);
    expect(error).toMatchObject({ code: 'clari.server', status: 502 });
    // random() = 0.5 -> 3/4 of each step: 100, 200, 400
    expect(clock.sleeps.filter((ms) => ms !== 1000)).toEqual([75, 150, 300]);
  });

  it('does not retry input or auth errors', async () => {
    const clock = new FakeClock();
    const { fetch, calls } = script([json(401, { message: 'Invalid authentication credentials' })]);
    await expect(clock.run(client(fetch, clock).getLimits())).rejects.toMatchObject({
      code: 'clari.auth',
      kind: 'auth',
    });
    expect(calls).toHaveLength(1);
  });

  it('never retries the export POST blindly: a 5xx or reset means the outcome is unknown', async () => {
    for (const failure of [json(500, { code: 'internal_server_error', message: 'x' }), netError('ECONNRESET')]) {
      const clock = new FakeClock();
      const { fetch, calls } = script([failure, json(200, { jobId: 'never' })]);
      await expect(clock.run(client(fetch, clock).createExport('f', {}))).rejects.toMatchObject({
        code: 'clari.outcome_unknown',
      });
      expect(calls).toHaveLength(1);
    }
  });

  it('retries the export POST when Clari certainly did not take it: 429 or refused connection', async () => {
    const clock = new FakeClock();
    const { fetch, calls } = script([
      json(429, {}, { 'retry-after': '1' }),
      netError('ECONNREFUSED'),
      json(200, { jobId: 'j1' }),
    ]);
    expect(await clock.run(client(fetch, clock).createExport('f', {}))).toEqual({ jobId: 'j1' });
    expect(calls).toHaveLength(3);
  });

  it('times out a request that hangs, on the injected clock, and retries it', async () => {
    const clock = new FakeClock();
    const hang = (_: Call, signal: AbortSignal) =>
      new Promise<Response>((_, reject) => signal.addEventListener('abort', () => reject(signal.reason)));
    const { fetch, calls } = script([hang, json(200, limitsBody)]);
    const started = clock.now();
    await clock.run(client(fetch, clock).getLimits());
    expect(calls).toHaveLength(2);
    expect(clock.now() - started).toBeGreaterThanOrEqual(1000);
  });

  it('reports a timeout as such when every attempt hangs', async () => {
    const clock = new FakeClock();
    const hang = (_: Call, signal: AbortSignal) =>
      new Promise<Response>((_, reject) => signal.addEventListener('abort', () => reject(signal.reason)));
    const { fetch } = script([hang, hang, hang, hang]);
    await expect(clock.run(client(fetch, clock).getLimits())).rejects.toMatchObject({ code: 'clari.timeout' });
  });
});

describe('circuit breaker', () => {
  it('opens after repeated failures, stops calling Clari, then probes after the cooldown', async () => {
    const clock = new FakeClock();
    const { fetch, calls } = script([json(503, ''), json(503, ''), json(503, ''), json(200, limitsBody)]);
    const c = client(fetch, clock, { breaker: { failureThreshold: 3, cooldownMs: 5000 }, retry: { maxAttempts: 1 } });
    for (let i = 0; i < 3; i++) await expect(c.getLimits()).rejects.toMatchObject({ code: 'clari.server' });
    expect(c.breakerState).toBe('open');
    await expect(c.getLimits()).rejects.toMatchObject({ code: 'clari.circuit_open' });
    expect(calls).toHaveLength(3);
    await clock.advance(5000);
    await expect(c.getLimits()).resolves.toMatchObject({ concurrentLimit: 3 });
    expect(c.breakerState).toBe('closed');
  });

  it('waits out an open circuit inside the retry loop instead of failing a poll', async () => {
    const clock = new FakeClock();
    const at: number[] = [];
    const timed = (response: Response) => () => {
      at.push(clock.now());
      return response;
    };
    const { fetch, calls } = script([timed(json(503, '')), timed(json(503, '')), timed(json(200, limitsBody))]);
    const c = client(fetch, clock, { breaker: { failureThreshold: 2, cooldownMs: 5000 }, retry: { maxAttempts: 5 } });
    await expect(clock.run(c.getLimits())).resolves.toMatchObject({ concurrentLimit: 3 });
    expect(calls).toHaveLength(3);
    // The probe waited for the whole cooldown, not just one backoff step.
    expect(at[2]! - at[1]!).toBe(5000);
  });
});

describe('safety', () => {
  it('refuses redirects so the key never follows one', async () => {
    const clock = new FakeClock();
    const { fetch, calls } = script([
      new Response(null, { status: 302, headers: { location: 'https://evil.example/v4/admin/limits' } }),
    ]);
    await expect(clock.run(client(fetch, clock).getLimits())).rejects.toMatchObject({ code: 'clari.not_found' });
    expect(calls).toHaveLength(1);
  });

  it('masks the key when the server echoes it', async () => {
    const clock = new FakeClock();
    const { fetch } = script([
      json(400, { code: 'bad_request', namespace: 'fcw', message: `bad key ${KEY} in request` }),
    ]);
    const error = (await clock.run(client(fetch, clock).createExport('f', {})).catch((e: unknown) => e)) as Error;
    expect(error.message).not.toContain(KEY);
    expect(error.message).toContain('[REDACTED]');
  });

  it('rejects a base URL that carries credentials, and a missing key', () => {
    const clock = new FakeClock();
    const { fetch } = script([]);
    expect(() => client(fetch, clock, { baseUrl: 'https://user:pw@api.clari.com/v4' })).toThrow(
      /must not carry credentials/,
    );
    expect(() => client(fetch, clock, { apiKey: ' ' })).toThrow(/No Clari API key/);
  });

  it('follows audit nextLink on the same origin only', async () => {
    const clock = new FakeClock();
    const { fetch, calls } = script([
      json(200, {
        items: [{ event: 'a', eventTimestamp: 't' }],
        actors: [],
        nextLink: 'https://api.clari.test/v4/audit/events?cursor=1',
      }),
      json(200, {
        items: [{ event: 'b', eventTimestamp: 't' }],
        actors: [],
        nextLink: 'https://elsewhere.test/v4/audit/events?cursor=2',
      }),
    ]);
    const events: string[] = [];
    const error = await (async () => {
      for await (const page of client(fetch, clock).auditEvents({ limit: 1 }))
        events.push(...page.items.map((i) => i.event));
    })().catch((e: unknown) => e);
    expect(events).toEqual(['a', 'b']);
    expect(error).toMatchObject({ message: expect.stringContaining('another host') });
    expect(calls).toHaveLength(2);
    expect(calls[0]!.url).toBe('https://api.clari.test/v4/audit/events?limit=1');
  });

  it('aborts a download that goes silent', async () => {
    const clock = new FakeClock();
    const stalled = (_: Call, signal: AbortSignal) =>
      new Response(
        new ReadableStream<Uint8Array>({
          start(controller) {
            controller.enqueue(new TextEncoder().encode('{"entries":['));
            signal.addEventListener('abort', () => controller.error(signal.reason));
          },
        }),
        { status: 200, headers: { 'content-type': 'application/json' } },
      );
    const { fetch } = script([stalled]);
    const c = client(fetch, clock, { redactor: new Redactor() });
    const read = (async () => {
      for await (const _part of c.readResults('a1')) void _part;
    })();
    await expect(clock.run(read)).rejects.toMatchObject({ code: 'clari.timeout' });
  });
});

describe('Clari unreachable', () => {
  for (const code of ['ECONNREFUSED', 'ENOTFOUND', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE']) {
    it(`fails fast on ${code} before any response: one quick retry, then clari.unreachable naming the URL`, async () => {
      const clock = new FakeClock();
      const { fetch, calls } = script([netError(code), netError(code), json(200, limitsBody)]);
      const started = clock.now();
      const error = await clock.run(client(fetch, clock).getLimits()).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'clari.unreachable', kind: 'input' });
      expect((error as Error).message).toContain('https://api.clari.test/v4');
      expect((error as { hint: string }).hint).toContain('CLARI_BASE_URL');
      expect(calls).toHaveLength(2);
      expect(clock.now() - started).toBeLessThan(1000);
    });
  }

  it('keeps the patient retries once Clari has answered (a reset or refusal mid-run), and for 5xx', async () => {
    const clock = new FakeClock();
    const { fetch, calls } = script([
      json(503, { code: 'unavailable', message: 'x' }),
      json(200, limitsBody),
      netError('ECONNREFUSED'),
      netError('ECONNREFUSED'),
      netError('ECONNRESET'),
      json(200, limitsBody),
    ]);
    const c = client(fetch, clock);
    await clock.run(c.getLimits());
    expect(calls).toHaveLength(2);
    await clock.run(c.getLimits());
    expect(calls).toHaveLength(6);
  });
});

describe('deal endpoints', () => {
  const opportunity = { id: '006A', crmScore: { score: 40, message: 'ok' }, fields: [] };

  it('GET /opportunity: repeated oppId and mode in the query; the body comes back exactly as sent', async () => {
    const clock = new FakeClock();
    const text = `[ ${JSON.stringify(opportunity)} ]`;
    const { fetch, calls } = script([
      new Response(text, { status: 200, headers: { 'content-type': 'application/json' } }),
    ]);
    const result = await client(fetch, clock).getOpportunityBatch(['006A', '006B']);
    expect(result.text).toBe(text);
    expect(result.opportunities.map((o) => o.id)).toEqual(['006A']);
    const url = new URL(calls[0]!.url);
    expect(url.pathname).toBe('/v4/opportunity');
    expect(url.searchParams.getAll('oppId')).toEqual(['006A', '006B']);
    expect(url.searchParams.get('mode')).toBe('OPPORTUNITY_MODE_ID');
  });

  it("GET /opportunity: Clari's error array sent with a 200 is an error too; a 5xx inside it is retried, a 400 is not", async () => {
    const clock = new FakeClock();
    const array = (statusCode: number, phrase: string) => [
      { statusCode, reaspnPhrase: phrase, description: `${phrase}!`, details: null },
    ];
    const { fetch, calls } = script([
      json(200, array(500, 'Internal Server Error')),
      json(200, [opportunity]),
      json(200, array(400, 'Bad Request')),
    ]);
    const c = client(fetch, clock);
    expect((await clock.run(c.getOpportunityBatch(['006A']))).opportunities).toHaveLength(1);
    expect(calls).toHaveLength(2);
    const error = await clock.run(c.getOpportunityBatch(['006A'])).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'clari.bad_request', kind: 'input', status: 400 });
    expect((error as Error).message).toContain('Bad Request!');
    expect(calls).toHaveLength(3);
  });

  it('POST /export/activity: checked before sending, JSON body, never retried blindly', async () => {
    const clock = new FakeClock();
    const { fetch, calls } = script([
      json(202, { jobId: '6073683781a6da229df71e00' }),
      json(500, { code: 'internal_server_error', namespace: 'exports', message: 'x' }),
    ]);
    const c = client(fetch, clock);
    await expect(
      c.createActivityExport({ activityTypes: ['MEETING'], startDate: '2026-10-01', endDate: '2026-10-02' }),
    ).rejects.toMatchObject({ code: 'clari.bad_request' });
    expect(calls).toHaveLength(0);
    const request = {
      activityTypes: ['MEETING', 'EMAIL_SENT'] as const,
      startDate: '2026-10-01T00:00:00-05:00',
      endDate: '2026-10-02T23:59:59-05:00',
    };
    expect(await c.createActivityExport(request)).toEqual({ jobId: '6073683781a6da229df71e00' });
    expect(calls[0]!.method).toBe('POST');
    expect(JSON.parse(calls[0]!.body!)).toEqual({ ...request, exportFormat: 'JSON' });
    await expect(clock.run(c.createActivityExport(request))).rejects.toMatchObject({ code: 'clari.outcome_unknown' });
    expect(calls).toHaveLength(2);
  });
});
