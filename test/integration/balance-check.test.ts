/**
 * The balance check of valueTransferWithCheck against anvil with manual mining, so the test
 * decides which transactions share a block.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type DevChain, startDevChain } from '../../src/app/dev-chain.js';
import { readNonce } from '../../src/chain/account-state.js';
import { deriveTestAccounts, type TestAccount } from '../../src/chain/accounts.js';
import { type FeeQuote, readFees } from '../../src/chain/chain-context.js';
import { PrivateKey } from '../../src/chain/keys.js';
import { isReceipt, type Receipt } from '../../src/chain/receipt-wait.js';
import { signTransfer } from '../../src/chain/signing/sign-transfer.js';
import { JsonRpcClient } from '../../src/rpc/json-rpc.js';
import { type CheckMethods, checkTransferBalances } from '../../testcases/transfers/balance-check.js';

const METHODS: CheckMethods = {
  getBalance: 'eth_getBalance',
  getBlockByNumber: 'eth_getBlockByNumber',
  getTransactionReceipt: 'eth_getTransactionReceipt',
  getBlockReceipts: 'eth_getBlockReceipts',
};

let chain: DevChain;
let rpc: JsonRpcClient;
let chainId: bigint;
let fee: FeeQuote;
let accounts: TestAccount[];

beforeAll(async () => {
  // Blocks only when the test mines them.
  chain = await startDevChain({ blockTime: 3600 });
  rpc = new JsonRpcClient(chain.url, { timeoutMs: 10_000 });
  chainId = BigInt((await rpc.call('eth_chainId', [])).result as string);
  fee = await readFees(rpc, '1559');
  accounts = deriveTestAccounts(PrivateKey.parse(chain.richKey, 'test'), 'balance-check', 3);
  for (const a of accounts) await rpc.call('anvil_setBalance', [a.address, '0xde0b6b3a7640000']);
  await rpc.call('evm_mine', []);
});
afterAll(async () => {
  await rpc?.close();
  await chain?.stop();
});

async function send(from: TestAccount, to: TestAccount, value: bigint): Promise<string> {
  const nonce = await readNonce(rpc, from.address, 'pending');
  const { raw } = signTransfer(from.signer, { chainId, nonce, to: to.address, value, fee });
  return (await rpc.call('eth_sendRawTransaction', [raw])).result as string;
}

async function mineAndGetReceipt(hash: string): Promise<Receipt> {
  await rpc.call('evm_mine', []);
  const { result } = await rpc.call('eth_getTransactionReceipt', [hash]);
  if (!isReceipt(result)) throw new Error('not mined');
  return result;
}

describe('checkTransferBalances', () => {
  it('passes a transfer alone in its block, and fails when the expected value is off by one wei', async () => {
    const [a, b] = accounts as [TestAccount, TestAccount];
    const receipt = await mineAndGetReceipt(await send(a, b, 500n));
    expect(await checkTransferBalances(rpc, METHODS, { from: a.address, to: b.address, value: 500n, receipt })).toBeUndefined();
    expect(await checkTransferBalances(rpc, METHODS, { from: a.address, to: b.address, value: 501n, receipt })).toBe(
      'balance check failed: the sender balance did not change as expected',
    );
    expect(await checkTransferBalances(rpc, METHODS, { from: a.address, to: b.address, value: 500n, receipt: { ...receipt, status: '0x0' } })).toBe(
      'transaction failed on chain (status 0x0)',
    );
  });

  it('accounts for other transfers touching the same accounts in the same block', async () => {
    const [a, b, c] = accounts as [TestAccount, TestAccount, TestAccount];
    const ours = await send(a, b, 300n);
    // Others: into the recipient, out of the recipient, into the sender, and the sender again.
    await send(c, b, 40n);
    await send(b, c, 2n);
    await send(c, a, 9n);
    await send(a, c, 11n);
    const receipt = await mineAndGetReceipt(ours);
    const block = (await rpc.call('eth_getBlockByNumber', [receipt.blockNumber, false])).result as { transactions: string[] };
    expect(block.transactions).toHaveLength(5);
    expect(await checkTransferBalances(rpc, METHODS, { from: a.address, to: b.address, value: 300n, receipt })).toBeUndefined();
    expect(await checkTransferBalances(rpc, METHODS, { from: a.address, to: b.address, value: 299n, receipt })).toMatch(/^balance check failed/);
    // The same without eth_getBlockReceipts (a node that lacks it): receipts one by one.
    const noBulk = { ...METHODS, getBlockReceipts: 'eth_noSuchMethod' };
    expect(await checkTransferBalances(rpc, noBulk, { from: a.address, to: b.address, value: 300n, receipt })).toBeUndefined();
  });

  it('passes a transfer to oneself (only the fee leaves)', async () => {
    const [a] = accounts as [TestAccount];
    const receipt = await mineAndGetReceipt(await send(a, a, 77n));
    expect(await checkTransferBalances(rpc, METHODS, { from: a.address, to: a.address, value: 77n, receipt })).toBeUndefined();
  });

  it('fails when the recipient gained something no transaction explains (here: it mined the block and got the tips)', async () => {
    const [a, b] = accounts as [TestAccount, TestAccount];
    await rpc.call('anvil_setCoinbase', [b.address]);
    try {
      const receipt = await mineAndGetReceipt(await send(a, b, 5n));
      expect(await checkTransferBalances(rpc, METHODS, { from: a.address, to: b.address, value: 5n, receipt })).toBe(
        'balance check failed: the recipient balance did not change as expected',
      );
    } finally {
      await rpc.call('anvil_setCoinbase', ['0x0000000000000000000000000000000000000000']);
    }
  });
});
