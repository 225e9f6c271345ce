/** The README's "Your own test cases" module, taken from the README itself, for the tests that run it. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { REPO_ROOT } from './processes.js';

/** The example as the README shows it: TypeScript (my-tasks.ts). */
export function readmeExample(): string {
  const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
  const block = /```ts\n(\/\/ my-tasks\.ts[\s\S]*?)```/.exec(readme);
  if (!block) throw new Error('README.md has no my-tasks.ts example');
  return block[1]!;
}

/** The same without its one type annotation, as the README says: JavaScript. */
export function readmeExampleAsJs(): string {
  const js = readmeExample().replace('(result: unknown)', '(result)');
  if (/: unknown|<[A-Z]\w*>/.test(js)) throw new Error('the README example has more type annotations than (result: unknown)');
  return js;
}
