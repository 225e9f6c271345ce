/**
 * The machine and software a run measured, for RESULTS.md: numbers mean little without them.
 */
import { spawnSync } from 'node:child_process';
import { cpus, loadavg, release, totalmem } from 'node:os';

function firstLine(file, args) {
  const out = spawnSync(file, args, { encoding: 'utf8', timeout: 10_000 });
  if (out.error || out.status !== 0) return 'not found';
  return `${out.stdout}${out.stderr}`.trim().split('\n')[0] ?? '';
}

/** One line per fact. */
export function describeMachine() {
  const cores = cpus();
  return [
    `CPU: ${cores.length} × ${cores[0]?.model ?? 'unknown'}`,
    `memory: ${(totalmem() / 2 ** 30).toFixed(1)} GiB, Linux ${release()}`,
    `load average at start (1/5/15 min): ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' / ')}`,
    `Node ${process.version}, ${firstLine('sh', ['-c', 'nginx -v 2>&1 || /usr/sbin/nginx -v 2>&1'])}, ` +
      `Locust ${firstLine('dpkg-query', ['-W', '-f', '${Version}', 'python3-locust'])} (Debian), ${firstLine('/usr/bin/python3', ['--version'])}`,
  ];
}
