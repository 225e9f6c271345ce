/**
 * The watchdog between klayworker and anvil. klayworker holds the write end of the
 * watchdog's stdin; when that closes, because stop() was called or because klayworker died in
 * any way (even SIGKILL), the watchdog stops anvil and exits. So no anvil outlives us.
 *
 * It is kept as CommonJS source text and run with `node -e` so that it works unchanged from
 * src/ under vitest, from dist/, and from an installed package, with no file to copy at build.
 *
 * Protocol: argv = [anvil binary, ...anvil args]. stdout carries one line, anvil's pid.
 * anvil's stdout is discarded (it lists the dev accounts' private keys); its stderr passes
 * through. Exit code: 0 after a requested stop, anvil's code (or 1) otherwise.
 */
export const WATCHDOG_SOURCE = `'use strict';
const { spawn } = require('node:child_process');
const [bin, ...args] = process.argv.slice(1);
const anvil = spawn(bin, args, { stdio: ['ignore', 'ignore', 'inherit'] });
let stopping = false;
function stop() {
  if (stopping) return;
  stopping = true;
  anvil.kill('SIGTERM');
  setTimeout(() => anvil.kill('SIGKILL'), 3000).unref();
}
process.stdout.on('error', () => {});
process.stderr.on('error', () => {});
anvil.on('spawn', () => process.stdout.write(anvil.pid + '\\n'));
anvil.on('error', (err) => {
  process.stderr.write('cannot run anvil: ' + err.message + '\\n');
  process.exit(127);
});
anvil.on('exit', (code, signal) => {
  if (stopping) process.exit(0);
  if (signal) process.stderr.write('anvil was killed by ' + signal + '\\n');
  process.exit(code === null ? 1 : code);
});
process.stdin.on('end', stop);
process.stdin.on('error', stop);
process.stdin.resume();
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(sig, stop);
`;
