/**
 * A private CA made for one test with /usr/bin/openssl, in a temp dir: its certificate (what
 * --ca-file is given) and leaf certificates it signed, for the names a test asks.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestCa {
  dir: string;
  /** Path of the CA's certificate (PEM). */
  caFile: string;
  /** A key and certificate signed by the CA for `altNames` (e.g. "IP:127.0.0.1,DNS:localhost"). */
  leaf(altNames: string): { key: string; cert: string };
}

const OPENSSL = '/usr/bin/openssl';

export function makeTestCa(): TestCa {
  const dir = mkdtempSync(join(tmpdir(), 'kw-ca-'));
  const openssl = (...args: string[]) => execFileSync(OPENSSL, args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  openssl(
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
    '-keyout',
    'ca.key',
    '-out',
    'ca.pem',
    '-days',
    '2',
    '-subj',
    '/CN=klayworker test CA',
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  );
  let n = 0;
  return {
    dir,
    caFile: join(dir, 'ca.pem'),
    leaf(altNames) {
      n++;
      const ext = join(dir, `leaf${n}.ext`);
      writeFileSync(ext, `subjectAltName=${altNames}\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n`);
      openssl(
        'req',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-keyout',
        `leaf${n}.key`,
        '-out',
        `leaf${n}.csr`,
        '-subj',
        '/CN=klayworker test',
      );
      openssl(
        'x509',
        '-req',
        '-in',
        `leaf${n}.csr`,
        '-CA',
        'ca.pem',
        '-CAkey',
        'ca.key',
        '-CAcreateserial',
        '-days',
        '2',
        '-extfile',
        ext,
        '-out',
        `leaf${n}.pem`,
      );
      return { key: readFileSync(join(dir, `leaf${n}.key`), 'utf8'), cert: readFileSync(join(dir, `leaf${n}.pem`), 'utf8') };
    },
  };
}
