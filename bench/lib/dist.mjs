/**
 * Where a build keeps its modules. Benchmarks compare this build with older ones (BENCH_CLI,
 * BENCH_BASELINE), and the rooms moved (docs/architecture.md): the CLI was dist/src/cli.js and
 * is dist/src/cli/main.js; machinery was under dist/testcases/ and is under dist/src/chain/.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** The dist/ folder of the build whose CLI is `cli`. */
export function distOf(cli) {
  const dir = dirname(cli);
  return dir.endsWith(join('src', 'cli')) ? dirname(dirname(dir)) : dirname(dir);
}

/** Imports the first of `paths` (relative to `dist`) that the build has. */
export function importFromDist(dist, ...paths) {
  const found = paths.map((p) => join(dist, p)).find((p) => existsSync(p));
  if (found === undefined) throw new Error(`none of ${paths.join(', ')} in ${dist}`);
  return import(pathToFileURL(found).href);
}
