/**
 * A JSON-RPC node on 127.0.0.1 in front of a real one (a test's anvil): each request goes to
 * the test's `answer`, which may answer it itself or return undefined to pass it on as it is.
 */
import { replyJson, type RpcRequest, startFakeRpcServer } from './fake-rpc-server.js';

/** A JSON-RPC reply's body, without jsonrpc and id. */
export type Reply = { result: unknown } | { error: { code: number; message: string } };

export interface ForwardingNode {
  readonly url: string;
  /** Every request's method, in order. */
  readonly methods: readonly string[];
  close(): Promise<void>;
}

/** A call to the node behind. */
export type Upstream = (method: string, params: unknown) => Promise<Reply>;

export function rpcError(message: string, code = -32000): Reply {
  return { error: { code, message } };
}

export async function startForwardingNode(
  targetUrl: string,
  answer: (req: RpcRequest, upstream: Upstream) => Promise<Reply | undefined>,
): Promise<ForwardingNode> {
  const methods: string[] = [];
  const upstream: Upstream = async (method, params) => {
    const response = await fetch(targetUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
    });
    const { result, error } = (await response.json()) as { result?: unknown; error?: { code: number; message: string } };
    return error === undefined ? { result } : { error };
  };
  const server = await startFakeRpcServer((req, res) => {
    methods.push(req.method);
    void (async () => (await answer(req, upstream)) ?? upstream(req.method, req.params))().then(
      (reply) => replyJson(res, JSON.stringify({ jsonrpc: '2.0', id: req.id, ...reply })),
      (err: unknown) => replyJson(res, JSON.stringify({ jsonrpc: '2.0', id: req.id, ...rpcError(String(err)) })),
    );
  });
  return { url: server.url, methods, close: () => server.close() };
}
