/**
 * bench/RESULTS.md: every recorded run, appended with its date, the machine, the table and the
 * exact command lines, so a number can always be traced to how it was measured.
 */
import { appendFileSync, existsSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const RESULTS = fileURLToPath(new URL('../RESULTS.md', import.meta.url));

/**
 * @param {{ title: string, startedAt: Date, machine: string[], table: string, summary: string, commands: string[], notes?: string[] }} run
 */
export function appendResults({ title, startedAt, machine, table, summary, commands, notes = [] }) {
  if (!existsSync(RESULTS)) {
    writeFileSync(
      RESULTS,
      '# Benchmark results\n\nAppended by `npm run bench` (`node bench/run.mjs`); see bench/README.md for what each figure means.\n' +
        'The machine is shared and absolute numbers drift from run to run: compare the ratios, which are measured within one run.\n',
    );
  }
  const when = startedAt.toISOString().replace('T', ' ').slice(0, 16);
  appendFileSync(
    RESULTS,
    [
      '',
      `## ${when} UTC, ${title}`,
      '',
      ...machine.map((m) => `- ${m}`),
      '- Pinning: the program under test on core 0 (`taskset -c 0`), its target, the Locust master and the bench itself on core 1 ' +
        '(except where a benchmark says otherwise). Other people may have been using the machine: the ratios come from one run, side by side.',
      '',
      table,
      '',
      summary,
      ...notes.flatMap((n) => ['', n]),
      '',
      '<details><summary>Exact commands</summary>',
      '',
      '```sh',
      ...commands,
      '```',
      '',
      '</details>',
      '',
    ].join('\n'),
  );
}
