/**
 * What every transaction needs from the chain: its id and current fees, read from the node
 * (no hard-coded gas price). Fees are re-read in the background when a quote is a few
 * seconds old, so a changing base fee is followed without a timer or a per-send read.
 */
import type { Logger } from 'pino';

import type { JsonRpcClient } from '../rpc/json-rpc.js';
import { RpcError } from '../rpc/rpc-error.js';
import { errorMessage } from '../util/errors.js';
import { parseQuantity } from './quantity.js';

export type TxType = 'legacy' | '1559';
/** The --tx-type flag: 'auto' is 1559 where the latest block has a base fee, else legacy. */
export type TxTypeChoice = TxType | 'auto';

export type FeeQuote =
  { readonly type: 'legacy'; readonly gasPrice: bigint } | { readonly type: '1559'; readonly maxFeePerGas: bigint; readonly maxPriorityFeePerGas: bigint };

/** The most a transaction with this quote can pay per gas: what a balance must cover. */
export function maxPricePerGas(fee: FeeQuote): bigint {
  return fee.type === 'legacy' ? fee.gasPrice : fee.maxFeePerGas;
}

export interface ChainContext {
  readonly chainId: bigint;
  /** The transaction type test cases send (resolved from --tx-type). */
  readonly txType: TxType;
  /** Base fee of the latest block when the context was read; null on chains without one. */
  readonly baseFee: bigint | null;
  readonly fees: FeeOracle;
}

/** Reads chain id and fees once; rejects with one line if --tx-type 1559 meets a chain without a base fee. */
export async function loadChainContext(rpc: JsonRpcClient, options: { txType: TxTypeChoice; log: Logger }): Promise<ChainContext> {
  const { txType: choice, log } = options;
  const chainId = parseQuantity((await rpc.call('eth_chainId', [])).result, 'eth_chainId result');
  const baseFee = await readBaseFee(rpc);
  if (choice === '1559' && baseFee === null) {
    throw new Error('--tx-type 1559: the node reports no base fee (baseFeePerGas) in its latest block; use --tx-type legacy');
  }
  const txType: TxType = choice === 'auto' ? (baseFee === null ? 'legacy' : '1559') : choice;
  const fees = new FeeOracle(rpc, txType, await readFees(rpc, txType), log);
  log.info({ chainId: chainId.toString(), txType, ...describeFee(fees.current()) }, 'chain context');
  return { chainId, txType, baseFee, fees };
}

/** Fee fields for a log line, in wei as decimal strings. */
export function describeFee(fee: FeeQuote): Record<string, string> {
  return fee.type === 'legacy'
    ? { gasPrice: fee.gasPrice.toString() }
    : { maxFeePerGas: fee.maxFeePerGas.toString(), maxPriorityFeePerGas: fee.maxPriorityFeePerGas.toString() };
}

/** The latest block's base fee, or null when the chain has none (pre-London, pre-Magma). */
export async function readBaseFee(rpc: JsonRpcClient): Promise<bigint | null> {
  const { result } = await rpc.call('eth_getBlockByNumber', ['latest', false]);
  if (typeof result !== 'object' || result === null) throw new Error('invalid eth_getBlockByNumber("latest") result: no block');
  return baseFeeOf(result);
}

/**
 * The base fee the next block will charge, where the node shows its pending block (geth,
 * anvil): after a jump it is what a send is refused against. Else the latest block's.
 */
async function readNextBaseFee(rpc: JsonRpcClient): Promise<bigint | null> {
  const latest = await readBaseFee(rpc);
  if (latest === null) return null;
  try {
    const { result } = await rpc.call('eth_getBlockByNumber', ['pending', false]);
    const pending = typeof result === 'object' && result !== null ? baseFeeOf(result) : null;
    return pending !== null && pending > latest ? pending : latest;
  } catch {
    return latest;
  }
}

function baseFeeOf(block: object): bigint | null {
  const { baseFeePerGas } = block as { baseFeePerGas?: unknown };
  return baseFeePerGas === undefined || baseFeePerGas === null ? null : parseQuantity(baseFeePerGas, 'baseFeePerGas');
}

/**
 * Current fees. Legacy: eth_gasPrice. 1559: tip from eth_maxPriorityFeePerGas (or, where a
 * node lacks it, eth_gasPrice minus the base fee), and a fee cap of 2 × base fee + tip, which
 * stays valid through several blocks of rising base fee.
 */
export async function readFees(rpc: JsonRpcClient, type: TxType): Promise<FeeQuote> {
  if (type === 'legacy') {
    return { type, gasPrice: parseQuantity((await rpc.call('eth_gasPrice', [])).result, 'eth_gasPrice result') };
  }
  const baseFee = await readNextBaseFee(rpc);
  if (baseFee === null) throw new Error('the node no longer reports a base fee');
  let tip: bigint;
  try {
    tip = parseQuantity((await rpc.call('eth_maxPriorityFeePerGas', [])).result, 'eth_maxPriorityFeePerGas result');
  } catch (err) {
    if (!isMissingMethod(err)) throw err;
    const gasPrice = parseQuantity((await rpc.call('eth_gasPrice', [])).result, 'eth_gasPrice result');
    tip = gasPrice > baseFee ? gasPrice - baseFee : 0n;
  }
  return { type, maxFeePerGas: feeCap(baseFee, tip), maxPriorityFeePerGas: tip };
}

/**
 * The 1559 fee cap for a base fee: at least 2 × base fee + tip (five blocks of the steepest
 * rise, 12.5 % a block), rounded up to a power of two wei. The rounding matters: a pool that
 * orders by fee cap (anvil's default) mines the highest caps first, so caps that crept up
 * with every block would let each newer transaction overtake the older ones and starve them.
 * Rounded, every transaction sent while the base fee stays within a factor of two has the
 * same cap, and the pool takes them in turn.
 */
export function feeCap(baseFee: bigint, tip: bigint): bigint {
  const floor = 2n * baseFee + tip;
  let cap = 1n;
  while (cap < floor) cap <<= 1n;
  return cap;
}

/** "Method not found" in the ways nodes and proxies say it. */
export function isMissingMethod(err: unknown): boolean {
  if (!(err instanceof RpcError) || err.kind !== 'rpc') return false;
  return err.code === -32601 || /method not found|does not exist|not available|not supported|unsupported method/i.test(err.message);
}

/** EIP-1559: a full block raises the base fee by 1/8. */
export const ETHEREUM_MAX_RISE = [9n, 8n] as const;
/** KIP-71: Kaia's base fee moves by at most 1/20 a block. */
export const KAIA_MAX_RISE = [21n, 20n] as const;

/** How old a fee quote may get before the next use triggers a background re-read. */
const FEE_REFRESH_MS = 5_000;

/**
 * Holds the current fee quote. `current()` never waits: when the quote is stale it starts
 * one background re-read and keeps answering with the old quote until that lands.
 */
export class FeeOracle {
  readonly #rpc: JsonRpcClient;
  readonly #type: TxType;
  readonly #log: Logger;
  #quote: FeeQuote;
  #readAt: number;
  #reading: Promise<void> | null = null;
  /**
   * The fee cap a re-read found (what the node demands now): a block seen after the re-read may
   * still be one mined before it, whose lower base fee must not lower the quote again. Cleared
   * by the first block that asks as much.
   */
  #readCap: bigint | null = null;
  /** The steepest base fee rise of one block, as a fraction: Ethereum's 9/8 unless told otherwise. */
  readonly #rise: readonly [bigint, bigint];

  constructor(rpc: JsonRpcClient, type: TxType, initial: FeeQuote, log: Logger, maxRisePerBlock: readonly [bigint, bigint] = ETHEREUM_MAX_RISE) {
    this.#rpc = rpc;
    this.#rise = maxRisePerBlock;
    this.#type = type;
    this.#quote = initial;
    this.#readAt = performance.now();
    this.#log = log;
  }

  current(): FeeQuote {
    if (performance.now() - this.#readAt > FEE_REFRESH_MS) void this.refresh();
    return this.#quote;
  }

  /**
   * Follows a new block's base fee, so that no transaction is priced below what the next
   * blocks need. A 1559 fee cap is `feeCap` of each block's base fee. A legacy price that would not survive one
   * block of the chain's steepest rise goes up to six blocks' worth (2 × base fee on Ethereum;
   * Kaia's dynamic base fee rises at most 5 % a block, so 1.34 × there).
   */
  observeBaseFee(baseFee: bigint | null): void {
    if (baseFee === null) return;
    const quote = this.#quote;
    if (quote.type === '1559') {
      const maxFeePerGas = feeCap(baseFee, quote.maxPriorityFeePerGas);
      // Seen in a saturating run on a busy machine: after a base fee jump, the block mined just
      // before it reached the worker after the re-read, lowered the cap again, and every user
      // was refused a second time.
      if (this.#readCap !== null) {
        if (maxFeePerGas < this.#readCap) return;
        this.#readCap = null;
      }
      if (maxFeePerGas !== quote.maxFeePerGas) this.#quote = { ...quote, maxFeePerGas };
      return;
    }
    const [num, den] = this.#rise;
    if (quote.gasPrice * den >= baseFee * num) return;
    let gasPrice = baseFee;
    for (let block = 0; block < 6; block++) gasPrice = (gasPrice * num + den - 1n) / den;
    this.#quote = { type: 'legacy', gasPrice };
  }

  /** Re-reads fees now (one read at a time); failures keep the old quote. */
  refresh(): Promise<void> {
    this.#reading ??= readFees(this.#rpc, this.#type)
      .then((quote) => {
        // The same fee keeps the same quote object: signing templates are cached by it.
        if (!sameFee(quote, this.#quote)) this.#quote = quote;
        this.#readCap = quote.type === '1559' ? quote.maxFeePerGas : null;
      })
      .catch((err: unknown) => {
        this.#log.debug({ err: errorMessage(err) }, 'fee refresh failed; keeping the last quote');
      })
      .finally(() => {
        this.#readAt = performance.now();
        this.#reading = null;
      });
    return this.#reading;
  }
}

function sameFee(a: FeeQuote, b: FeeQuote): boolean {
  if (a.type === 'legacy') return b.type === 'legacy' && a.gasPrice === b.gasPrice;
  return b.type === '1559' && a.maxFeePerGas === b.maxFeePerGas && a.maxPriorityFeePerGas === b.maxPriorityFeePerGas;
}
