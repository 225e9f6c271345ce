/**
 * Whether the environment sends this endpoint's requests through a proxy: the variables curl
 * and undici's EnvHttpProxyAgent read (lower case first), https falling back to the http one
 * as they do. Only the variable's name is ever shown: a proxy URL may hold credentials.
 */
export function proxyVariable(origin: string, env: NodeJS.ProcessEnv): string | undefined {
  const names = origin.startsWith('https:') ? ['https_proxy', 'HTTPS_PROXY', 'http_proxy', 'HTTP_PROXY'] : ['http_proxy', 'HTTP_PROXY'];
  return names.find((name) => (env[name] ?? '') !== '');
}
