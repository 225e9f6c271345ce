/**
 * Typed commands from a Locust master, parsed from decoded envelopes. Everything that knows
 * the shape of master payloads lives here; the runner only sees these types.
 */
import { KlayworkerError } from '../util/errors.js';

/** 2.x: the master ramps and sends absolute per-class targets. */
export interface SpawnCommand {
  type: 'spawn';
  timestamp: number;
  userClassesCount: Record<string, number>;
  host: string | null;
  stopTimeout: number | null;
}

/**
 * Locust 0.10 – 1.6: one message with a user count and a rate; the worker ramps itself and
 * replies in the same dialect (`hatch…` before 1.2, `spawn…` from 1.2).
 */
export interface RampCommand {
  type: 'ramp';
  dialect: 'hatch' | 'spawn';
  users: number;
  ratePerSecond: number;
  host: string | null;
  stopTimeout: number | null;
  /** The master said `num_clients` (Locust 0.10 – 0.14), not `num_users`. */
  saysClients: boolean;
}

export type MasterCommand =
  | { type: 'ack'; index: number | null }
  | SpawnCommand
  | RampCommand
  | { type: 'stop' }
  | { type: 'quit' }
  | { type: 'reconnect' }
  | { type: 'heartbeat' }
  /** Known to exist in some Locust version but nothing for this worker to do. */
  | { type: 'ignored'; name: string };

/** A master message whose payload does not have the shape its type requires. */
export class InvalidCommandError extends KlayworkerError {
  override name = 'InvalidCommandError';
}

const IGNORED = new Set(['spawning_complete', 'update_user_class', 'locustfile', 'logs']);

/**
 * More users than one process can hold (an idle user costs ~1–2 KB): a count above this is a
 * broken or hostile master, refused rather than obeyed into running out of memory.
 */
export const MAX_USERS_PER_WORKER = 1_000_000;

/** Parses one master message; returns null for an unknown type (the caller logs it). */
export function parseCommand(type: string, data: unknown): MasterCommand | null {
  switch (type) {
    case 'ack':
      return { type: 'ack', index: isRecord(data) && typeof data.index === 'number' ? data.index : null };
    case 'spawn':
      return isRecord(data) && 'user_classes_count' in data ? parseSpawn(data) : parseRamp('spawn', data);
    case 'hatch':
      return parseRamp('hatch', data);
    case 'stop':
    case 'quit':
    case 'reconnect':
    case 'heartbeat':
      return { type };
    default:
      return IGNORED.has(type) ? { type: 'ignored', name: type } : null;
  }
}

function parseSpawn(data: Record<string, unknown>): SpawnCommand {
  const { timestamp, user_classes_count: classes } = data;
  if (typeof timestamp !== 'number' || !Number.isFinite(timestamp)) {
    throw new InvalidCommandError('spawn: timestamp is not a number');
  }
  if (!isRecord(classes)) throw new InvalidCommandError('spawn: user_classes_count is not a map');
  const userClassesCount: Record<string, number> = {};
  let total = 0;
  for (const [name, count] of Object.entries(classes)) {
    if (!isCount(count)) throw new InvalidCommandError(`spawn: user count for class ${JSON.stringify(name)} is not a non-negative integer`);
    userClassesCount[name] = count;
    total += count;
  }
  checkUserCount('spawn', total);
  return { type: 'spawn', timestamp, userClassesCount, host: optionalString(data.host), stopTimeout: optionalSeconds(data.stop_timeout) };
}

function parseRamp(dialect: RampCommand['dialect'], data: unknown): RampCommand {
  if (!isRecord(data)) throw new InvalidCommandError(`${dialect}: payload is not a map`);
  // 0.10–0.14 say num_clients; 1.0+ say num_users. The rate is hatch_rate before 1.2.
  const users = data.num_users ?? data.num_clients;
  const rate = dialect === 'hatch' ? data.hatch_rate : data.spawn_rate;
  if (!isCount(users)) throw new InvalidCommandError(`${dialect}: user count is not a non-negative integer`);
  checkUserCount(dialect, users);
  if (typeof rate !== 'number' || !(rate > 0) || !Number.isFinite(rate)) {
    throw new InvalidCommandError(`${dialect}: rate is not a positive number`);
  }
  return {
    type: 'ramp',
    dialect,
    users,
    ratePerSecond: rate,
    host: optionalString(data.host),
    stopTimeout: optionalSeconds(data.stop_timeout),
    saysClients: data.num_users === undefined && data.num_clients !== undefined,
  };
}

function checkUserCount(what: string, users: number): void {
  if (users > MAX_USERS_PER_WORKER) {
    throw new InvalidCommandError(`${what}: ${users} users is more than one worker runs (at most ${MAX_USERS_PER_WORKER}); start more workers`);
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array);
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

function optionalString(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

function optionalSeconds(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : null;
}
