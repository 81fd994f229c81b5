/**
 * `npm ci` on the Node version the project supports (package.json engines, Node 20.19+) must not
 * warn EBADENGINE: every installed package's `engines.node` accepts that version, or it is listed
 * below with the reason it is acceptable (README "Node versions" says the same).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

// semver ships no types; npm itself depends on it, so it is always installed.
const semver = createRequire(import.meta.url)('semver') as {
  minVersion(range: string): { version: string } | null;
  satisfies(version: string, range: string): boolean;
};

const ROOT = join(import.meta.dirname, '..');

/** Packages whose declared engines exclude Node 20, and why that is accepted. */
const ACCEPTED: Record<string, string> = {
  '@polyglot-sql/sdk':
    'dev dependency only (golden SQL tests validate Snowflake/BigQuery SQL with it); every release declares node >=22, ' +
    'yet it runs on Node 20 (the golden tests pass on 20.19), and nothing at run time needs it',
};

function* packages(dir: string): Generator<{ name: string; version: string; node: string | undefined }> {
  if (!existsSync(dir)) return;
  for (const entry of readdirSync(dir)) {
    if (entry.startsWith('.')) continue;
    const path = join(dir, entry);
    if (entry.startsWith('@')) {
      yield* packages(path);
      continue;
    }
    const manifest = join(path, 'package.json');
    if (!existsSync(manifest)) continue;
    const pkg = JSON.parse(readFileSync(manifest, 'utf8')) as {
      name: string;
      version: string;
      engines?: { node?: string };
    };
    yield { name: pkg.name, version: pkg.version, node: pkg.engines?.node };
    yield* packages(join(path, 'node_modules'));
  }
}

describe('engines', () => {
  it('every installed package accepts the oldest Node the project supports, or is listed with a reason', () => {
    const project = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { engines: { node: string } };
    const oldest = semver.minVersion(project.engines.node)!.version;
    expect(oldest).toBe('20.19.0');
    const refusing = [...packages(join(ROOT, 'node_modules'))]
      .filter((p) => p.node !== undefined && !semver.satisfies(oldest, p.node))
      .filter((p) => !(p.name in ACCEPTED))
      .map((p) => `${p.name}@${p.version} wants node ${p.node}`);
    expect(refusing).toEqual([]);
  });

  it('the README explains, where a user sees it, the EBADENGINE warning of each package listed', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## Node versions'));
    expect(section.startsWith('## Node versions')).toBe(true);
    expect(section).toContain('EBADENGINE');
    for (const name of Object.keys(ACCEPTED)) {
      expect(section, name).toContain(name);
      const dev = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { devDependencies: object })
        .devDependencies;
      expect(Object.keys(dev), `${name} must stay a development dependency`).toContain(name);
    }
  });

  it('lists only packages that are installed and still refuse Node 20', () => {
    const installed = [...packages(join(ROOT, 'node_modules'))];
    for (const name of Object.keys(ACCEPTED)) {
      const found = installed.filter((p) => p.name === name);
      expect(found.length, `${name} is not installed: remove it from ACCEPTED`).toBeGreaterThan(0);
      expect(
        found.some((p) => p.node !== undefined && !semver.satisfies('20.19.0', p.node)),
        `${name} accepts Node 20 now: remove it from ACCEPTED`,
      ).toBe(true);
    }
  });
});
