import { describe, expect, it } from 'vitest';

import { flagDefaults } from '../../src/cli/flags.js';
import { NODE_CONNECT_TIMEOUT_MS, parseOptions, parseRefundOptions, type RawOptions } from '../../src/cli/options.js';
import { UsageError } from '../../src/util/errors.js';
import { builtInTestCases } from '../../testcases/registry.js';

// What commander hands over when only --tc is given (its defaults included; flags.test.ts checks they are commander's).
const DEFAULTS: RawOptions = { ...flagDefaults('run'), tc: 'valueTransfer' };
const KEY = '0x8f2a55949038a9610f50fb23b5883af3b4ecb3c3bb792cbcefbd1542c692be63';

describe('transaction options', () => {
  it('defaults: 100 accounts (5 the node signs for), 1 coin each, auto tx type, eth namespace; node waits 30 s, the master forever', () => {
    const o = parseOptions(DEFAULTS, builtInTestCases, {});
    expect(o.tx).toEqual({
      txType: 'auto',
      rpcNamespace: 'eth',
      accounts: 100,
      nodeSignedAccounts: 5,
      activeAccounts: 100,
      accountSeed: 'klayworker',
      chargeWei: 10n ** 18n,
      receiptTimeoutMs: 60_000,
      memoSize: 'small',
      maxPending: 16,
    });
    expect(o.nodeConnectTimeoutMs).toBe(NODE_CONNECT_TIMEOUT_MS);
    expect(NODE_CONNECT_TIMEOUT_MS).toBe(30_000);
    expect(o.connectTimeoutMs).toBeNull();
    expect(o.richKey).toBeNull();
  });

  it('--connect-timeout applies to both the node and the master', () => {
    const o = parseOptions({ ...DEFAULTS, connectTimeout: '5s' }, builtInTestCases, {});
    expect([o.nodeConnectTimeoutMs, o.connectTimeoutMs]).toEqual([5_000, 5_000]);
  });

  it('reads the key from the environment and keeps it out of JSON', () => {
    const o = parseOptions(DEFAULTS, builtInTestCases, { KLAYWORKER_KEY: KEY });
    expect(o.richKey?.reveal()).toBe(KEY);
    expect(o.richKeyOrigin).toBe('KLAYWORKER_KEY');
    expect(JSON.stringify(o, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))).not.toContain(KEY.slice(2));
  });

  it('--active-percent sends from the first share of --accounts, rounded down like the Go tools', () => {
    expect(parseOptions({ ...DEFAULTS, accounts: '10', activePercent: '50' }, builtInTestCases, {}).tx).toMatchObject({ accounts: 10, activeAccounts: 5 });
    expect(parseOptions({ ...DEFAULTS, accounts: '7', activePercent: '50' }, builtInTestCases, {}).tx).toMatchObject({ accounts: 7, activeAccounts: 3 });
    expect(() => parseOptions({ ...DEFAULTS, accounts: '50', activePercent: '1' }, builtInTestCases, {})).toThrow(
      /^--active-percent 1 of 50 accounts leaves none to send from/,
    );
    for (const bad of ['0', '101', '50.5', 'half']) {
      expect(() => parseOptions({ ...DEFAULTS, activePercent: bad }, builtInTestCases, {})).toThrow(/^--active-percent: expected a whole number from 1 to 100/);
    }
  });

  it('reads --charge as exact wei', () => {
    expect(parseOptions({ ...DEFAULTS, charge: '0.000000000000000001' }, builtInTestCases, {}).tx.chargeWei).toBe(1n);
    expect(parseOptions({ ...DEFAULTS, charge: '1000000.5' }, builtInTestCases, {}).tx.chargeWei).toBe(1_000_000_500_000_000_000_000_000n);
  });

  it.each([
    [{ charge: '0' }, /^--charge: expected a positive amount/],
    [{ charge: '-1' }, /^--charge: /],
    [{ txType: 'eip1559' }, /^--tx-type: expected one of auto, legacy, 1559/],
    [{ rpcNamespace: 'web3' }, /^--rpc-namespace: expected one of eth, kaia, klay/],
    [{ accounts: '0' }, /^--accounts: expected a whole number from 1/],
    [{ nodeSignedAccounts: '0' }, /^--node-signed-accounts: expected a whole number from 1/],
    [{ accountSeed: '' }, /^--account-seed: /],
    [{ receiptTimeout: '0s' }, /^--receipt-timeout: /],
    [{ key: 'nonsense' }, /^the private key from --key is malformed/],
  ] as const)('refuses %o with one line naming the flag', (bad, message) => {
    expect(() => parseOptions({ ...DEFAULTS, ...bad }, builtInTestCases, {})).toThrow(UsageError);
    expect(() => parseOptions({ ...DEFAULTS, ...bad }, builtInTestCases, {})).toThrow(message);
  });

  it('refund needs an endpoint and a key', () => {
    const raw = { accounts: '10', nodeSignedAccounts: '5', accountSeed: 's', rpcTimeout: '10s', receiptTimeout: '60s', logLevel: 'info', logFormat: 'text' };
    expect(() => parseRefundOptions(raw, { KLAYWORKER_KEY: KEY })).toThrow(/--endpoint is required/);
    expect(() => parseRefundOptions({ ...raw, endpoint: 'http://127.0.0.1:8545' }, {})).toThrow(/a rich key is required/);
    const o = parseRefundOptions({ ...raw, endpoint: 'http://127.0.0.1:8545' }, { KLAYWORKER_KEY: KEY });
    expect([o.endpoint, o.tx.accounts, o.tx.nodeSignedAccounts, o.tx.accountSeed, o.nodeConnectTimeoutMs]).toEqual([
      'http://127.0.0.1:8545',
      10,
      5,
      's',
      30_000,
    ]);
  });
});
