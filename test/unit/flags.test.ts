/**
 * The one flag table: what commander makes of it is what the rest of the code reads (the raw
 * option types and defaults), and the children of --processes never get a user's value of a
 * flag their parent sets for each of them.
 */
import { readFileSync } from 'node:fs';

import { Command } from 'commander';
import { describe, expect, it } from 'vitest';

import { childPlans } from '../../src/app/processes.js';
import { childBaseArgs, commanderOptions, type CommandName, flagDefaults, FLAGS, withoutPerChildFlags } from '../../src/cli/flags.js';
import { parseOptions } from '../../src/cli/options.js';
import { UsageError } from '../../src/util/errors.js';
import { builtInTestCases } from '../../testcases/registry.js';
import { meaning, readOptions } from '../support/cli-options.js';

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
    expected.header = [];
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

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

/** The lines of the README section under `heading`, up to the next section of its level or above. */
function section(heading: string): string[] {
  const lines = readme.split('\n');
  const start = lines.indexOf(heading);
  if (start < 0) throw new Error(`README.md has no "${heading}"`);
  const level = /^#+/.exec(heading)![0].length;
  const end = lines.findIndex((l, i) => i > start && new RegExp(`^#{1,${level}} `).test(l));
  return lines.slice(start + 1, end < 0 ? undefined : end);
}

it('a child of --processes never gets the key in its arguments, however the parent was given it', () => {
  const KEY = '0x8f2a55949038a9610f50fb23b5883af3b4ecb3c3bb792cbcefbd1542c692be63';
  for (const given of [['-key', KEY], ['--key', KEY], [`--key=${KEY}`], [`-key=${KEY}`]]) {
    const { args, options } = readOptions(['--tc', 'blockNumber', '--processes', '2', '--endpoint', 'http://n:8545', ...given]);
    const argv = childPlans(childBaseArgs(args), options, 'http://n:8545').flatMap((p) => p.argv);
    expect(argv.join(' ')).not.toContain(KEY.slice(2));
    expect(argv).toContain('blockNumber');
  }
});

describe("the README's flag table", () => {
  /** `| \`--max-rps <n>\` | 0 (unlimited) | ...` → the first cell's flags and the second cell. */
  const rows = section('## Flags')
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

describe("the README's test-case tables", () => {
  /** The first cell's names of every `| name (alias) | ...` table under "## Test cases": `name` (`alias`, `alias`). */
  const listed: string[] = [];
  let inNameTable = false;
  for (const line of section('## Test cases')) {
    if (!line.startsWith('|')) inNameTable = false;
    else if (line.startsWith('| name (alias) |')) inNameTable = true;
    else if (inNameTable && !line.startsWith('|---')) listed.push(...[...line.split(' | ')[0]!.matchAll(/`([^`]+)`/g)].map((m) => m[1]!));
  }

  it.each(listed)('%s is accepted by --tc', (name) => {
    const { options } = readOptions(['--tc', name]);
    expect(options.testCases).toHaveLength(1);
  });

  it('list every built-in test case under its name and each of its aliases', () => {
    expect(listed.length).toBeGreaterThan(50);
    const missing = builtInTestCases.flatMap((tc) => [tc.name, ...tc.aliases]).filter((name) => !listed.includes(name));
    expect(missing, 'names missing from the README').toEqual([]);
  });
});

describe('the README\'s table "Coming from klayslave / kaia-load-tester"', () => {
  const KEY = '0x8f2a55949038a9610f50fb23b5883af3b4ecb3c3bb792cbcefbd1542c692be63';
  /** `| \`-vusigned 100\` | \`--accounts 100\` | notes |` → both command lines ('refused' stays a word). */
  const rows = section('## Coming from klayslave / kaia-load-tester')
    .filter((line) => line.startsWith('| `-'))
    .map((line) => {
      const [goCell = '', ownCell = ''] = line.slice(2).split(' | ');
      const args = (cell: string) =>
        cell
          .replaceAll('`', '')
          .replaceAll('"', '')
          .replaceAll('$KEY', KEY)
          .split(' ')
          .filter((w) => w !== '');
      return [goCell, args(goCell), ownCell === 'refused' ? null : args(ownCell)] as const;
    });

  it('has a row for every Go name and refused flag family', () => {
    expect(rows.length).toBeGreaterThanOrEqual(18);
    const goWords = rows.flatMap(([, go]) => go);
    for (const name of ['-vusigned', '-activepercent', '--activeUserPercent', '--weights', '-vuunsigned', '--chargeParallel', '--run-tasks']) {
      expect(
        goWords.some((w) => w === name || w.startsWith(`${name}=`)),
        `no row uses ${name}`,
      ).toBe(true);
    }
  });

  it.each(rows)('%s', (_cell, go, own) => {
    if (own === null) {
      let message = '';
      try {
        readOptions(go);
      } catch (err) {
        expect(err).toBeInstanceOf(UsageError);
        message = (err as Error).message;
      }
      const refused = go.find((w) => message.startsWith(`${w}: `));
      expect(refused, `"${go.join(' ')}" was not refused naming one of its flags: ${message}`).toBeDefined();
      expect(message).not.toContain('\n');
      return;
    }
    expect(meaning(readOptions(go).options)).toEqual(meaning(readOptions(own).options));
  });
});

describe("the README's test-case tables", () => {
  /** `| \`kaiaCancel\` (\`newCancelTC\`) | ... |` → every name in the first cell, name and aliases alike. */
  const firstCell = (line: string): string => line.slice(2).split(' | ')[0]!;
  const rows = section('## Test cases')
    .filter((line) => line.startsWith('| `'))
    .map((line) => [...firstCell(line).matchAll(/`([^`]+)`/g)].map((m) => m[1]!));

  it.each(rows.map((names) => [names.join(', '), names] as const))('%s: --tc takes every name of the row, as one test case', (_, names) => {
    const chosen = names.map((name) => readOptions(['--tc', name]).options.testCases.map((t) => t.testCase.name));
    expect(chosen).toEqual(names.map(() => [names[0]]));
  });

  it('list every built-in test case with all its aliases', () => {
    const listed = rows.flat();
    const missing = builtInTestCases.flatMap((t) => [t.name, ...t.aliases]).filter((name) => !listed.includes(name));
    expect(missing).toEqual([]);
  });
});
