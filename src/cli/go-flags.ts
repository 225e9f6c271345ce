/**
 * Command lines written for the Go load testers (klayslave of klaytn-load-tester and
 * kaia-load-tester, and Boomer, whose flags they share), read the way Go's `flag` package reads
 * them: `-flag`, `--flag`, `-flag=value` and `-flag value` for every long flag. The argv is
 * rewritten into commander's spelling before commander sees it, so the rest of the CLI knows
 * one spelling only:
 *
 * - a single-dash long flag gets its second dash (`-max-rps 10` → `--max-rps 10`); real
 *   one-letter flags (`-u 10`, `-u10`, `-t 30s`) stay as they are, and `-t=30s` splits;
 * - the value after a flag that takes one is passed on untouched, even when it starts with a
 *   dash (`--accounts -1` stays a value, for its own error message);
 * - the Go tools' names of klayworker's flags (`goNames` in flags.ts, e.g. `-vusigned` →
 *   `--accounts`) are renamed, each with one warning naming its new form;
 * - `--weights` (aligned with `-tc`'s list) is folded into `--tc a:3,b:1`;
 * - flags that have no place here (they worked around the Go tools' bugs, or belong to test
 *   cases klayworker lacks) are refused with the reason, one line.
 *
 * Hand-written rather than a library: no argv library reads Go's single-dash long flags next to
 * POSIX short flags, and commander (which does the real parsing) is kept.
 */
import { UsageError } from '../util/errors.js';
import { FLAG_SPECS, type FlagSpec, longFlag, shortFlag, takesValue } from './flags.js';

/** The Go tools' flags klayworker refuses, and why (each reason completes "<flag>: "). */
export const REFUSED_GO_FLAGS: readonly { readonly names: readonly string[]; readonly reason: string }[] = [
  {
    names: ['http.maxidleconns', 'maxidleconns'],
    reason:
      "it sized the Go HTTP client's idle connections (and kaia-load-tester never read it); klayworker keeps its own connection pool per node: leave it out",
  },
  {
    names: ['chargeParallel'],
    reason: "it sped up the Go tools' one-by-one funding; klayworker funds the accounts in one pipeline of consecutive nonces: leave it out",
  },
  {
    names: ['cpu-profile', 'cpu-profile-duration', 'mem-profile', 'mem-profile-duration'],
    reason: "it is Boomer's Go profiler; profile klayworker with node --cpu-prof or --heap-prof instead",
  },
  {
    names: ['testTokenAddr', 'gsrAddr'],
    reason:
      "klayworker's gasless test cases (gaslessTransactionTC...) take the swap router and its tokens from the node (debug_gaslessInfo), not from a flag: leave it out",
  },
  {
    names: ['leader'],
    reason:
      "kaia-load-tester's leader deployed and registered the gasless and auction contracts; klayworker's gasless and auction test cases use what the node has registered: leave it out",
  },
  {
    names: ['auctionTargetTxTypeList'],
    reason:
      "klayworker's auction test cases (auctionBidTC, auctionRevertedBidTC) bid on a Kaia ValueTransfer; the other target types are not offered: leave it out",
  },
  {
    names: ['mcEndpoint', 'scEndpoint', 'mcIP', 'mcKey', 'scKey', 'numUser', 'numScUser', 'subbridges', 'threshold', 'bridgeinfo'],
    reason: "it belongs to klaytn-load-tester's service-chain and bridge test cases, which klayworker does not have",
  },
];

/** kaia-load-tester's `--weights 3,1`: one weight per `--tc` entry, folded into `--tc a:3,b:1`. */
const WEIGHTS = 'weights';
/** Boomer's value for "no ramp" (its default); klayworker's is to leave the flag out. */
const BOOMER_NO_RAMP = '-1';

export interface GoArgs {
  /** The arguments in commander's spelling. */
  args: string[];
  /** One line per old name that was accepted, naming its new form. */
  warnings: string[];
  /** How errors name a flag given by an old name: `-vusigned (--accounts)`, by the new name. */
  labels: Record<string, string>;
}

/** A flag as given, resolved to the spelling commander knows. */
interface FlagItem {
  /** As typed, without its value: `-vusigned`, `--tc`. */
  given: string;
  /** Commander's spelling: `--accounts`, `-u`; `--weights` until it is folded into --tc. */
  flag: string;
  value: string | undefined;
}
type Item = FlagItem | { token: string };

interface Known {
  flag: string;
  takesValue: boolean;
  /** Set when the name is a Go tool's name for `flag`. */
  oldName?: true;
}

function knownNames(): Map<string, Known> {
  const known = new Map<string, Known>([
    ['help', { flag: '--help', takesValue: false }],
    ['version', { flag: '--version', takesValue: false }],
    ['h', { flag: '-h', takesValue: false }],
    [WEIGHTS, { flag: `--${WEIGHTS}`, takesValue: true, oldName: true }],
  ]);
  const add = (f: FlagSpec) => {
    const long = longFlag(f);
    known.set(long.slice(2), { flag: long, takesValue: takesValue(f) });
    const short = shortFlag(f);
    if (short !== undefined) known.set(short.slice(1), { flag: short, takesValue: takesValue(f) });
    for (const name of f.goNames ?? []) known.set(name, { flag: long, takesValue: takesValue(f), oldName: true });
  };
  FLAG_SPECS.forEach(add);
  return known;
}

/** Rewrites `args` (the arguments after the program, or after `refund`) into commander's spelling. */
export function normaliseGoArgs(args: readonly string[]): GoArgs {
  const known = knownNames();
  const refused = new Map(REFUSED_GO_FLAGS.flatMap((r) => r.names.map((n) => [n, r.reason] as const)));
  const items: Item[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--') {
      items.push(...args.slice(i).map((token) => ({ token })));
      break;
    }
    // Anything not shaped like a flag (a stray value, a negative number, "-") goes on as it is.
    const match = /^(--?)([A-Za-z][\w.-]*)(?:=([\s\S]*))?$/.exec(arg);
    if (match === null) {
      items.push({ token: arg });
      continue;
    }
    const [, dashes = '', name = '', inline] = match;
    const given = `${dashes}${name}`;
    const reason = refused.get(name);
    if (reason !== undefined) throw new UsageError(`${given}: ${reason}`);
    const flag = known.get(name);
    // Unknown (also -u10, a one-letter flag with its value attached), or `--u`: commander's to judge.
    if (flag === undefined || (dashes === '--' && name.length === 1)) {
      items.push({ token: arg });
      continue;
    }
    if (!flag.takesValue) {
      items.push(...switchItem(given, flag.flag, inline));
      continue;
    }
    // The value after the flag is its value, whatever it looks like (Go's flag package agrees).
    const value = inline ?? args[i + 1];
    if (inline === undefined && value !== undefined) i++;
    items.push({ given, flag: flag.flag, value });
  }
  const warnings: string[] = [];
  const labels: Record<string, string> = {};
  const folded = foldWeights(items, warnings);
  const rewritten = folded.flatMap((item): string[] => {
    if ('token' in item) return [item.token];
    if (item.flag === '--request-increase-rate' && item.value === BOOMER_NO_RAMP) {
      warnings.push(`${item.given} ${BOOMER_NO_RAMP} (Boomer's "no ramp") is leaving the flag out in klayworker`);
      return [];
    }
    const old = known.get(item.given.replace(/^--?/, ''));
    if (old?.oldName === true) {
      warnings.push(`${item.given} is ${item.flag} in klayworker`);
      labels[item.flag] = `${item.given} (${item.flag})`;
    }
    return item.value === undefined ? [item.flag] : [item.flag, item.value];
  });
  return { args: rewritten, warnings: [...new Set(warnings)], labels };
}

/** Go's `-flag=true` / `-flag=false` for a switch; commander takes only the bare switch. */
function switchItem(given: string, flag: string, inline: string | undefined): Item[] {
  if (inline === undefined || /^(true|1)$/i.test(inline)) return [{ given, flag, value: undefined }];
  if (/^(false|0)$/i.test(inline)) return [];
  throw new UsageError(`${given} is a switch: give it alone (or =true / =false), not =${inline}`);
}

/**
 * `-tc a,b --weights 3,1` → `--tc a:3,b:1`. kaia-load-tester falls back to weight 10 for every
 * test case when the list does not fit; here a list that does not fit is a usage error.
 */
function foldWeights(items: Item[], warnings: string[]): Item[] {
  const isFlag = (item: Item, flag: string): item is FlagItem => 'flag' in item && item.flag === flag;
  const weights = items.filter((item) => isFlag(item, `--${WEIGHTS}`));
  if (weights.length === 0) return items;
  const given = weights[0]!.given;
  if (weights.length > 1) throw new UsageError(`${given}: give it once`);
  const text = weights[0]!.value ?? '';
  const tc = items.filter((item) => isFlag(item, '--tc')).at(-1);
  if (tc?.value === undefined) throw new UsageError(`${given}: give the test cases with -tc on the command line too (the weights are aligned with its list)`);
  const names = tc.value.split(',').map((n) => n.trim());
  if (names.some((n) => n.includes(':'))) throw new UsageError(`${given}: -tc already gives weights (name:weight); give them one way`);
  const values = text.split(',').map((w) => w.trim());
  if (values.length !== names.length || values.some((w) => !/^[1-9]\d{0,8}$/.test(w))) {
    throw new UsageError(
      `${given} ${JSON.stringify(text)}: expected ${names.length} whole number${names.length === 1 ? '' : 's'} above 0, one per -tc entry (${names.join(',')}), e.g. ${given} ${names.map(() => '1').join(',')}`,
    );
  }
  const spec = names.map((n, i) => `${n}:${values[i]}`).join(',');
  warnings.push(`${given} ${text} is --tc ${spec} in klayworker`);
  return items.flatMap((item) => (item === weights[0] ? [] : item === tc ? [{ ...tc, value: spec }] : [item]));
}
