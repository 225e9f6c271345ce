/** getBalance: the balance of one of a fixed set of addresses; no funded accounts needed. */
import { getAddress } from 'ethers/address';

import { defineTestCase, type TestCase } from '../../src/api/test-case.js';
import { isHexQuantity } from '../../src/chain/encoding/hex.js';
import { type CallLabel, describeResult, timedCall } from '../../src/runner/timed-call.js';
import type { ReadConfig } from './read-context.js';

const NAME = 'getBalance';

/**
 * The ten accounts of the public dev mnemonic "test test ... junk" (anvil, Hardhat): funded on
 * dev chains, plain addresses elsewhere. Only addresses, no keys.
 */
export const DEV_ADDRESSES: readonly string[] = Object.freeze([
  '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266',
  '0x70997970C51812dc3A010C7d01b50e0d17dc79C8',
  '0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC',
  '0x90F79bf6EB2c4f870365E785982E1f101E93b906',
  '0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65',
  '0x9965507D1a55bcC2695C58ba16FB37d819B0A4dc',
  '0x976EA74026E726554dB657fA54763abd0C3a0aa9',
  '0x14dC79964da2C08b23698B3D3cc7Ca32193d9955',
  '0x23618e81E3f5cdF7f54C3d65f7FBc0aBf5B21E8f',
  '0xa0Ee7A142d267C1f36714E4a8F75612F20a79720',
]);

export function validateBalance(method: string, result: unknown): string | undefined {
  return isHexQuantity(result) ? undefined : `invalid ${method} result: ${describeResult(result)}`;
}

export function createGetBalance(config: ReadConfig): TestCase {
  return defineTestCase({
    name: NAME,
    aliases: ['readGetBalance'],
    description: "eth_getBalance(random address of a fixed set, 'latest'); succeeds when the result is a hex quantity",
    async setup(ctx) {
      if (config.addresses.length === 0) throw new Error(`${NAME}: no addresses to read`);
      const addresses = config.addresses.map((a) => {
        try {
          return getAddress(a);
        } catch {
          throw new Error(`${NAME}: ${JSON.stringify(a)} is not an address`);
        }
      });
      const method = `${ctx.namespace}_getBalance`;
      const label: CallLabel = { type: method, name: NAME };
      const validate = (result: unknown): string | undefined => validateBalance(method, result);
      return {
        async run(user) {
          const address = addresses[Math.floor(Math.random() * addresses.length)];
          await timedCall(user, ctx.rpc, label, method, [address, 'latest'], validate);
        },
      };
    },
  });
}
