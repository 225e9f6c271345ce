/** Whether this machine has the anvil the dev chain runs, and if not why: for requireOrSkip. */
import { anvilBinaryPath } from '../../src/app/dev-chain.js';

export function anvilAvailable(): { ok: boolean; reason: string } {
  try {
    anvilBinaryPath();
    return { ok: true, reason: '' };
  } catch (err) {
    return { ok: false, reason: (err as Error).message };
  }
}
