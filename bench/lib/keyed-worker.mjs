/**
 * The standalone command line of the benches whose klayworker sends from a funded key (into-node,
 * tracking, soak): written once, so that they load the node the same way and their recorded
 * command lines read alike.
 */

/**
 * `cli --standalone` with `users` hatched at 1,000 a second for `seconds`, the key from
 * `keyFile`, `accounts` test accounts (from `seed`, when given), the summary in `json` and
 * JSON log lines at info level (the benches wait for them).
 * @param {string} cli
 * @param {{ users: number, seconds: number, tc: string, url: string, keyFile: string, accounts: number, seed?: string, json: string }} run
 */
export function keyedWorkerArgs(cli, { users, seconds, tc, url, keyFile, accounts, seed, json }) {
  return [
    cli,
    '--standalone',
    '-u',
    String(users),
    '-r',
    '1000',
    '-t',
    `${seconds}s`,
    '--tc',
    tc,
    '--endpoint',
    url,
    '--key-file',
    keyFile,
    '--accounts',
    String(accounts),
    ...(seed === undefined ? [] : ['--account-seed', seed]),
    '--json',
    json,
    '--log-format',
    'json',
    '--log-level',
    'info',
  ];
}
