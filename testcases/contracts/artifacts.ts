/**
 * The compiled contracts, typed. The JSON artifacts are imported statically rather than read
 * from disk: tsc (resolveJsonModule) then emits each imported JSON file next to this module in
 * dist/, so the same code works from testcases/contracts/ (vitest) and dist/testcases/contracts/
 * (the built CLI and the npm package) with no path guessing and no generated code. Adding a
 * contract takes one import line here; test/integration/contracts.test.ts checks that every source has one.
 */
import type { InterfaceAbi } from 'ethers/abi';

import CardNft from './artifacts/CardNft.json' with { type: 'json' };
import CpuHeavy from './artifacts/CpuHeavy.json' with { type: 'json' };
import DoNothing from './artifacts/DoNothing.json' with { type: 'json' };
import General from './artifacts/General.json' with { type: 'json' };
import InternalTx from './artifacts/InternalTx.json' with { type: 'json' };
import IoHeavy from './artifacts/IoHeavy.json' with { type: 'json' };
import KvStore from './artifacts/KvStore.json' with { type: 'json' };
import LargeMemo from './artifacts/LargeMemo.json' with { type: 'json' };
import SmallBank from './artifacts/SmallBank.json' with { type: 'json' };
import StorageWrite from './artifacts/StorageWrite.json' with { type: 'json' };
import TestNft from './artifacts/TestNft.json' with { type: 'json' };
import TestToken from './artifacts/TestToken.json' with { type: 'json' };
import UserStorage from './artifacts/UserStorage.json' with { type: 'json' };

const ARTIFACTS = {
  CardNft,
  CpuHeavy,
  DoNothing,
  General,
  InternalTx,
  IoHeavy,
  KvStore,
  LargeMemo,
  SmallBank,
  StorageWrite,
  TestNft,
  TestToken,
  UserStorage,
} as const;

export type ArtifactName = keyof typeof ARTIFACTS;

export const ARTIFACT_NAMES: readonly ArtifactName[] = Object.freeze(Object.keys(ARTIFACTS) as ArtifactName[]);

export interface ContractArtifact {
  readonly contractName: ArtifactName;
  readonly abi: InterfaceAbi;
  /** 0x-prefixed creation bytecode (no constructor arguments: none of our contracts takes any). */
  readonly bytecode: string;
}

export function isArtifactName(name: string): name is ArtifactName {
  return Object.hasOwn(ARTIFACTS, name);
}

export function loadArtifact(name: ArtifactName): ContractArtifact {
  const { abi, bytecode } = ARTIFACTS[name];
  return { contractName: name, abi, bytecode };
}
