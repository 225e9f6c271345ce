import { setTimeout as sleep } from 'node:timers/promises';

import type { Logger } from 'pino';

import type { MasterCommand, RampCommand, SpawnCommand } from '../locust/commands.js';
import { MasterLink } from '../locust/link.js';
import { LOCUST_TIMINGS, type MasterTimings } from '../locust/master-timings.js';
import { CLIENT_STOPPED, heartbeat, QUIT, rampComplete, rampStarted, spawnComplete, statsMessage, type WorkerState } from '../locust/messages.js';
import { makeNodeId } from '../locust/node-id.js';
import { Registration } from '../locust/registration.js';
import type { Transport } from '../locust/sockets.js';
import type { StatsEra } from '../locust/stats-dialect.js';
import type { RequestStats } from '../stats/request-stats.js';
import type { Backlog } from './backlog.js';
import type { RateLimiter } from './limiter/limiter.js';
import { ProcessUsage } from './process-usage.js';
import type { UserPool } from './user-pool.js';

export type { MasterTimings } from '../locust/master-timings.js';

export interface WorkerRunnerOptions {
  host: string;
  port: number;
  nodeId?: string;
  pool: UserPool;
  stats: RequestStats;
  limiter: RateLimiter;
  /** Transactions waiting for the chain: drained after a stop, before `client_stopped`. */
  backlog: Backlog;
  /** --drain-timeout */
  drainTimeoutMs: number;
  log: Logger;
  timings?: Partial<MasterTimings>;
  /** Give up (exit non-zero) when no master answered within this time; null waits forever. */
  connectTimeoutMs?: number | null;
  /** 'push-pull' speaks to a Locust 0.9 master (--locust-legacy-0.9). Default 'dealer'. */
  transport?: Transport;
}

export interface WorkerRunResult {
  exitCode: number;
  /** Why the run ended, for the last log line. */
  reason: string;
  /** The last test's length and peak user count, for the summary. */
  durationS: number;
  peakUsers: number;
}

/**
 * What the worker is doing; heartbeats report it as Locust's ready/spawning/running.
 * 'draining': the users have stopped and the chain catches up with what they sent; the
 * master still gets reports (the mined rows grow), and `client_stopped` follows.
 */
type Phase = 'idle' | 'spawning' | 'running' | 'stopping' | 'draining' | 'done';

type Event =
  MasterCommand | { type: 'connected' } | { type: 'disconnected' } | { type: 'master-silent' } | { type: 'shutdown'; reason: string; exitCode: number };

/**
 * The worker on a master's orders (Locust's WorkerRunner): registers, reports, and turns
 * master commands into user counts, draining the chain's backlog at each stop. Every event goes
 * through one serial chain, so a stop and a spawn never interleave. What each message holds
 * for each Locust version is src/locust's business (messages.ts, commands.ts, registration.ts).
 */
export class WorkerRunner {
  readonly nodeId: string;
  readonly #o: WorkerRunnerOptions;
  readonly #t: MasterTimings;
  readonly #link: MasterLink;
  readonly #usage = new ProcessUsage();
  #phase: Phase = 'idle';
  #chain: Promise<void> = Promise.resolve();
  readonly #registration: Registration;
  #lastSpawnTimestamp = -Infinity;
  #classCounts: Record<string, number> = {};
  #stopTimeoutS: number | null = null;
  #masterHeartbeatAt: number | null = null;
  #stopWait: AbortController | null = null;
  #testStartedAt = 0;
  #testEndedAt: number | null = null;
  #peakUsers = 0;
  /** 0.9 has no heartbeats and never acks; its stats need the oldest shape. */
  readonly #legacy09: boolean;
  #statsEra: StatsEra;
  /** The dialect of the ramp in progress: a pre-1.2 master expects the state `hatching`. */
  #rampDialect: RampCommand['dialect'] | null = null;
  #timers: NodeJS.Timeout[] = [];
  #waitingSince = 0;
  #connectTimer: NodeJS.Timeout | undefined;
  #finish!: (result: WorkerRunResult) => void;
  readonly #finished = new Promise<WorkerRunResult>((resolve) => {
    this.#finish = resolve;
  });

  constructor(options: WorkerRunnerOptions) {
    this.#o = options;
    this.#t = { ...LOCUST_TIMINGS, ...options.timings };
    this.nodeId = options.nodeId ?? makeNodeId();
    this.#legacy09 = options.transport === 'push-pull';
    this.#statsEra = this.#legacy09 ? 'locust-0.9' : 'modern';
    this.#link = new MasterLink({
      transport: options.transport,
      host: options.host,
      port: options.port,
      nodeId: this.nodeId,
      log: options.log,
      handlers: {
        onCommand: (command) => this.#enqueue(command),
        onConnect: () => this.#enqueue({ type: 'connected' }),
        onDisconnect: () => this.#enqueue({ type: 'disconnected' }),
      },
    });
    this.#registration = new Registration({
      legacy09: this.#legacy09,
      ackRetryMs: this.#t.ackRetryMs,
      ackRetries: this.#t.ackRetries,
      log: options.log,
      send: (message) => this.#link.send(message),
    });
  }

  /** Connects and serves the master until it says quit (or `shutdown` is called). */
  run(): Promise<WorkerRunResult> {
    const { log } = this.#o;
    log.info({ master: this.#link.address, nodeId: this.nodeId }, 'connecting to the Locust master');
    this.#link.open();
    this.#startWaiting();
    this.#timers.push(setInterval(() => this.#tick(), this.#t.heartbeatMs));
    this.#timers.push(setInterval(() => this.#report(), this.#t.reportMs));
    this.#timers.push(
      setInterval(() => {
        if (!this.#waitingForMaster()) return;
        const waitedS = Math.round((Date.now() - this.#waitingSince) / 1000);
        log.info({ master: this.#link.address, waitedS, connected: this.#link.connected }, 'still waiting for the Locust master');
      }, this.#t.waitLogMs),
    );
    return this.#finished;
  }

  /**
   * Starts (or restarts) a wait for a master: at run start, and when the master is lost.
   * `--connect-timeout` counts from here, on its own timer, so it fires on time whatever the
   * log interval, and a master lost late in a long run gets the full time to come back.
   */
  #startWaiting(): void {
    this.#waitingSince = Date.now();
    const timeout = this.#o.connectTimeoutMs;
    if (timeout == null) return;
    clearTimeout(this.#connectTimer);
    this.#connectTimer = setTimeout(() => {
      if (!this.#waitingForMaster()) return;
      this.#enqueue({
        type: 'shutdown',
        exitCode: 1,
        reason: `no Locust master answered at ${this.#link.address} within ${timeout / 1000} s (--connect-timeout)`,
      });
    }, timeout);
  }

  #waitingForMaster(): boolean {
    return !this.#registration.registered && this.#phase !== 'done';
  }

  /** Ends the run as a quit would: users stopped, final stats and `quit` sent. */
  shutdown(reason: string): void {
    this.#enqueue({ type: 'shutdown', reason, exitCode: 0 });
  }

  #enqueue(event: Event): void {
    // Quit must not wait behind a drain or a stop_timeout sleep, and a lost master ends them too.
    if ((event.type === 'quit' || event.type === 'shutdown' || event.type === 'disconnected' || event.type === 'master-silent') && this.#stopWait)
      this.#stopWait.abort();
    this.#chain = this.#chain
      .then(() => this.#handle(event))
      .catch((err: unknown) => this.#o.log.error({ err: String(err), event: event.type }, 'worker: failed to handle an event'));
  }

  async #handle(event: Event): Promise<void> {
    if (this.#phase === 'done') return;
    const { log } = this.#o;
    switch (event.type) {
      case 'connected':
        log.info({ master: this.#link.address }, 'connected to the Locust master');
        if (!this.#registration.registered) this.#registration.ready();
        return;
      case 'disconnected':
        return this.#masterLost('lost the connection to the Locust master');
      case 'master-silent':
        return this.#masterLost(`no heartbeat from the Locust master for ${this.#t.masterHeartbeatTimeoutMs / 1000} s`);
      case 'ack':
        this.#registration.acked(event.index);
        return;
      case 'heartbeat':
        this.#masterHeartbeatAt = Date.now();
        return;
      case 'spawn':
        return void this.#spawn(event);
      case 'ramp':
        return void this.#ramp(event);
      case 'stop':
        return this.#stop();
      case 'reconnect':
        log.info('the master asked for a new connection');
        // The test goes on: its queued reports must reach the master over the new connection.
        this.#link.renew(true);
        return;
      case 'quit':
        return this.#quit('the master said quit', 0);
      case 'shutdown':
        return this.#quit(event.reason, event.exitCode);
      case 'ignored':
        log.debug({ type: event.name }, 'ignored a master message');
        return;
    }
  }

  #spawn(command: SpawnCommand): void {
    const { log, pool } = this.#o;
    if (command.timestamp <= this.#lastSpawnTimestamp) {
      log.debug({ timestamp: command.timestamp }, 'dropped a stale spawn');
      return;
    }
    this.#lastSpawnTimestamp = command.timestamp;
    this.#registration.heardFromMaster();
    this.#stopTimeoutS = command.stopTimeout;
    this.#beginTestIfIdle();
    this.#phase = 'spawning';
    this.#rampDialect = null;
    this.#link.send(rampStarted('spawn'));
    const total = Object.values(command.userClassesCount).reduce((a, n) => a + n, 0);
    pool.setTarget(total);
    // Echo the master's class map: its sum is exactly the number of users now running.
    this.#classCounts = { ...command.userClassesCount };
    this.#peakUsers = Math.max(this.#peakUsers, total);
    this.#phase = 'running';
    this.#link.send(spawnComplete(this.#classCounts, total));
    log.info({ users: total, byTestCase: Object.fromEntries(pool.countsByTask()) }, 'users running');
  }

  #ramp(command: RampCommand): void {
    const { log, pool } = this.#o;
    this.#registration.heardFromMaster();
    this.#stopTimeoutS = command.stopTimeout;
    if (command.saysClients && !this.#legacy09) this.#statsEra = 'occurences';
    this.#beginTestIfIdle();
    this.#phase = 'spawning';
    this.#rampDialect = command.dialect;
    this.#link.send(rampStarted(command.dialect));
    log.info({ users: command.users, rate: command.ratePerSecond }, 'hatching users');
    // The ramp runs beside the event chain so that a stop or quit can cut it short.
    void pool.rampTo(command.users, command.ratePerSecond).then((reached) => {
      if (!reached || this.#phase !== 'spawning') return;
      this.#phase = 'running';
      this.#peakUsers = Math.max(this.#peakUsers, pool.count);
      this.#link.send(rampComplete(command.dialect, pool.count));
      log.info({ users: pool.count, byTestCase: Object.fromEntries(pool.countsByTask()) }, 'users running');
    });
  }

  #beginTestIfIdle(): void {
    if (this.#phase !== 'idle') return;
    this.#o.stats.reset();
    this.#o.backlog.open();
    this.#o.limiter.start();
    this.#testStartedAt = Date.now();
    this.#testEndedAt = null;
    this.#peakUsers = 0;
  }

  async #stop(): Promise<void> {
    const { log } = this.#o;
    const wasRunning = this.#phase !== 'idle' && this.#phase !== 'done';
    await this.#stopUsers(this.#stopTimeoutS != null ? this.#stopTimeoutS * 1000 : this.#t.stopGraceMs);
    if (wasRunning) {
      // Drain before `client_stopped`: every settlement is reported in the test that sent the
      // transaction, and none can reach a master that has started the next one. A quit, a
      // shutdown or a lost master cuts it short.
      const wait = new AbortController();
      this.#stopWait = wait;
      this.#phase = 'draining';
      await this.#o.backlog.drain(this.#o.drainTimeoutMs, wait.signal);
      this.#stopWait = null;
      if (this.#phase === 'draining') this.#phase = 'idle';
      this.#testEndedAt = Date.now();
      if (wait.signal.aborted) return;
    }
    // The users' last results reach the master before we say stopped.
    if (this.#link.connected) this.#sendStats();
    this.#link.send(CLIENT_STOPPED);
    log.info('users stopped');
    if (this.#stopTimeoutS) {
      const wait = new AbortController();
      this.#stopWait = wait;
      await sleep(this.#stopTimeoutS * 1000, undefined, { signal: wait.signal }).catch(() => undefined);
      this.#stopWait = null;
      // Only a quit cuts the wait short: a worker on its way out must not register again
      // (a master would ack it and might even dispatch users to it).
      if (wait.signal.aborted) return;
    }
    if (this.#phase === 'done') return;
    this.#registration.ready();
  }

  /**
   * Stops users; their last results are then in the report window, for the caller to send
   * (stop, quit) or drop (lost master). No periodic report goes out meanwhile (see `#report`).
   */
  async #stopUsers(graceMs: number, expected = false): Promise<void> {
    if (this.#phase === 'idle' || this.#phase === 'done') return;
    this.#phase = 'stopping';
    await this.#o.pool.stopAll(graceMs, expected);
    this.#o.limiter.stop();
    this.#testEndedAt = Date.now();
    this.#classCounts = {};
    this.#phase = 'idle';
  }

  async #masterLost(reason: string): Promise<void> {
    const { log } = this.#o;
    log.warn({ master: this.#link.address }, `${reason}: stopping users and registering again when it is back`);
    await this.#stopUsers(this.#t.quitGraceMs);
    await this.#o.backlog.drain(0);
    // The unreported results of the old test are dropped (the run view keeps them for our own
    // summary): whichever master registers us next must not count them, and a 2.12.1 master
    // merges stats even from workers it does not know.
    this.#o.stats.takeReport();
    this.#registration.forget();
    this.#masterHeartbeatAt = null;
    this.#lastSpawnTimestamp = -Infinity;
    // A fresh socket drops whatever was queued for the old master.
    this.#link.renew();
    this.#startWaiting();
  }

  async #quit(reason: string, exitCode: number): Promise<void> {
    const { log } = this.#o;
    if (exitCode === 0) log.info(reason);
    else log.error(reason);
    await this.#stopUsers(this.#t.quitGraceMs, true);
    // A quitting master waits half a second for the last report: no time to wait for requests
    // in flight (they are detached, counted nowhere, so our summary equals the master's) nor
    // to drain. What is still open is unresolved (stop the test first to see it mined).
    await this.#o.backlog.drain(0);
    if (this.#link.connected) {
      this.#sendStats();
      this.#link.send(QUIT);
    }
    this.#phase = 'done';
    for (const timer of this.#timers) clearInterval(timer);
    clearTimeout(this.#connectTimer);
    await this.#link.close();
    const end = this.#testEndedAt ?? Date.now();
    this.#finish({ exitCode, reason, durationS: Math.max(0, (end - (this.#testStartedAt || end)) / 1000), peakUsers: this.#peakUsers });
  }

  #tick(): void {
    if (this.#phase === 'done' || !this.#link.connected) return;
    const now = Date.now();
    this.#registration.tick(now);
    // Locust 0.9 has no heartbeats.
    if (!this.#legacy09) this.#link.send(heartbeat(this.#reportedState(), this.#usage.cpuPercent(), this.#usage.memoryBytes(), this.#o.pool.count));
    if (this.#masterHeartbeatAt !== null && now - this.#masterHeartbeatAt > this.#t.masterHeartbeatTimeoutMs) {
      this.#masterHeartbeatAt = null;
      this.#enqueue({ type: 'master-silent' });
    }
  }

  #reportedState(): WorkerState {
    if (this.#phase === 'spawning') return this.#rampDialect === 'hatch' ? 'hatching' : 'spawning';
    if (this.#phase === 'running' || this.#phase === 'stopping' || this.#phase === 'draining') return 'running';
    return 'ready';
  }

  #report(): void {
    // While users stop, their results wait for the one final report (or are dropped with a lost
    // master): the socket may already be talking to a restarted master.
    if (this.#phase === 'done' || this.#phase === 'stopping' || !this.#link.connected) return;
    this.#sendStats();
  }

  #sendStats(): void {
    this.#link.send(statsMessage(this.#o.stats.takeReport(), this.#statsEra, this.#classCounts, this.#o.pool.count, Date.now() / 1000));
  }
}
