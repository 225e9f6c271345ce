/** How often the worker talks to its master and how long it waits, as Locust's constants. */
export interface MasterTimings {
  heartbeatMs: number;
  reportMs: number;
  /** client_ready is resent this often until acked (Locust's CONNECT_TIMEOUT). */
  ackRetryMs: number;
  /** Resends before assuming a master too old to ack (< 2.10). Python resends 60 times; an
   *  old master logs every copy, and a lost first copy is already resent on reconnect. */
  ackRetries: number;
  /** 2.19+ masters answer each heartbeat; silence this long means the master is gone. */
  masterHeartbeatTimeoutMs: number;
  /** Wait for in-flight iterations at `stop` when the master gives no stop_timeout. */
  stopGraceMs: number;
  /**
   * Wait for in-flight iterations at `quit` (and when the master is lost). Locust's own worker
   * kills its users at quit, and a 2.12 master reads final reports for only 0.5 s after it
   * says quit: the report cannot wait for requests still on the wire.
   */
  quitGraceMs: number;
  /** How often to say we are still waiting for the master. */
  waitLogMs: number;
}

export const LOCUST_TIMINGS: MasterTimings = {
  heartbeatMs: 1_000,
  reportMs: 3_000,
  ackRetryMs: 5_000,
  ackRetries: 3,
  masterHeartbeatTimeoutMs: 60_000,
  stopGraceMs: 10_000,
  quitGraceMs: 0,
  waitLogMs: 5_000,
};
