/**
 * The dashboard's HTTP surface as a Hono app: the page, a JSON API that wraps the same analytics
 * read services, /healthz and /metrics. No module-level state: everything comes in through deps, so
 * tests build as many apps as they like. Requests are served one at a time against the warehouse
 * (DuckDB has one connection) and every byte out passes the redactor; the token never leaves.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { Hono, type Context, type MiddlewareHandler } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import {
  accuracyByWeek,
  biggestChanges,
  AT_RISK_DEFAULTS,
  checkFilters,
  coverageByTeam,
  dealData,
  dealMoveCounts,
  DEALS_OFF_HINT,
  dealsAtRisk,
  dealsBehindChange,
  type ChangeKey,
  DEFAULT_LEVEL,
  type FilterProblem,
  headline,
  health,
  namesakes,
  options,
  OWNER_LEVELS,
  type OwnerLevel,
  ownersNamed,
  periodShapeProblem,
  reps,
  select,
  type Selection,
  trend,
  unknownForecastProblem,
} from '../analytics/index.js';
import { CHANGE_KINDS } from '../changes/index.js';
import { type Clock, isAppError, type Logger, Redactor, serialiser } from '../core/index.js';
import { isIsoDate } from '../domain/index.js';
import { reportsSql, type Warehouse } from '../warehouse/index.js';
import {
  type DashboardModel,
  type DealsModel,
  NO_SNAPSHOTS,
  renderChangeDeals,
  renderDashboard,
  renderEmpty,
  renderMessage,
} from './page.js';

export interface ServerDeps {
  readonly warehouse: Warehouse;
  readonly clock: Clock;
  /** When set, every route but /healthz needs it (Bearer header, `token` query parameter, or the cookie). */
  readonly token?: string | undefined;
  /** Prometheus exposition text; /metrics answers 404 without it. */
  readonly metricsText?: (() => Promise<string>) | undefined;
  readonly redactor: Redactor;
  readonly title?: string | undefined;
  readonly logger?: Logger | undefined;
}

export const SESSION_COOKIE = 'clari_dp_session';
/** The changes table of the page, and the API's defaults. */
export const CHANGE_DAYS = 7;
export const CHANGE_LIMIT = 15;
/** The deals-at-risk panel's rows (the largest first). */
export const AT_RISK_LIMIT = 12;

/** A request the user can fix: answered 400 with the message. */
export class BadRequest extends Error {}

interface SelectionQuery {
  readonly forecast?: string | undefined;
  readonly period?: string | undefined;
  readonly field?: string | undefined;
}

const sha256 = (text: string): Buffer => createHash('sha256').update(text).digest();
/** Constant-time comparison (of digests, so lengths never leak). */
const same = (a: string, b: string): boolean => timingSafeEqual(sha256(a), sha256(b));

const clip = (text: string): string => (text.length > 60 ? `${text.slice(0, 57)}...` : text);

function textParam(c: Context, name: string): string | undefined {
  const value = c.req.query(name);
  if (value === undefined || value === '') return undefined;
  if (value.length > 200 || [...value].some((ch) => ch.charCodeAt(0) < 0x20))
    throw new BadRequest(`${name} is not a valid value`);
  return value;
}

function intParam(c: Context, name: string, min: number, max: number, fallback: number): number {
  const value = c.req.query(name);
  if (value === undefined || value === '') return fallback;
  if (!/^\d{1,6}$/.test(value) || Number(value) < min || Number(value) > max)
    throw new BadRequest(`${name} must be a whole number from ${min} to ${max}, got "${clip(value)}"`);
  return Number(value);
}

/** `level`: which owners lists show; reps unless asked (a manager's row is their team's roll-up). */
function levelParam(c: Context): OwnerLevel {
  const level = textParam(c, 'level') ?? DEFAULT_LEVEL;
  if (!(OWNER_LEVELS as readonly string[]).includes(level))
    throw new BadRequest(`level must be one of ${OWNER_LEVELS.join(', ')}, got "${clip(level)}"`);
  return level as OwnerLevel;
}

/** A filter problem (analytics/filters.ts) as the server answers it: a 400 whose message ends with the hint. */
const filterBadRequest = (problem: FilterProblem): BadRequest =>
  new BadRequest(problem.hint ? `${problem.message}. ${problem.hint}` : problem.message);

function selectionQuery(c: Context): SelectionQuery {
  const period = textParam(c, 'period');
  const shape = periodShapeProblem(period);
  if (shape) throw filterBadRequest(shape);
  return { forecast: textParam(c, 'forecast'), period, field: textParam(c, 'field') };
}

/** Resolves a query to a selection; undefined when the warehouse has no snapshots; BadRequest on unknown values. */
async function resolveSelection(wh: Warehouse, q: SelectionQuery): Promise<Selection | undefined> {
  const check = await checkFilters(wh, q);
  if (check.problem) throw filterBadRequest(check.problem);
  if (check.known === undefined) return undefined;
  return select(wh, q, check.known);
}

/** What every route and middleware of one app shares. */
interface AppScope {
  readonly deps: ServerDeps;
  readonly wh: Warehouse;
  readonly title: string;
  readonly token: string | undefined;
  /** The cookie holds a digest of the token, never the token itself. */
  readonly session: string | undefined;
  readonly exclusive: <T>(work: () => Promise<T>) => Promise<T>;
  readonly redactText: (text: string) => string;
  readonly json: (c: Context, value: unknown, status?: Status) => Response;
  readonly html: (c: Context, nonce: string, page: string, status?: Status) => Response;
}

type Status = 200 | 400 | 401 | 404 | 500 | 503;

export function createServerApp(deps: ServerDeps): Hono {
  const x = appScope(deps);
  const app = new Hono();
  app.use('*', securityHeaders);
  app.use('*', authenticate(x));
  app.onError((error, c) => answerError(x, error, c));
  app.notFound((c) => x.json(c, { error: `not found: ${clip(c.req.path)}` }, 404));
  healthRoutes(app, x);
  pageRoute(app, x);
  apiRoutes(app, x);
  dealRoutes(app, x);
  return app;
}

function appScope(deps: ServerDeps): AppScope {
  const token = deps.token && deps.token.length > 0 ? deps.token : undefined;
  const tokenRedactor = new Redactor([token]);
  const redactText = (text: string): string => tokenRedactor.redact(deps.redactor.redact(text));
  return {
    deps,
    wh: deps.warehouse,
    title: deps.title ?? 'Clari forecast dashboard',
    token,
    session: token === undefined ? undefined : createHash('sha256').update(`clari-dp-session:${token}`).digest('hex'),
    // One thing at a time: requests queue for the warehouse instead of sharing its connection.
    exclusive: serialiser(),
    redactText,
    json: (c, value, status = 200) => {
      c.header('Content-Type', 'application/json; charset=utf-8');
      return c.body(JSON.stringify(tokenRedactor.redactValue(deps.redactor.redactValue(value))), status);
    },
    html: (c, nonce, page, status = 200) => {
      c.header('Content-Type', 'text/html; charset=utf-8');
      c.header(
        'Content-Security-Policy',
        `default-src 'none'; style-src 'nonce-${nonce}'; script-src 'nonce-${nonce}'; img-src data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'`,
      );
      return c.body(redactText(page), status);
    },
  };
}

const newNonce = (): string => randomBytes(16).toString('base64');

const wantsHtml = (c: Context): boolean =>
  c.req.path === '/' ||
  (!c.req.path.startsWith('/api/') &&
    c.req.path !== '/metrics' &&
    c.req.path !== '/healthz' &&
    (c.req.header('accept') ?? '').includes('text/html'));

/** A message page for browsers, JSON for everyone else. */
function answerMessage(
  x: AppScope,
  c: Context,
  page: { heading: string; message: string; link?: { href: string; text: string } },
  status: Status,
  body: unknown,
): Response {
  if (!wantsHtml(c)) return x.json(c, body, status);
  const nonce = newNonce();
  return x.html(c, nonce, renderMessage(page, { title: x.title, nonce }), status);
}

const securityHeaders: MiddlewareHandler = async (c, next) => {
  await next();
  c.res.headers.set('X-Content-Type-Options', 'nosniff');
  c.res.headers.set('Referrer-Policy', 'no-referrer');
  c.res.headers.set('X-Frame-Options', 'DENY');
  c.res.headers.set('Cache-Control', 'no-store');
  if (!c.res.headers.has('Content-Security-Policy'))
    c.res.headers.set('Content-Security-Policy', "default-src 'none'; frame-ancestors 'none'");
};

/**
 * Authentication: a Bearer header (scripts, Prometheus), the token query parameter once (a link
 * from Slack; it sets the session cookie), then the cookie (the page's own links and forms).
 */
function authenticate(x: AppScope): MiddlewareHandler {
  const { token, session } = x;
  return async (c, next) => {
    if (token === undefined || session === undefined || c.req.path === '/healthz') return next();
    const bearer = /^Bearer\s+(\S+)\s*$/i.exec(c.req.header('Authorization') ?? '')?.[1];
    if (bearer !== undefined && same(bearer, token)) return next();
    const query = c.req.query('token');
    if (query !== undefined && same(query, token)) {
      setCookie(c, SESSION_COOKIE, session, { httpOnly: true, sameSite: 'Strict', path: '/' });
      return next();
    }
    const cookie = getCookie(c, SESSION_COOKIE);
    if (cookie !== undefined && same(cookie, session)) return next();
    c.header('WWW-Authenticate', 'Bearer realm="clari-dp"');
    const hint =
      'Send the dashboard token as a Bearer token, or open the dashboard link once with the token query parameter (it sets a session cookie).';
    return answerMessage(x, c, { heading: 'This dashboard needs a token', message: hint }, 401, {
      error: 'unauthorized',
      hint,
    });
  };
}

function answerError(x: AppScope, error: Error, c: Context): Response {
  if (error instanceof BadRequest) return x.json(c, { error: error.message }, 400);
  if (isAppError(error) && error.code === 'warehouse.locked') {
    // A run holds the DuckDB file while it loads; the page works again when it finishes.
    const message = 'The warehouse is busy: a clari-dp run is loading data into it. Try again in a minute.';
    c.header('Retry-After', '30');
    return answerMessage(
      x,
      c,
      { heading: 'Loading new data', message, link: { href: c.req.path, text: 'Try again' } },
      503,
      { error: message },
    );
  }
  const message = x.redactText(error.message);
  x.deps.logger?.error({ path: c.req.path, error: message }, 'dashboard request failed');
  return answerMessage(
    x,
    c,
    { heading: 'Something went wrong', message, link: { href: '/', text: 'Try again' } },
    500,
    { error: message },
  );
}

function healthRoutes(app: Hono, x: AppScope): void {
  const { wh, json } = x;
  app.get('/healthz', async (c) => {
    try {
      const lastSuccessAt = await x.exclusive(() => reportsSql.lastSuccessAt(wh));
      return json(c, { status: 'ok', warehouse: wh.description, lastSuccessAt });
    } catch (error) {
      // A run holding the DuckDB file is not the server failing: stay healthy (no restart by a probe).
      if (isAppError(error) && error.code === 'warehouse.locked')
        return json(c, {
          status: 'ok',
          warehouse: wh.description,
          lastSuccessAt: null,
          busy: 'a clari-dp run is loading data',
        });
      x.deps.logger?.warn(
        { error: x.redactText(error instanceof Error ? error.message : String(error)) },
        'healthz: warehouse query failed',
      );
      return json(c, { status: 'error', warehouse: wh.description, error: 'warehouse query failed' }, 503);
    }
  });
  app.get('/metrics', async (c) => {
    const metricsText = x.deps.metricsText;
    if (!metricsText) return json(c, { error: 'metrics are not enabled in this server' }, 404);
    const text = await x.exclusive(metricsText);
    c.header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8');
    return c.body(x.redactText(text), 200);
  });
}

function pageRoute(app: Hono, x: AppScope): void {
  const { wh } = x;
  app.get('/', async (c) => {
    const nonce = newNonce();
    const frame = { title: x.title, nonce };
    const badSelection = (error: BadRequest): Response =>
      x.html(
        c,
        nonce,
        renderMessage(
          {
            heading: 'Nothing to show for that selection',
            message: error.message,
            link: { href: '/', text: 'Show the latest snapshot' },
          },
          frame,
        ),
        400,
      );
    let query: SelectionQuery;
    let level: OwnerLevel;
    try {
      query = selectionQuery(c);
      level = levelParam(c);
    } catch (error) {
      if (error instanceof BadRequest) return badSelection(error);
      throw error;
    }
    return x.exclusive(async () => {
      let selection: Selection | undefined;
      try {
        selection = await resolveSelection(wh, query);
      } catch (error) {
        if (error instanceof BadRequest) return badSelection(error);
        throw error;
      }
      const now = x.deps.clock.now();
      if (!selection) return x.html(c, nonce, renderEmpty({ health: await health(wh, 10), now }, frame));
      return x.html(c, nonce, renderDashboard(await dashboardModel(wh, x.title, selection, level, now), frame));
    });
  });
}

/**
 * Everything the page shows for one selection, read in one go (each part is one service call). The
 * namesakes that label owners are read once and handed to every part that shows owners.
 */
async function dashboardModel(
  wh: Warehouse,
  title: string,
  selection: Selection,
  level: OwnerLevel,
  now: number,
): Promise<DashboardModel> {
  const same = await namesakes(wh);
  const changes = await biggestChanges(
    wh,
    { forecast: selection.forecast, period: selection.period, days: CHANGE_DAYS, limit: CHANGE_LIMIT, level },
    same,
  );
  return {
    title,
    options: await options(wh, selection.forecast),
    selection,
    headline: await headline(wh, selection),
    level,
    trend: (await trend(wh, selection)).points,
    accuracy: await accuracyByWeek(wh, selection.forecast, selection.field),
    coverage: await coverageByTeam(wh, selection, same),
    changes,
    changeDays: CHANGE_DAYS,
    reps: await reps(wh, selection, level, same),
    health: await health(wh, 10),
    now,
    deals: await dealsModel(wh, changes, same),
  };
}

/**
 * The page's deal parts, when any deal was loaded: moves under the listed changes (one read: they
 * share the selection's forecast and period), deals at risk.
 */
async function dealsModel(
  wh: Warehouse,
  changes: Parameters<typeof dealMoveCounts>[1],
  same: ReadonlySet<string>,
): Promise<DealsModel | undefined> {
  const data = await dealData(wh);
  if (!data.loaded) return undefined;
  return {
    moves: await dealMoveCounts(wh, changes),
    atRisk: await dealsAtRisk(wh, { limit: AT_RISK_LIMIT }, { namesakes: same, dealData: data }),
  };
}

/** A change's key from `forecast`, `period`, `field` (id), `user` and `snapshot`, all required. */
function changeKeyQuery(c: Context): ChangeKey {
  const need = (name: string): string => {
    const value = textParam(c, name);
    if (value === undefined)
      throw new BadRequest(`${name} is required: a change is named by forecast, period, field, user and snapshot`);
    return value;
  };
  const key = {
    forecast: need('forecast'),
    period: need('period'),
    fieldId: need('field'),
    userId: need('user'),
    snapshot: need('snapshot'),
  };
  const shape = periodShapeProblem(key.period);
  if (shape) throw filterBadRequest(shape);
  if (!isIsoDate(key.snapshot))
    throw new BadRequest(`snapshot must be a date (YYYY-MM-DD), got "${clip(key.snapshot)}"`);
  return key;
}

/** A whole-dollar amount parameter (`min_amount`), or undefined. */
function amountParam(c: Context, name: string): number | undefined {
  const value = c.req.query(name);
  if (value === undefined || value === '') return undefined;
  if (!/^\d{1,15}(\.\d{1,2})?$/.test(value))
    throw new BadRequest(`${name} must be an amount such as 250000, got "${clip(value)}"`);
  return Number(value);
}

/**
 * Deals: the drill-down page of a change (`/changes/deals`, server-rendered, linked from the changes
 * table), its JSON twin, and the deals at risk as JSON (`owner` a user id, e-mail or name: a rep, or a manager for
 * their team).
 */
function dealRoutes(app: Hono, x: AppScope): void {
  const { wh, json, exclusive } = x;
  const noChange = 'no such change: the changes table links each change that moved a call';
  app.get('/changes/deals', async (c) => {
    const nonce = newNonce();
    const frame = { title: x.title, nonce };
    const back = { href: '/', text: 'Back to the dashboard' };
    let key: ChangeKey;
    try {
      key = changeKeyQuery(c);
    } catch (error) {
      if (!(error instanceof BadRequest)) throw error;
      return x.html(
        c,
        nonce,
        renderMessage({ heading: 'Which change?', message: error.message, link: back }, frame),
        400,
      );
    }
    return exclusive(async () => {
      const behind = await dealsBehindChange(wh, key);
      if (!behind)
        return x.html(
          c,
          nonce,
          renderMessage({ heading: 'No such change', message: noChange, link: back }, frame),
          404,
        );
      const loaded = (await dealData(wh)).loaded;
      const now = x.deps.clock.now();
      return x.html(c, nonce, renderChangeDeals({ behind, dealsLoaded: loaded, offHint: DEALS_OFF_HINT, now }, frame));
    });
  });
  app.get('/api/changes/deals', async (c) => {
    const key = changeKeyQuery(c);
    const result = await exclusive(async () => ({
      behind: await dealsBehindChange(wh, key),
      data: await dealData(wh),
    }));
    if (!result.behind) return json(c, { error: noChange }, 404);
    return json(c, { ...result.behind, dealsLoaded: result.data.loaded, dealsAsOf: result.data.asOf });
  });
  app.get('/api/deals-at-risk', async (c) => {
    const quietDays = intParam(c, 'quiet_days', 0, 3660, AT_RISK_DEFAULTS.quietDays);
    const minAmount = amountParam(c, 'min_amount');
    const limit = intParam(c, 'limit', 1, 1000, 50);
    const owner = textParam(c, 'owner');
    const result = await exclusive(async () => {
      const data = await dealData(wh);
      if (!data.loaded) return undefined;
      const same = await namesakes(wh);
      let userId: string | undefined;
      if (owner !== undefined) {
        const found = await ownersNamed(wh, owner, same);
        if (found.length !== 1)
          throw new BadRequest(
            found.length === 0
              ? `owner "${clip(owner)}" is no current user (give a user id, e-mail or name)`
              : `owner "${clip(owner)}" names ${found.length} users; give the e-mail or user id`,
          );
        userId = found[0]!.userId;
      }
      return dealsAtRisk(wh, { quietDays, minAmount, limit, userId }, { namesakes: same, dealData: data });
    });
    if (!result)
      return json(c, { error: 'no deal data: the activity export has never run', hint: DEALS_OFF_HINT }, 404);
    return json(c, result);
  });
}

/** The JSON API: the read services as they are, so scripts and the page agree. */
function apiRoutes(app: Hono, x: AppScope): void {
  const { wh, json, exclusive } = x;
  const withSelection = (read: (selection: Selection) => Promise<unknown>) => async (c: Context) => {
    const query = selectionQuery(c);
    const result = await exclusive(async () => {
      const selection = await resolveSelection(wh, query);
      return selection ? { value: await read(selection) } : undefined;
    });
    return result ? json(c, result.value) : json(c, { error: NO_SNAPSHOTS }, 404);
  };
  const knownForecast = async (forecast: string) => {
    const all = await options(wh);
    const unknown = unknownForecastProblem(forecast, all.forecasts);
    if (unknown) throw filterBadRequest(unknown);
    return all;
  };
  app.get('/api/options', async (c) => {
    const forecast = textParam(c, 'forecast');
    return json(
      c,
      await exclusive(async () =>
        forecast === undefined ? options(wh) : (await knownForecast(forecast), options(wh, forecast)),
      ),
    );
  });
  app.get(
    '/api/headline',
    withSelection((s) => headline(wh, s)),
  );
  app.get(
    '/api/accuracy',
    withSelection(async (s) => ({ selection: s, points: await accuracyByWeek(wh, s.forecast, s.field) })),
  );
  app.get(
    '/api/coverage',
    withSelection(async (s) => ({ selection: s, teams: await coverageByTeam(wh, s) })),
  );
  app.get(
    '/api/trend',
    withSelection((s) => trend(wh, s)),
  );
  // `level` (rep, manager, all) as on the page and the CLI: reps unless asked.
  app.get('/api/reps', async (c) => {
    const level = levelParam(c);
    return withSelection(async (s) => ({ selection: s, level, reps: await reps(wh, s, level) }))(c);
  });
  // Changes cover every call field of the forecast and period: `field` is accepted and not applied.
  // `level` as on the page: reps unless asked.
  app.get('/api/changes', async (c) => {
    const query = selectionQuery(c);
    const level = levelParam(c);
    const days = intParam(c, 'days', 1, 366, CHANGE_DAYS);
    const limit = intParam(c, 'limit', 1, 1000, CHANGE_LIMIT);
    const kind = textParam(c, 'kind') ?? 'changed';
    if (!(CHANGE_KINDS as readonly string[]).includes(kind))
      throw new BadRequest(`kind must be one of ${CHANGE_KINDS.join(', ')}, got "${clip(kind)}"`);
    const rows = await exclusive(async () => {
      if (query.forecast !== undefined) await knownForecast(query.forecast);
      return biggestChanges(wh, { forecast: query.forecast, period: query.period, days, limit, kind, level });
    });
    return json(c, { days, limit, kind, level, rows });
  });
  app.get('/api/health', async (c) => {
    const limit = intParam(c, 'limit', 1, 500, 20);
    return json(c, await exclusive(() => health(wh, limit)));
  });
}
