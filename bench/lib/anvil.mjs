/**
 * The anvil the node benches run against (into-node, soak; tx-flood signs from its accounts):
 * one binary, one dev mnemonic and one shape of node, so that their figures compare.
 */
import { distOf, importFromDist } from './dist.mjs';
import { CLI } from './processes.mjs';

/** anvil's public dev mnemonic: local test chains only. */
export const DEV_MNEMONIC = 'test test test test test test test test test test test junk';

/** The anvil binary itself (node_modules/.bin/anvil is a Node wrapper around it), found as the build under test finds it. */
export async function anvilBinary() {
  const { anvilBinaryPath } = await importFromDist(distOf(CLI), 'src/app/dev-chain.js', 'src/dev-chain.js');
  return anvilBinaryPath();
}

/**
 * anvil on 127.0.0.1:`port` with a block a second and a 300M block gas limit (blocks keep up
 * with the pool, so a growing backlog does not slow it down); `accounts` dev accounts instead
 * of its 10, and `pruneHistory` so that its own memory does not grow over a long run.
 * @param {number} port
 * @param {{ accounts?: number, pruneHistory?: boolean }} [options]
 */
export function anvilArgs(port, { accounts, pruneHistory = false } = {}) {
  return [
    '--host',
    '127.0.0.1',
    '--port',
    String(port),
    '--block-time',
    '1',
    ...(accounts === undefined ? [] : ['--accounts', String(accounts)]),
    '--gas-limit',
    '300000000',
    ...(pruneHistory ? ['--prune-history'] : []),
    '--quiet',
  ];
}
