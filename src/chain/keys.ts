/**
 * The rich (funding) private key: where it comes from, whether it is well formed, and a
 * wrapper that keeps it out of logs. Messages here name the source of a key, never its text.
 */
import { readFileSync, statSync } from 'node:fs';
import { inspect } from 'node:util';

import { SigningKey } from 'ethers/crypto';

import { UsageError } from '../util/errors.js';

/** The environment variable that may carry the rich key. */
export const KEY_ENV = 'KLAYWORKER_KEY';

const REDACTED = '[redacted private key]';
/** secp256k1's group order: a private key is a number in [1, N-1]. */
const CURVE_ORDER = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
const HEX_KEY = /^(0x)?[0-9a-fA-F]{64}$/;

/** A bad key, an unreadable key file, or conflicting key flags: one line, no key text. */
export class KeyError extends UsageError {
  override name = 'KeyError';
}

/**
 * A secp256k1 private key that renders as "[redacted private key]" in JSON, util.inspect,
 * template strings and pino, so that logging an object holding one cannot leak it.
 */
export class PrivateKey {
  readonly #hex: string;

  private constructor(hex: string) {
    this.#hex = hex;
  }

  /** Checks range and shape; `origin` names where the text came from, for the error. */
  static parse(text: string, origin: string): PrivateKey {
    const trimmed = text.trim();
    if (!HEX_KEY.test(trimmed)) {
      throw new KeyError(`the private key from ${origin} is malformed: expected 64 hex digits, optionally 0x-prefixed`);
    }
    const hex = `0x${trimmed.replace(/^0x/, '').toLowerCase()}`;
    if (!isValidScalar(BigInt(hex))) {
      throw new KeyError(`the private key from ${origin} is not a valid secp256k1 key (zero or above the curve order)`);
    }
    return new PrivateKey(hex);
  }

  /** For bytes that are already known to be a valid key (see `isValidScalar`). */
  static fromValidatedHex(hex: string): PrivateKey {
    return new PrivateKey(hex);
  }

  /** The 0x-prefixed hex. Call only where the key is used, never to print it. */
  reveal(): string {
    return this.#hex;
  }

  signingKey(): SigningKey {
    return new SigningKey(this.#hex);
  }

  toString(): string {
    return REDACTED;
  }

  toJSON(): string {
    return REDACTED;
  }

  [inspect.custom](): string {
    return REDACTED;
  }
}

export function isValidScalar(n: bigint): boolean {
  return n > 0n && n < CURVE_ORDER;
}

export interface KeySources {
  /** --key-file PATH */
  keyFile?: string | undefined;
  /** How messages name the key file's source: "--key-file" (default), or KLAYWORKER_KEY_FILE when the environment gave it. */
  keyFileLabel?: string | undefined;
  /** --key HEX (visible to other users in the process list) */
  key?: string | undefined;
  /** The environment, for KLAYWORKER_KEY. */
  env: NodeJS.ProcessEnv;
}

export interface LoadedKey {
  /** null when no source gave a key. */
  key: PrivateKey | null;
  /** Where it came from, for log lines ("--key-file /path", "KLAYWORKER_KEY", "--key"). */
  origin: string | null;
  /** Advice to print once, e.g. that --key shows in `ps`. */
  warnings: string[];
}

/**
 * Picks the rich key: --key-file or --key (never both), else KLAYWORKER_KEY. A flag wins
 * over the environment because it is the more specific, more recent choice.
 */
export function loadRichKey(sources: KeySources): LoadedKey {
  const { keyFile, key, env, keyFileLabel = '--key-file' } = sources;
  if (keyFile !== undefined && key !== undefined) {
    throw new KeyError(`give the rich key once: ${keyFileLabel} or --key, not both`);
  }
  if (keyFile !== undefined) {
    const origin = `${keyFileLabel} ${keyFile}`;
    return { key: PrivateKey.parse(readKeyFile(keyFile, origin), origin), origin, warnings: keyFileWarnings(keyFile) };
  }
  if (key !== undefined) {
    return {
      key: PrivateKey.parse(key, '--key'),
      origin: '--key',
      warnings: [`--key puts the private key in the process arguments, where other users of this machine can read it (ps); prefer --key-file or ${KEY_ENV}`],
    };
  }
  const fromEnv = env[KEY_ENV];
  if (fromEnv !== undefined && fromEnv.trim() !== '') {
    return { key: PrivateKey.parse(fromEnv, KEY_ENV), origin: KEY_ENV, warnings: [] };
  }
  return { key: null, origin: null, warnings: [] };
}

/** A key file others can read is a key others can spend with. */
function keyFileWarnings(path: string): string[] {
  const mode = statSync(path).mode & 0o777;
  if ((mode & 0o077) === 0) return [];
  return [`--key-file ${path} is readable by group or others (mode ${mode.toString(8).padStart(4, '0')}); run chmod 600 ${path}`];
}

/** `origin`: "--key-file PATH" (or "KLAYWORKER_KEY_FILE PATH"), for the message. */
function readKeyFile(path: string, origin: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'it is a directory' : (code ?? 'read error');
    throw new KeyError(`${origin}: cannot read the key (${why})`);
  }
}
