/**
 * The Go load testers' command lines: Go's flag spellings, their names for klayworker's flags
 * (one warning each), --weights, and a one-line refusal for the flags that have no place here.
 * The command lines at the end are copied from the Go tools' READMEs and scripts and split by a
 * real shell, quotes and all.
 */
import { execFileSync } from 'node:child_process';

import { describe, expect, it } from 'vitest';

import { FLAG_SPECS, longFlag } from '../../src/cli/flags.js';
import { normaliseGoArgs, REFUSED_GO_FLAGS } from '../../src/cli/go-flags.js';
import { UsageError } from '../../src/util/errors.js';
import { meaning, readOptions } from '../support/cli-options.js';

const KEY = '0x8f2a55949038a9610f50fb23b5883af3b4ecb3c3bb792cbcefbd1542c692be63';
const ENDPOINT = 'http://10.0.0.7:8551';

/** The arguments `line` stands for, as sh splits them with KEY and ENDPOINT set. */
function shell(line: string): string[] {
  const out = execFileSync('/bin/sh', ['-c', `printf '%s\\0' ${line}`], { encoding: 'utf8', env: { PATH: process.env.PATH, KEY, ENDPOINT } });
  return out.split('\0').slice(0, -1);
}

function refusal(args: string[]): string {
  try {
    readOptions(args);
  } catch (err) {
    expect(err).toBeInstanceOf(UsageError);
    return (err as Error).message;
  }
  throw new Error(`${args.join(' ')} was accepted`);
}

describe("Go's flag spellings", () => {
  it.each([
    [
      ['-max-rps', '10'],
      ['--max-rps', '10'],
    ],
    [['-max-rps=10'], ['--max-rps', '10']],
    [['--max-rps=10'], ['--max-rps', '10']],
    [['-tc=transferSignedTx'], ['--tc', 'transferSignedTx']],
    [
      ['-tc', 'a,b'],
      ['--tc', 'a,b'],
    ],
    [
      ['-endpoint', ENDPOINT, '-key', KEY],
      ['--endpoint', ENDPOINT, '--key', KEY],
    ],
    [
      ['-master-host', 'h', '-master-port=5557'],
      ['--master-host', 'h', '--master-port', '5557'],
    ],
    [['-locust-legacy-0.9'], ['--locust-legacy-0.9']],
    [
      ['-standalone=true', '-u', '3'],
      ['--standalone', '-u', '3'],
    ],
    [['-standalone=false'], []],
    [['-help'], ['--help']],
    [['-version'], ['--version']],
  ])('%j → %j', (given, expected) => {
    expect(normaliseGoArgs(given)).toEqual({ args: expected, warnings: [], labels: {} });
  });

  it.each([
    // Real one-letter flags stay as they are, their values included.
    [
      ['-u', '10', '-r', '2', '-t', '30s'],
      ['-u', '10', '-r', '2', '-t', '30s'],
    ],
    [['-u10'], ['-u10']],
    [['-t=30s'], ['-t', '30s']],
    // A value is never read as a flag, negative numbers included: they get their own error later.
    [
      ['--accounts', '-1'],
      ['--accounts', '-1'],
    ],
    [
      ['-max-rps', '-5'],
      ['--max-rps', '-5'],
    ],
    [
      ['-u', '-5'],
      ['-u', '-5'],
    ],
    [
      ['-tc', '-max-rps'],
      ['--tc', '-max-rps'],
    ],
    // Not klayworker's, not the Go tools': commander says so.
    [
      ['-bogus', '1'],
      ['-bogus', '1'],
    ],
    [
      ['--', '-tc'],
      ['--', '-tc'],
    ],
  ])('%j → %j', (given, expected) => {
    expect(normaliseGoArgs(given).args).toEqual(expected);
  });

  it('every long flag of the table works with one dash and with =value', () => {
    for (const f of FLAG_SPECS) {
      const long = longFlag(f);
      const takes = f.flags.includes('<');
      expect(normaliseGoArgs([long.slice(1), ...(takes ? ['v'] : [])]).args).toEqual([long, ...(takes ? ['v'] : [])]);
      if (takes) expect(normaliseGoArgs([`${long.slice(1)}=v`]).args).toEqual([long, 'v']);
    }
  });

  it('a switch given a value it cannot mean is one line naming it', () => {
    expect(() => normaliseGoArgs(['-standalone=maybe'])).toThrow(/^-standalone is a switch/);
  });
});

describe("the Go tools' names", () => {
  it.each([
    [['-vusigned', '100'], ['--accounts', '100'], '-vusigned is --accounts in klayworker'],
    [['--vusigned=100'], ['--accounts', '100'], '--vusigned is --accounts in klayworker'],
    [['-vuunsigned', '3'], ['--node-signed-accounts', '3'], '-vuunsigned is --node-signed-accounts in klayworker'],
    [['-activepercent=50'], ['--active-percent', '50'], '-activepercent is --active-percent in klayworker'],
    [['--activeUserPercent', '50'], ['--active-percent', '50'], '--activeUserPercent is --active-percent in klayworker'],
    [['-tc', 'a,b', '--weights', '3,1'], ['--tc', 'a:3,b:1'], '--weights 3,1 is --tc a:3,b:1 in klayworker'],
    [['--weights=2', '-tc=a'], ['--tc', 'a:2'], '--weights 2 is --tc a:2 in klayworker'],
    [['--request-increase-rate', '-1'], [], '--request-increase-rate -1 (Boomer\'s "no ramp") is leaving the flag out in klayworker'],
  ])('%j → %j with one warning', (given, expected, warning) => {
    expect(normaliseGoArgs(given)).toMatchObject({ args: expected, warnings: [warning] });
  });

  it('errors name a flag given by its Go name as the user typed it, with klayworker’s name', () => {
    expect(normaliseGoArgs(['-vusigned=0', '--activeUserPercent', '5']).labels).toEqual({
      '--accounts': '-vusigned (--accounts)',
      '--active-percent': '--activeUserPercent (--active-percent)',
    });
  });

  it('warns once per old name, however often it is given', () => {
    expect(normaliseGoArgs(['-vusigned', '1', '-vusigned', '2']).warnings).toEqual(['-vusigned is --accounts in klayworker']);
  });

  it.each([
    [['-tc', 'blockNumber,gasPrice', '--weights', '3'], /^--weights "3": expected 2 whole numbers above 0, one per -tc entry \(blockNumber,gasPrice\)/],
    [['-tc', 'blockNumber,gasPrice', '--weights', '3,1,1'], /^--weights "3,1,1": expected 2 whole numbers/],
    [['-tc', 'blockNumber,gasPrice', '--weights', '3,x'], /^--weights "3,x": expected 2 whole numbers/],
    [['-tc', 'blockNumber,gasPrice', '--weights', '3,0'], /^--weights "3,0": expected 2 whole numbers above 0/],
    [['-tc', 'blockNumber,gasPrice', '--weights', '1.5,1'], /^--weights "1.5,1": expected/],
    [['-tc', 'blockNumber,gasPrice', '--weights', '-1,2'], /^--weights "-1,2": expected/],
    [['-tc', 'blockNumber,gasPrice', '--weights', ''], /^--weights "": expected/],
    [['--weights', '3,1'], /^--weights: give the test cases with -tc on the command line too/],
    [['-tc', 'blockNumber:2,gasPrice', '--weights', '3,1'], /^--weights: -tc already gives weights/],
    [['-tc', 'blockNumber', '--weights', '1', '--weights', '2'], /^--weights: give it once/],
  ])('a bad --weights list %j is one line, not the Go tools’ silent default', (args, message) => {
    const text = refusal(args);
    expect(text).toMatch(message);
    expect(text).not.toContain('\n');
  });

  it.each(REFUSED_GO_FLAGS.flatMap((r) => r.names.flatMap((n) => [`-${n}`, `--${n}`])))('%s is refused in one line that says why', (flag) => {
    const text = refusal(['--tc', 'blockNumber', flag, '5']);
    expect(text.startsWith(`${flag}: `)).toBe(true);
    expect(text.length).toBeGreaterThan(flag.length + 30);
    expect(text).not.toContain('\n');
  });
});

describe("command lines from the Go tools' READMEs and scripts", () => {
  // [where it comes from, the line as written there, klayworker's own spelling of it, warnings]
  const LINES: [string, string, string, string[]][] = [
    [
      'kaia-load-tester README, Quick Start',
      '--max-rps 150 --master-host localhost --master-port 5557 -key $KEY -tc="transferSignedTx"  -endpoint $ENDPOINT',
      '--max-rps 150 --master-host localhost --master-port 5557 --key $KEY --tc transferSignedTx --endpoint $ENDPOINT',
      [],
    ],
    [
      'klaytn-load-tester dist/slave.sh',
      '--max-rps 300 --master-host 10.0.0.2 --master-port 5557 -key $KEY -tc=transferSignedTx,readGasPrice  -endpoint $ENDPOINT',
      '--max-rps 300 --master-host 10.0.0.2 --master-port 5557 --key $KEY --tc transferSignedTx,readGasPrice --endpoint $ENDPOINT',
      [],
    ],
    [
      'klaytn-load-tester runKlaySlaves.sh',
      '-key="$KEY" -endpoint="http://127.0.0.1:8545" -tc="transferSignedTx" -vusigned=100000',
      '--key $KEY --endpoint http://127.0.0.1:8545 --tc transferSignedTx --accounts 100000',
      ['-vusigned is --accounts in klayworker'],
    ],
    [
      "klaytn-deploy's locust slave start line",
      '--max-rps 200 --vusigned=1000 --activepercent=50 --master-host 10.0.0.3 --master-port 5557 -key $KEY -tc="transferSignedTx,receiptCheckTx" -charge 100 -endpoint http://$ENDPOINT',
      '--max-rps 200 --accounts 1000 --active-percent 50 --master-host 10.0.0.3 --master-port 5557 --key $KEY --tc transferSignedTx,receiptCheckTx --charge 100 --endpoint http://$ENDPOINT',
      ['--vusigned is --accounts in klayworker', '--activepercent is --active-percent in klayworker'],
    ],
    [
      'kaia-load-tester with --weights (PR #10)',
      '--endpoint $ENDPOINT --key $KEY --tc "transferSignedTx,readGasPrice" --weights "3,1" --vusigned 20 --activeUserPercent 100 --max-rps 10 --master-host h --master-port 5557',
      '--endpoint $ENDPOINT --key $KEY --tc transferSignedTx:3,readGasPrice:1 --accounts 20 --active-percent 100 --max-rps 10 --master-host h --master-port 5557',
      [
        '--weights 3,1 is --tc transferSignedTx:3,readGasPrice:1 in klayworker',
        '--vusigned is --accounts in klayworker',
        '--activeUserPercent is --active-percent in klayworker',
      ],
    ],
    [
      "Boomer's options: debug one task, then a ramped rate",
      '-tc readBlockNumber --run-tasks readBlockNumber -endpoint $ENDPOINT',
      '--tc readBlockNumber --run-tasks readBlockNumber --endpoint $ENDPOINT',
      [],
    ],
    [
      "Boomer's options: a ramped rate",
      '-tc readBlockNumber --max-rps 1000 --request-increase-rate 100/1s -master-host=10.0.0.4',
      '--tc readBlockNumber --max-rps 1000 --request-increase-rate 100/1s --master-host 10.0.0.4',
      [],
    ],
  ];

  it.each(LINES)('%s: %s', (_where, goLine, newLine, warnings) => {
    const go = readOptions(shell(goLine));
    const own = readOptions(shell(newLine));
    expect(meaning(go.options)).toEqual(meaning(own.options));
    expect(go.warnings).toEqual(warnings);
    expect(own.warnings).toEqual([]);
  });

  it('the shell split the quoted forms as the Go tools received them', () => {
    expect(shell('-tc="transferSignedTx"  -vusigned=100000')).toEqual(['-tc=transferSignedTx', '-vusigned=100000']);
  });
});
