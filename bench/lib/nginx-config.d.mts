/** Types of nginx-config.mjs, for the TypeScript tests that start the bench's nginx. */
export const ECHO_MODULE: string;
export const INSTALL_HINT: string;
export const BLOCK_NUMBER_RESULT: string;
export const STATUS_PATH: string;
export function nginxConfig(options: { port: number; dir: string; tls?: { port: number; cert: string; key: string } }): string;
export function nginxPreamble(dir: string): string;
export function rpcServer(listen: string[], reply: string[]): string;
