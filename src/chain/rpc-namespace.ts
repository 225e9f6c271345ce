/**
 * The JSON-RPC namespace a run talks to: Ethereum nodes and Kaia nodes answer `eth_*`; Kaia
 * nodes also answer `kaia_*` and, for older tooling, `klay_*` (the Go load testers used those).
 */
export const RPC_NAMESPACES = ['eth', 'kaia', 'klay'] as const;

export type RpcNamespace = (typeof RPC_NAMESPACES)[number];

export const DEFAULT_RPC_NAMESPACE: RpcNamespace = 'eth';

export function isRpcNamespace(value: unknown): value is RpcNamespace {
  return typeof value === 'string' && (RPC_NAMESPACES as readonly string[]).includes(value);
}
