/**
 * Kaia gas limits: kaia's own intrinsic-gas and EIP-7623 test data (copied into
 * test/fixtures/kaia-vectors.json with its source), and the per-type rules of
 * kaiachain/kaia v2.2.1 (params/protocol_params.go, tx_internal_data.go, tx_pool.go).
 */
import { readFileSync } from 'node:fs';

import { SigningKey } from 'ethers';
import { describe, expect, it } from 'vitest';

import { ACCOUNT_KEY_LEGACY, accountKeyPublic } from '../../src/chain/kaia/account-key.js';
import {
  KAIA_GAS_RULES,
  KAIA_UPPER_GAS_LIMIT,
  kaiaFloorDataGas,
  kaiaGasLimitProblem,
  kaiaIntrinsicGas,
  kaiaMinGasLimit,
  kaiaMinGasLimitAnyFork,
  kaiaTypeGas,
} from '../../src/chain/kaia/gas.js';
import { KAIA_TX_TYPES, KaiaTxType, type KaiaTxTypeCode } from '../../src/chain/kaia/tx-types.js';

interface GasFixture {
  intrinsicGas: Array<{ type: string; data: string; rules: keyof typeof KAIA_GAS_RULES; gas: number }>;
  floor: Array<{ type: string; data: string; gas: number }>;
}

const { gas: fixture } = JSON.parse(readFileSync(new URL('../fixtures/kaia-vectors.json', import.meta.url), 'utf8')) as { gas: GasFixture };

/** n printable, non-zero bytes, like the Go testers' random [0-9A-Za-z] memos. */
function memo(n: number): string {
  return `0x${'61'.repeat(n)}`;
}

describe('kaia test data', () => {
  it.each(fixture.intrinsicGas.map((v) => [v.type, v.data, v.rules, v.gas] as const))(
    'intrinsic gas of %s with data %s under %s rules is %i',
    (type, data, rules, gas) => {
      expect(kaiaIntrinsicGas({ type: Number(type) as KaiaTxTypeCode, data }, KAIA_GAS_RULES[rules])).toBe(BigInt(gas));
    },
  );

  it('EIP-7623 floor of a 104-byte call is what the node estimates', () => {
    const [v] = fixture.floor;
    const tx = { type: Number(v!.type) as KaiaTxTypeCode, data: v!.data };
    expect(kaiaFloorDataGas(tx)).toBe(BigInt(v!.gas));
    expect(kaiaMinGasLimit(tx, KAIA_GAS_RULES.prague)).toBe(BigInt(v!.gas));
  });
});

describe('type gas (txTypeToGasMap)', () => {
  // 21,000 or 53,000 (deploys), plus 10,000 for fee delegation or 15,000 with a ratio.
  const expected: Record<number, bigint> = {
    0x08: 21_000n,
    0x09: 31_000n,
    0x0a: 36_000n,
    0x10: 21_000n,
    0x11: 31_000n,
    0x12: 36_000n,
    0x18: 21_000n,
    0x20: 21_000n,
    0x21: 31_000n,
    0x22: 36_000n,
    0x28: 53_000n,
    0x29: 63_000n,
    0x2a: 68_000n,
    0x30: 21_000n,
    0x31: 31_000n,
    0x32: 36_000n,
    0x38: 21_000n,
    0x39: 31_000n,
    0x3a: 36_000n,
  };
  it.each(KAIA_TX_TYPES.map((t) => [t.name, t] as const))('%s', (_, info) => {
    expect(kaiaTypeGas(info.code)).toBe(expected[info.code]);
    // Transfers and cancels carry nothing else to pay for.
    if (info.family === 'valueTransfer' || info.family === 'cancel') {
      expect(kaiaMinGasLimitAnyFork({ type: info.code })).toBe(expected[info.code]);
    }
  });
});

describe('memo transactions', () => {
  it('a 2,000-byte memo needs the EIP-7623 floor on Prague, so 100,000 is refused', () => {
    const tx = { type: KaiaTxType.ValueTransferMemo, data: memo(2_000) };
    // 21,000 + 2,000 × 16
    expect(kaiaIntrinsicGas(tx, KAIA_GAS_RULES.prague)).toBe(53_000n);
    // 21,000 + 8,000 tokens × 10 (reference §1.2)
    expect(kaiaMinGasLimit(tx, KAIA_GAS_RULES.prague)).toBe(101_000n);
    expect(kaiaGasLimitProblem(tx, 100_000n, KAIA_GAS_RULES.prague)).toBe('ValueTransferMemo (0x10): gas limit 100000 is below the EIP-7623 floor 101000');
    expect(kaiaGasLimitProblem(tx, 101_000n, KAIA_GAS_RULES.prague)).toBeUndefined();
  });

  it('before Prague the same memo costs 100 per byte, which K26’s 200,000 does not cover', () => {
    const tx = { type: KaiaTxType.ValueTransferMemo, data: memo(2_000) };
    expect(kaiaMinGasLimit(tx, KAIA_GAS_RULES.shanghai)).toBe(221_000n);
    expect(kaiaGasLimitProblem(tx, 200_000n, KAIA_GAS_RULES.shanghai)).toBe('ValueTransferMemo (0x10): gas limit 200000 is below the intrinsic gas 221000');
    expect(kaiaMinGasLimitAnyFork(tx)).toBe(221_000n);
  });

  it('fee delegation raises both the intrinsic gas and the floor', () => {
    const tx = { type: KaiaTxType.FeeDelegatedValueTransferMemoWithRatio, data: memo(200) };
    expect(kaiaIntrinsicGas(tx, KAIA_GAS_RULES.shanghai)).toBe(36_000n + 20_000n);
    expect(kaiaFloorDataGas(tx)).toBe(36_000n + 8_000n);
    expect(kaiaMinGasLimitAnyFork(tx)).toBe(56_000n);
  });

  it('zero bytes count as one token and 4 gas from Prague', () => {
    const tx = { type: KaiaTxType.ValueTransferMemo, data: `0x${'00'.repeat(10)}${'61'.repeat(10)}` };
    expect(kaiaIntrinsicGas(tx, KAIA_GAS_RULES.prague)).toBe(21_000n + 40n + 160n);
    expect(kaiaFloorDataGas(tx)).toBe(21_000n + (10n + 40n) * 10n);
  });
});

describe('other types', () => {
  it('an AccountUpdate to a public key costs 20,000 more; to a legacy key nothing more', () => {
    const key = accountKeyPublic(new SigningKey(`0x${'11'.repeat(32)}`).compressedPublicKey);
    expect(kaiaMinGasLimitAnyFork({ type: KaiaTxType.AccountUpdate, key })).toBe(41_000n);
    expect(kaiaMinGasLimitAnyFork({ type: KaiaTxType.FeeDelegatedAccountUpdateWithRatio, key })).toBe(56_000n);
    expect(kaiaMinGasLimitAnyFork({ type: KaiaTxType.AccountUpdate, key: ACCOUNT_KEY_LEGACY })).toBe(21_000n);
    expect(() => kaiaIntrinsicGas({ type: KaiaTxType.AccountUpdate, key: '0x04c0' }, KAIA_GAS_RULES.prague)).toThrow(
      'AccountUpdate (0x20): gas is known only for legacy, public and fail account keys',
    );
  });

  it('an AccountCreation with a public key costs 41,000, as kaiachain/kaia prices it (TxGasAccountCreation + one key)', () => {
    const key = accountKeyPublic(new SigningKey(`0x${'11'.repeat(32)}`).compressedPublicKey);
    expect(kaiaMinGasLimitAnyFork({ type: KaiaTxType.AccountCreation, key })).toBe(41_000n);
    expect(kaiaIntrinsicGas({ type: KaiaTxType.AccountCreation, key, humanReadable: true }, KAIA_GAS_RULES.prague)).toBe(4_000_041_000n);
  });

  it('a deploy pays 2 gas per init-code word from Shanghai', () => {
    const tx = { type: KaiaTxType.SmartContractDeploy, data: memo(33) };
    expect(kaiaIntrinsicGas(tx, KAIA_GAS_RULES.preShanghai)).toBe(53_000n + 3_300n);
    expect(kaiaIntrinsicGas(tx, KAIA_GAS_RULES.shanghai)).toBe(53_000n + 3_300n + 4n);
    expect(kaiaIntrinsicGas(tx, KAIA_GAS_RULES.prague)).toBe(53_000n + 33n * 16n + 4n);
  });

  it('a human-readable deploy costs 4e9 gas, beyond the upper limit', () => {
    const tx = { type: KaiaTxType.SmartContractDeploy, data: memo(1), humanReadable: true };
    expect(kaiaGasLimitProblem(tx, KAIA_UPPER_GAS_LIMIT, KAIA_GAS_RULES.prague)).toMatch(/below the intrinsic gas 4000053\d+$/);
  });
});

describe('upper limit (v2.2.1)', () => {
  it('accepts 500,000,000 and refuses one more', () => {
    const cancel = { type: KaiaTxType.Cancel };
    expect(kaiaGasLimitProblem(cancel, 500_000_000n, KAIA_GAS_RULES.prague)).toBeUndefined();
    expect(kaiaGasLimitProblem(cancel, 500_000_001n, KAIA_GAS_RULES.prague)).toBe("Cancel (0x38): gas limit 500000001 exceeds Kaia's upper limit 500000000");
    // The Go testers' 5e10 for ERC-721 minting is far above it.
    expect(kaiaGasLimitProblem(cancel, 50_000_000_000n, KAIA_GAS_RULES.preShanghai)).toMatch(/exceeds Kaia's upper limit/);
  });
});
