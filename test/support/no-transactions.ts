import type { Backlog } from '../../src/runner/backlog.js';

/** The backlog of a worker whose test cases send no transactions: a drain has nothing to wait for. */
export const NO_TRANSACTIONS: Backlog = Object.freeze({ open: () => undefined, drain: () => Promise.resolve() });
