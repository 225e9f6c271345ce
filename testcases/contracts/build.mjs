/**
 * Compiles every `<Name>.sol` beside this file with the solc npm package and writes
 * `artifacts/<Name>.json` = { contractName, abi, bytecode, solcVersion, sourceSha256 }.
 * Run it with `npm run build:contracts` after editing a contract; the artifacts are committed so
 * that neither a build nor a run needs a compiler. test/integration/contracts.test.ts recompiles in memory
 * and fails when the committed artifacts are stale.
 *
 * Determinism: the sources are given to solc under their bare file names (no absolute paths),
 * in sorted order, with fixed settings, so the bytecode (including its metadata hash) depends
 * only on the source text and the solc version. The JSON is written with sorted contract lists,
 * two-space indentation and a final newline.
 *
 * EVM version "paris": the bytecode then has no PUSH0 (Shanghai). Kaia/Klaytn gained PUSH0 only
 * with its Shanghai-compatible hardfork (Klaytn v1.11, Cypress block 135,456,000), so private
 * networks and service chains started from older genesis configurations reject it, as do other
 * EVM chains that skipped Shanghai; anvil runs both. Paris costs a few gas per call at most.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

import solc from 'solc';

export const CONTRACTS_DIR = fileURLToPath(new URL('.', import.meta.url));
export const ARTIFACTS_DIR = join(CONTRACTS_DIR, 'artifacts');

export const EVM_VERSION = 'paris';

const SETTINGS = {
  evmVersion: EVM_VERSION,
  optimizer: { enabled: true, runs: 200 },
  outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object'] } },
};

/**
 * @typedef {object} Artifact
 * @property {string} contractName
 * @property {unknown[]} abi
 * @property {string} bytecode 0x-prefixed creation bytecode
 * @property {string} solcVersion
 * @property {string} sourceSha256 hex SHA-256 of the .sol file's bytes
 */

/**
 * Compiles every .sol file in `dir`; each `<Name>.sol` must define a contract `<Name>`.
 * @param {string} [dir]
 * @returns {{ artifacts: Artifact[], warnings: string[] }} artifacts sorted by name
 */
export function compileContracts(dir = CONTRACTS_DIR) {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.sol'))
    .sort();
  if (files.length === 0) throw new Error(`no .sol files in ${dir}`);
  /** @type {Record<string, { content: string }>} */
  const sources = {};
  /** @type {Record<string, string>} */
  const hashes = {};
  for (const file of files) {
    const bytes = readFileSync(join(dir, file));
    sources[file] = { content: bytes.toString('utf8') };
    hashes[file] = createHash('sha256').update(bytes).digest('hex');
  }
  const output = JSON.parse(solc.compile(JSON.stringify({ language: 'Solidity', sources, settings: SETTINGS })));
  const diagnostics = /** @type {{ severity: string, formattedMessage: string }[]} */ (output.errors ?? []);
  const errors = diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0) {
    throw new Error(`solc ${solc.version()} failed:\n${errors.map((e) => e.formattedMessage).join('\n')}`);
  }
  const warnings = diagnostics.filter((d) => d.severity !== 'error').map((d) => d.formattedMessage);
  const artifacts = files.map((file) => {
    const contractName = file.slice(0, -'.sol'.length);
    const compiled = output.contracts?.[file]?.[contractName];
    if (compiled === undefined) throw new Error(`${file} does not define a contract named ${contractName}`);
    const bytecode = compiled.evm.bytecode.object;
    if (typeof bytecode !== 'string' || bytecode.length === 0) {
      throw new Error(`${contractName} has no bytecode (is it abstract or an interface?)`);
    }
    return {
      contractName,
      abi: compiled.abi,
      bytecode: `0x${bytecode}`,
      solcVersion: solc.version(),
      sourceSha256: hashes[file],
    };
  });
  return { artifacts, warnings };
}

/**
 * The exact text written for an artifact.
 * @param {Artifact} artifact
 */
export function renderArtifact(artifact) {
  return `${JSON.stringify(artifact, null, 2)}\n`;
}

/** Writes the artifacts and removes those whose source is gone. */
function main() {
  const { artifacts, warnings } = compileContracts();
  for (const w of warnings) process.stderr.write(`${w}\n`);
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  const wanted = new Set(artifacts.map((a) => `${a.contractName}.json`));
  for (const stale of readdirSync(ARTIFACTS_DIR).filter((f) => f.endsWith('.json') && !wanted.has(f))) {
    rmSync(join(ARTIFACTS_DIR, stale));
    process.stdout.write(`removed artifacts/${stale} (its source is gone)\n`);
  }
  for (const artifact of artifacts) {
    writeFileSync(join(ARTIFACTS_DIR, `${artifact.contractName}.json`), renderArtifact(artifact));
    const size = (artifact.bytecode.length - 2) / 2;
    process.stdout.write(`artifacts/${artifact.contractName}.json  ${size} bytes of creation code\n`);
  }
  process.stdout.write(`compiled with solc ${solc.version()}, evmVersion ${EVM_VERSION}, optimizer 200 runs\n`);
}

// Run only as a script: the contracts test imports compileContracts without writing anything.
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  try {
    main();
  } catch (err) {
    process.stderr.write(`build:contracts: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  }
}
