/**
 * The house plan (docs/architecture.md), checked on the sources: which room may import which,
 * no import cycle between files, and test cases reached from src/ only through the registry
 * the CLI reads. Imports are read from the TypeScript sources (relative specifiers only:
 * packages are not rooms).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';

import { describe, expect, it } from 'vitest';

import { REPO_ROOT } from '../support/processes.js';

/** Each room and the rooms it may import (besides itself). */
const MAY_IMPORT: Readonly<Record<string, readonly string[]>> = {
  util: [],
  rpc: ['util'],
  stats: ['util'],
  locust: ['stats', 'util'],
  metrics: ['stats', 'util'],
  runner: ['locust', 'stats', 'rpc', 'util'],
  chain: ['runner', 'rpc', 'stats', 'util'],
  api: ['chain', 'runner', 'rpc', 'stats', 'util'],
  app: ['api', 'chain', 'runner', 'locust', 'stats', 'metrics', 'rpc', 'util'],
  cli: ['app', 'api', 'chain', 'runner', 'rpc', 'stats', 'util', 'testcases'],
  /** src/index.ts: the public API package entry. */
  index: ['api', 'runner', 'rpc', 'stats'],
  testcases: ['api', 'chain', 'runner', 'rpc', 'stats', 'util'],
};

/** The one way into testcases/ from src/: the CLI reads the registry. */
const REGISTRY_IMPORT = 'src/cli/configure.ts -> testcases/registry.ts';

function sourceFiles(dir: string): string[] {
  return readdirSync(join(REPO_ROOT, dir), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts') && !e.name.endsWith('.d.ts'))
    .map((e) => relative(REPO_ROOT, join(e.parentPath, e.name)));
}

function roomOf(file: string): string {
  if (file.startsWith('testcases/')) return 'testcases';
  const parts = file.split('/');
  return parts.length === 2 ? 'index' : parts[1]!;
}

const IMPORT = /(?:^|\n)\s*(?:import|export)\b[^'"]*?from\s*['"](\.{1,2}\/[^'"]+)['"]|\bimport\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*\)/g;

function importsOf(file: string): string[] {
  const text = readFileSync(join(REPO_ROOT, file), 'utf8');
  return [...text.matchAll(IMPORT)]
    .map((m) => normalize(join(dirname(file), m[1] ?? m[2]!)))
    .filter((target) => target.endsWith('.js'))
    .map((target) => target.replace(/\.js$/, '.ts'));
}

const files = [...sourceFiles('src'), ...sourceFiles('testcases')];
const graph = new Map(files.map((f) => [f, importsOf(f)]));

describe('the house plan', () => {
  it('reads a graph of the whole code base', () => {
    expect(files.length).toBeGreaterThan(100);
    for (const [file, targets] of graph) for (const t of targets) expect(graph.has(t), `${file} imports ${t}, which is not a source file`).toBe(true);
  });

  it('every room imports only the rooms below it', () => {
    const wrong: string[] = [];
    for (const [file, targets] of graph) {
      const from = roomOf(file);
      const allowed = MAY_IMPORT[from];
      expect(allowed, `${file} is in no room of the plan`).toBeDefined();
      for (const target of targets) {
        const to = roomOf(target);
        if (to !== from && !allowed!.includes(to)) wrong.push(`${file} -> ${target} (${from} may not import ${to})`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('src/ reaches test cases only through the registry the CLI reads', () => {
    const intoTestCases = [...graph].flatMap(([file, targets]) =>
      file.startsWith('src/') ? targets.filter((t) => t.startsWith('testcases/')).map((t) => `${file} -> ${t}`) : [],
    );
    expect(intoTestCases).toEqual([REGISTRY_IMPORT]);
  });

  it('every error class derives from the one base (src/util/errors.ts), which carries the exit code', () => {
    const strays = files.flatMap((file) =>
      [...readFileSync(join(REPO_ROOT, file), 'utf8').matchAll(/class (\w+) extends (\w*Error)\b/g)]
        .filter(([, , base]) => base === 'Error' && file !== 'src/util/errors.ts')
        .map(([, name]) => `${file}: ${name!} extends Error`),
    );
    expect(strays).toEqual([]);
  });

  it('every test case is made with defineTestCase, the one way (no hand-built TestCase objects)', () => {
    const handBuilt = files
      .filter((file) => file.startsWith('testcases/'))
      .flatMap((file) =>
        [
          ...readFileSync(join(REPO_ROOT, file), 'utf8').matchAll(
            /:\s*TestCase\s*=\s*\{|\):\s*TestCase\s*\{\s*(?:const[^;]*;\s*)*return\s*\{|\}\s*satisfies\s+TestCase\b/g,
          ),
        ].map((m) => `${file}: ${m[0].replace(/\s+/g, ' ')}`),
      );
    expect(handBuilt).toEqual([]);
  });

  it('no import cycle between files', () => {
    const state = new Map<string, 'open' | 'done'>();
    const cycles: string[] = [];
    const visit = (file: string, path: string[]): void => {
      if (state.get(file) === 'done') return;
      if (state.get(file) === 'open') {
        cycles.push([...path.slice(path.indexOf(file)), file].join(' -> '));
        return;
      }
      state.set(file, 'open');
      for (const target of graph.get(file) ?? []) visit(target, [...path, file]);
      state.set(file, 'done');
    };
    for (const file of graph.keys()) visit(file, []);
    expect(cycles).toEqual([]);
  });
});
