/**
 * Benchmark 4, signing: signed value transfers per second per core, end to end through the
 * nonce manager and the transfer encoder, against raw secp256k1 signatures in the same run
 * (bench/lib/signing-probe.mjs, pinned to one core). Signing is the ceiling of every
 * transaction test case, so the encoding around it must not dominate: target ≥ 90% of raw
 * (issue 12).
 *
 * Both signers are measured: the native libsecp256k1 binding (the default when it loads) and
 * the pure-JS fallback (KLAYWORKER_SIGNING=js), with ethers' own Wallet.signTransaction for
 * context.
 */
import { distOf } from './lib/dist.mjs';
import { BenchError, CLI, CORES } from './lib/processes.mjs';
import { fmt, row } from './lib/report.mjs';

const BENCH = 'signing';
const TARGET = 0.9;
const PROBE = 'bench/lib/signing-probe.mjs';

export const signing = {
  name: BENCH,
  title: 'Signing',
  /** @param {import('./run.mjs').BenchContext} ctx */
  async run(ctx) {
    const seconds = ctx.quick ? 2 : 5;
    // dist/ holds src/ and testcases/: the probe loads the signing code of the build under test.
    const dist = distOf(CLI);
    const native = await probe(ctx, dist, seconds, {});
    const js = await probe(ctx, dist, seconds, { KLAYWORKER_SIGNING: 'js' });
    if (js.backend !== 'js') throw new BenchError(`KLAYWORKER_SIGNING=js still signed with ${js.backend}`);
    const rows = [];
    if (native.backend !== 'native') {
      rows.push(
        row({
          bench: BENCH,
          measure: 'native libsecp256k1 binding',
          result: 'did not load here: the pure-JS signer was used (npm install secp256k1)',
          target: 'loads',
          met: false,
        }),
      );
    } else {
      const share = native.transfers / native.raw;
      rows.push(
        row({ bench: BENCH, measure: 'native: raw secp256k1 signatures', result: `${fmt(native.raw)} /s` }),
        row({ bench: BENCH, measure: 'native: signed transfers via nonce manager and encoder', result: `${fmt(native.transfers)} /s` }),
        row({
          bench: BENCH,
          measure: 'native: signed transfers ÷ raw signatures',
          result: `${fmt(100 * share)}%`,
          target: `≥ ${fmt(100 * TARGET)}%`,
          met: share >= TARGET,
        }),
      );
    }
    rows.push(
      row({
        bench: BENCH,
        measure: 'pure-JS fallback: raw signatures / signed transfers',
        result: `${fmt(js.raw)} /s / ${fmt(js.transfers)} /s (${fmt((100 * js.transfers) / js.raw)}%)`,
      }),
      row({
        bench: BENCH,
        measure: "ethers' Wallet.signTransaction (context)",
        result: `${fmt(native.ethers)} /s; native transfers are ${fmt(native.transfers / native.ethers, 1)}× that`,
      }),
    );
    return rows;
  },
};

async function probe(ctx, dist, seconds, env) {
  const proc = ctx.group.start(CORES.load, process.execPath, [PROBE, dist, String(seconds)], { env });
  const code = await proc.exited(seconds * 3 * 1000 + 60_000);
  const line = proc.output().trim().split('\n').pop() ?? '';
  if (code !== 0) throw new BenchError(`signing probe exited with ${code}: ${proc.tail(300)}`);
  try {
    return JSON.parse(line);
  } catch {
    throw new BenchError(`signing probe: unexpected output ${JSON.stringify(line.slice(0, 200))}`);
  }
}
