/**
 * The value parsers of the flag table: each turns one flag's text into a typed value or throws
 * a one-line UsageError that names the flag and the fix and never shows a secret (endpoints are
 * redacted, header values never printed). options.ts composes them, one line per flag.
 */
import { readFileSync } from 'node:fs';

import { parseUnits } from 'ethers/utils';

import { basicAuthorization, type Header, HeaderError, parseHeader, parsePemCertificates, redactEndpoint } from '../rpc/endpoint.js';
import { parseDuration } from '../util/duration.js';
import { errorMessage, UsageError } from '../util/errors.js';

/** A positive amount of the chain's coin (KAIA, ETH) with up to 18 decimals, as wei. */
export function coinAmount(flag: string, text: string): bigint {
  const trimmed = text.trim();
  const wei = /^\d{1,30}(\.\d{1,18})?$/.test(trimmed) ? parseUnits(trimmed, 18) : 0n;
  if (wei <= 0n) throw new UsageError(`${flag}: expected a positive amount of coins (KAIA/ETH) with up to 18 decimals, e.g. 1 or 0.05, got ${show(text)}`);
  return wei;
}

function show(text: string): string {
  return JSON.stringify(text.length > 60 ? `${text.slice(0, 57)}...` : text);
}

export function integer(flag: string, text: string, min: number, max: number): number {
  const value = /^\s*\d+\s*$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new UsageError(`${flag}: expected a whole number from ${min} to ${max}, got ${show(text)}`);
  }
  return value;
}

export function positiveNumber(flag: string, text: string): number {
  const value = /^\s*\d+(\.\d+)?\s*$/.test(text) ? Number(text) : NaN;
  if (!(value > 0) || !Number.isFinite(value)) throw new UsageError(`${flag}: expected a number above 0, got ${show(text)}`);
  return value;
}

export function duration(flag: string, text: string, minMs: number): number {
  const ms = parseDuration(text);
  if (ms === null || ms < minMs) {
    throw new UsageError(`${flag}: expected a time span such as 30s, 1m30s, 2h or a number of seconds${minMs > 0 ? ' (above 0)' : ''}, got ${show(text)}`);
  }
  return ms;
}

export function oneOf<T extends string>(flag: string, text: string, choices: readonly T[]): T {
  if (!(choices as readonly string[]).includes(text)) throw new UsageError(`${flag}: expected one of ${choices.join(', ')}, got ${show(text)}`);
  return text as T;
}

export function nonEmpty(flag: string, text: string | undefined): string | null {
  if (text === undefined) return null;
  if (text.trim() === '') throw new UsageError(`${flag}: expected a path, got an empty string`);
  return text;
}

export function host(flag: string, text: string): string {
  if (!/^[A-Za-z0-9.\-:[\]]+$/.test(text)) throw new UsageError(`${flag}: expected a host name or IP address, got ${show(text)}`);
  return text.replace(/^\[(.*)\]$/, '$1');
}

const SCHEMES = {
  http: { protocols: ['http:', 'https:'], example: 'an http(s) URL such as http://127.0.0.1:8545', names: 'an http:// or https://' },
  ws: { protocols: ['ws:', 'wss:'], example: 'a ws(s) URL such as ws://127.0.0.1:8546', names: 'a ws:// or wss://' },
} as const;

/** An endpoint URL; a message shows it without its credentials and query values (redactEndpoint). */
export function url(flag: string, text: string, scheme: keyof typeof SCHEMES = 'http'): string {
  const { protocols, example, names } = SCHEMES[scheme];
  let parsed: URL;
  try {
    parsed = new URL(text);
  } catch {
    throw new UsageError(`${flag}: expected ${example}`);
  }
  if (!(protocols as readonly string[]).includes(parsed.protocol)) {
    throw new UsageError(`${flag}: expected ${names} URL, got ${show(redactEndpoint(text))}`);
  }
  try {
    basicAuthorization(parsed);
  } catch (err) {
    throw new UsageError(`${flag}: ${errorMessage(err)}`);
  }
  return text;
}

/** Each `--header "Name: value"`; a message names the flag and the problem, never the value. */
export function headers(flag: string, texts: readonly string[]): Header[] {
  return texts.map((text, i) => {
    try {
      return parseHeader(text);
    } catch (err) {
      if (!(err instanceof HeaderError)) throw err;
      throw new UsageError(`${flag}${texts.length > 1 ? ` (number ${i + 1})` : ''}: ${err.message}`);
    }
  });
}

/** --ca-file's certificates, read once at start. */
export function caFile(flag: string, path: string): string[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'it is a directory' : (code ?? 'read error');
    throw new UsageError(`${flag} ${path}: cannot read it (${why})`);
  }
  try {
    return parsePemCertificates(text);
  } catch (err) {
    throw new UsageError(`${flag} ${path}: ${errorMessage(err)}`);
  }
}
