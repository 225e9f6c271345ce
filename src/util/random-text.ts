/** Random printable text for contract inputs whose size is the point (memos, identities). */
import { randomBytes } from 'node:crypto';

/** `length` random hex characters: one call to the CSPRNG, no per-character work. */
export function randomText(length: number): string {
  return randomBytes(Math.ceil(length / 2))
    .toString('hex')
    .slice(0, length);
}

/** An integer from `min` to `max`, both included. */
export function randomInt(min: number, max: number): number {
  return min + Math.floor(Math.random() * (max - min + 1));
}
