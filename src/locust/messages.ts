/**
 * What the worker sends a Locust master, by message type: the payload of each, typed, with the
 * rules of each Locust era (incoming messages are parsed in commands.ts). The runner decides
 * when; this file decides what a master of each version expects to read.
 */
import type { StatsReport } from '../stats/types.js';
import { adaptReport, type StatsEra } from './stats-dialect.js';

/** Locust's worker states as heartbeats report them (`hatching` before 1.2). */
export type WorkerState = 'ready' | 'hatching' | 'spawning' | 'running';

export interface OutgoingPayloads {
  /**
   * -1 passes every 2.x version check, including Debian's 2.12.1 whose own version is "";
   * older masters ignore the data, and 0.9 workers sent None.
   */
  client_ready: number | null;
  hatching: null;
  spawning: null;
  /** A 2.x spawn: the master's class map echoed (its sum is the users now running). */
  spawning_complete: { user_classes_count: Record<string, number>; user_count: number; count: number } | { count: number };
  hatch_complete: { count: number };
  heartbeat: {
    state: WorkerState;
    current_cpu_usage: number;
    current_memory_usage: number;
    /** Locust 1.4.4 – 1.6 masters take the user count from heartbeats; others ignore it. */
    count: number;
  };
  stats: StatsReport & { user_classes_count: Record<string, number>; user_count: number };
  client_stopped: null;
  quit: null;
}

export type OutgoingType = keyof OutgoingPayloads;

/** One message to a master: its type and that type's payload. */
export type OutgoingMessage = { [T in OutgoingType]: { type: T; data: OutgoingPayloads[T] } }[OutgoingType];

export function clientReady(legacy09: boolean): OutgoingMessage {
  return { type: 'client_ready', data: legacy09 ? null : -1 };
}

/** The start of a ramp: `hatching` for a pre-1.2 master, else `spawning`. */
export function rampStarted(dialect: 'hatch' | 'spawn'): OutgoingMessage {
  return dialect === 'hatch' ? { type: 'hatching', data: null } : { type: 'spawning', data: null };
}

/** The end of a ramp the worker ran itself (Locust 0.10 – 1.6). */
export function rampComplete(dialect: 'hatch' | 'spawn', users: number): OutgoingMessage {
  return dialect === 'hatch' ? { type: 'hatch_complete', data: { count: users } } : { type: 'spawning_complete', data: { count: users } };
}

/** The end of a 2.x spawn: the master's class map echoed, and its sum. */
export function spawnComplete(classCounts: Record<string, number>, users: number): OutgoingMessage {
  return { type: 'spawning_complete', data: { user_classes_count: classCounts, user_count: users, count: users } };
}

export function heartbeat(state: WorkerState, cpuPercent: number, memoryBytes: number, users: number): OutgoingMessage {
  return { type: 'heartbeat', data: { state, current_cpu_usage: cpuPercent, current_memory_usage: memoryBytes, count: users } };
}

/** A stats report in the shape the master's era reads. */
export function statsMessage(report: StatsReport, era: StatsEra, classCounts: Record<string, number>, users: number, nowS: number): OutgoingMessage {
  const adapted = adaptReport(report, era, nowS);
  return {
    type: 'stats',
    data: { stats: adapted.stats, stats_total: adapted.stats_total, errors: adapted.errors, user_classes_count: classCounts, user_count: users },
  };
}

export const CLIENT_STOPPED: OutgoingMessage = { type: 'client_stopped', data: null };
export const QUIT: OutgoingMessage = { type: 'quit', data: null };
