/**
 * Every way a JSON-RPC call can fail, as one error class whose message is what a
 * performance engineer reads in a stats table. Locust groups failures by message, so a
 * message names the kind of failure and never the request (its params may carry signed
 * transactions).
 */
import { errorMessage, KlayworkerError } from '../util/errors.js';

/** `auth` (HTTP 401/403) and `tls` (the certificate) do not heal by retrying, unlike `network`. */
export type RpcErrorKind = 'timeout' | 'http' | 'auth' | 'tls' | 'rpc' | 'malformed' | 'network';

export class RpcError extends KlayworkerError {
  override readonly name = 'RpcError';
  readonly kind: RpcErrorKind;
  /** The JSON-RPC error code, when the node answered with an error object. */
  readonly code?: number;
  /** The JSON-RPC error's `data` (e.g. revert data), when the node sent one. */
  readonly data?: unknown;

  constructor(kind: RpcErrorKind, message: string, extra?: { code?: number; data?: unknown; cause?: unknown }) {
    super(message, { cause: extra?.cause });
    this.kind = kind;
    if (extra?.code !== undefined) this.code = extra.code;
    if (extra?.data !== undefined) this.data = extra.data;
  }
}

/** Longest node-supplied text we copy into a message; revert strings can be long. */
const MAX_TEXT = 200;

/** One line, at most `max` characters: stats tables and logs are line-oriented. */
export function oneLine(text: string, max = MAX_TEXT): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
}

export function httpError(statusCode: number, statusText: string | undefined): RpcError {
  // No request detail: Locust groups failures by message, and the credentials are the user's.
  if (statusCode === 401 || statusCode === 403) return new RpcError('auth', `the endpoint refused the credentials (HTTP ${statusCode})`);
  return new RpcError('http', statusText ? `HTTP ${statusCode} ${statusText}` : `HTTP ${statusCode}`);
}

export function malformedError(reason: string): RpcError {
  return new RpcError('malformed', `malformed JSON-RPC response: ${reason}`);
}

/** The `error` member of a JSON-RPC response, whatever shape the node gave it. */
export function rpcErrorFromResponse(error: unknown): RpcError {
  if (typeof error !== 'object' || error === null) {
    return new RpcError('rpc', `JSON-RPC error: ${oneLine(String(error))}`);
  }
  const { code, message, data } = error as { code?: unknown; message?: unknown; data?: unknown };
  const text = oneLine(typeof message === 'string' ? message : JSON.stringify(error));
  if (typeof code === 'number') {
    return new RpcError('rpc', `JSON-RPC error ${code}: ${text}`, { code, data });
  }
  return new RpcError('rpc', `JSON-RPC error: ${text}`, { data });
}

const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT']);

const NETWORK_TEXT: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset by peer',
  UND_ERR_SOCKET: 'connection closed by the server',
  EPIPE: 'connection closed by the server',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'DNS lookup failed',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ETIMEDOUT: 'connection timed out',
  EADDRNOTAVAIL: 'no local address available',
  UND_ERR_CLOSED: 'client closed',
  UND_ERR_DESTROYED: 'client closed',
};

const NOT_TRUSTED = "the endpoint's certificate is not signed by a trusted CA (use --ca-file)";

/** Node's (OpenSSL's) certificate verification codes, as the reason a user can act on. */
const TLS_TEXT: Readonly<Record<string, string>> = {
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: NOT_TRUSTED,
  UNABLE_TO_GET_ISSUER_CERT: NOT_TRUSTED,
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: NOT_TRUSTED,
  SELF_SIGNED_CERT_IN_CHAIN: NOT_TRUSTED,
  DEPTH_ZERO_SELF_SIGNED_CERT: "the endpoint's certificate is self-signed (use --ca-file with it)",
  ERR_TLS_CERT_ALTNAME_INVALID: "the endpoint's certificate is not for this host name",
  CERT_HAS_EXPIRED: "the endpoint's certificate has expired",
  CERT_NOT_YET_VALID: "the endpoint's certificate is not valid yet",
  CERT_REVOKED: "the endpoint's certificate has been revoked",
  ERR_SSL_WRONG_VERSION_NUMBER: 'the endpoint does not speak TLS (is it http://?)',
};

/** The error code of a transport failure, looking inside happy-eyeballs AggregateErrors. */
function errorCode(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const { code, errors, cause } = err as { code?: unknown; errors?: unknown; cause?: unknown };
  if (typeof code === 'string') return code;
  if (Array.isArray(errors) && errors.length > 0) return errorCode(errors[0]);
  return cause === undefined ? undefined : errorCode(cause);
}

export function timeoutError(timeoutMs: number, cause?: unknown): RpcError {
  return new RpcError('timeout', `timeout after ${timeoutMs} ms`, { cause });
}

/** A failure below JSON-RPC (socket, HTTP client, timers) as a `timeout` or `network` error. */
export function transportError(err: unknown, timeoutMs: number): RpcError {
  const code = errorCode(err);
  if (code !== undefined && TIMEOUT_CODES.has(code)) {
    return timeoutError(timeoutMs, err);
  }
  const tls = code === undefined ? undefined : TLS_TEXT[code];
  if (tls !== undefined) return new RpcError('tls', `TLS: ${tls}`, { cause: err });
  const known = code === undefined ? undefined : NETWORK_TEXT[code];
  const text = known ?? (oneLine(errorMessage(err)) || 'network error');
  return new RpcError('network', code === undefined ? text : `${text} (${code})`, { cause: err });
}
