/**
 * BigQuery through @google-cloud/bigquery 8 (an optional dependency, imported only from
 * registry.ts; version 9 needs Node 22). Credentials are Application Default Credentials
 * (GOOGLE_APPLICATION_CREDENTIALS or the attached service account). Opening checks the dataset
 * (which also proves the credentials) and starts the session every later query runs in.
 */
import { BigQuery } from '@google-cloud/bigquery';
import type { Row, Warehouse } from '../types.js';
import { bigquerySettings } from './config.js';
import { classifyBigquery } from './errors.js';
import { type BigqueryClient, type BigqueryField, BigqueryWarehouse } from './warehouse.js';

export async function openBigquery(url: string): Promise<Warehouse> {
  const settings = bigquerySettings(url);
  const bigquery = new BigQuery({
    projectId: settings.project,
    ...(settings.location ? { location: settings.location } : {}),
    ...(settings.keyFile ? { keyFilename: settings.keyFile } : {}),
  });
  let location = settings.location;
  try {
    const metadata = (await bigquery.dataset(settings.dataset).getMetadata())[0] as { location?: string };
    location ??= metadata.location;
  } catch (error) {
    throw classifyBigquery(error, settings.description);
  }
  const where = location ? { location } : {};
  const defaultDataset = { projectId: settings.project, datasetId: settings.dataset };
  let sessionId: string | undefined;

  const client: BigqueryClient = {
    query: async (q) => {
      const session = !q.session
        ? {}
        : sessionId
          ? { connectionProperties: [{ key: 'session_id', value: sessionId }] }
          : { createSession: true };
      const [job] = await bigquery.createQueryJob({
        query: q.sql,
        ...(Object.keys(q.params).length > 0 ? { params: q.params, types: q.types } : {}),
        defaultDataset,
        ...where,
        ...session,
      });
      // INT64 as the digits BigQuery sent: the port returns 64-bit integers as strings.
      const [rows, , response] = await job.getQueryResults({
        wrapIntegers: { integerTypeCastFunction: (value: string) => value },
      });
      if (q.session && !sessionId) {
        const metadata = (await job.getMetadata())[0] as { statistics?: { sessionInfo?: { sessionId?: string } } };
        sessionId = metadata.statistics?.sessionInfo?.sessionId;
      }
      const fields = ((response as { schema?: { fields?: BigqueryField[] } } | undefined)?.schema?.fields ?? []).map(
        (f) => ({ name: f.name, type: f.type, scale: f.scale }),
      );
      return { rows: rows as Row[], fields };
    },
    load: async (file, table, fields) => {
      await bigquery
        .dataset(settings.dataset)
        .table(table)
        .load(file, {
          sourceFormat: 'NEWLINE_DELIMITED_JSON',
          schema: { fields: fields.map((f) => ({ name: f.name, type: f.type })) },
          writeDisposition: 'WRITE_APPEND',
          createDisposition: 'CREATE_NEVER',
          ...where,
        });
    },
    close: async () => {
      if (!sessionId) return;
      // Ends the session at once (temp tables go with it) instead of after 24 idle hours.
      await bigquery
        .query({
          query: 'CALL BQ.ABORT_SESSION()',
          connectionProperties: [{ key: 'session_id', value: sessionId }],
          ...where,
        })
        .catch(() => undefined);
    },
  };
  const warehouse = new BigqueryWarehouse(client, settings);
  await warehouse.query('SELECT 1 AS ok');
  return warehouse;
}
