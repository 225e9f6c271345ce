/** Waiting for a set of promises that may grow while it is waited for, bounded in time. */

/** Resolves once every promise of `work` (as it grows) has settled, after `timeoutMs`, or on `signal`. */
export async function settledWithin(work: ReadonlySet<Promise<void>>, timeoutMs: number, signal: AbortSignal | undefined): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const stop = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, timeoutMs);
    signal?.addEventListener('abort', () => resolve(), { once: true });
  });
  try {
    // A follow-up may settle another transaction and start one more: wait until none is left.
    while (work.size > 0) {
      const next = Promise.allSettled([...work]).then(() => 'done' as const);
      if ((await Promise.race([next, stop.then(() => 'stopped' as const)])) === 'stopped') return;
    }
  } finally {
    clearTimeout(timer);
  }
}
