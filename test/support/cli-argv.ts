/**
 * The built CLI's command lines in the shapes the tests repeat, spelled once so that each test
 * shows only the flags it is about.
 */
import { CLI } from './processes.js';

/** A standalone run's shape: -u, -r, -t (as the CLI reads it: '3s') and --tc. */
export interface StandaloneRun {
  users: number;
  rate: number;
  time: string;
  tc: string;
}

/** `main.js --standalone -u … -r … -t … --tc …` and then `rest`: the arguments after `node`. */
export function standaloneArgv({ users, rate, time, tc }: StandaloneRun, ...rest: string[]): string[] {
  return [CLI, '--standalone', '-u', String(users), '-r', String(rate), '-t', time, '--tc', tc, ...rest];
}

/** A worker's shape: --tc, --endpoint and the master's port on 127.0.0.1. */
export interface MasterWorker {
  tc: string;
  endpoint: string;
  masterPort: number;
}

/** `main.js --tc … --endpoint … --master-port …` and then `rest`: the arguments after `node`. */
export function masterWorkerArgv({ tc, endpoint, masterPort }: MasterWorker, ...rest: string[]): string[] {
  return [CLI, '--tc', tc, '--endpoint', endpoint, '--master-port', String(masterPort), ...rest];
}
