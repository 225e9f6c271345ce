/** Loopback ports for the servers the worker starts itself (the embedded anvil) and for tests. */
import { createServer } from 'node:net';

/** A TCP port that was free a moment ago on 127.0.0.1 (another process may take it before it is used). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}
