import { describe, expect, it } from 'vitest';
import { errorFromResponse, parseErrorEnvelope } from './errors.js';

const ctx = { endpoint: 'POST /export/forecast/{forecastId}', subject: 'net_new_arr' };
const exportBody = (code: string, message = 'msg') =>
  JSON.stringify({ code, namespace: 'fcw', errorId: 'e-1', message, orgId: 101 });

describe('parseErrorEnvelope', () => {
  it('reads every documented surface', () => {
    expect(parseErrorEnvelope(exportBody('no_such_forecast_config'))).toMatchObject({
      surface: 'export',
      code: 'no_such_forecast_config',
      errorId: 'e-1',
      orgId: 101,
    });
    expect(parseErrorEnvelope('{"message":"no Route matched with those values","request_id":"r1"}')).toEqual({
      surface: 'gateway',
      message: 'no Route matched with those values',
      requestId: 'r1',
    });
    expect(
      parseErrorEnvelope('{"errors":[{"code":"bad","message":"limit","target":"limit","status":"400"}]}'),
    ).toMatchObject({ surface: 'audit', errors: [{ code: 'bad', target: 'limit' }] });
    expect(parseErrorEnvelope('[{"statusCode":400,"reaspnPhrase":"Bad","description":"too many ids"}]')).toMatchObject({
      surface: 'opportunity',
      errors: [{ statusCode: 400, reaspnPhrase: 'Bad' }],
    });
    expect(parseErrorEnvelope('[{"errorCode":"DATA_TYPE_ERROR","errorSummary":"x"}]')).toMatchObject({
      surface: 'ingestion',
      errors: [{ errorCode: 'DATA_TYPE_ERROR' }],
    });
    expect(parseErrorEnvelope('{"error":"API rate limit exceeded"}')).toMatchObject({
      surface: 'ingestion',
      errors: [{ errorSummary: 'API rate limit exceeded' }],
    });
    expect(parseErrorEnvelope('{"errorMessage":"Credentials not provided!"}')).toEqual({
      surface: 'copilot',
      errorMessage: 'Credentials not provided!',
    });
    expect(parseErrorEnvelope('<html>bad gateway</html>')).toEqual({
      surface: 'unknown',
      text: '<html>bad gateway</html>',
    });
    expect(parseErrorEnvelope('')).toEqual({ surface: 'unknown', text: '' });
  });
});

describe('errorFromResponse', () => {
  it.each([
    [400, exportBody('export_monthly_quota_reached'), 'clari.capacity', 'capacity'],
    [400, exportBody('no_such_forecast_config'), 'clari.forecast_not_found', 'input'],
    [400, exportBody('missing_forecast_id'), 'clari.forecast_not_found', 'input'],
    [400, exportBody('type_not_supported'), 'clari.type_not_supported', 'input'],
    [400, exportBody('bad_request'), 'clari.bad_request', 'input'],
    [400, exportBody('export_failed_to_cancel'), 'clari.cancel_failed', 'input'],
    [400, exportBody('SWW'), 'clari.server', 'transient'],
    [401, '{"message":"Invalid authentication credentials"}', 'clari.auth', 'auth'],
    [401, '{"message":"No API key found in request"}', 'clari.auth', 'auth'],
    [401, exportBody('no_optin'), 'clari.no_optin', 'auth'],
    [403, exportBody('forbidden'), 'clari.permission', 'auth'],
    [404, '{"message":"no Route matched with those values"}', 'clari.not_found', 'input'],
    [429, '{"message":"API rate limit exceeded"}', 'clari.rate_limited', 'transient'],
    [500, exportBody('internal_server_error'), 'clari.server', 'transient'],
    [503, 'Service Unavailable', 'clari.server', 'transient'],
  ])('maps %i %s to %s', (status, body, code, kind) => {
    const error = errorFromResponse(status, body, ctx);
    expect(error.code).toBe(code);
    expect(error.kind).toBe(kind);
    expect(error.hint).toBeTruthy();
    expect(error.status).toBe(status);
  });

  it('tells an unfinished job from an unknown one by endpoint', () => {
    const body = exportBody('invalid_jobId');
    expect(errorFromResponse(400, body, { endpoint: 'GET /export/jobs/{jobId}/results' }).code).toBe(
      'clari.job_not_ready',
    );
    expect(errorFromResponse(400, body, { endpoint: 'GET /export/jobs/{jobId}' }).code).toBe('clari.job_not_found');
  });

  it('keeps the server message and the endpoint template, not a URL', () => {
    const error = errorFromResponse(
      400,
      exportBody('no_such_forecast_config', 'Forecast x does not exist in the ForecastTemplate.'),
      ctx,
    );
    expect(error.message).toContain("Forecast 'net_new_arr' does not exist");
    expect(error.message).toContain('POST /export/forecast/{forecastId}');
    expect(error.message).toContain('ForecastTemplate');
    expect(error.clariCode).toBe('no_such_forecast_config');
  });

  it('carries Retry-After on 429', () => {
    expect(errorFromResponse(429, '{}', { endpoint: 'GET /admin/limits', retryAfterMs: 3000 }).retryAfterMs).toBe(3000);
  });
});
