/**
 * Gas limits a Kaia node accepts for its native transaction types, from kaiachain/kaia v2.2.1:
 * the tx pool rejects `gas < intrinsic + sigValidation` ("intrinsic gas too low"), on Prague
 * `gas < floor` (EIP-7623, "insufficient gas for floor data gas cost"), and `gas > 500,000,000`
 * ("exceeds the upper limit").
 *
 *   intrinsic = typeGas + data gas + init-code words (deploys, Shanghai) + key gas (AccountUpdate, AccountCreation)
 *   typeGas   = 21,000 (53,000 deploys) + 10,000 fee-delegated | + 15,000 with ratio
 *   data gas  = 100 per byte before Prague; 16 per non-zero and 4 per zero byte from Prague
 *   floor     = typeGas + 10 × (4 × non-zero bytes + zero bytes) + sigValidation   (Prague)
 *
 * Sig validation gas is 0 for accounts with a legacy or single public key (every test
 * account); multisig keys add 15,000 per extra key, which callers pass in.
 */
import { AccountKeyType } from './account-key.js';
import { type KaiaTxTypeCode, kaiaTxTypeInfo, kaiaTxTypeLabel } from './tx-types.js';

/** Which of Kaia's gas rule changes a node has reached. */
export interface KaiaGasRules {
  /** Init code costs 2 gas per 32-byte word (EIP-3860). */
  readonly shanghai: boolean;
  /** Data costs 16/4 per byte instead of 100, and the EIP-7623 floor applies. */
  readonly prague: boolean;
}

export const KAIA_GAS_RULES = {
  preShanghai: { shanghai: false, prague: false },
  shanghai: { shanghai: true, prague: false },
  prague: { shanghai: true, prague: true },
} as const satisfies Record<string, KaiaGasRules>;

/** The tx pool's ceiling on any transaction's gas limit since Kaia v2.2.1 (params.UpperGasLimit). */
export const KAIA_UPPER_GAS_LIMIT = 500_000_000n;

/** What a transaction's gas depends on (a KaiaTxFields object fits). */
export interface KaiaGasInput {
  readonly type: KaiaTxTypeCode;
  /** Memo, call data or init code, 0x-prefixed hex. */
  readonly data?: string;
  /** AccountUpdate types and AccountCreation: the encoded new key. */
  readonly key?: string;
  readonly humanReadable?: boolean;
}

// kaiachain/kaia params/protocol_params.go
const TX_GAS = 21_000n;
const TX_GAS_CONTRACT_CREATION = 53_000n;
const TX_GAS_FEE_DELEGATED = 10_000n;
const TX_GAS_FEE_DELEGATED_WITH_RATIO = 15_000n;
const TX_DATA_GAS = 100n;
const TX_DATA_NON_ZERO_GAS_EIP2028 = 16n;
const TX_DATA_ZERO_GAS = 4n;
const INIT_CODE_WORD_GAS = 2n;
const TX_TOKEN_PER_NON_ZERO_BYTE = 4n;
const TX_COST_FLOOR_PER_TOKEN = 10n;
const TX_ACCOUNT_CREATION_GAS_PER_KEY = 20_000n;
const TX_GAS_HUMAN_READABLE = 4_000_000_000n;

/** The fixed part for the type (types.GetTxGasForTxType): what even an empty tx costs. */
export function kaiaTypeGas(type: KaiaTxTypeCode): bigint {
  const info = kaiaTxTypeInfo(type);
  const base = info.family === 'smartContractDeploy' ? TX_GAS_CONTRACT_CREATION : TX_GAS;
  if (!info.feeDelegated) return base;
  return base + (info.withRatio ? TX_GAS_FEE_DELEGATED_WITH_RATIO : TX_GAS_FEE_DELEGATED);
}

/** The node's IntrinsicGas for the transaction, without signature validation gas. */
export function kaiaIntrinsicGas(tx: KaiaGasInput, rules: KaiaGasRules): bigint {
  const info = kaiaTxTypeInfo(tx.type);
  let gas = kaiaTypeGas(tx.type);
  const { zero, nonZero } = countBytes(payloadOf(tx));
  gas += rules.prague ? nonZero * TX_DATA_NON_ZERO_GAS_EIP2028 + zero * TX_DATA_ZERO_GAS : (nonZero + zero) * TX_DATA_GAS;
  if (info.family === 'smartContractDeploy') {
    if (rules.shanghai) gas += ((nonZero + zero + 31n) / 32n) * INIT_CODE_WORD_GAS;
    if (tx.humanReadable === true) gas += TX_GAS_HUMAN_READABLE;
  }
  if (info.family === 'accountUpdate' || info.family === 'accountCreation') gas += keyCreationGas(tx);
  if (info.family === 'accountCreation' && tx.humanReadable === true) gas += TX_GAS_HUMAN_READABLE;
  return gas;
}

/** EIP-7623's floor as Kaia applies it from Prague (blockchain.FloorDataGas). */
export function kaiaFloorDataGas(tx: KaiaGasInput, sigValidationGas = 0n): bigint {
  const { zero, nonZero } = countBytes(payloadOf(tx));
  return kaiaTypeGas(tx.type) + (nonZero * TX_TOKEN_PER_NON_ZERO_BYTE + zero) * TX_COST_FLOOR_PER_TOKEN + sigValidationGas;
}

/** The smallest gas limit the tx pool accepts under `rules` (execution may need more). */
export function kaiaMinGasLimit(tx: KaiaGasInput, rules: KaiaGasRules, sigValidationGas = 0n): bigint {
  const intrinsic = kaiaIntrinsicGas(tx, rules) + sigValidationGas;
  if (!rules.prague) return intrinsic;
  const floor = kaiaFloorDataGas(tx, sigValidationGas);
  return floor > intrinsic ? floor : intrinsic;
}

/**
 * The smallest gas limit every Kaia fork accepts: a 2,000-byte memo needs 221,000 before
 * Prague (100 per byte) and 101,000 on Prague (the floor), so a load test that does not know
 * the node's fork uses the larger.
 */
export function kaiaMinGasLimitAnyFork(tx: KaiaGasInput, sigValidationGas = 0n): bigint {
  let most = 0n;
  for (const rules of Object.values(KAIA_GAS_RULES)) {
    const min = kaiaMinGasLimit(tx, rules, sigValidationGas);
    if (min > most) most = min;
  }
  return most;
}

/**
 * Why the tx pool would refuse `gas` for `tx` under `rules`, as one line, or undefined when it
 * would not. For checking configured limits before a run rather than learning from rejections.
 */
export function kaiaGasLimitProblem(tx: KaiaGasInput, gas: bigint, rules: KaiaGasRules, sigValidationGas = 0n): string | undefined {
  const label = kaiaTxTypeLabel(tx.type);
  // The node's order: upper limit, intrinsic gas, then the floor.
  if (gas > KAIA_UPPER_GAS_LIMIT) return `${label}: gas limit ${gas} exceeds Kaia's upper limit ${KAIA_UPPER_GAS_LIMIT}`;
  const intrinsic = kaiaIntrinsicGas(tx, rules) + sigValidationGas;
  if (gas < intrinsic) return `${label}: gas limit ${gas} is below the intrinsic gas ${intrinsic}`;
  if (!rules.prague) return undefined;
  const floor = kaiaFloorDataGas(tx, sigValidationGas);
  return gas < floor ? `${label}: gas limit ${gas} is below the EIP-7623 floor ${floor}` : undefined;
}

/** Types without a data field have none for gas either (their GetData() is empty). */
function payloadOf(tx: KaiaGasInput): string {
  const { layout } = kaiaTxTypeInfo(tx.type);
  return layout.includes('data') ? (tx.data ?? '0x') : '0x';
}

function countBytes(hex: string): { zero: bigint; nonZero: bigint } {
  if (!/^0x(?:[0-9a-fA-F]{2})*$/.test(hex)) throw new TypeError('data must be 0x-prefixed hex bytes');
  let zero = 0;
  for (let i = 2; i < hex.length; i += 2) {
    if (hex.charCodeAt(i) === 0x30 && hex.charCodeAt(i + 1) === 0x30) zero++;
  }
  const total = (hex.length - 2) / 2;
  return { zero: BigInt(zero), nonZero: BigInt(total - zero) };
}

/** accountkey.AccountCreationGas: legacy and fail keys are free; a public key costs 20,000. */
function keyCreationGas(tx: KaiaGasInput): bigint {
  const keyType = tx.key === undefined || tx.key.length < 4 ? undefined : Number.parseInt(tx.key.slice(2, 4), 16);
  switch (keyType) {
    case AccountKeyType.Legacy:
    case AccountKeyType.Fail:
      return 0n;
    case AccountKeyType.Public:
      return TX_ACCOUNT_CREATION_GAS_PER_KEY;
    default:
      throw new TypeError(`${kaiaTxTypeLabel(tx.type)}: gas is known only for legacy, public and fail account keys`);
  }
}
