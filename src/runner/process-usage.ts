/**
 * CPU and memory of this process for the master's heartbeat and workers tab: CPU as the
 * percentage of one core used since the previous sample (Python's psutil cpu_percent, which
 * the master compares with 90), memory as resident set size in bytes.
 */
export class ProcessUsage {
  #lastCpu = process.cpuUsage();
  #lastAt = performance.now();
  #lastPercent = 0;

  cpuPercent(): number {
    const now = performance.now();
    const elapsedMs = now - this.#lastAt;
    // Samples closer than 100 ms apart are noise; repeat the previous figure.
    if (elapsedMs < 100) return this.#lastPercent;
    const used = process.cpuUsage(this.#lastCpu);
    this.#lastCpu = process.cpuUsage();
    this.#lastAt = now;
    this.#lastPercent = Math.round(((used.user + used.system) / 1000 / elapsedMs) * 1000) / 10;
    return this.#lastPercent;
  }

  memoryBytes(): number {
    return process.memoryUsage.rss();
  }
}
