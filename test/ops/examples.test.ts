/**
 * The scheduling examples (cron, systemd, Kubernetes) and the Airflow DAG all run the same command
 * line, each with its own trigger name; settings come from an env file or a Secret and the API key
 * is never written inline. The Kubernetes manifest parses and takes CLARI_API_KEY from a Secret.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';

const ROOT = join(import.meta.dirname, '..', '..');
const read = (path: string): string => readFileSync(join(ROOT, path), 'utf8');
const BASE_COMMAND = 'npx clari-dp run --json --trigger';

const FILES = [
  { path: 'examples/cron/clari-dp.cron', trigger: 'cron' },
  { path: 'examples/systemd/clari-dp.service', trigger: 'systemd' },
  { path: 'examples/kubernetes/cronjob.yaml', trigger: 'kubernetes' },
  { path: 'dags/clari_export_dag.py', trigger: 'airflow' },
] as const;

/** Lines that are not comments (the examples explain secrets in comments, and that is fine). */
const code = (text: string): string =>
  text
    .split('\n')
    .filter((l) => !/^\s*#/.test(l))
    .join('\n');

interface K8sContainer {
  name: string;
  command: string[];
  env: { name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string } } }[];
  envFrom?: { configMapRef?: { name: string }; secretRef?: { name: string } }[];
}

describe('scheduling examples', () => {
  it.each(FILES)('$path runs the same command line with trigger $trigger', ({ path, trigger }) => {
    const text = read(path);
    expect(text).toContain(`${BASE_COMMAND} ${trigger}`);
    // One base command line everywhere: no other variant of `clari-dp run` sneaks in.
    for (const m of code(text).matchAll(/npx clari-dp run[^\n"']*/g))
      expect(m[0]).toMatch(new RegExp(`^npx clari-dp run --json --trigger ${trigger}\\b`));
  });

  it.each(FILES)('$path never holds the API key inline', ({ path }) => {
    const text = code(read(path));
    expect(text).not.toMatch(/CLARI_API_KEY\s*[=:]\s*\S/);
    expect(text).not.toMatch(/apikey/i);
  });

  it('cron and systemd read their settings from the env file, and the key from its own file', () => {
    const env = read('examples/clari-dp.env.example');
    expect(code(env)).toMatch(/^CLARI_API_KEY_FILE=\/etc\/clari-dp\/api-key$/m);
    expect(code(env)).not.toMatch(/^CLARI_API_KEY=/m);

    const cron = code(read('examples/cron/clari-dp.cron'));
    const job = cron.split('\n').find((l) => l.includes(BASE_COMMAND))!;
    expect(job.split(/\s+/).slice(0, 6)).toEqual(['0', '6', '*', '*', '1-5', 'clari-dp']);
    expect(job).toContain('. /etc/clari-dp/clari-dp.env');

    const service = code(read('examples/systemd/clari-dp.service'));
    expect(service).toMatch(/^Type=oneshot$/m);
    expect(service).toMatch(/^EnvironmentFile=\/etc\/clari-dp\/clari-dp.env$/m);
    expect(service).toMatch(/^LoadCredential=clari-api-key:\/etc\/clari-dp\/api-key$/m);
    expect(service).toMatch(/^Environment=CLARI_API_KEY_FILE=%d\/clari-api-key$/m);
    expect(service).toMatch(/^ExecStart=\/usr\/bin\/env npx clari-dp run --json --trigger systemd$/m);

    const timer = code(read('examples/systemd/clari-dp.timer'));
    expect(timer).toMatch(/^OnCalendar=Mon\.\.Fri \*-\*-\* 06:00:00 America\/New_York$/m);
    expect(timer).toMatch(/^Persistent=true$/m);
    expect(timer).toMatch(/^Unit=clari-dp\.service$/m);
  });

  it('the Kubernetes manifest parses, never overlaps, keeps its data dir, and takes CLARI_API_KEY from a Secret', () => {
    const docs = parseAllDocuments(read('examples/kubernetes/cronjob.yaml'));
    for (const doc of docs) expect(doc.errors).toEqual([]);
    const objects = docs.map(
      (d) => d.toJS() as { kind: string; metadata: { name: string }; spec: Record<string, unknown> },
    );
    expect(objects.map((o) => o.kind)).toEqual(['ConfigMap', 'PersistentVolumeClaim', 'CronJob']);
    expect(objects.some((o) => o.kind === 'Secret')).toBe(false); // created out of band, never in this file

    const cronJob = objects.find((o) => o.kind === 'CronJob')! as unknown as {
      spec: {
        schedule: string;
        timeZone: string;
        concurrencyPolicy: string;
        jobTemplate: {
          spec: {
            podFailurePolicy: { rules: { action: string; onExitCodes: { values: number[] } }[] };
            template: {
              spec: {
                restartPolicy: string;
                containers: K8sContainer[];
                volumes: { name: string; persistentVolumeClaim?: { claimName: string } }[];
              };
            };
          };
        };
      };
    };
    expect(cronJob.spec).toMatchObject({
      schedule: '0 6 * * 1-5',
      timeZone: 'America/New_York',
      concurrencyPolicy: 'Forbid',
    });
    const pod = cronJob.spec.jobTemplate.spec.template.spec;
    expect(pod.restartPolicy).toBe('Never');
    const container = pod.containers[0]!;
    expect(container.command.join(' ')).toContain(`${BASE_COMMAND} kubernetes`);
    const key = container.env.find((e) => e.name === 'CLARI_API_KEY')!;
    expect(key.value).toBeUndefined();
    expect(key.valueFrom?.secretKeyRef).toEqual({ name: 'clari-dp', key: 'CLARI_API_KEY' });
    expect(container.envFrom?.[0]?.configMapRef?.name).toBe('clari-dp');
    expect(pod.volumes.find((v) => v.name === 'data')?.persistentVolumeClaim?.claimName).toBe('clari-dp-data');
    expect(cronJob.spec.jobTemplate.spec.podFailurePolicy.rules).toEqual([
      expect.objectContaining({ action: 'FailJob', onExitCodes: expect.objectContaining({ values: [2, 3] }) }),
    ]);
    const config = objects.find((o) => o.kind === 'ConfigMap') as unknown as { data: Record<string, string> };
    expect(Object.keys(config.data).some((k) => /KEY|PASSWORD|SECRET|TOKEN/.test(k))).toBe(false);
  });
});
