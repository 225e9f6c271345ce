/**
 * What a run is configured with, once every flag has been validated (src/cli/options.ts
 * turns argv into these; the app never sees a raw flag).
 */
import type { WeightedTestCase } from '../api/test-case.js';
import type { PrivateKey } from '../chain/keys.js';
import type { TxSettings } from '../chain/tx-session.js';
import type { EndpointAccess } from '../rpc/endpoint.js';
import type { IncreaseRate } from '../runner/limiter/limiter.js';
import type { LogFormat, LogLevel } from '../util/log.js';

/** The flags shared by a test run and `klayworker refund`. */
export interface ChainOptions {
  /** The rich (funding) key; null when none was given. Renders as [redacted]. */
  richKey: PrivateKey | null;
  /** Where the key came from, e.g. "--key-file /path" (for messages), or null. */
  richKeyOrigin: string | null;
  /** Advice to log once the logger exists (e.g. --key is visible in ps). */
  warnings: string[];
  /** --header and --ca-file: what every JSON-RPC client of the endpoint is built with. */
  access: EndpointAccess;
  /** How long to retry an unreachable node at start. */
  nodeConnectTimeoutMs: number;
  rpcTimeoutMs: number;
  tx: TxSettings;
  logLevel: LogLevel;
  logFormat: LogFormat;
}

export interface Options extends ChainOptions {
  standalone: boolean;
  /** --run-tasks: run each test case once, without a master, and report each outcome (Boomer's debug mode). */
  runTasks: boolean;
  /** Speak Locust 0.9's two-port PUSH/PULL protocol (it cannot be detected from one socket). */
  legacy09: boolean;
  users: number;
  spawnRate: number;
  /** null: run until interrupted. */
  runTimeMs: number | null;
  csvPrefix: string | null;
  /** --csv-full-history: every (type, name) in the history CSV, not only Aggregated. */
  csvFullHistory: boolean;
  jsonFile: string | null;
  /** --html: the end-of-run HTML report. */
  htmlFile: string | null;
  masterHost: string;
  masterPort: number;
  /** null: wait for the master forever. (The node's timeout is nodeConnectTimeoutMs.) */
  connectTimeoutMs: number | null;
  maxRps: number;
  rpsMode: 'bucket' | 'smooth';
  requestIncreaseRate: IncreaseRate | null;
  testCases: WeightedTestCase[];
  /** null: start the embedded dev chain. */
  endpoint: string | null;
  /** --ws-endpoint: the node's WebSocket endpoint, for new heads as it announces them; null: poll the head. */
  wsEndpoint: string | null;
  stopTimeoutMs: number;
  /** --drain-timeout: how long a stopped test waits for its transactions to be mined. */
  drainTimeoutMs: number;
  /** --processes: worker processes to fork (1: this process is the worker). */
  processes: number;
  /** --metrics-port [HOST:]PORT: where to serve Prometheus metrics (port 0: any free one); null: off. */
  metrics: { host: string; port: number } | null;
}

export interface RefundOptions extends ChainOptions {
  endpoint: string;
}
