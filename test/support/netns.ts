/**
 * A test host of our own: a network namespace joined to this one by a veth pair, so that a
 * link between two hosts can be cut and restored. Needs root and iproute2.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';

export interface TestHost {
  /** Run a command inside the namespace with `ip netns exec <name> ...`. */
  name: string;
  /** This side's address on the link, and the host's. */
  localAddress: string;
  hostAddress: string;
  cut(): void;
  restore(): void;
  remove(): void;
}

export function canMakeNamespaces(): { ok: boolean; reason: string } {
  if (process.getuid?.() !== 0) return { ok: false, reason: 'network namespaces need root' };
  try {
    execFileSync('ip', ['netns', 'list'], { stdio: 'pipe' });
    return { ok: true, reason: '' };
  } catch (err) {
    return { ok: false, reason: `iproute2 'ip netns' is not usable: ${(err as Error).message.split('\n')[0]}` };
  }
}

function ip(...args: string[]): void {
  execFileSync('ip', args, { stdio: 'pipe' });
}

/** A namespace with a /30 link to this one, on addresses private to the two ends. */
export function makeTestHost(): TestHost {
  const tag = randomBytes(3).toString('hex');
  const name = `kw-${tag}`;
  const outer = `kwo${tag}`;
  const inner = `kwi${tag}`;
  // A /30 in 10.231.x.0/24 picked at random, so parallel runs do not clash.
  const third = 1 + (randomBytes(1)[0]! % 250);
  const localAddress = `10.231.${third}.1`;
  const hostAddress = `10.231.${third}.2`;
  ip('netns', 'add', name);
  try {
    ip('link', 'add', outer, 'type', 'veth', 'peer', 'name', inner);
    ip('link', 'set', inner, 'netns', name);
    ip('addr', 'add', `${localAddress}/30`, 'dev', outer);
    ip('link', 'set', outer, 'up');
    ip('-n', name, 'addr', 'add', `${hostAddress}/30`, 'dev', inner);
    ip('-n', name, 'link', 'set', inner, 'up');
    ip('-n', name, 'link', 'set', 'lo', 'up');
  } catch (err) {
    try {
      ip('netns', 'del', name);
    } catch {
      // nothing to clean
    }
    throw err;
  }
  return {
    name,
    localAddress,
    hostAddress,
    cut: () => ip('link', 'set', outer, 'down'),
    restore: () => ip('link', 'set', outer, 'up'),
    remove: () => {
      try {
        ip('link', 'del', outer);
      } catch {
        // went with the namespace
      }
      try {
        ip('netns', 'del', name);
      } catch {
        // already gone
      }
    },
  };
}
