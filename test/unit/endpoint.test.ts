/**
 * Reaching the endpoints users have: --header parsing, credentials in the URL as Basic auth
 * (and out of the origin), how an endpoint is shown, and --ca-file's certificates; and that a
 * child of --processes gets every secret through its environment, none in its arguments.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { childEnvironment, childPlans, ENDPOINT_ENV, HEADER_ENV, WS_ENDPOINT_ENV } from '../../src/app/processes.js';
import { envName } from '../../src/cli/env-flags.js';
import { childBaseArgs, FLAGS } from '../../src/cli/flags.js';
import { endpointTarget, parseHeader, parsePemCertificates, redactEndpoint } from '../../src/rpc/endpoint.js';
import { httpError, transportError } from '../../src/rpc/rpc-error.js';
import { UsageError } from '../../src/util/errors.js';
import { readOptions } from '../support/cli-options.js';

const basic = (userPass: string) => `Basic ${Buffer.from(userPass).toString('base64')}`;

describe('--header', () => {
  it('reads "Name: value", trimming around the value and lower-casing the name', () => {
    expect(parseHeader('X-Api-Key: s3cret')).toEqual({ name: 'x-api-key', value: 's3cret' });
    expect(parseHeader('Authorization:Bearer a:b, c ')).toEqual({ name: 'authorization', value: 'Bearer a:b, c' });
    expect(parseHeader('x-empty:')).toEqual({ name: 'x-empty', value: '' });
  });

  it.each([
    ['x-api-key s3cret', /no colon/],
    [': s3cret', /not a header name/],
    ['x api key: s3cret', /not a header name/],
    ['x-api-key=s3cret: v', /not a header name/],
    ['x-api-key: s3c\r\nret', /line break/],
    ['x-api-key: s3c\nret', /line break/],
    ['Content-Type: text/plain', /set by klayworker/],
    ['Host: elsewhere', /set by klayworker/],
  ])('refuses %j as a usage error naming --header and never the value', (text, reason) => {
    let err: unknown;
    try {
      readOptions(['--tc', 'blockNumber', '--header', text]);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(UsageError);
    const message = (err as Error).message;
    expect(message).toMatch(/^--header: /);
    expect(message).toMatch(reason);
    expect(message).not.toContain('s3c');
    expect(message).not.toContain('\n');
  });

  it('comes from KLAYWORKER_HEADER one per line (values may hold commas), and the command line wins', () => {
    const fromEnv = readOptions(['--tc', 'blockNumber'], { KLAYWORKER_HEADER: 'x-a: 1, 2\nx-b: 3' }).options.access.headers;
    expect(fromEnv).toEqual([
      { name: 'x-a', value: '1, 2' },
      { name: 'x-b', value: '3' },
    ]);
    const both = readOptions(['--tc', 'blockNumber', '--header', 'x-c: 4'], { KLAYWORKER_HEADER: 'x-a: 1' }).options.access.headers;
    expect(both).toEqual([{ name: 'x-c', value: '4' }]);
  });
});

describe('the endpoint URL', () => {
  it('sends its credentials, percent-decoded, as Basic auth, and connects to an origin without them', () => {
    const target = endpointTarget('https://user:pa%20ss@node.example:8443/rpc?apikey=k1');
    expect(target.origin).toBe('https://node.example:8443');
    expect(target.path).toBe('/rpc?apikey=k1');
    expect(target.headers).toEqual(['content-type', 'application/json', 'authorization', basic('user:pa ss')]);
  });

  it('leaves a URL without credentials alone, and an explicit Authorization header wins over the URL’s', () => {
    expect(endpointTarget('http://127.0.0.1:8545').headers).toEqual(['content-type', 'application/json']);
    const target = endpointTarget('http://u:p@127.0.0.1:8545/', [parseHeader('Authorization: Bearer t'), parseHeader('x-api-key: k')]);
    expect(target.headers).toEqual(['content-type', 'application/json', 'authorization', 'Bearer t', 'x-api-key', 'k']);
  });

  it('a user name alone is Basic auth with an empty password', () => {
    expect(endpointTarget('http://only@h/').headers).toContain(basic('only:'));
  });

  it('is shown without its userinfo and query values', () => {
    expect(redactEndpoint('https://user:pa%20ss@node.example:8443/rpc?apikey=k1&x=2')).toBe('https://***@node.example:8443/rpc?apikey=***&x=***');
    expect(redactEndpoint('http://127.0.0.1:8545/')).toBe('http://127.0.0.1:8545/');
  });

  it('bad credentials or a bad scheme are usage errors that do not print the secrets', () => {
    expect(() => readOptions(['--tc', 'blockNumber', '--endpoint', 'http://u:%zzs3cret@h/'])).toThrow(/^--endpoint: the credentials .* percent-encoding$/);
    let message = '';
    try {
      readOptions(['--tc', 'blockNumber', '--endpoint', 'ws://user:s3cret@h/?k=s3cret']);
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/^--endpoint: expected an http/);
    expect(message).not.toContain('s3cret');
  });
});

describe('--ca-file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kw-ca-'));

  it('a missing, non-PEM or broken file is a one-line usage error naming --ca-file', () => {
    writeFileSync(join(dir, 'not.pem'), 'hello\n');
    writeFileSync(join(dir, 'broken.pem'), '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n');
    for (const [file, why] of [
      ['missing.pem', /cannot read it \(no such file\)/],
      ['not.pem', /no PEM certificate/],
      ['broken.pem', /certificate 1 in it is not a valid X\.509/],
    ] as const) {
      expect(() => readOptions(['--tc', 'blockNumber', '--ca-file', join(dir, file)])).toThrow(why);
      expect(() => readOptions(['--tc', 'blockNumber', '--ca-file', join(dir, file)])).toThrow(/^--ca-file /);
    }
    expect(() => readOptions(['--tc', 'blockNumber', '--ca-file', dir])).toThrow(/it is a directory/);
    expect(() => parsePemCertificates('')).toThrow(TypeError);
  });
});

describe('a child of --processes', () => {
  it('gets the endpoint and the headers in its environment, never in its arguments, and reads them back the same', () => {
    const endpoint = 'https://user:pa%20ss@node.example/rpc?apikey=q5ecret';
    const wsEndpoint = 'wss://user:pa%20ss@node.example/ws?apikey=q5ecret';
    const given = [
      '--tc',
      'blockNumber',
      '--processes',
      '2',
      '--endpoint',
      endpoint,
      `--ws-endpoint=${wsEndpoint}`,
      '--header',
      'x-api-key: s3cret',
      '--header=x-other: 0ther',
    ];
    const { args, options } = readOptions(given);
    const env = childEnvironment({ KLAYWORKER_HEADER: 'x-stale: 1' }, options, null);
    for (const plan of childPlans(childBaseArgs(args), options, endpoint)) {
      const argv = plan.argv.join(' ');
      for (const secret of ['user', 'pa%20ss', 'q5ecret', 's3cret', '0ther']) expect(argv).not.toContain(secret);
      const child = readOptions(plan.argv, env).options;
      expect(child.endpoint).toBe(endpoint);
      expect(child.wsEndpoint).toBe(wsEndpoint);
      expect(child.access.headers).toEqual(options.access.headers);
    }
    expect(env[HEADER_ENV]).toBe('x-api-key: s3cret\nx-other: 0ther');
    // The parent sets the variables the child's CLI reads those flags from.
    const long = (name: string) => FLAGS.find((f) => f.flags.startsWith(`--${name} `))!;
    expect([ENDPOINT_ENV, WS_ENDPOINT_ENV, HEADER_ENV]).toEqual([envName(long('endpoint')), envName(long('ws-endpoint')), envName(long('header'))]);
  });
});

describe('refusals', () => {
  it('HTTP 401 and 403 name the credentials, in one line without request detail', () => {
    for (const status of [401, 403]) {
      expect(httpError(status, 'Unauthorized')).toMatchObject({ kind: 'auth', message: `the endpoint refused the credentials (HTTP ${status})` });
    }
    expect(httpError(500, 'Internal Server Error')).toMatchObject({ kind: 'http', message: 'HTTP 500 Internal Server Error' });
  });

  it.each([
    ['UNABLE_TO_VERIFY_LEAF_SIGNATURE', "TLS: the endpoint's certificate is not signed by a trusted CA (use --ca-file)"],
    ['SELF_SIGNED_CERT_IN_CHAIN', "TLS: the endpoint's certificate is not signed by a trusted CA (use --ca-file)"],
    ['ERR_TLS_CERT_ALTNAME_INVALID', "TLS: the endpoint's certificate is not for this host name"],
    ['CERT_HAS_EXPIRED', "TLS: the endpoint's certificate has expired"],
  ])('a TLS failure %s is named by its cause', (code, message) => {
    const err = Object.assign(new Error('verbose OpenSSL text'), { code });
    expect(transportError(err, 1_000)).toMatchObject({ kind: 'tls', message });
  });
});
