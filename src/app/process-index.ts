/**
 * Set in a child's environment by --processes (processes.ts): its index (0-based) among the
 * worker processes. Apart so that the CLI can read it before it loads the worker.
 */
export const PROCESS_INDEX_ENV = 'KLAYWORKER_PROCESS_INDEX';
