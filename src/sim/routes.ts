/**
 * The routes of the Clari API v4 the simulator serves (clari-api.md section 7), matched on the path
 * below /v4, and their templates for the request counts of /__sim/stats.
 */
export type Route =
  | { name: 'create' | 'job' | 'cancel' | 'results' | 'forecast'; param: string }
  | { name: 'list' | 'limits' | 'audit' | 'activity' | 'opportunity'; param?: undefined };

export function matchRoute(method: string, path: string): Route | undefined {
  let m: RegExpExecArray | null;
  if (method === 'POST' && (m = /^\/export\/forecast\/([^/]*)$/.exec(path)))
    return { name: 'create', param: decodeURIComponent(m[1]!) };
  if ((m = /^\/export\/jobs\/([^/]+)\/results$/.exec(path)) && method === 'GET')
    return { name: 'results', param: m[1]! };
  if ((m = /^\/export\/jobs\/([^/]+)$/.exec(path))) {
    if (method === 'GET') return { name: 'job', param: m[1]! };
    if (method === 'PATCH') return { name: 'cancel', param: m[1]! };
  }
  if (path === '/export/jobs' && method === 'GET') return { name: 'list' };
  if (path === '/export/activity' && method === 'POST') return { name: 'activity' };
  if (path === '/opportunity' && method === 'GET') return { name: 'opportunity' };
  if (path === '/admin/limits' && method === 'GET') return { name: 'limits' };
  if (path === '/audit/events' && method === 'GET') return { name: 'audit' };
  if (method === 'GET' && (m = /^\/forecast\/([^/]+)$/.exec(path)))
    return { name: 'forecast', param: decodeURIComponent(m[1]!) };
  return undefined;
}

const TEMPLATES: Record<Route['name'], string> = {
  create: '/export/forecast/{forecastId}',
  job: '/export/jobs/{jobId}',
  cancel: '/export/jobs/{jobId}',
  results: '/export/jobs/{jobId}/results',
  list: '/export/jobs',
  limits: '/admin/limits',
  audit: '/audit/events',
  activity: '/export/activity',
  opportunity: '/opportunity',
  forecast: '/forecast/{forecastId}',
};

/** Route template for stats, e.g. `/export/jobs/{jobId}`. */
export function routeName(method: string, path: string): string {
  if (path.startsWith('/__sim/')) return path;
  const sub = path.replace(/^\/v4/, '');
  const route = matchRoute(method, sub);
  if (!route || !path.startsWith('/v4')) return 'unmatched';
  return TEMPLATES[route.name];
}
