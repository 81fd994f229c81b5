/**
 * The alert channels against real receivers on loopback: an smtp-server for e-mail and a node:http
 * server playing Slack or a webhook receiver. No mocks: the clock is the only stand-in, and it only
 * records the waits the retry logic asks for (resolving at once), so the schedule is asserted exactly.
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  createConsoleChannel,
  createEmailChannel,
  createSlackChannel,
  createWebhookChannel,
  type SlackBlock,
  type SlackMessage,
} from '../../src/alerts/channels/index.js';
import type { Alert, DeliveryContext } from '../../src/alerts/types.js';
import { type Clock, isAppError, seededRandom } from '../../src/core/index.js';
import { closedPort, parseMail, recordingClock, runCleanups, startHttp, startSmtp } from '../support/receivers.js';

const CONTEXT: DeliveryContext = { runId: 'run-42', asOf: '2026-11-23' };
afterEach(runCleanups);

let alertSeq = 0;
function makeAlert(overrides: Partial<Alert> = {}): Alert {
  alertSeq++;
  return {
    alertId: `alert-${alertSeq}`,
    rule: 'forecast-swing',
    severity: 'warning',
    fingerprint: `fp-${alertSeq}`,
    title: `Dana Whitfield: Commit on net_new_arr 2026_Q2 up 25.0% (#${alertSeq})`,
    fields: [
      { label: 'Owner', value: 'Dana Whitfield' },
      { label: 'Change', value: '$1,200,000 -> $1,500,000 (+25.0%)' },
    ],
    text: 'Commit moved more than the 20% threshold since the previous snapshot.',
    data: { forecastId: 'net_new_arr', changePct: 25 },
    ...overrides,
  };
}

function errorOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a failure');
    },
    (error: unknown) => error,
  );
}

// ---------------------------------------------------------------- HTTP receiver

const SECRET_PATH = '/services/T0000/B0000/s3cretWebhookToken';

function slack(url: string, clock: Clock, maxAttempts?: number) {
  return createSlackChannel({
    name: 'ops-slack',
    webhookUrl: url,
    fetch,
    clock,
    random: seededRandom(7),
    ...(maxAttempts ? { maxAttempts } : {}),
  });
}

describe('slack channel', () => {
  it('retries a 429 after Retry-After and posts valid Block Kit', async () => {
    const http = await startHttp((n) =>
      n === 1 ? { status: 429, headers: { 'retry-after': '1' }, body: 'rate_limited' } : { status: 200, body: 'ok' },
    );
    const clock = recordingClock();
    const alerts = [
      makeAlert({ severity: 'critical', link: 'https://dash.example.com/alerts/1?x=1&y=2' }),
      makeAlert({ title: 'Pipeline <b>&</b> stuff' }),
    ];
    await slack(http.base + SECRET_PATH, clock).send(alerts, CONTEXT);

    expect(http.requests).toHaveLength(2);
    expect(clock.sleeps).toEqual([1000]);
    const request = http.requests[1]!;
    expect(request.method).toBe('POST');
    expect(request.path).toBe(SECRET_PATH);
    expect(request.headers['content-type']).toBe('application/json');
    expect(http.requests[0]!.body).toBe(request.body);

    const message = JSON.parse(request.body) as SlackMessage;
    expect(message.text).toBe('clari-dp: 2 forecast alerts for 2026-11-23');
    const blocks = message.blocks;
    expect(blocks[0]).toEqual({
      type: 'header',
      text: { type: 'plain_text', text: 'clari-dp: 2 forecast alerts for 2026-11-23' },
    });
    expect(blocks.map((b) => b.type)).toEqual(['header', 'section', 'context', 'actions', 'section', 'context']);

    const section = blocks[1] as Extract<SlackBlock, { type: 'section' }>;
    expect(section.text).toEqual({ type: 'mrkdwn', text: `*${alerts[0]!.title}*\n${alerts[0]!.text}` });
    expect(section.fields).toEqual([
      { type: 'mrkdwn', text: '*Owner*\nDana Whitfield' },
      { type: 'mrkdwn', text: '*Change*\n$1,200,000 -&gt; $1,500,000 (+25.0%)' },
    ]);
    const context = blocks[2] as Extract<SlackBlock, { type: 'context' }>;
    expect(context.elements[0]!.text).toContain('CRITICAL');
    expect(context.elements[0]!.text).toContain('`forecast-swing`');
    expect(blocks[3]).toEqual({
      type: 'actions',
      elements: [
        {
          type: 'button',
          text: { type: 'plain_text', text: 'Open dashboard' },
          url: 'https://dash.example.com/alerts/1?x=1&y=2',
          action_id: 'open-dashboard-0',
        },
      ],
    });
    expect((blocks[4] as Extract<SlackBlock, { type: 'section' }>).text!.text).toMatch(
      /^\*Pipeline &lt;b&gt;&amp;&lt;\/b&gt; stuff\*/,
    );
  });

  it('uses the title as the header of a single alert', async () => {
    const http = await startHttp(() => ({ status: 200, body: 'ok' }));
    const alert = makeAlert({ severity: 'critical' });
    await slack(http.base + SECRET_PATH, recordingClock()).send([alert], CONTEXT);
    const message = JSON.parse(http.requests[0]!.body) as SlackMessage;
    expect(message.blocks[0]).toEqual({ type: 'header', text: { type: 'plain_text', text: alert.title } });
    expect(message.text).toBe(`[CRITICAL] ${alert.title}`);
  });

  it('splits beyond 50 blocks, 10 fields a section and truncates long texts', async () => {
    const http = await startHttp(() => ({ status: 200, body: 'ok' }));
    const many = Array.from({ length: 30 }, (_, i) => makeAlert({ link: `https://dash.example.com/a/${i}` }));
    const wide = makeAlert({
      fields: Array.from({ length: 23 }, (_, i) => ({ label: `Field ${i}`, value: `value ${i}` })),
      text: 'x'.repeat(5000),
    });
    await slack(http.base + SECRET_PATH, recordingClock()).send([...many, wide], CONTEXT);

    expect(http.requests.length).toBeGreaterThan(1);
    const messages = http.requests.map((r) => JSON.parse(r.body) as SlackMessage);
    const titles: string[] = [];
    for (const [i, message] of messages.entries()) {
      expect(message.blocks.length).toBeLessThanOrEqual(50);
      expect(message.blocks[0]).toEqual({
        type: 'header',
        text: {
          type: 'plain_text',
          text: `clari-dp: 31 forecast alerts for 2026-11-23 (part ${i + 1} of ${messages.length})`,
        },
      });
      for (const block of message.blocks) {
        if (block.type !== 'section') continue;
        expect(block.fields?.length ?? 0).toBeLessThanOrEqual(10);
        if (block.text) {
          expect(block.text.text.length).toBeLessThanOrEqual(3000);
          titles.push(block.text.text.split('\n')[0]!);
        }
      }
    }
    // Every alert appears exactly once, in order, and never split across messages.
    expect(titles).toEqual([...many, wide].map((a) => `*${a.title}*`));
    const last = messages.at(-1)!.blocks;
    const wideSections = last
      .filter((b): b is Extract<SlackBlock, { type: 'section' }> => b.type === 'section')
      .slice(-3);
    expect(wideSections.map((s) => s.fields?.length)).toEqual([10, 10, 3]);
    expect(wideSections[0]!.text!.text.endsWith('…')).toBe(true);
    expect(last.at(-1)!.type).toBe('context');
  });

  it('fails at once on 404 no_service, as a config error without the URL', async () => {
    const http = await startHttp(() => ({ status: 404, body: 'no_service' }));
    const clock = recordingClock();
    const error = await errorOf(slack(http.base + SECRET_PATH, clock).send([makeAlert()], CONTEXT));

    expect(http.requests).toHaveLength(1);
    expect(clock.sleeps).toEqual([]);
    expect(isAppError(error)).toBe(true);
    if (!isAppError(error)) return;
    expect(error.code).toBe('alerts.channel_failed');
    expect(error.kind).toBe('config');
    expect(error.message).toBe('slack channel "ops-slack": HTTP 404 no_service');
    expect(error.hint).toBeTruthy();
    expect(JSON.stringify({ message: error.message, hint: error.hint, details: error.details })).not.toContain(
      's3cretWebhookToken',
    );
  });

  it('retries 5xx with capped backoff, then fails after maxAttempts without the URL', async () => {
    const http = await startHttp(() => ({ status: 503, body: `upstream ${SECRET_PATH} unavailable` }));
    const clock = recordingClock();
    const url = http.base + SECRET_PATH;
    const error = await errorOf(slack(url, clock, 3).send([makeAlert()], CONTEXT));

    expect(http.requests).toHaveLength(3);
    expect(clock.sleeps).toHaveLength(2);
    expect(clock.sleeps[0]).toBeGreaterThanOrEqual(500);
    expect(clock.sleeps[0]).toBeLessThanOrEqual(1000);
    expect(clock.sleeps[1]).toBeGreaterThanOrEqual(1000);
    expect(clock.sleeps[1]).toBeLessThanOrEqual(2000);
    expect(isAppError(error) && error.code).toBe('alerts.channel_failed');
    if (!isAppError(error)) return;
    expect(error.kind).toBe('transient');
    expect(error.message).toMatch(/^slack channel "ops-slack": gave up after 3 attempts: HTTP 503/);
    expect(error.message).not.toContain(url);
    expect(error.message).not.toContain('s3cretWebhookToken');
  });

  it('refuses to follow a redirect, so the payload cannot be forwarded elsewhere', async () => {
    const http = await startHttp((n) =>
      n === 1 ? { status: 302, headers: { location: '/elsewhere' } } : { status: 200, body: 'ok' },
    );
    const error = await errorOf(slack(http.base + SECRET_PATH, recordingClock()).send([makeAlert()], CONTEXT));
    expect(http.requests.map((r) => r.path)).toEqual([SECRET_PATH]);
    expect(isAppError(error) && error.kind).toBe('config');
    expect((error as Error).message).toBe('slack channel "ops-slack": HTTP 302');
  });

  it('floors Retry-After: 0 to 500 ms', async () => {
    const http = await startHttp((n) =>
      n === 1 ? { status: 429, headers: { 'retry-after': '0' } } : { status: 200, body: 'ok' },
    );
    const clock = recordingClock();
    await slack(http.base + SECRET_PATH, clock).send([makeAlert()], CONTEXT);
    expect(http.requests).toHaveLength(2);
    expect(clock.sleeps).toEqual([500]);
  });

  it('retries network errors and reports them as transient', async () => {
    const port = await closedPort();
    const clock = recordingClock();
    const url = `http://127.0.0.1:${port}${SECRET_PATH}`;
    const error = await errorOf(slack(url, clock, 2).send([makeAlert()], CONTEXT));
    expect(clock.sleeps).toHaveLength(1);
    expect(isAppError(error) && error.kind).toBe('transient');
    expect((error as Error).message).toContain('ECONNREFUSED');
    expect((error as Error).message).not.toContain('s3cretWebhookToken');
  });

  it('stops when the delivery is aborted', async () => {
    const http = await startHttp(() => ({ status: 200, body: 'ok' }));
    const controller = new AbortController();
    controller.abort(new Error('shutting down'));
    const error = await errorOf(
      slack(http.base + SECRET_PATH, recordingClock()).send([makeAlert()], { ...CONTEXT, signal: controller.signal }),
    );
    expect((error as Error).message).toBe('shutting down');
    expect(http.requests).toHaveLength(0);
  });

  it('refuses a malformed webhook URL without echoing it', () => {
    let caught: unknown;
    try {
      slack('hooks.slack.com/services/T0/B0/s3cretWebhookToken', recordingClock());
    } catch (error) {
      caught = error;
    }
    expect(isAppError(caught) && caught.kind).toBe('config');
    expect((caught as Error).message).not.toContain('s3cretWebhookToken');
  });
});

describe('webhook channel', () => {
  it('posts the documented JSON, sharing the retry rules', async () => {
    const http = await startHttp((n) => (n === 1 ? { status: 502 } : { status: 204 }));
    const clock = recordingClock();
    const linked = makeAlert({ link: 'https://dash.example.com/a/1', severity: 'critical' });
    const plain = makeAlert();
    const channel = createWebhookChannel({
      name: 'audit',
      url: `${http.base}/hook?token=abc123`,
      fetch,
      clock,
      random: seededRandom(1),
    });
    expect(channel).toMatchObject({ name: 'audit', type: 'webhook' });
    await channel.send([linked, plain], CONTEXT);

    expect(http.requests).toHaveLength(2);
    expect(clock.sleeps).toHaveLength(1);
    expect(http.requests[1]!.headers['content-type']).toBe('application/json');
    expect(JSON.parse(http.requests[1]!.body)).toEqual({
      runId: 'run-42',
      asOf: '2026-11-23',
      alerts: [linked, plain].map((a) => ({
        alertId: a.alertId,
        rule: a.rule,
        severity: a.severity,
        fingerprint: a.fingerprint,
        title: a.title,
        text: a.text,
        fields: a.fields,
        link: a.link ?? null,
        data: a.data,
      })),
    });
  });

  it('fails a 403 at once without the URL or its token', async () => {
    const http = await startHttp(() => ({ status: 403, body: 'invalid_token' }));
    const channel = createWebhookChannel({
      name: 'audit',
      url: `${http.base}/hook?token=abc123secret`,
      fetch,
      clock: recordingClock(),
      random: seededRandom(1),
    });
    const error = await errorOf(channel.send([makeAlert()], CONTEXT));
    expect(http.requests).toHaveLength(1);
    expect(isAppError(error) && error.kind).toBe('config');
    expect((error as Error).message).toBe('webhook channel "audit": HTTP 403 invalid_token');
  });
});

describe('console channel', () => {
  it('prints a header and one block per alert', async () => {
    const out: string[] = [];
    const channel = createConsoleChannel({ write: (text) => out.push(text) });
    expect(channel).toMatchObject({ name: 'console', type: 'console' });
    await channel.send(
      [
        makeAlert({ title: 'Dana: Commit up 25%', severity: 'warning', link: 'https://dash.example.com/a/1' }),
        makeAlert({
          title: 'Lee: Best case down 40%',
          severity: 'critical',
          fields: [{ label: 'Owner', value: 'Lee' }],
        }),
      ],
      CONTEXT,
    );
    expect(out).toEqual([
      [
        'clari-dp: 2 forecast alerts for 2026-11-23 (run run-42)',
        '[WARNING] Dana: Commit up 25%',
        '    Owner: Dana Whitfield',
        '    Change: $1,200,000 -> $1,500,000 (+25.0%)',
        '    dashboard: https://dash.example.com/a/1',
        '[CRITICAL] Lee: Best case down 40%',
        '    Owner: Lee',
        '',
      ].join('\n'),
    ]);
  });

  it('writes nothing for an empty digest', async () => {
    const out: string[] = [];
    await createConsoleChannel({ name: 'dev', write: (text) => out.push(text) }).send([], CONTEXT);
    expect(out).toEqual([]);
  });
});

// ---------------------------------------------------------------- SMTP receiver

describe('email channel', () => {
  it('sends one digest with text and escaped HTML parts', async () => {
    const smtp = await startSmtp();
    const alerts = [
      makeAlert({ severity: 'critical', link: 'https://dash.example.com/a/1?x=1&y=2' }),
      makeAlert({ fields: [{ label: 'Owner', value: `Zoë "Z" O'Brien <script>` }] }),
      makeAlert({ severity: 'info', title: 'Forecast coverage changed' }),
    ];
    const channel = createEmailChannel({
      name: 'ops-mail',
      smtpUrl: `smtp://127.0.0.1:${smtp.port}?ignoreTLS=true`,
      from: 'clari-dp@example.com',
      to: ['ops@example.com', 'revops@example.com'],
    });
    expect(channel).toMatchObject({ name: 'ops-mail', type: 'email' });
    await channel.send(alerts, CONTEXT);

    expect(smtp.mails).toHaveLength(1);
    const mail = smtp.mails[0]!;
    expect(mail.from).toBe('clari-dp@example.com');
    expect(mail.rcptTo).toEqual(['ops@example.com', 'revops@example.com']);
    const parsed = parseMail(mail.raw);
    expect(parsed.headers.get('subject')).toBe('[clari-dp] 3 forecast alerts for 2026-11-23 (1 critical)');
    for (const alert of alerts) {
      expect(parsed.text).toContain(alert.title);
      expect(parsed.html).toContain(alert.title.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;'));
    }
    expect(parsed.text).toContain('[CRITICAL]');
    expect(parsed.text).toContain(`Owner: Zoë "Z" O'Brien <script>`);
    expect(parsed.text).toContain('Change: $1,200,000 -> $1,500,000 (+25.0%)');
    expect(parsed.html).toContain('<table');
    expect(parsed.html).toContain('Zoë &quot;Z&quot; O&#39;Brien &lt;script&gt;');
    expect(parsed.html).not.toContain('<script>');
    expect(parsed.html).toContain('<a href="https://dash.example.com/a/1?x=1&amp;y=2">Open dashboard</a>');
  });

  it('routes a second digest to managers with only their alerts', async () => {
    const smtp = await startSmtp();
    const first = makeAlert({ recipients: ['manager@example.com'] });
    const second = makeAlert({ recipients: ['Manager@example.com', 'OPS@example.com'] });
    const third = makeAlert({ recipients: ['ops@example.com'] });
    const unrouted = makeAlert();
    const channel = createEmailChannel({
      name: 'ops-mail',
      smtpUrl: `smtp://127.0.0.1:${smtp.port}`,
      from: 'clari-dp@example.com',
      to: ['ops@example.com'],
      routeToManagers: true,
    });
    await channel.send([first, second, third, unrouted], CONTEXT);

    expect(smtp.mails.map((m) => m.rcptTo)).toEqual([['ops@example.com'], ['manager@example.com']]);
    const team = parseMail(smtp.mails[0]!.raw);
    expect(team.headers.get('subject')).toBe('[clari-dp] 4 forecast alerts for 2026-11-23');
    const manager = parseMail(smtp.mails[1]!.raw);
    expect(manager.headers.get('subject')).toBe('[clari-dp] 2 forecast alerts for 2026-11-23');
    expect(manager.text).toContain(first.title);
    expect(manager.text).toContain(second.title);
    expect(manager.text).not.toContain(third.title);
    expect(manager.text).not.toContain(unrouted.title);
  });

  it('does not route to managers unless asked', async () => {
    const smtp = await startSmtp();
    const channel = createEmailChannel({
      name: 'm',
      smtpUrl: `smtp://127.0.0.1:${smtp.port}`,
      from: 'a@example.com',
      to: ['ops@example.com'],
    });
    await channel.send([makeAlert({ recipients: ['manager@example.com'] })], CONTEXT);
    expect(smtp.mails.map((m) => m.rcptTo)).toEqual([['ops@example.com']]);
  });

  it('reports an unreachable server without the URL or password', async () => {
    const port = await closedPort();
    const smtpUrl = `smtp://user:s3cretpw@127.0.0.1:${port}`;
    const channel = createEmailChannel({ name: 'ops-mail', smtpUrl, from: 'a@example.com', to: ['ops@example.com'] });
    const error = await errorOf(channel.send([makeAlert()], CONTEXT));
    expect(isAppError(error)).toBe(true);
    if (!isAppError(error)) return;
    expect(error.code).toBe('alerts.channel_failed');
    expect(error.kind).toBe('transient');
    expect(error.message).toMatch(/^email channel "ops-mail": sending the digest failed: /);
    expect(error.message).toContain('ECONNREFUSED');
    const everything = JSON.stringify({ message: error.message, hint: error.hint, details: error.details });
    expect(everything).not.toContain('s3cretpw');
    expect(everything).not.toContain(smtpUrl);
  });

  it('redacts the password even when the server echoes it back', async () => {
    const smtp = await startSmtp({
      allowInsecureAuth: true,
      onAuth(auth, _session, callback) {
        callback(new Error(`Invalid login for ${auth.username ?? ''} with ${auth.password ?? ''}`));
      },
    });
    const channel = createEmailChannel({
      name: 'ops-mail',
      smtpUrl: `smtp://user:s3cretpw@127.0.0.1:${smtp.port}`,
      from: 'a@example.com',
      to: ['ops@example.com'],
    });
    const error = await errorOf(channel.send([makeAlert()], CONTEXT));
    expect(isAppError(error) && error.code).toBe('alerts.channel_failed');
    expect((error as Error).message).toContain('EAUTH');
    expect((error as Error).message).toContain('[REDACTED]');
    expect(
      JSON.stringify({ message: (error as Error).message, details: isAppError(error) ? error.details : {} }),
    ).not.toContain('s3cretpw');
    expect(smtp.mails).toHaveLength(0);
  });
});
