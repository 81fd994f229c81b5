/**
 * The layering of design.md section 7, checked on the source: a module imports only its own layer
 * or lower ones, across folders only through the folder's index.ts, and only the shell (app, cli,
 * the system clock, adapters, the simulator's server) touches the process or the real clock.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const SRC = join(import.meta.dirname, '..', 'src');
const RANK: Record<string, number> = {
  core: 0,
  domain: 1,
  config: 1,
  clari: 2,
  warehouse: 2,
  changes: 2,
  alerts: 2,
  analytics: 3,
  pipeline: 3,
  server: 4,
  sim: 4,
  app: 5,
  cli: 6,
};
/** Files allowed to touch process, the real clock and global fetch. */
const SHELL = [
  /^app\//,
  /^cli\//,
  /^core\/clock\.ts$/,
  /^sim\/server\.ts$/,
  /^warehouse\/[a-z]+\/adapter\.ts$/,
  /^alerts\/channels\//,
  /^server\/http\.ts$/,
];

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory()
      ? files(join(dir, e.name))
      : e.name.endsWith('.ts') && !e.name.endsWith('.test.ts')
        ? [join(dir, e.name)]
        : [],
  );
}

const sources = files(SRC).map((path) => ({
  path: relative(SRC, path).replace(/\\/g, '/'),
  text: readFileSync(path, 'utf8'),
}));

/** Every relative import of a module: static, type-only, re-exports and dynamic `import()`. */
function importsOf(path: string, text: string): string[] {
  const targets = [...text.matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)].map((m) =>
    join(path, '..', m[1]!).replace(/\\/g, '/').replace(/\.js$/, '.ts'),
  );
  return [...new Set(targets)];
}

/** The strongly connected components of the import graph with more than one module (Tarjan). */
function importCycles(modules: readonly { path: string; text: string }[]): string[][] {
  const graph = new Map(modules.map((m) => [m.path, importsOf(m.path, m.text).filter((t) => t !== m.path)]));
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, index.size);
    low.set(v, index.get(v)!);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue;
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1) cycles.push(component.sort());
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return cycles;
}

const MAX_FUNCTION_LINES = 80;
/**
 * Functions allowed past MAX_FUNCTION_LINES, each with its reason. Table-like code only (a list of
 * cases read one at a time), and code another branch is replacing.
 */
const LONG_FUNCTIONS: Record<string, string> = {};

/** The name a function is known by: its own, or that of the variable, property or class member holding it. */
function functionName(node: ts.FunctionLikeDeclaration): string {
  if (node.name) return node.name.getText();
  const parent = node.parent;
  if ((ts.isVariableDeclaration(parent) || ts.isPropertyAssignment(parent)) && parent.name)
    return parent.name.getText();
  return '(anonymous)';
}

/** Functions (declarations, methods, arrows) longer than `max` lines, as `path name (lines)`. */
function longFunctions(modules: readonly { path: string; text: string }[], max: number): Map<string, number> {
  const long = new Map<string, number>();
  for (const { path, text } of modules) {
    const file = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true);
    const visit = (node: ts.Node): void => {
      if (ts.isFunctionLike(node) && 'body' in node && node.body) {
        const first = file.getLineAndCharacterOfPosition(node.getStart()).line;
        const last = file.getLineAndCharacterOfPosition(node.getEnd()).line;
        if (last - first + 1 > max) long.set(`${path} ${functionName(node)}`, last - first + 1);
      }
      ts.forEachChild(node, visit);
    };
    visit(file);
  }
  return long;
}

describe('architecture', () => {
  it('every source folder is a known layer', () => {
    const folders = new Set(sources.map((s) => s.path.split('/')[0]));
    for (const folder of folders) expect(RANK, `src/${folder}`).toHaveProperty(folder!);
  });

  it('imports point down the layers, and across folders only through index.ts', () => {
    const problems: string[] = [];
    for (const { path, text } of sources) {
      const from = path.split('/')[0]!;
      for (const m of text.matchAll(/from '(\.{1,2}\/[^']+)'/g)) {
        const target = join(path, '..', m[1]!).replace(/\\/g, '/');
        const to = target.split('/')[0]!;
        if (to === from) continue;
        if (RANK[to]! > RANK[from]!) problems.push(`${path} imports ${m[1]} (${from} may not depend on ${to})`);
        if (!/^[a-z]+\/index\.js$/.test(target)) problems.push(`${path} imports ${m[1]} instead of ${to}/index.js`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('no module imports itself back (no import cycle, type-only and lazy imports included)', () => {
    const cycles = importCycles(sources);
    expect(cycles.map((cycle) => cycle.join(' -> '))).toEqual([]);
  });

  it(`no function is longer than ${MAX_FUNCTION_LINES} lines, outside the few listed with a reason`, () => {
    const long = longFunctions(sources, MAX_FUNCTION_LINES);
    const unexpected = [...long].filter(([name]) => !(name in LONG_FUNCTIONS)).map(([n, lines]) => `${n} (${lines})`);
    expect(unexpected).toEqual([]);
    // An entry whose function got shorter (or went away) leaves the list, so the list stays true.
    const stale = Object.keys(LONG_FUNCTIONS).filter((name) => !long.has(name));
    expect(stale).toEqual([]);
  });

  it('SQL is written only in src/warehouse (statement families in warehouse/sql, one file each)', () => {
    const problems: string[] = [];
    for (const { path, text } of sources) {
      if (path.startsWith('warehouse/')) continue;
      const file = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true);
      const visit = (node: ts.Node): void => {
        if (
          ts.isCallExpression(node) &&
          ts.isPropertyAccessExpression(node.expression) &&
          ['query', 'exec'].includes(node.expression.name.text) &&
          node.arguments[0] &&
          (ts.isStringLiteralLike(node.arguments[0]) || ts.isTemplateExpression(node.arguments[0])) &&
          /\b(SELECT|INSERT|UPDATE|DELETE|CREATE|DROP|ALTER|MERGE|WITH|ANALYZE)\b/.test(node.arguments[0].getText())
        ) {
          const line = file.getLineAndCharacterOfPosition(node.getStart()).line + 1;
          problems.push(`${path}:${line} sends SQL written outside src/warehouse`);
        }
        ts.forEachChild(node, visit);
      };
      visit(file);
    }
    expect(problems).toEqual([]);
  });

  it('every warehouse dialect folder has the same file set', () => {
    const dialects = new Map<string, string[]>();
    for (const { path } of sources) {
      const m = /^warehouse\/(duckdb|postgres|snowflake|bigquery)\/([^/]+)$/.exec(path);
      if (m) dialects.set(m[1]!, [...(dialects.get(m[1]!) ?? []), m[2]!].sort());
    }
    expect([...dialects.keys()].sort()).toEqual(['bigquery', 'duckdb', 'postgres', 'snowflake']);
    for (const [dialect, files] of dialects)
      expect(files, dialect).toEqual([
        'adapter.ts',
        'config.ts',
        'dialect.ts',
        'errors.ts',
        'stage.ts',
        'warehouse.ts',
      ]);
  });

  it('only the shell touches the process, the real clock and global fetch', () => {
    const problems: string[] = [];
    for (const { path, text } of sources) {
      if (SHELL.some((re) => re.test(path))) continue;
      const code = text.replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '');
      for (const [pattern, what] of [
        [/\bprocess\.(env|argv|exit|stdout|stderr|on|once)\b/, 'process'],
        [/\bDate\.now\(/, 'Date.now()'],
        [/new Date\(\)/, 'new Date()'],
        [/(?<![.\w])fetch\(/, 'global fetch'],
        [/\bsetTimeout\(/, 'setTimeout'],
      ] as const) {
        if (pattern.test(code)) problems.push(`${path} uses ${what}`);
      }
    }
    expect(problems).toEqual([]);
  });
});
