/**
 * The Go tools' remaining contract workloads and BlockBench's (doNothing, ioHeavy*, internalTx,
 * mintNft, userStorageSetGet, smallBank*, ycsb*, analytic*), all in one run of the built CLI
 * against this file's anvil, called by their Go names, then checked against what the chain
 * holds; and userStorageSetGet on a node that never mines its set, which must give up at
 * --receipt-timeout where the Go tools polled for ever.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { Interface, Transaction } from 'ethers';
import { describe, expect, it } from 'vitest';

import { loadArtifact } from '../../testcases/contracts/artifacts.js';
import { anvil, call, head, runCli, SEND, sentBy, useAnvil } from '../support/cli-on-anvil.js';
import { startForwardingNode } from '../support/forwarding-node.js';
import { accountsOf, drainedNonces, expectConserved, row, sum, tempDir } from '../support/test-accounts.js';

useAnvil();

/** Go name → klayworker's, and the family whose contract it calls (null: reads only). */
const CASES = [
  ['doNothingTx', 'doNothing', 'DoNothing'],
  ['ioHeavyTx', 'ioHeavy', 'IoHeavy'],
  ['ioHeavyWriteTx', 'ioHeavyWrite', 'IoHeavy'],
  ['ioHeavyScanTx', 'ioHeavyScan', 'IoHeavy'],
  ['internalTxTC', 'internalTx', 'InternalTx'],
  ['mintNFTTC', 'mintNft', 'CardNft'],
  ['userStorageSetGetTx', 'userStorageSetGet', 'UserStorage'],
  ['smallBankTx', 'smallBank', 'SmallBank'],
  ['smallBankAlmagateTx', 'smallBankAlmagate', 'SmallBank'],
  ['smallBankGetBalanceTx', 'smallBankGetBalance', null],
  ['smallBankSendPaymentTx', 'smallBankSendPayment', 'SmallBank'],
  ['smallBankUpdateBalanceTx', 'smallBankUpdateBalance', 'SmallBank'],
  ['smallBankUpdateSavingTx', 'smallBankUpdateSaving', 'SmallBank'],
  ['smallBankWriteCheckTx', 'smallBankWriteCheck', 'SmallBank'],
  ['ycsbTx', 'ycsb', 'KvStore'],
  ['ycsbSetTx', 'ycsbSet', 'KvStore'],
  ['ycsbGetTx', 'ycsbGet', null],
  ['analyticTx', 'analytic', null],
  ['analyticQueryTotalTxValTx', 'analyticTotalTxValue', null],
  ['analyticQueryLargestTxValTx', 'analyticLargestTxValue', null],
  ['analyticQueryLargestAccBalTx', 'analyticLargestBalance', null],
] as const;

type Family = NonNullable<(typeof CASES)[number][2]>;
const FAMILIES = [...new Set(CASES.map(([, , family]) => family).filter((f) => f !== null))] as Family[];

/** The contract a transaction of the run called, by its function selector. */
const BY_SELECTOR = new Map<string, Family>(
  FAMILIES.flatMap((family) =>
    new Interface(loadArtifact(family).abi).fragments.flatMap((f) =>
      f.type === 'function' ? [[(f as unknown as { selector: string }).selector, family] as const] : [],
    ),
  ),
);

describe("the Go tools' contract workloads and BlockBench's, in one run on anvil", () => {
  it('every one runs with zero failures; the chain holds exactly the accepted transactions, all status 1, and their effects', async () => {
    const seed = 'blockbench';
    const start = await head();
    const accounts = 30;
    // A rate the chain takes without its base fee running away: IoHeavy's writes fill a third of a block each.
    const run = await runCli(CASES.map(([go]) => go).join(','), seed, [
      '-u',
      String(CASES.length),
      '-r',
      String(CASES.length),
      '-t',
      '6s',
      '--accounts',
      String(accounts),
      '--max-rps',
      '10',
    ]);
    expect(run.code, run.output).toBe(0);
    expect(run.summary.total.failures).toBe(0);

    // Every test case, called by its Go name, ran under klayworker's: the sends, the reads.
    const mined = new Map<Family, number>();
    for (const [, name, family] of CASES) {
      const rows = run.summary.tasks.filter((r) => r.name === name && r.type !== 'mined');
      expect(
        rows.reduce((n, r) => n + r.requests, 0),
        name,
      ).toBeGreaterThan(0);
      // The mined rows: userStorageSetGet's send row records only once its value is read back.
      if (family !== null) mined.set(family, (mined.get(family) ?? 0) + (row(run.summary, 'mined', name)?.requests ?? 0));
    }
    const t = expectConserved(run.summary);
    expect(t).toMatchObject({ dropped: 0, unresolved: 0 });
    expect(t.mined).toBe(t.accepted);
    const addresses = accountsOf(anvil.chain.richKey, seed, accounts).map((a) => a.address);
    expect(sum(await drainedNonces(anvil.rpc, addresses))).toBe(t.mined);

    // On the chain: what each family's test cases had mined, all executed.
    const txs = await sentBy(seed, start, accounts);
    expect(txs.length).toBe(t.mined);
    const onChain = new Map<Family, { count: number; to: Set<string> }>();
    for (const { tx, receipt } of txs) {
      expect(receipt.status, tx.hash).toBe('0x1');
      const family = BY_SELECTOR.get(tx.input.slice(0, 10));
      expect(family, tx.input.slice(0, 10)).toBeDefined();
      const seen = onChain.get(family!) ?? { count: 0, to: new Set<string>() };
      seen.count += 1;
      seen.to.add(tx.to!);
      onChain.set(family!, seen);
    }
    for (const family of FAMILIES) {
      expect(onChain.get(family)?.count, family).toBe(mined.get(family));
      // One deployment per contract, shared by the family's test cases.
      expect(onChain.get(family)?.to.size, family).toBe(1);
    }

    // internalTx: one invitation per call, and the rewards passed on, not kept.
    const internalTx = [...onChain.get('InternalTx')!.to][0]!;
    const INTERNAL_TX = new Interface(loadArtifact('InternalTx').abi);
    const invitations = (await call('eth_call', [{ to: internalTx, data: INTERNAL_TX.encodeFunctionData('invitations', []) }, 'latest'])) as string;
    expect(BigInt(invitations)).toBe(BigInt(mined.get('InternalTx')!));
    expect(await call('eth_getBalance', [internalTx, 'latest'])).toBe('0x0');
    // mintNft: one card per call.
    const cards = [...onChain.get('CardNft')!.to][0]!;
    const CARD = new Interface(loadArtifact('CardNft').abi);
    const next = (await call('eth_call', [{ to: cards, data: CARD.encodeFunctionData('nextTokenId', []) }, 'latest'])) as string;
    expect(BigInt(next) - 1n).toBe(BigInt(mined.get('CardNft')!));
  }, 180_000);

  it('userStorageSetGet on a node that holds its sets but never mines them: each is a failure at --receipt-timeout, and the run ends', async () => {
    const USER_STORAGE = new Interface(loadArtifact('UserStorage').abi);
    const set = USER_STORAGE.getFunction('set')!.selector;
    const held = new Map<string, Transaction>();
    // Sets are kept "in the pool" here: known to lookups, never passed on, never mined.
    const node = await startForwardingNode(anvil.chain.url, (req) => {
      const params = (req.params ?? []) as unknown[];
      if (req.method === 'eth_sendRawTransaction') {
        const tx = Transaction.from(params[0] as string);
        if (tx.to === null || !tx.data.startsWith(set)) return Promise.resolve(undefined);
        held.set(tx.hash!, tx);
        return Promise.resolve({ result: tx.hash });
      }
      if (req.method === 'eth_getTransactionByHash' && held.has(String(params[0]))) {
        return Promise.resolve({ result: { hash: params[0], blockNumber: null } });
      }
      return Promise.resolve(undefined);
    });
    try {
      const startedAt = performance.now();
      const csv = join(tempDir(), 'run');
      const run = await runCli('userStorageSetGetTx', 'set-get-held', [
        '--endpoint',
        node.url,
        '-u',
        '2',
        '-t',
        '3s',
        '--receipt-timeout',
        '2s',
        '--drain-timeout',
        '1s',
        '--csv',
        csv,
      ]);
      expect(run.code, run.output).toBe(1);
      // Bounded: setup, the run, one receipt timeout and the drain (the Go tools never ended).
      expect(performance.now() - startedAt).toBeLessThan(60_000);
      // Every set the node took timed out (those sent in the run's last 2 s end unresolved, recorded nowhere).
      const sends = row(run.summary, SEND, 'userStorageSetGet')!;
      expect(sends.requests).toBeGreaterThan(0);
      expect(sends.requests).toBeLessThanOrEqual(held.size);
      expect(sends.failures).toBe(sends.requests);
      const failures = readFileSync(`${csv}_failures.csv`, 'utf8');
      expect(failures).toContain('not mined within 2 s');
      expect(failures.trim().split('\n')).toHaveLength(2);
      // Nothing counted as mined; what the node still holds is unresolved, not dropped.
      expect(run.summary.transactions).toMatchObject({ accepted: held.size, mined: 0, dropped: 0, unresolved: held.size });
    } finally {
      await node.close();
    }
  }, 120_000);
});
