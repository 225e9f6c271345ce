/**
 * What a failed eth_sendRawTransaction means for the sender's nonce. Nodes word the same
 * condition differently (geth, Kaia/Klaytn, anvil, proxies), so this matches on the texts
 * seen in practice; anything unknown is treated as "not sure", which costs one nonce read.
 */
import { RpcError } from '../rpc/rpc-error.js';

export type SendErrorClass =
  /** Our nonce is behind the chain or the pool already holds another tx at it: resync. */
  | 'stale-nonce'
  /** The pool already holds this very transaction: it counts as sent. */
  | 'already-known'
  /** The node is overloaded (pool full, rate limit): the tx was refused; back off. */
  | 'overloaded'
  /** The fee is below what the node accepts now: refresh fees; resync to be safe. */
  | 'underpriced'
  /** The tx may or may not have reached the pool (timeout, dropped connection): resync. */
  | 'uncertain'
  /** Any other refusal: resync before the account's next use. */
  | 'rejected';

const ALREADY_KNOWN = /already known|known transaction|already imported|already in (the )?(tx)?pool/i;
const STALE_NONCE =
  /nonce too low|nonce too high|replacement transaction underpriced|replacement underpriced|another tx which has the same nonce|invalid nonce/i;
const OVERLOADED = /txpool is full|transaction pool is full|pool is full|rate limit|too many requests|request limit|limit exceeded|exceeds.*rate/i;
const UNDERPRICED =
  /underpriced|fee too low|less than (the )?(block )?base ?fee|gas price too low|below (the )?(minimum|base fee)|greater than or equal to base ?fee/i;

/** JSON-RPC "limit exceeded" (EIP-1474). */
const LIMIT_EXCEEDED = -32005;

/** Classifies one send failure; pure. */
export function classifySendError(err: unknown): SendErrorClass {
  if (!(err instanceof RpcError)) return 'uncertain';
  switch (err.kind) {
    case 'timeout':
    case 'network':
    case 'malformed':
    case 'auth':
    case 'tls':
      return 'uncertain';
    case 'http':
      // 429 comes from a proxy or gateway in front of the node, before the pool.
      return /^HTTP 429\b/.test(err.message) ? 'overloaded' : 'uncertain';
    case 'rpc':
      return classifyNodeMessage(err.message, err.code);
  }
}

/** The order matters: "replacement transaction underpriced" is a nonce clash, not a low fee. */
export function classifyNodeMessage(message: string, code?: number): SendErrorClass {
  if (ALREADY_KNOWN.test(message)) return 'already-known';
  if (STALE_NONCE.test(message)) return 'stale-nonce';
  if (OVERLOADED.test(message) || code === LIMIT_EXCEEDED) return 'overloaded';
  if (UNDERPRICED.test(message)) return 'underpriced';
  return 'rejected';
}
