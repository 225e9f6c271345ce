/**
 * The Kaia-native transaction types (Klaytn's "typed" transactions): their one-byte codes,
 * names, what kind of transaction each is, and the order of their RLP fields.
 *
 * Every type but one is one of six families, each in three flavours: basic (the sender pays),
 * fee-delegated (a fee payer pays everything) and fee-delegated with a ratio (the fee payer
 * pays `feeRatio` percent). Kaia numbers them base, base+1, base+2. AccountCreation (0x18) has
 * the basic flavour only, and is `disabled`: kaiachain/kaia defines its fields and encoding
 * but leaves it out of its transaction factory, so no Kaia node decodes it (and none has
 * published a vector of it). ChainDataAnchoring (0x48) is left out: it is for service
 * chains, not load.
 */

export const KaiaTxType = {
  ValueTransfer: 0x08,
  FeeDelegatedValueTransfer: 0x09,
  FeeDelegatedValueTransferWithRatio: 0x0a,
  ValueTransferMemo: 0x10,
  FeeDelegatedValueTransferMemo: 0x11,
  FeeDelegatedValueTransferMemoWithRatio: 0x12,
  AccountCreation: 0x18,
  AccountUpdate: 0x20,
  FeeDelegatedAccountUpdate: 0x21,
  FeeDelegatedAccountUpdateWithRatio: 0x22,
  SmartContractDeploy: 0x28,
  FeeDelegatedSmartContractDeploy: 0x29,
  FeeDelegatedSmartContractDeployWithRatio: 0x2a,
  SmartContractExecution: 0x30,
  FeeDelegatedSmartContractExecution: 0x31,
  FeeDelegatedSmartContractExecutionWithRatio: 0x32,
  Cancel: 0x38,
  FeeDelegatedCancel: 0x39,
  FeeDelegatedCancelWithRatio: 0x3a,
} as const;

export type KaiaTxTypeName = keyof typeof KaiaTxType;
export type KaiaTxTypeCode = (typeof KaiaTxType)[KaiaTxTypeName];

export type KaiaTxFamily =
  'valueTransfer' | 'valueTransferMemo' | 'accountCreation' | 'accountUpdate' | 'smartContractDeploy' | 'smartContractExecution' | 'cancel';

/** The fields after `nonce, gasPrice, gas`, which every type starts with. */
export type KaiaLayoutField = 'to' | 'value' | 'from' | 'data' | 'key' | 'humanReadable' | 'codeFormat' | 'feeRatio';

export interface KaiaTxTypeInfo {
  readonly code: KaiaTxTypeCode;
  readonly name: KaiaTxTypeName;
  readonly family: KaiaTxFamily;
  /** A fee payer signs too (and pays all of the fee, or `feeRatio` percent of it). */
  readonly feeDelegated: boolean;
  readonly withRatio: boolean;
  /** Carries a memo in `data` (ValueTransferMemo types). */
  readonly memo: boolean;
  /** Deploys or calls a contract. */
  readonly contract: boolean;
  /** No Kaia node takes it (AccountCreation): encoded from kaiachain/kaia's sources, not verified against a vector. */
  readonly disabled: boolean;
  /** RLP field order after `nonce, gasPrice, gas`, as the Kaia docs and node define it. */
  readonly layout: readonly KaiaLayoutField[];
}

const FAMILY_LAYOUT: Readonly<Record<KaiaTxFamily, readonly KaiaLayoutField[]>> = {
  valueTransfer: ['to', 'value', 'from'],
  valueTransferMemo: ['to', 'value', 'from', 'data'],
  // kaiachain/kaia TxInternalDataAccountCreation: the new account's address, value, sender, key.
  accountCreation: ['to', 'value', 'from', 'humanReadable', 'key'],
  accountUpdate: ['from', 'key'],
  smartContractDeploy: ['to', 'value', 'from', 'data', 'humanReadable', 'codeFormat'],
  smartContractExecution: ['to', 'value', 'from', 'data'],
  cancel: ['from'],
};

const FAMILY_OF_BASE: ReadonlyArray<readonly [number, KaiaTxFamily]> = [
  [0x08, 'valueTransfer'],
  [0x10, 'valueTransferMemo'],
  [0x18, 'accountCreation'],
  [0x20, 'accountUpdate'],
  [0x28, 'smartContractDeploy'],
  [0x30, 'smartContractExecution'],
  [0x38, 'cancel'],
];

function describe(name: KaiaTxTypeName): KaiaTxTypeInfo {
  const code = KaiaTxType[name];
  const flavour = code & 0x07;
  const base = code - flavour;
  const family = FAMILY_OF_BASE.find(([b]) => b === base)?.[1];
  if (family === undefined) throw new Error(`no family for Kaia tx type ${name}`);
  const withRatio = flavour === 2;
  const layout = [...FAMILY_LAYOUT[family]];
  // The ratio goes last, except in deploys, where Kaia put it before codeFormat.
  if (withRatio) layout.splice(family === 'smartContractDeploy' ? layout.length - 1 : layout.length, 0, 'feeRatio');
  return {
    code,
    name,
    family,
    feeDelegated: flavour !== 0,
    withRatio,
    memo: family === 'valueTransferMemo',
    contract: family === 'smartContractDeploy' || family === 'smartContractExecution',
    disabled: family === 'accountCreation',
    layout,
  };
}

/** Every supported type, in code order. */
export const KAIA_TX_TYPES: readonly KaiaTxTypeInfo[] = (Object.keys(KaiaTxType) as KaiaTxTypeName[]).map(describe);

const BY_CODE: ReadonlyMap<number, KaiaTxTypeInfo> = new Map(KAIA_TX_TYPES.map((info) => [info.code, info]));

export function isKaiaTxTypeCode(code: number): code is KaiaTxTypeCode {
  return BY_CODE.has(code);
}

/** The type's description; throws a one-line error for a code that is not a supported Kaia type. */
export function kaiaTxTypeInfo(code: number): KaiaTxTypeInfo {
  const info = BY_CODE.get(code);
  if (info === undefined) throw new Error(`0x${code.toString(16).padStart(2, '0')} is not a supported Kaia transaction type`);
  return info;
}

/** "FeeDelegatedValueTransfer (0x09)", for messages. */
export function kaiaTxTypeLabel(code: number): string {
  const hex = `0x${code.toString(16).padStart(2, '0')}`;
  const info = BY_CODE.get(code);
  return info === undefined ? hex : `${info.name} (${hex})`;
}
