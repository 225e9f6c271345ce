/**
 * Flags from the environment: every flag has its KLAYWORKER_ variable, Locust's worker
 * variables are read, a flag wins over KLAYWORKER_* which wins over LOCUST_*, a bad value names
 * its variable, the key is never echoed, and a child of --processes reads back exactly its own
 * share (nothing doubled, no second fork).
 */
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';

import { PROCESS_INDEX_ENV } from '../../src/app/process-index.js';
import { childPlans } from '../../src/app/processes.js';
import { KEY_ENV } from '../../src/chain/keys.js';
import { SIGNING_ENV } from '../../src/chain/signing/ecdsa.js';
import { readCommandLine } from '../../src/cli/command-line.js';
import { envName, withoutPerChildEnv } from '../../src/cli/env-flags.js';
import { commanderOptions, FLAG_SPECS, flagsOf, longFlag, takesValue, withoutPerChildFlags } from '../../src/cli/flags.js';
import { UsageError } from '../../src/util/errors.js';
import { meaning, readOptions } from '../support/cli-options.js';

const KEY = '0x8f2a55949038a9610f50fb23b5883af3b4ecb3c3bb792cbcefbd1542c692be63';
const BASE = ['--tc', 'blockNumber'];

/** What commander and the environment make of `args`, before validation. */
function raw(args: string[], env: NodeJS.ProcessEnv): Record<string, unknown> {
  const cmd = new Command('t').exitOverride();
  for (const option of commanderOptions('run')) cmd.addOption(option);
  return readCommandLine(cmd, 'run', args, env).raw;
}

function refusal(args: string[], env: NodeJS.ProcessEnv): string {
  try {
    readOptions(args, env);
  } catch (err) {
    expect(err).toBeInstanceOf(UsageError);
    return (err as Error).message;
  }
  throw new Error(`${JSON.stringify(env)} was accepted`);
}

describe('KLAYWORKER_<FLAG>', () => {
  it('is the long name in upper case with _ for - and .', () => {
    const byFlag = Object.fromEntries(FLAG_SPECS.map((f) => [longFlag(f), envName(f)]));
    expect(byFlag['--max-rps']).toBe('KLAYWORKER_MAX_RPS');
    expect(byFlag['--tc-module']).toBe('KLAYWORKER_TC_MODULE');
    expect(byFlag['--locust-legacy-0.9']).toBe('KLAYWORKER_LOCUST_LEGACY_0_9');
    expect(byFlag['--users']).toBe('KLAYWORKER_USERS');
    // --key's variable is the one keys.ts has always read.
    expect(byFlag['--key']).toBe(KEY_ENV);
    const names = Object.values(byFlag);
    expect(new Set(names).size).toBe(names.length);
    // klayworker's other variables are no flag's.
    for (const other of [PROCESS_INDEX_ENV, SIGNING_ENV, 'KLAYWORKER_REQUIRE_INTEGRATION']) expect(names).not.toContain(other);
  });

  it.each(flagsOf('run').filter((f) => longFlag(f) !== '--key'))('gives %s', (f) => {
    const value = f.repeatable === true ? ['a.mjs', ' b.ts'].join(f.envSeparator ?? ',') : takesValue(f) ? 'some value' : 'true';
    const expected = f.repeatable === true ? ['a.mjs', 'b.ts'] : takesValue(f) ? 'some value' : true;
    expect(raw([], { [envName(f)]: value })[f.key]).toEqual(expected);
  });

  it('gives the same options as the flags', () => {
    const env = {
      KLAYWORKER_TC: 'valueTransfer:3,blockNumber:1',
      KLAYWORKER_ENDPOINT: 'http://node:8551',
      KLAYWORKER_MAX_RPS: '10',
      KLAYWORKER_ACCOUNTS: '20',
      KLAYWORKER_ACTIVE_PERCENT: '50',
      KLAYWORKER_STANDALONE: 'true',
      KLAYWORKER_USERS: '4',
      KLAYWORKER_RUN_TIME: '1m',
      KLAYWORKER_CHARGE: '0.5',
      KLAYWORKER_LOG_FORMAT: 'json',
    };
    const flags = ['--tc', 'valueTransfer:3,blockNumber:1', '--endpoint', 'http://node:8551', '--max-rps', '10', '--accounts', '20'];
    flags.push('--active-percent', '50', '--standalone', '-u', '4', '-t', '1m', '--charge', '0.5', '--log-format', 'json');
    expect(meaning(readOptions([], env).options)).toEqual(meaning(readOptions(flags).options));
  });

  it.each([
    ['true', true],
    ['1', true],
    ['YES', true],
    ['on', true],
    ['false', false],
    ['0', false],
    ['no', false],
    ['off', false],
  ])('a switch reads %s as %s', (text, on) => {
    expect(readOptions(BASE, { KLAYWORKER_STANDALONE: text }).options.standalone).toBe(on);
  });

  it('an empty variable is unset', () => {
    expect(readOptions(BASE, { KLAYWORKER_MAX_RPS: '', KLAYWORKER_STANDALONE: ' ', KLAYWORKER_TC_MODULE: '' }).options.maxRps).toBe(0);
    expect(raw(BASE, { KLAYWORKER_TC_MODULE: '' }).tcModule).toEqual([]);
  });

  it('a repeatable flag on the command line replaces the list in the variable, not joins it', () => {
    expect(raw(['--tc-module', 'x.mjs'], { KLAYWORKER_TC_MODULE: 'a.mjs,b.mjs' }).tcModule).toEqual(['x.mjs']);
  });
});

describe('precedence: a flag, then KLAYWORKER_*, then LOCUST_*, then the default', () => {
  const master = (args: string[], env: NodeJS.ProcessEnv) => {
    const { masterHost, masterPort } = readOptions([...BASE, ...args], env).options;
    return `${masterHost}:${masterPort}`;
  };
  const all = { KLAYWORKER_MASTER_HOST: 'kw', KLAYWORKER_MASTER_PORT: '6000', LOCUST_MASTER_NODE_HOST: 'locust', LOCUST_MASTER_NODE_PORT: '7000' };

  it.each([
    [['--master-host', 'flag', '--master-port', '5000'], all, 'flag:5000'],
    [['-master-host=flag', '-master-port=5000'], all, 'flag:5000'],
    [[], all, 'kw:6000'],
    [[], { LOCUST_MASTER_NODE_HOST: 'locust', LOCUST_MASTER_NODE_PORT: '7000' }, 'locust:7000'],
    [[], { KLAYWORKER_MASTER_HOST: 'kw', LOCUST_MASTER_NODE_PORT: '7000' }, 'kw:7000'],
    [['--master-port', '5000'], { LOCUST_MASTER_NODE_HOST: 'locust', LOCUST_MASTER_NODE_PORT: '7000' }, 'locust:5000'],
    [[], {}, '127.0.0.1:5557'],
    [[], { LOCUST_MODE_WORKER: 'true' }, '127.0.0.1:5557'],
  ] as [string[], NodeJS.ProcessEnv, string][])('%j with %j → %s', (args, env, expected) => {
    expect(master(args, env)).toBe(expected);
  });

  it('LOCUST_MODE_WORKER changes nothing', () => {
    expect(meaning(readOptions(BASE, { LOCUST_MODE_WORKER: 'true' }).options)).toEqual(meaning(readOptions(BASE).options));
  });

  it('a flag wins over its variable for every kind of flag', () => {
    const o = readOptions([...BASE, '--max-rps', '7', '--log-level', 'warn'], {
      KLAYWORKER_TC: 'gasPrice',
      KLAYWORKER_MAX_RPS: '9',
      KLAYWORKER_LOG_LEVEL: 'debug',
    }).options;
    expect([o.testCases.map((t) => t.testCase.name), o.maxRps, o.logLevel]).toEqual([['blockNumber'], 7, 'warn']);
  });
});

describe('a bad value names its variable, in one line', () => {
  it.each([
    [{ KLAYWORKER_MAX_RPS: 'ten' }, BASE, /^KLAYWORKER_MAX_RPS: expected a whole number from 0 to 100000000, got "ten"$/],
    [{ KLAYWORKER_TC: 'nope' }, [], /^KLAYWORKER_TC: unknown test case "nope"; available: /],
    [{ KLAYWORKER_TC: 'blockNumber:0' }, [], /^KLAYWORKER_TC: bad weight "0"/],
    [{ KLAYWORKER_MASTER_PORT: '70000' }, BASE, /^KLAYWORKER_MASTER_PORT: expected a whole number from 1 to 65535/],
    [{ LOCUST_MASTER_NODE_PORT: 'x' }, BASE, /^LOCUST_MASTER_NODE_PORT: expected a whole number from 1 to 65535, got "x"$/],
    [{ LOCUST_MASTER_NODE_HOST: 'a b' }, BASE, /^LOCUST_MASTER_NODE_HOST: expected a host name/],
    [{ KLAYWORKER_STANDALONE: 'maybe' }, BASE, /^KLAYWORKER_STANDALONE: expected true or false \(it is the switch --standalone\)/],
    [{ KLAYWORKER_USERS: '5' }, BASE, /^KLAYWORKER_USERS applies only with --standalone/],
    [{ KLAYWORKER_REQUEST_INCREASE_RATE: 'fast' }, BASE, /^KLAYWORKER_REQUEST_INCREASE_RATE: expected "<requests>\[\/<period>\]"/],
    [{ KLAYWORKER_PROCESSES: '2', KLAYWORKER_MAX_RPS: '1' }, BASE, /^KLAYWORKER_MAX_RPS 1 cannot be split over 2 processes/],
    [{ KLAYWORKER_METRICS_PORT: 'x' }, BASE, /^KLAYWORKER_METRICS_PORT: /],
    [{ KLAYWORKER_ACTIVE_PERCENT: '0' }, BASE, /^KLAYWORKER_ACTIVE_PERCENT: /],
    [{ KLAYWORKER_KEY_FILE: '/nonexistent/rich.key' }, BASE, /^KLAYWORKER_KEY_FILE \/nonexistent\/rich\.key: cannot read the key \(no such file\)$/],
  ] as [NodeJS.ProcessEnv, string[], RegExp][])('%j', (env, args, message) => {
    const text = refusal(args, env);
    expect(text).toMatch(message);
    expect(text).not.toContain('\n');
  });

  it('KLAYWORKER_KEY: a bad key is named by its variable and never shown; a good one earns no warning about ps', () => {
    const bad = `${KEY.slice(0, 40)}zz`;
    const text = refusal(BASE, { KLAYWORKER_KEY: bad });
    expect(text).toMatch(/^the private key from KLAYWORKER_KEY is malformed/);
    expect(text).not.toContain(bad.slice(2, 30));
    const good = readOptions(BASE, { KLAYWORKER_KEY: KEY }).options;
    expect([good.richKey?.reveal(), good.richKeyOrigin, good.warnings]).toEqual([KEY, 'KLAYWORKER_KEY', []]);
  });

  it('a key on the command line wins over both key variables (no "give the key once" error)', () => {
    const other = `0x${'1'.repeat(64)}`;
    const o = readOptions([...BASE, '--key', KEY], { KLAYWORKER_KEY: other, KLAYWORKER_KEY_FILE: '/nonexistent/rich.key' }).options;
    expect([o.richKey?.reveal(), o.richKeyOrigin]).toEqual([KEY, '--key']);
  });
});

describe('the children of --processes', () => {
  it('get the environment without the per-child variables, and keep the rest', () => {
    const env = withoutPerChildEnv({
      KLAYWORKER_PROCESSES: '4',
      KLAYWORKER_MAX_RPS: '8',
      KLAYWORKER_ACCOUNT_SEED: 's',
      KLAYWORKER_JSON: 'x.json',
      KLAYWORKER_TC: 'blockNumber',
      KLAYWORKER_KEY: KEY,
      LOCUST_MASTER_NODE_HOST: 'm',
      PATH: '/bin',
    });
    expect(env).toEqual({ KLAYWORKER_TC: 'blockNumber', KLAYWORKER_KEY: KEY, LOCUST_MASTER_NODE_HOST: 'm', PATH: '/bin' });
  });

  it('read back their own share of what the environment set, once, and fork no further', () => {
    const env = {
      KLAYWORKER_PROCESSES: '2',
      KLAYWORKER_MAX_RPS: '9',
      KLAYWORKER_ACCOUNT_SEED: 'env-seed',
      KLAYWORKER_JSON: 'out/summary.json',
      KLAYWORKER_REQUEST_INCREASE_RATE: '4/1s',
      KLAYWORKER_TC: 'blockNumber',
      KLAYWORKER_ENDPOINT: 'http://node:8551',
      LOCUST_MASTER_NODE_HOST: 'master',
    };
    const parent = readOptions(['-vusigned', '30'], env);
    expect(parent.options.processes).toBe(2);
    const plans = childPlans(withoutPerChildFlags(parent.args), parent.options, 'http://node:8551');
    const children = plans.map((plan) => readOptions(plan.argv, withoutPerChildEnv(env)));
    expect(children.map((c) => c.options.processes)).toEqual([1, 1]);
    expect(children.map((c) => c.options.maxRps)).toEqual([5, 4]);
    expect(children.map((c) => c.options.requestIncreaseRate)).toEqual([
      { step: 2, periodMs: 1000 },
      { step: 2, periodMs: 1000 },
    ]);
    expect(children.map((c) => c.options.tx.accountSeed)).toEqual(['env-seed-0', 'env-seed-1']);
    expect(children.map((c) => c.options.jsonFile)).toEqual(['out/summary-0.json', 'out/summary-1.json']);
    for (const child of children) {
      expect(child.options.tx.accounts).toBe(30);
      expect(child.options.masterHost).toBe('master');
      expect(child.options.testCases.map((t) => t.testCase.name)).toEqual(['blockNumber']);
      // The parent warned about -vusigned; a child is given klayworker's own spelling.
      expect(child.warnings).toEqual([]);
    }
  });
});
