/**
 * The JSON-RPC target of the throughput benchmark: nginx answering every POST with a fixed
 * eth_blockNumber reply, so the target costs next to nothing and the client is what we measure.
 *
 * The reply echoes the request's id (klayworker, like any JSON-RPC client, rejects a reply
 * whose id differs from the request's), which needs the echo module to read the body:
 * `apt-get install -y nginx libnginx-mod-http-echo`. The request count comes from nginx's own
 * stub_status counter, so every client is counted the same way, by the server.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { ECHO_MODULE, INSTALL_HINT, nginxConfig, STATUS_PATH } from './nginx-config.mjs';
import { BenchError, eventually, freePort, which } from './processes.mjs';

export { BLOCK_NUMBER_RESULT, ECHO_MODULE, INSTALL_HINT, nginxConfig } from './nginx-config.mjs';

const OPENSSL = '/usr/bin/openssl';

/** The nginx binary, or a BenchError that says how to install it. */
export function findNginx() {
  const nginx = which('nginx') ?? (existsSync('/usr/sbin/nginx') ? '/usr/sbin/nginx' : null);
  if (nginx === null) throw new BenchError(`nginx is not installed (${INSTALL_HINT})`);
  if (!existsSync(ECHO_MODULE)) throw new BenchError(`nginx's echo module is not installed, ${ECHO_MODULE} is missing (${INSTALL_HINT})`);
  return nginx;
}

/**
 * Starts nginx pinned to `core`, waits until it answers. With `tls`, it serves https on a
 * second port too, with a self-signed certificate for 127.0.0.1 made by /usr/bin/openssl:
 * `httpsUrl`, and `caFile` for the clients to trust it (--ca-file), are then set.
 * @param {import('./processes.mjs').ProcessGroup} group
 * @param {{ core: number, dir: string, tls?: boolean }} options
 */
export async function startNginx(group, { core, dir, tls = false }) {
  const nginx = findNginx();
  mkdirSync(dir, { recursive: true });
  const port = await freePort();
  const https = tls ? { port: await freePort(), ...selfSignedCertificate(dir) } : undefined;
  const conf = join(dir, 'nginx.conf');
  writeFileSync(conf, nginxConfig({ port, dir, tls: https }));
  const proc = group.start(core, nginx, ['-p', dir, '-c', conf]);
  const origin = `http://127.0.0.1:${port}`;
  let probes = 0;
  // nginx counts a status request before answering it, so each probe sees itself.
  const status = async () => {
    const res = await fetch(origin + STATUS_PATH);
    if (res.status !== 200) throw new BenchError(`nginx status: HTTP ${res.status}`);
    const counters = parseStubStatus(await res.text());
    probes++;
    return counters;
  };
  await eventually(
    async () => {
      if (!proc.running) throw new BenchError(`nginx exited at start: ${proc.tail()}`);
      return await status();
    },
    10_000,
    `nginx on port ${port}`,
  );
  return {
    url: `${origin}/`,
    httpsUrl: https === undefined ? undefined : `https://127.0.0.1:${https.port}/`,
    caFile: https?.cert,
    proc,
    /** JSON-RPC requests served so far (the status probes themselves left out). */
    async served() {
      const { requests } = await status();
      return requests - probes;
    },
    stop: () => proc.stop(),
  };
}

/** A P-256 key and a self-signed certificate for IP 127.0.0.1 in `dir`: their paths. */
function selfSignedCertificate(dir) {
  const cert = join(dir, 'cert.pem');
  const key = join(dir, 'key.pem');
  const args = ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '2'];
  args.push('-keyout', key, '-out', cert, '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1');
  const made = spawnSync(OPENSSL, args, { encoding: 'utf8' });
  if (made.status !== 0)
    throw new BenchError(`${OPENSSL} could not make a certificate: ${(made.stderr ?? made.error?.message ?? '').trim().split('\n').pop()}`);
  return { cert, key };
}

/** nginx's stub_status page: active connections, accepts, handled, requests. */
export function parseStubStatus(text) {
  const counters = /server accepts handled requests\s+(\d+)\s+(\d+)\s+(\d+)/.exec(text);
  if (!counters) throw new BenchError(`unexpected nginx stub_status page: ${JSON.stringify(text.slice(0, 120))}`);
  return { accepts: Number(counters[1]), handled: Number(counters[2]), requests: Number(counters[3]) };
}
