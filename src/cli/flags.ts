/**
 * Every command-line flag, once: its spelling, help, default, the commands that take it, and
 * whether `--processes` sets it per child. Commander's options (program.ts), the raw option
 * types (RawOptions, RawRefundOptions) and the child processes' argv (processes) all come from
 * this table; options.ts turns the raw strings into typed options, one line per flag (the value
 * parsers are in flag-values.ts).
 *
 * To add a flag: one entry here, one line in options.ts, one field in src/app/options.ts.
 */
import { Option } from 'commander';

import { DEFAULT_ACCOUNT_SEED } from '../chain/accounts.js';
import { KEY_ENV } from '../chain/keys.js';
import { DEFAULT_NODE_SIGNED_ACCOUNTS } from '../chain/tx-session.js';

export type CommandName = 'run' | 'refund';

export interface FlagSpec {
  /** Commander's spelling: `-u, --users <n>` takes a value, `--standalone` is a switch. */
  readonly flags: string;
  /** Commander's attribute name for it (checked against commander by a unit test). */
  readonly key: string;
  /** Help text, or one per command where they differ. */
  readonly help: string | Readonly<Record<CommandName, string>>;
  /** Commander's default: the option is then always present in the raw options. */
  readonly default?: string;
  readonly commands: readonly CommandName[];
  /** `--processes` sets it for each child: the user's value is left out of the children's argv. */
  readonly perChild?: true;
  /** Repeatable: the values are collected into a list (default empty). */
  readonly repeatable?: true;
  /** What separates a repeatable flag's values in its environment variable (default a comma). */
  readonly envSeparator?: string;
  /**
   * It may carry a secret (a key, credentials in a URL, an API key): `--processes` children
   * get it through their environment, never in argv, where `ps` shows it.
   */
  readonly secret?: true;
  /** The Go load testers' names for it (klayslave, kaia-load-tester), accepted with a warning (go-flags.ts). */
  readonly goNames?: readonly string[];
  /** Locust's own environment variable for it, read after KLAYWORKER_<FLAG> (env-flags.ts). */
  readonly locustEnv?: string;
}

const RUN = ['run'] as const;
const BOTH = ['run', 'refund'] as const;

/**
 * --max-pending's default: geth guarantees each account 16 executable slots in its pool
 * (txpool.accountslots) and evicts beyond them under pressure, so 16 per account is what a
 * node can be trusted to hold; with the default 100 accounts that is 1,600 transfers in the
 * pool, more than a 30M-gas block mines (1,428), so blocks stay full while the pool stays small.
 */
export const DEFAULT_MAX_PENDING = 16;

export const FLAGS = [
  {
    flags: '--tc <list>',
    key: 'tc',
    help: 'test cases to run, comma separated, with optional weights (a:3,b:1); available: {testCases}',
    commands: RUN,
  },
  {
    flags: '--endpoint <url>',
    key: 'endpoint',
    help: {
      run: 'JSON-RPC endpoint of the node under test (default: start an embedded anvil dev chain)',
      refund: 'JSON-RPC endpoint of the chain (required)',
    },
    commands: BOTH,
    secret: true,
  },
  {
    flags: '--ws-endpoint <url>',
    key: 'wsEndpoint',
    help: "the node's WebSocket endpoint (ws:// or wss://): new blocks are followed as the node announces them (newHeads) instead of polling the head every 100 ms",
    commands: RUN,
    secret: true,
  },
  {
    flags: '--header <header>',
    key: 'header',
    help: 'send this HTTP header with every JSON-RPC request, e.g. "x-api-key: KEY" (repeatable; its value is never shown)',
    commands: BOTH,
    repeatable: true,
    // Header values may hold commas; they never hold line breaks.
    envSeparator: '\n',
    secret: true,
  },
  {
    flags: '--ca-file <path>',
    key: 'caFile',
    help: "PEM file of CA certificates to trust for an https endpoint, besides Node's own (for a private CA)",
    commands: BOTH,
  },
  {
    flags: '--tc-module <path>',
    key: 'tcModule',
    help: 'load your own test cases from this module, JavaScript or TypeScript (.ts, .mts: type-checked, then run; repeatable); see "Your own test cases" in the README',
    commands: RUN,
    repeatable: true,
  },
  {
    flags: '--key-file <path>',
    key: 'keyFile',
    help: {
      run: `file holding the rich (funding) private key; or set ${KEY_ENV} (default with no --endpoint: the dev chain's funded account)`,
      refund: `file holding the rich (funding) private key; or set ${KEY_ENV}`,
    },
    commands: BOTH,
  },
  {
    flags: '--key <hex>',
    key: 'key',
    help: `the rich private key itself (visible to other users in ps; prefer --key-file or ${KEY_ENV})`,
    commands: BOTH,
    secret: true,
  },
  {
    flags: '--accounts <n>',
    key: 'accounts',
    help: 'number of test accounts, derived from the rich key and --account-seed',
    default: '100',
    commands: BOTH,
    goNames: ['vusigned'],
  },
  {
    flags: '--node-signed-accounts <n>',
    key: 'nodeSignedAccounts',
    help: 'number of accounts the node signs for (nodeSignedTransfer), derived from the rich key and --account-seed apart from the --accounts',
    default: String(DEFAULT_NODE_SIGNED_ACCOUNTS),
    commands: BOTH,
    goNames: ['vuunsigned'],
  },
  {
    flags: '--active-percent <percent>',
    key: 'activePercent',
    help: "send from only this percent of the --accounts (all of them are funded), like the Go tools' -activepercent",
    default: '100',
    commands: RUN,
    goNames: ['activepercent', 'activeUserPercent'],
  },
  {
    flags: '--account-seed <text>',
    key: 'accountSeed',
    help: 'seed of the test accounts: the same seed finds the same accounts again',
    default: DEFAULT_ACCOUNT_SEED,
    commands: BOTH,
    perChild: true,
  },
  {
    flags: '--charge <coins>',
    key: 'charge',
    help: 'top test accounts holding less than half of this up to it (KAIA/ETH, decimals allowed)',
    default: '1',
    commands: RUN,
  },
  {
    flags: '--tx-type <type>',
    key: 'txType',
    help: 'transaction type: legacy, 1559, or auto (1559 where the node has a base fee)',
    default: 'auto',
    commands: RUN,
  },
  {
    flags: '--rpc-namespace <ns>',
    key: 'rpcNamespace',
    help: 'namespace of the measured send and read calls: eth, kaia or klay (setup uses eth)',
    default: 'eth',
    commands: RUN,
  },
  {
    flags: '--receipt-timeout <time>',
    key: 'receiptTimeout',
    help: {
      run: 'longest wait for a receipt (and for funding to make progress); a transaction neither mined nor known to the node after it is dropped',
      refund: 'longest wait for pending transactions and for the sweeps to be mined',
    },
    default: '60s',
    commands: BOTH,
  },
  {
    flags: '--max-pending <n>',
    key: 'maxPending',
    help: 'transactions per test account sent but not yet mined before its users wait; 0 = no limit (open loop)',
    default: String(DEFAULT_MAX_PENDING),
    commands: RUN,
  },
  {
    flags: '--drain-timeout <time>',
    key: 'drainTimeout',
    help: 'after the users stop, wait this long for sent transactions to be mined before the last report',
    default: '30s',
    commands: RUN,
  },
  {
    flags: '--memo-size <size>',
    key: 'memoSize',
    help: 'memo of the Kaia ValueTransferMemo test cases: small (200 bytes) or large (2,000 bytes)',
    default: 'small',
    commands: RUN,
  },
  { flags: '--max-rps <n>', key: 'maxRps', help: 'requests per second cap for this process, 0 = unlimited', default: '0', commands: RUN, perChild: true },
  {
    flags: '--rps-mode <mode>',
    key: 'rpsMode',
    help: 'bucket: the whole budget at the start of each second; smooth: spread evenly',
    default: 'bucket',
    commands: RUN,
  },
  {
    flags: '--request-increase-rate <rate>',
    key: 'requestIncreaseRate',
    help: 'ramp the rps cap up by N every period, e.g. 100/1s (like Boomer)',
    commands: RUN,
    perChild: true,
  },
  { flags: '--master-host <host>', key: 'masterHost', help: 'Locust master host', default: '127.0.0.1', commands: RUN, locustEnv: 'LOCUST_MASTER_NODE_HOST' },
  { flags: '--master-port <port>', key: 'masterPort', help: 'Locust master port', default: '5557', commands: RUN, locustEnv: 'LOCUST_MASTER_NODE_PORT' },
  {
    flags: '--connect-timeout <time>',
    key: 'connectTimeout',
    help: {
      run: 'give up when the node (default 30s) or the master (default: wait forever) does not answer within this time',
      refund: 'give up when the node does not answer within this time (default 30s)',
    },
    commands: BOTH,
  },
  {
    flags: '--locust-legacy-0.9',
    key: 'locustLegacy0.9',
    help: 'the master is Locust 0.9 (PUSH/PULL on --master-port and the port after it)',
    commands: RUN,
  },
  { flags: '--standalone', key: 'standalone', help: 'run without a master: ramp, run and report locally', commands: RUN },
  {
    flags: '--run-tasks <list>',
    key: 'runTasks',
    help: "run each listed test case once, without a master, print each outcome and exit (1 if one failed), like Boomer's --run-tasks",
    commands: RUN,
  },
  { flags: '-u, --users <n>', key: 'users', help: 'standalone: number of users (default 1)', commands: RUN },
  { flags: '-r, --spawn-rate <n>', key: 'spawnRate', help: 'standalone: users started per second (default 1)', commands: RUN },
  { flags: '-t, --run-time <time>', key: 'runTime', help: 'standalone: stop after this time, e.g. 30s, 5m, 1h30m (default: until Ctrl-C)', commands: RUN },
  {
    flags: '--csv <prefix>',
    key: 'csv',
    help: 'write Locust-format PREFIX_stats.csv, PREFIX_failures.csv and PREFIX_exceptions.csv at the end, and PREFIX_stats_history.csv every second',
    commands: RUN,
    perChild: true,
  },
  {
    flags: '--csv-full-history',
    key: 'csvFullHistory',
    help: 'with --csv: PREFIX_stats_history.csv gets a row per test case every second, not only the Aggregated row',
    commands: RUN,
  },
  {
    flags: '--html <file>',
    key: 'html',
    help: "write an HTML report (tables and charts over time, no network needed to view it) at the end; with a master it holds this worker's own numbers",
    commands: RUN,
    perChild: true,
  },
  { flags: '--json <file>', key: 'json', help: 'write a JSON summary of the run at the end', commands: RUN, perChild: true },
  {
    flags: '--stop-timeout <time>',
    key: 'stopTimeout',
    help: 'how long in-flight iterations may finish at the end of a standalone run',
    default: '10s',
    commands: RUN,
  },
  {
    flags: '--processes <n>',
    key: 'processes',
    help: 'with a master: fork N worker processes (one per core), each with its own accounts and share of --max-rps',
    default: '1',
    commands: RUN,
    perChild: true,
  },
  {
    flags: '--metrics-port <[host:]port>',
    key: 'metricsPort',
    help: 'serve Prometheus metrics on GET /metrics (all interfaces unless a host is given; port 0: any free one; with --processes, process i uses PORT+i)',
    commands: RUN,
    perChild: true,
  },
  { flags: '--rpc-timeout <time>', key: 'rpcTimeout', help: 'timeout of one JSON-RPC request', default: '10s', commands: BOTH },
  { flags: '--log-level <level>', key: 'logLevel', help: 'trace, debug, info, warn, error, fatal or silent', default: 'info', commands: BOTH },
  { flags: '--log-format <format>', key: 'logFormat', help: 'text or json (log lines go to stderr)', default: 'text', commands: BOTH },
] as const satisfies readonly FlagSpec[];

/** The table as plain specs, for code that walks every flag. */
export const FLAG_SPECS: readonly FlagSpec[] = FLAGS;

/** `--max-rps` of `--max-rps <n>`, `--users` of `-u, --users <n>`. */
export function longFlag(f: FlagSpec): string {
  return f.flags.split(/[ ,]+/).find((w) => w.startsWith('--'))!;
}

/** `-u` of `-u, --users <n>`; undefined for a flag without a one-letter form. */
export function shortFlag(f: FlagSpec): string | undefined {
  return f.flags.split(/[ ,]+/).find((w) => /^-[^-]$/.test(w));
}

/** `--max-rps <n>` takes a value; `--standalone` is a switch. */
export function takesValue(f: FlagSpec): boolean {
  return f.flags.includes('<');
}

/** The flags of `command`, in table order. */
export function flagsOf(command: CommandName): FlagSpec[] {
  return FLAG_SPECS.filter((f) => f.commands.includes(command));
}

type Flag = (typeof FLAGS)[number];
type FlagOf<C extends CommandName> = Flag extends infer F ? (F extends Flag ? (C extends F['commands'][number] ? F : never) : never) : never;
type ValueOf<F extends Flag> = F extends { repeatable: true } ? string[] : F['flags'] extends `${string}<${string}` ? string : boolean;

/** The flags of command C as commander hands them over: a flag with a default is always there. */
export type RawFlags<C extends CommandName> = { [F in FlagOf<C> as F extends { default: string } ? F['key'] : never]: ValueOf<F> } & {
  [F in FlagOf<C> as F extends { default: string } ? never : F['key']]?: ValueOf<F>;
};

/** Commander options of `command`; `{testCases}` in a help text becomes `testCases`. */
export function commanderOptions(command: CommandName, testCases = ''): Option[] {
  return flagsOf(command).map((f) => {
    const help = (typeof f.help === 'string' ? f.help : f.help[command]).replace('{testCases}', testCases);
    const option = new Option(f.flags, help);
    if (f.repeatable === true) return option.argParser((value: string, values: string[]) => [...values, value]).default([]);
    return f.default === undefined ? option : option.default(f.default);
  });
}

/** What commander hands over for `command` when no flag is given: every default. */
export function flagDefaults<C extends CommandName>(command: C): RawFlags<C> {
  const raw: Record<string, string> = {};
  for (const f of flagsOf(command)) if (f.default !== undefined) raw[f.key] = f.default;
  return raw as RawFlags<C>;
}

/** `argv` without the flags `--processes` sets per child (see perChild), in `--flag value` and `--flag=value` form. */
export function withoutPerChildFlags(argv: readonly string[]): string[] {
  const names = FLAG_SPECS.filter((f) => f.perChild === true).flatMap((f) => f.flags.split(/[ ,]+/).filter((w) => w.startsWith('-')));
  return withoutFlags(argv, names);
}

/**
 * What a child of --processes is given of the parent's arguments: no per-child flag, and no
 * secret one (--key, --endpoint, --header: the parent hands them over in the child's
 * environment, never in argv, where `ps` shows them).
 */
export function childBaseArgs(argv: readonly string[]): string[] {
  const secret = FLAG_SPECS.filter((f) => f.secret === true).map(longFlag);
  return withoutFlags(withoutPerChildFlags(argv), secret);
}

/** `argv` without the given flags and their values, in either `--flag value` or `--flag=value` form. */
export function withoutFlags(argv: readonly string[], flags: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (flags.includes(arg)) {
      i++; // its value
      continue;
    }
    if (flags.some((f) => arg.startsWith(`${f}=`))) continue;
    out.push(arg);
  }
  return out;
}
