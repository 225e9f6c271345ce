/**
 * Every flag from the environment, for containers and Locust's Helm chart, which configure
 * workers through variables: `--max-rps` is KLAYWORKER_MAX_RPS, `--locust-legacy-0.9` is
 * KLAYWORKER_LOCUST_LEGACY_0_9 (the long name, upper case, anything else an underscore). Locust's
 * own worker variables are read too (`locustEnv` in flags.ts: LOCUST_MASTER_NODE_HOST and
 * LOCUST_MASTER_NODE_PORT). A flag on the command line wins over its KLAYWORKER_ variable,
 * which wins over Locust's. LOCUST_MODE_WORKER needs nothing: klayworker is always a worker.
 *
 * - a repeatable flag (--tc-module) takes a comma-separated list (--header: one per line);
 * - a switch (--standalone) takes true/false, 1/0, yes/no or on/off;
 * - an empty variable counts as unset (`KLAYWORKER_X=` in a compose file sets nothing).
 *
 * KLAYWORKER_KEY is --key's name too, but keys.ts reads it itself: from the environment the
 * key is not in the process arguments, so the warning --key earns does not apply.
 */
import { UsageError } from '../util/errors.js';
import { type CommandName, FLAG_SPECS, flagsOf, type FlagSpec, longFlag, type RawFlags, takesValue } from './flags.js';
import type { FlagLabels } from './options.js';

export const ENV_PREFIX = 'KLAYWORKER_';

/** KLAYWORKER_MAX_RPS for --max-rps. */
export function envName(f: FlagSpec): string {
  return (
    ENV_PREFIX +
    longFlag(f)
      .slice(2)
      .toUpperCase()
      .replace(/[^A-Z0-9]/g, '_')
  );
}

/** The variables that may give `f`, the one that wins first. */
export function envNames(f: FlagSpec): string[] {
  return f.locustEnv === undefined ? [envName(f)] : [envName(f), f.locustEnv];
}

/** Left to keys.ts (see above). */
const KEY_FLAG = '--key';

/**
 * `raw` (what commander made of the command line) with each flag of `command` that the command
 * line did not give taken from `env` where a variable sets it; `labels` records which variable
 * gave which flag, so that an error names the variable.
 */
export function withEnvFlags<C extends CommandName>(
  command: C,
  raw: RawFlags<C>,
  fromCommandLine: (key: string) => boolean,
  env: NodeJS.ProcessEnv,
): { raw: RawFlags<C>; labels: FlagLabels } {
  const out: Record<string, unknown> = { ...raw };
  const labels: Record<string, string> = {};
  // The key's sources are one choice: a key given on the command line is not joined by a key file from the environment.
  const keyOnCommandLine = fromCommandLine('key') || fromCommandLine('keyFile');
  for (const f of flagsOf(command)) {
    if (longFlag(f) === KEY_FLAG || fromCommandLine(f.key) || (f.key === 'keyFile' && keyOnCommandLine)) continue;
    for (const name of envNames(f)) {
      const text = env[name];
      if (text === undefined || text.trim() === '') continue;
      const value = envValue(f, name, text);
      if (value !== undefined) out[f.key] = value;
      labels[longFlag(f)] = name;
      break;
    }
  }
  return { raw: out as RawFlags<C>, labels };
}

function envValue(f: FlagSpec, name: string, text: string): string | string[] | true | undefined {
  if (f.repeatable === true) {
    return text
      .split(f.envSeparator ?? ',')
      .map((v) => v.trim())
      .filter((v) => v !== '');
  }
  if (takesValue(f)) return text;
  if (/^(true|1|yes|on)$/i.test(text.trim())) return true;
  if (/^(false|0|no|off)$/i.test(text.trim())) return undefined;
  throw new UsageError(`${name}: expected true or false (it is the switch ${longFlag(f)}), got ${JSON.stringify(text.slice(0, 20))}`);
}

/**
 * The environment of a child of `--processes`: without the variables of the flags the parent
 * sets for each child (its seed, its share of --max-rps, its files...) on the child's command
 * line, and above all without KLAYWORKER_PROCESSES, or every child would fork children again.
 */
export function withoutPerChildEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const perChild = new Set(FLAG_SPECS.filter((f) => f.perChild === true).flatMap(envNames));
  return Object.fromEntries(Object.entries(env).filter(([name]) => !perChild.has(name)));
}
