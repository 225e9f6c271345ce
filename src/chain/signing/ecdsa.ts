/**
 * secp256k1 signatures of 32-byte digests, by the native libsecp256k1 binding (npm
 * `secp256k1`, prebuilt for common platforms) when it loads, else by ethers' pure-JS signer
 * (@noble/curves). Both are deterministic (RFC 6979) with low S, so they give the same bytes;
 * the native one is about ten times faster, which makes it the ceiling of transaction tests.
 *
 * KLAYWORKER_SIGNING=js forces the pure-JS signer (to compare, or if the binding misbehaves).
 */
import { createRequire } from 'node:module';

import type { SigningKey } from 'ethers/crypto';

export type SigningBackend = 'native' | 'js';

/** The environment variable that forces the pure-JS signer: KLAYWORKER_SIGNING=js. */
export const SIGNING_ENV = 'KLAYWORKER_SIGNING';

export interface RecoverableSignature {
  /** 32 bytes, big-endian. */
  readonly r: Uint8Array;
  /** 32 bytes, big-endian, in the lower half of the curve order. */
  readonly s: Uint8Array;
  /** 0 or 1: the y parity of the signature's R point. */
  readonly recid: number;
}

/** The part of the `secp256k1` package we use (it ships no types). */
export interface NativeSecp256k1 {
  ecdsaSign(digest: Uint8Array, privateKey: Uint8Array): { signature: Uint8Array; recid: number };
}

export interface EcdsaSigner {
  readonly backend: SigningBackend;
  sign(key: SigningKey, digest: Uint8Array): RecoverableSignature;
}

const jsSigner: EcdsaSigner = {
  backend: 'js',
  sign(key, digest) {
    const sig = key.sign(digest);
    return { r: Buffer.from(sig.r.slice(2), 'hex'), s: Buffer.from(sig.s.slice(2), 'hex'), recid: sig.yParity };
  },
};

function nativeSigner(binding: NativeSecp256k1): EcdsaSigner {
  // A SigningKey keeps its key as hex; the binding wants bytes. Keyed weakly by the key object,
  // so a test account's bytes live as long as its SigningKey and no longer.
  const keyBytes = new WeakMap<SigningKey, Uint8Array>();
  return {
    backend: 'native',
    sign(key, digest) {
      let privateKey = keyBytes.get(key);
      if (privateKey === undefined) {
        privateKey = Buffer.from(key.privateKey.slice(2), 'hex');
        keyBytes.set(key, privateKey);
      }
      const { signature, recid } = binding.ecdsaSign(digest, privateKey);
      return { r: signature.subarray(0, 32), s: signature.subarray(32, 64), recid };
    },
  };
}

export interface SignerChoice {
  env: NodeJS.ProcessEnv;
  /** Loads the native binding; throws when it cannot (no prebuild for this platform, no compiler). */
  requireBinding?: () => NativeSecp256k1;
}

/** `secp256k1/bindings` is the native half only: the package's main entry would quietly fall
 *  back to the much slower `elliptic`, and the pure-JS fallback here is ethers' faster one. */
const requireNativeBinding = (): NativeSecp256k1 => createRequire(import.meta.url)('secp256k1/bindings') as NativeSecp256k1;

/** The native signer when the binding loads and is not turned off, else the pure-JS one. */
export function chooseEcdsaSigner({ env, requireBinding = requireNativeBinding }: SignerChoice): EcdsaSigner {
  if (env[SIGNING_ENV] === 'js') return jsSigner;
  try {
    return nativeSigner(requireBinding());
  } catch {
    return jsSigner;
  }
}

/** Picks the signer once, on first use: a worker that never signs never loads the binding. */
function lazySigner(): () => EcdsaSigner {
  let chosen: EcdsaSigner | undefined;
  return () => (chosen ??= chooseEcdsaSigner({ env: process.env }));
}

/** This process's signer (native unless KLAYWORKER_SIGNING=js or the binding cannot load). */
export const defaultEcdsaSigner = lazySigner();

/** Which signer this process signs with: for logs and benchmarks. */
export function signingBackend(): SigningBackend {
  return defaultEcdsaSigner().backend;
}
