import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { Interface, keccak256, solidityPacked, Wallet } from 'ethers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type DevChain, startDevChain } from '../../src/app/dev-chain.js';
import { createContractDeployer, createTransactionSender, type TransactionSender, type TxReceipt } from '../../src/chain/deploy.js';
import { JsonRpcClient } from '../../src/rpc/json-rpc.js';
import { ARTIFACT_NAMES, type ArtifactName, loadArtifact } from '../../testcases/contracts/artifacts.js';
// @ts-expect-error -- a plain .mjs build script without type declarations
import { ARTIFACTS_DIR, compileContracts, renderArtifact } from '../../testcases/contracts/build.mjs';

interface BuiltArtifact {
  contractName: string;
  bytecode: string;
}

describe('contract artifacts', () => {
  it('are what build.mjs produces from the current sources (run npm run build:contracts if not)', () => {
    const { artifacts } = compileContracts() as { artifacts: BuiltArtifact[] };
    expect(artifacts.map((a) => a.contractName)).toEqual([...ARTIFACT_NAMES].sort());
    for (const artifact of artifacts) {
      const committed = readFileSync(join(ARTIFACTS_DIR as string, `${artifact.contractName}.json`), 'utf8');
      expect(committed, `${artifact.contractName}.json is stale`).toBe(renderArtifact(artifact));
      expect(loadArtifact(artifact.contractName as ArtifactName).bytecode).toBe(artifact.bytecode);
    }
  });
});

describe('contracts on anvil', () => {
  let chain: DevChain;
  let rpc: JsonRpcClient;
  let sender: TransactionSender;
  let blockGasLimit: bigint;
  const addresses = new Map<ArtifactName, string>();
  const gasRows: { workload: string; gasUsed: bigint }[] = [];

  const iface = (name: ArtifactName): Interface => new Interface(loadArtifact(name).abi);

  /**
   * Sends a workload call and checks it fits a block comfortably (at most a third of it, or
   * `share` of it: IoHeavy's write of 100 fresh keys is BlockBench's, and takes more).
   */
  async function measure(workload: string, name: ArtifactName, fn: string, args: readonly unknown[], value = 0n, share = 3n): Promise<TxReceipt> {
    const data = iface(name).encodeFunctionData(fn, args);
    const receipt = await sender.send({ to: addresses.get(name)!, data, value });
    gasRows.push({ workload, gasUsed: receipt.gasUsed });
    expect(receipt.gasUsed).toBeLessThan(blockGasLimit / share);
    return receipt;
  }

  async function view(name: ArtifactName, fn: string, args: readonly unknown[]): Promise<ReturnType<Interface['decodeFunctionResult']>> {
    const contract = iface(name);
    const data = contract.encodeFunctionData(fn, args);
    const { result } = await rpc.call('eth_call', [{ from: sender.address, to: addresses.get(name), data }, 'latest']);
    return contract.decodeFunctionResult(fn, result as string);
  }

  beforeAll(async () => {
    chain = await startDevChain({ blockTime: 0.25 });
    rpc = new JsonRpcClient(chain.url, { timeoutMs: 10_000 });
    sender = createTransactionSender({ rpc, signer: new Wallet(chain.richKey).signingKey, pollMs: 50 });
    const { result: block } = await rpc.call('eth_getBlockByNumber', ['latest', false]);
    blockGasLimit = BigInt((block as { gasLimit: string }).gasLimit);
  });
  afterAll(async () => {
    if (gasRows.length > 0) {
      const width = Math.max(...gasRows.map((r) => r.workload.length));
      const lines = gasRows.map((r) => `${r.workload.padEnd(width)}  ${r.gasUsed.toLocaleString('en-US').padStart(10)}`);
      console.info(`gas used (block gas limit ${blockGasLimit.toLocaleString('en-US')}):\n${lines.join('\n')}`);
    }
    await rpc?.close();
    await chain?.stop();
  });

  it('deploys every contract with status 1 and code at the new address', async () => {
    for (const name of ARTIFACT_NAMES) {
      const receipt = await sender.send({ to: null, data: loadArtifact(name).bytecode });
      gasRows.push({ workload: `deploy ${name}`, gasUsed: receipt.gasUsed });
      expect(receipt.contractAddress).toMatch(/^0x[0-9a-fA-F]{40}$/);
      const { result: code } = await rpc.call('eth_getCode', [receipt.contractAddress, 'latest']);
      expect((code as string).length).toBeGreaterThan(2);
      expect(receipt.gasUsed).toBeLessThan(blockGasLimit / 3n);
      addresses.set(name, receipt.contractAddress!);
    }
  });

  it('General.reward credits the receiver', async () => {
    const receiver = Wallet.createRandom().address;
    await measure('General.reward(address) +2 wei', 'General', 'reward', [receiver], 2n);
    expect((await view('General', 'rewardCount', [receiver]))[0]).toBe(1n);
    expect((await view('General', 'totalValue', []))[0]).toBe(2n);
  });

  it('TestToken mints, batch-mints and transfers', async () => {
    const recipients = Array.from({ length: 100 }, () => Wallet.createRandom().address);
    await measure('TestToken.mint(owner, 1e24)', 'TestToken', 'mint', [sender.address, 10n ** 24n]);
    await measure('TestToken.mintBatch(100 new holders)', 'TestToken', 'mintBatch', [recipients, 10n ** 18n]);
    await measure('TestToken.transfer(holder, 2)', 'TestToken', 'transfer', [recipients[7], 2n]);
    expect((await view('TestToken', 'balanceOf', [recipients[7]]))[0]).toBe(10n ** 18n + 2n);
    expect((await view('TestToken', 'balanceOf', [recipients[99]]))[0]).toBe(10n ** 18n);
    expect((await view('TestToken', 'totalSupply', []))[0]).toBe(10n ** 24n + 100n * 10n ** 18n);
  });

  it('TestNft mints consecutive ids per owner and transfers one', async () => {
    const others = Array.from({ length: 9 }, () => Wallet.createRandom().address);
    const owners = [sender.address, ...others];
    const first = (await view('TestNft', 'nextTokenId', []))[0] as bigint;
    await measure('TestNft.mintBatch(10 owners x 5)', 'TestNft', 'mintBatch', [owners, 5n]);
    // owners[k] holds first + 5k ... first + 5k + 4
    expect((await view('TestNft', 'ownerOf', [first + 5n * 3n + 4n]))[0]).toBe(others[2]);
    expect((await view('TestNft', 'balanceOf', [others[8]]))[0]).toBe(5n);
    await measure('TestNft.transferFrom(owner, other, id)', 'TestNft', 'transferFrom', [sender.address, others[0], first]);
    expect((await view('TestNft', 'ownerOf', [first]))[0]).toBe(others[0]);
    expect((await view('TestNft', 'balanceOf', [sender.address]))[0]).toBe(4n);
  });

  it('StorageWrite.insertIdentity stores the strings (39, 814 and 40 characters)', async () => {
    const [serial, publicKey, hash] = [randomText(39), randomText(814), randomText(40)];
    await measure('StorageWrite.insertIdentity(39, 814, 40 chars)', 'StorageWrite', 'insertIdentity', [serial, publicKey, hash]);
    const stored = await view('StorageWrite', 'getIdentity', [serial]);
    expect([stored[0], stored[1], stored[2]]).toEqual([publicKey, hash, sender.address]);
    expect((await view('StorageWrite', 'identityCount', []))[0]).toBe(1n);
  });

  it('CpuHeavy.sort(100, 1) sorts: its digest matches the same numbers sorted here', async () => {
    const receipt = await measure('CpuHeavy.sort(100, 1)', 'CpuHeavy', 'sort', [100n, 1n]);
    const expected = sortedDigest(100, 1n);
    const event = iface('CpuHeavy').parseLog(receipt.logs[0]!);
    expect(event?.args.getValue('digest')).toBe(expected);
    await measure('CpuHeavy.sort(2000 = MAX_SIZE, 7)', 'CpuHeavy', 'sort', [2000n, 7n]);
  });

  it('LargeMemo.setName stores a 1,999-character name', async () => {
    const name = randomText(1999);
    await measure('LargeMemo.setName(1,999 chars, fresh)', 'LargeMemo', 'setName', [name]);
    await measure('LargeMemo.setName(1,999 chars, overwrite)', 'LargeMemo', 'setName', [randomText(1999)]);
    await measure('LargeMemo.setName(50 chars)', 'LargeMemo', 'setName', [randomText(50)]);
    expect(((await view('LargeMemo', 'name', []))[0] as string).length).toBe(50);
  });

  it('UserStorage.set stores per sender; slot 0 holds the deployer', async () => {
    await measure('UserStorage.set(100), first', 'UserStorage', 'set', [100n]);
    await measure('UserStorage.set(101), again', 'UserStorage', 'set', [101n]);
    expect((await view('UserStorage', 'get', []))[0]).toBe(101n);
    const { result: word } = await rpc.call('eth_getStorageAt', [addresses.get('UserStorage'), '0x0', 'latest']);
    expect(BigInt(word as string)).toBe(BigInt(sender.address));
  });

  it('DoNothing.nothing costs a call and no more', async () => {
    const receipt = await measure('DoNothing.nothing()', 'DoNothing', 'nothing', []);
    expect(receipt.gasUsed).toBeLessThan(22_000n);
  });

  it('IoHeavy writes 100-byte values under consecutive keys; scan reads exactly them back, at the cost of a scan of keys never written', async () => {
    const io = iface('IoHeavy');
    // Signatures of one non-zero byte each: their calldata costs the same.
    const empty = await measure('IoHeavy.scan(100 keys never written)', 'IoHeavy', 'scan', [1_000n, 100n, 9n]);
    expect((await view('IoHeavy', 'get', [1_042n]))[0]).toBe(`0x${'00'.repeat(100)}`);
    const fresh = await measure('IoHeavy.write(100 fresh keys)', 'IoHeavy', 'write', [1_000n, 100n, 1n], 0n, 2n);
    const again = await measure('IoHeavy.write(the same 100 keys)', 'IoHeavy', 'write', [1_000n, 100n, 2n]);
    // Rewriting a key changes no slot (its value depends on the key alone).
    expect(again.gasUsed * 5n).toBeLessThan(fresh.gasUsed);
    const value = (await view('IoHeavy', 'get', [1_042n]))[0] as string;
    expect(value).toBe((await view('IoHeavy', 'valueOf', [1_042n]))[0]);
    expect((value.length - 2) / 2).toBe(100);
    const scan = await measure('IoHeavy.scan(100 written keys)', 'IoHeavy', 'scan', [1_000n, 100n, 3n]);
    // The same slots are read either way: a gas estimate on any range fits every scan.
    expect(scan.gasUsed).toBe(empty.gasUsed);
    let digest = `0x${'0'.repeat(64)}`;
    for (let key = 1_000n; key < 1_100n; key++) {
      digest = keccak256(solidityPacked(['bytes32', 'bytes'], [digest, (await view('IoHeavy', 'valueOf', [key]))[0] as string]));
    }
    expect(io.parseLog(scan.logs[0]!)?.args.getValue('digest')).toBe(digest);
  });

  it('CardNft.mintCard mints the next id to its caller', async () => {
    const first = (await view('CardNft', 'nextTokenId', []))[0] as bigint;
    await measure('CardNft.mintCard(), first card', 'CardNft', 'mintCard', []);
    await measure('CardNft.mintCard(), another', 'CardNft', 'mintCard', []);
    expect((await view('CardNft', 'ownerOf', [first + 1n]))[0]).toBe(sender.address);
    expect((await view('CardNft', 'balanceOf', [sender.address]))[0]).toBe(2n);
  });

  it('InternalTx.sendRewards mints a card to itself, passes it to the invitee and pays both: four internal transactions, nothing left behind', async () => {
    const [invitee, host] = [Wallet.createRandom().address, Wallet.createRandom().address];
    const receipt = await measure('InternalTx.sendRewards(new invitee, new host) +3 wei', 'InternalTx', 'sendRewards', [invitee, host], 3n);
    const card = new Interface(loadArtifact('CardNft').abi);
    const cardAddress = (await view('InternalTx', 'card', []))[0] as string;
    const transfers = receipt.logs.filter((l) => l.address.toLowerCase() === cardAddress.toLowerCase()).map((l) => card.parseLog(l)?.args);
    // Minted to the contract, then passed on to the invitee.
    expect(transfers.map((t): unknown[] => [t?.getValue('from'), t?.getValue('to')])).toEqual([
      ['0x0000000000000000000000000000000000000000', addresses.get('InternalTx')],
      [addresses.get('InternalTx'), invitee],
    ]);
    const { result: ownerData } = await rpc.call('eth_call', [
      { to: cardAddress, data: card.encodeFunctionData('ownerOf', [transfers[0]?.getValue('tokenId')]) },
      'latest',
    ]);
    expect(card.decodeFunctionResult('ownerOf', ownerData as string)[0]).toBe(invitee);
    const balance = async (a: string | undefined) => BigInt((await rpc.call('eth_getBalance', [a, 'latest'])).result as string);
    expect([await balance(invitee), await balance(host), await balance(addresses.get('InternalTx'))]).toEqual([2n, 1n, 0n]);
    await expect(
      sender.send({ to: addresses.get('InternalTx')!, data: iface('InternalTx').encodeFunctionData('sendRewards', [invitee, host]), value: 100n }),
    ).rejects.toThrow();
  });

  it("SmallBank's six operations move the balances as BlockBench's do; the Go tools' calls (amount 0) stay cheap", async () => {
    const balanceOf = async (customer: string) => (await view('SmallBank', 'getBalance', [customer]))[0] as bigint;
    await measure('SmallBank.updateBalance(user1, 5)', 'SmallBank', 'updateBalance', ['user1', 5n]);
    await measure('SmallBank.updateSaving(user1, 7)', 'SmallBank', 'updateSaving', ['user1', 7n]);
    expect(await balanceOf('user1')).toBe(12n);
    await measure('SmallBank.sendPayment(user1, user2, 2)', 'SmallBank', 'sendPayment', ['user1', 'user2', 2n]);
    expect([await balanceOf('user1'), await balanceOf('user2')]).toEqual([10n, 2n]);
    // Covered: checking 3 - 1.
    await measure('SmallBank.writeCheck(user1, 1)', 'SmallBank', 'writeCheck', ['user1', 1n]);
    expect(await balanceOf('user1')).toBe(9n);
    // user1's savings (7) and user2's checking (2) become user2's savings; user1's checking is emptied.
    await measure('SmallBank.almagate(user1, user2)', 'SmallBank', 'almagate', ['user1', 'user2']);
    expect([await balanceOf('user1'), await balanceOf('user2')]).toEqual([7n, 11n]);
    for (const [fn, args] of [
      ['almagate', ['user31', 'user99999']],
      ['updateBalance', ['user31', 0n]],
      ['updateSaving', ['user31', 0n]],
      ['sendPayment', ['user31', 'user99999', 0n]],
      ['writeCheck', ['user31', 0n]],
    ] as const) {
      const receipt = await measure(`SmallBank.${fn}(user<n>, amount 0)`, 'SmallBank', fn, args);
      expect(receipt.gasUsed).toBeLessThan(40_000n);
    }
  });

  it('KvStore sets and gets a key', async () => {
    await measure('KvStore.set(user<n>, new key)', 'KvStore', 'set', ['user4242', 'val8374620193847561203']);
    await measure('KvStore.set(user<n>, same key)', 'KvStore', 'set', ['user4242', 'val17']);
    expect((await view('KvStore', 'get', ['user4242']))[0]).toBe('val17');
    expect((await view('KvStore', 'get', ['user1']))[0]).toBe('');
  });

  it('the deployer deploys each contract once, even when asked concurrently', async () => {
    const deployer = createContractDeployer({ sender });
    const nonceBefore = await nonceOf(sender.address);
    const [a, b, c] = await Promise.all([
      deployer.deployContract(loadArtifact('UserStorage')),
      deployer.deployContract(loadArtifact('UserStorage')),
      deployer.deployContract(loadArtifact('General')),
    ]);
    expect(a).toBe(b);
    expect(c).not.toBe(a);
    expect(await nonceOf(sender.address)).toBe(nonceBefore + 2n);
    expect(await deployer.deployContract(loadArtifact('UserStorage'))).toBe(a);
  });

  async function nonceOf(address: string): Promise<bigint> {
    const { result } = await rpc.call('eth_getTransactionCount', [address, 'latest']);
    return BigInt(result as string);
  }
});

describe('transaction sender errors', () => {
  it('names the failing step and never the key', async () => {
    const rpc = new JsonRpcClient('http://127.0.0.1:1/', { timeoutMs: 2_000 });
    const wallet = Wallet.createRandom();
    const deployer = createContractDeployer({ sender: createTransactionSender({ rpc, signer: wallet.signingKey }) });
    try {
      const err = (await deployer.deployContract(loadArtifact('General')).catch((e: unknown) => e)) as Error;
      expect(err).toBeInstanceOf(Error);
      expect(err.message).toMatch(/^deploying General from 0x[0-9a-fA-F]{40} failed: eth_\w+ failed: connection refused/);
      expect(err.message).not.toContain(wallet.privateKey.slice(2));
    } finally {
      await rpc.close();
    }
  });
});

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

function randomText(length: number): string {
  let text = '';
  for (let i = 0; i < length; i++) text += ALPHABET[Math.floor(Math.random() * ALPHABET.length)];
  return text;
}

/** CpuHeavy's input (the same linear congruential steps), sorted, hashed as abi.encodePacked. */
function sortedDigest(size: number, signature: bigint): string {
  const MOD = 1n << 256n;
  const values: bigint[] = [];
  let seed = signature;
  for (let i = 0; i < size; i++) {
    seed = (seed * 6364136223846793005n + 1442695040888963407n) % MOD;
    values.push(seed >> 128n);
  }
  values.sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
  return keccak256(
    solidityPacked(
      values.map(() => 'uint256'),
      values,
    ),
  );
}
