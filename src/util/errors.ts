/**
 * The one error hierarchy. Every failure klayworker expects (bad input, an unreachable node, a
 * master speaking nonsense) is a KlayworkerError: one line of message, the process's exit code
 * should it end the run, and optionally a hint that says what to do about it (the message ends
 * with it: `message (hint)`). The CLI prints the message and exits with `exitCode`; anything
 * else thrown exits 1.
 */

export interface KlayworkerErrorOptions {
  /** What the user can do about it, e.g. "see klayworker --help"; printed after the message. */
  hint?: string;
  cause?: unknown;
}

export class KlayworkerError extends Error {
  override name = 'KlayworkerError';
  /** 2: the user's input was wrong (nothing ran); 1: the run failed. */
  readonly exitCode: number = 1;
  /** Kept apart for callers that show it differently; the message already ends with it. */
  readonly hint: string | undefined;

  constructor(message: string, options: KlayworkerErrorOptions = {}) {
    const { hint, cause } = options;
    super(hint === undefined ? message : `${message} (${hint})`, cause === undefined ? undefined : { cause });
    this.hint = hint;
  }
}

/** Bad command-line input (a flag, a key file, a --tc-module): one line, exit code 2. */
export class UsageError extends KlayworkerError {
  override name = 'UsageError';
  override readonly exitCode: number = 2;
}

/** The one-line text of anything thrown: an Error's message, else its string form. */
export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
