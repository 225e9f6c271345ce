/**
 * The one flag table: what commander makes of it is what the rest of the code reads (the raw
 * option types and defaults), and the children of --processes never get a user's value of a
 * flag their parent sets for each of them.
 */
import { readFileSync } from 'node:fs';

import { Command } from 'commander';
import { describe, expect, it } from 'vitest';

import { childPlans } from '../../src/app/processes.js';
import { commanderOptions, type CommandName, flagDefaults, FLAGS, withoutPerChildFlags } from '../../src/cli/flags.js';
import { parseOptions } from '../../src/cli/options.js';
import { builtInTestCases } from '../../testcases/registry.js';

function parse(command: CommandName, argv: string[]): Record<string, unknown> {
  const cmd = new Command('t').exitOverride();
  for (const option of commanderOptions(command)) cmd.addOption(option);
  cmd.parse(argv, { from: 'user' });
  return cmd.opts();
}

describe('the flag table', () => {
  it.each(['run', 'refund'] as const)("each key is commander's attribute name, and no flag is given twice (%s)", (command) => {
    const options = commanderOptions(command);
    const keys = FLAGS.filter((f) => (f.commands as readonly string[]).includes(command)).map((f) => f.key);
    expect(options.map((o) => o.attributeName())).toEqual(keys);
    expect(new Set(options.map((o) => o.long)).size).toBe(options.length);
  });

  it.each(['run', 'refund'] as const)('with no flag, commander hands over exactly flagDefaults (%s)', (command) => {
    const expected: Record<string, unknown> = { ...flagDefaults(command) };
    if (command === 'run') expected.tcModule = [];
    expect(parse(command, [])).toEqual(expected);
  });

  it('values, switches and repeated flags arrive under their keys', () => {
    const raw = parse('run', [
      '--tc',
      'a:2,b',
      '--standalone',
      '-u',
      '5',
      '--tc-module',
      'x.mjs',
      '--tc-module=y.mjs',
      '--locust-legacy-0.9',
      '--max-pending=0',
    ]);
    expect(raw).toMatchObject({ tc: 'a:2,b', standalone: true, users: '5', tcModule: ['x.mjs', 'y.mjs'], 'locustLegacy0.9': true, maxPending: '0' });
  });

  it('refund takes only the chain flags', () => {
    expect(() => parse('refund', ['--tc', 'valueTransfer'])).toThrow(/unknown option '--tc'/);
    expect(parse('refund', ['--endpoint', 'http://n:8545']).endpoint).toBe('http://n:8545');
  });

  it('a child of --processes gets its own value of every per-child flag, never the user’s, and every other flag as given', () => {
    const argv = [
      '--tc',
      'blockNumber',
      '--processes=2',
      '--account-seed',
      'mine',
      '--max-rps',
      '9',
      '--json=s.json',
      '--csv',
      'c',
      '--html',
      'r.html',
      '--metrics-port',
      '9400',
    ];
    argv.push('--request-increase-rate', '2/1s', '--rpc-timeout', '3s');
    const options = parseOptions(
      {
        ...flagDefaults('run'),
        tc: 'blockNumber',
        processes: '2',
        accountSeed: 'mine',
        maxRps: '9',
        json: 's.json',
        csv: 'c',
        html: 'r.html',
        metricsPort: '9400',
        requestIncreaseRate: '2/1s',
        rpcTimeout: '3s',
        endpoint: 'http://n:8545',
      },
      builtInTestCases,
      {},
    );
    const [first] = childPlans(withoutPerChildFlags(argv), options, 'http://n:8545');
    const given = (flag: string) => first!.argv.filter((a) => a === flag || a.startsWith(`${flag}=`)).length;
    for (const flag of FLAGS.filter((f) => 'perChild' in f).map((f) => f.flags.split(' ')[0]!)) {
      // --processes is the parent's alone; each other per-child flag appears once, with the child's value.
      expect(given(flag)).toBe(flag === '--processes' ? 0 : 1);
    }
    expect(first!.argv).toContain('mine-0');
    expect(first!.argv).not.toContain('mine');
    expect(first!.argv.slice(0, 4)).toEqual(['--tc', 'blockNumber', '--rpc-timeout', '3s']);
  });
});

describe("the README's flag table", () => {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  /** `| \`--max-rps <n>\` | 0 (unlimited) | ...` → the first cell's flags and the second cell. */
  const rows = readme
    .split('\n')
    .filter((line) => line.startsWith('| `-'))
    .map((line) => {
      const [flags = '', defaults = ''] = line.split(' | ');
      return { flags: flags.slice(2), defaults: defaults.replaceAll('`', '') };
    });

  it.each(
    FLAGS.map(
      (f) =>
        [
          f.flags
            .split(' ')
            .find((w) => w.startsWith('--'))!
            .replace(/,$/, ''),
          f,
        ] as const,
    ),
  )('lists %s with its default', (long, flag) => {
    const row = rows.find((r) => r.flags.split(/[\s,/`]+/).includes(long));
    expect(row, `README has no row for ${long}`).toBeDefined();
    if ('default' in flag) expect(row!.defaults.startsWith(flag.default), `README says ${long} defaults to "${row!.defaults}"`).toBe(true);
  });
});
