/** `klayworker refund`: after a run, the test accounts are swept back to the rich account. */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { type DevChain, startDevChain } from '../../src/app/dev-chain.js';
import { readBalance } from '../../src/chain/account-state.js';
import { signerAccount } from '../../src/chain/accounts.js';
import { PrivateKey } from '../../src/chain/keys.js';
import { JsonRpcClient } from '../../src/rpc/json-rpc.js';
import { standaloneArgv } from '../support/cli-argv.js';
import { CLI, killStarted, startProcess } from '../support/processes.js';
import { accountsOf, balances, drainedNonces, writeKeyFile } from '../support/test-accounts.js';

let chain: DevChain;
let rpc: JsonRpcClient;

beforeAll(async () => {
  chain = await startDevChain({ blockTime: 1 });
  rpc = new JsonRpcClient(chain.url, { timeoutMs: 10_000 });
});
afterAll(async () => {
  await rpc?.close();
  await chain?.stop();
});
afterEach(() => killStarted());

describe('klayworker refund', () => {
  it('leaves each test account with less than one transfer’s gas and returns the rest to the rich account', async () => {
    const keyFile = writeKeyFile(chain.richKey);
    const seed = 'refund-me';
    const addresses = accountsOf(chain.richKey, seed, 6).map((a) => a.address);
    const rich = signerAccount(PrivateKey.parse(chain.richKey, 'test')).address;
    const run = startProcess(
      process.execPath,
      standaloneArgv(
        { users: 4, rate: 4, time: '3s', tc: 'valueTransfer' },
        '--endpoint',
        chain.url,
        '--key-file',
        keyFile,
        '--accounts',
        '6',
        '--account-seed',
        seed,
        '--charge',
        '2',
      ),
    );
    expect(await run.exited(90_000), run.output()).toBe(0);
    // Balances stop moving once the run's last transfers are mined.
    await drainedNonces(rpc, addresses);
    const held = (await balances(rpc, addresses)).reduce((a, b) => a + b, 0n);
    expect(held).toBeGreaterThan(11n * 10n ** 18n);
    const richBefore = await readBalance(rpc, rich);

    // The key through the environment this time, as a careful user would pass it.
    const refund = startProcess(process.execPath, [CLI, 'refund', '--endpoint', chain.url, '--accounts', '6', '--account-seed', seed], {
      env: { KLAYWORKER_KEY: chain.richKey },
    });
    expect(await refund.exited(90_000), refund.output()).toBe(0);
    expect(refund.output()).toMatch(/refund: returned \d+\.\d+ \(\d+ wei\); 0 test accounts hold more than one transfer's gas/);
    expect(refund.output()).not.toContain(chain.richKey.slice(2));

    const gasPrice = BigInt((await rpc.call('eth_gasPrice', [])).result as string);
    for (const balance of await balances(rpc, addresses)) expect(balance).toBeLessThan(21_000n * gasPrice);
    // Everything held came back, less the sweeps' gas (six transfers at a few gwei).
    const richGain = (await readBalance(rpc, rich)) - richBefore;
    expect(richGain).toBeLessThanOrEqual(held);
    expect(held - richGain).toBeLessThan(6n * 21_000n * 100n * 10n ** 9n);

    // A second refund finds nothing to sweep.
    const again = startProcess(process.execPath, [CLI, 'refund', '--endpoint', chain.url, '--accounts', '6', '--account-seed', seed], {
      env: { KLAYWORKER_KEY: chain.richKey },
    });
    expect(await again.exited(60_000)).toBe(0);
    expect(again.output()).toMatch(/refund: returned 0\.0 \(0 wei\)/);
  });

  it('requires an endpoint and a key, in one line each', async () => {
    const noEndpoint = startProcess(process.execPath, [CLI, 'refund', '--accounts', '3'], { env: { KLAYWORKER_KEY: chain.richKey } });
    expect(await noEndpoint.exited(30_000)).toBe(2);
    expect(noEndpoint.output().trim()).toBe('klayworker: refund: --endpoint is required (the chain whose test accounts to sweep)');
    const noKey = startProcess(process.execPath, [CLI, 'refund', '--endpoint', chain.url], { env: { KLAYWORKER_KEY: '' } });
    expect(await noKey.exited(30_000)).toBe(2);
    expect(noKey.output().trim()).toMatch(/^klayworker: refund: a rich key is required/);
  });
});
