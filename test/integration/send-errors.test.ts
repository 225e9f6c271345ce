import { describe, expect, it } from 'vitest';

import { classifySendError, type SendErrorClass } from '../../src/chain/send-errors.js';
import { RpcError, rpcErrorFromResponse, timeoutError, transportError } from '../../src/rpc/rpc-error.js';

/** A node's error reply, as JsonRpcClient turns it into an RpcError. */
function node(message: string, code = -32000): RpcError {
  return rpcErrorFromResponse({ code, message });
}

describe('classifySendError', () => {
  it.each<[string, RpcError, SendErrorClass]>([
    // Nonce behind the chain, or the pool holds another tx at it: resync from the chain.
    ['geth nonce too low', node('nonce too low'), 'stale-nonce'],
    ['anvil nonce too low', node('nonce too low', -32003), 'stale-nonce'],
    ['Kaia nonce too low with detail', node('nonce too low: address 0xabc, tx: 5 state: 7'), 'stale-nonce'],
    ['replacement underpriced (geth, anvil)', node('replacement transaction underpriced', -32003), 'stale-nonce'],
    ['Kaia same-nonce clash', node('there is another tx which has the same nonce in the tx pool'), 'stale-nonce'],
    ['nonce too high', node('nonce too high'), 'stale-nonce'],
    // The pool already holds this very transaction: it counts as sent.
    ['geth already known', node('already known'), 'already-known'],
    ['Kaia known transaction', node('known transaction: 0x5f0ab3e5a7b0d9a0f4e6d1b2c3a4958677e6f5d4c3b2a1908f7e6d5c4b3a2910'), 'already-known'],
    ['anvil already imported', node('transaction already imported', -32003), 'already-known'],
    // Overloaded: refused, back off.
    ['geth txpool is full', node('txpool is full'), 'overloaded'],
    ['Kaia pool full', node('transaction pool is full'), 'overloaded'],
    ['EIP-1474 limit exceeded by code', node('request rejected', -32005), 'overloaded'],
    ['provider rate limit text', node('rate limit reached, retry later'), 'overloaded'],
    ['HTTP 429 from a gateway', new RpcError('http', 'HTTP 429 Too Many Requests'), 'overloaded'],
    // Fee too low for the node now.
    ['Kaia/geth transaction underpriced', node('transaction underpriced'), 'underpriced'],
    ['anvil below base fee', node('max fee per gas less than block base fee', -32003), 'underpriced'],
    ['Kaia gas price below the base fee', node('invalid gas price. It must be set to value greater than or equal to baseFee'), 'underpriced'],
    // Not sure whether it reached the pool.
    ['timeout', timeoutError(10_000), 'uncertain'],
    ['connection reset', transportError(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }), 10_000), 'uncertain'],
    ['HTTP 502 from a proxy', new RpcError('http', 'HTTP 502 Bad Gateway'), 'uncertain'],
    ['malformed reply', new RpcError('malformed', 'malformed JSON-RPC response: empty body'), 'uncertain'],
    // Anything else: a refusal; resync before the next use.
    ['insufficient funds', node('insufficient funds for gas * price + value'), 'rejected'],
    ['intrinsic gas', node('intrinsic gas too low'), 'rejected'],
    ['Kaia upper gas limit', node('tx gas limit exceeds the upper limit'), 'rejected'],
  ])('%s', (_what, err, expected) => {
    expect(classifySendError(err)).toBe(expected);
  });

  it('treats an error that is not an RpcError as uncertain', () => {
    expect(classifySendError(new Error('socket hang up'))).toBe('uncertain');
    expect(classifySendError('boom')).toBe('uncertain');
  });
});
