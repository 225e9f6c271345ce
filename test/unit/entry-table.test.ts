/**
 * The tracker's entry table: slots are reused once a transaction settles, so what the checks
 * and re-send tickets keep across an await (a reference, a view) must stop naming the entry
 * then, and must never read or write the transaction that took the slot next. Also: an
 * entry's hashes (first send's, re-sends', a node-signed one's answer) are found, given back
 * and let go together.
 */
import { createHash } from 'node:crypto';

import { describe, expect, it } from 'vitest';

import { entriesOf, viewOf } from '../../src/chain/inclusion/entry.js';
import { EntryTable } from '../../src/chain/inclusion/entry-table.js';
import type { AccountState, NonceAccount } from '../../src/chain/inclusion/types.js';

const txHash = (n: number): string => `0x${createHash('sha256').update(String(n)).digest('hex')}`;

function account(table: EntryTable): AccountState {
  const handle: NonceAccount = {
    address: '0x0000000000000000000000000000000000000001',
    trackedBy: undefined,
    trackerId: -1,
    pendingAdded: () => {},
    pendingSettled: () => {},
    heal: () => {},
    resend: () => {},
    cancelResend: () => {},
  };
  return table.addAccount(handle);
}

function settle(table: EntryTable, slot: number): void {
  table.leave(slot);
  table.free(slot);
}

describe('EntryTable', () => {
  it('a view kept across its entry settling goes dead and writes nothing into the next entry of its slot', () => {
    const table = new EntryTable();
    const owner = account(table);
    const first = table.add(txHash(1), undefined, owner.id, 5, table.nameId('valueTransfer'), true, 10n, 1, 100, 0, undefined);
    const view = viewOf(table, first);
    const ref = table.ref(first);
    expect(view.live).toBe(true);
    expect(view.nonce).toBe(5);
    expect(view.hash).toBe(txHash(1));

    settle(table, first);
    const next = table.add(txHash(2), undefined, owner.id, 6, table.nameId('other'), false, 20n, 1, 101, 0, undefined);
    expect(next).toBe(first); // the slot is reused at once
    expect(view.live).toBe(false);
    expect(table.slotOf(ref)).toBe(-1);
    view.nextCheck = 999;
    view.awaiting = 7;
    view.maxPrice = 1n;
    view.state = 'uncertain';
    view.resendAsked = true;
    view.addHash(txHash(3));
    const fresh = viewOf(table, next);
    expect(fresh.live).toBe(true);
    expect(fresh.nextCheck).toBe(101);
    expect(fresh.awaiting).toBe(0);
    expect(fresh.maxPrice).toBe(20n);
    expect(fresh.state).toBe('sending');
    expect(fresh.resendAsked).toBe(false);
    expect(fresh.hashes).toEqual([txHash(2)]);
    expect(table.index.get(txHash(3))).toBe(-1);
    expect(fresh.same(view)).toBe(false);
  });

  it('follows an entry under every hash it was sent by, and lets all of them go when it settles', () => {
    const table = new EntryTable();
    const owner = account(table);
    const slot = table.add(txHash(1), undefined, owner.id, 0, table.nameId('valueTransfer'), true, 10n, 1, 100, 0, undefined);
    const entry = viewOf(table, slot);
    entry.addHash(txHash(2));
    entry.hash = txHash(2);
    expect(entry.hashes).toEqual([txHash(1), txHash(2)]);
    expect(entry.hash).toBe(txHash(2));
    expect(entry.heldUnder(txHash(1)) && entry.heldUnder(txHash(2))).toBe(true);
    entry.addHash(txHash(3));
    entry.dropHash(txHash(3)); // a re-send the node refused
    expect(entry.hashes).toEqual([txHash(1), txHash(2)]);
    expect(table.index.has(txHash(3))).toBe(false);
    settle(table, slot);
    expect(table.index.size).toBe(0);
  });

  it('a node-signed entry has no hash until its answer, then is followed by it', () => {
    const table = new EntryTable();
    const owner = account(table);
    const slot = table.add(null, undefined, owner.id, 0, table.nameId('nodeSigned'), true, 10n, 1, 100, 0, undefined);
    expect(table.awaiting(slot)).toBe(1);
    expect(viewOf(table, slot).hashes).toEqual([]);
    table.addHash(slot, txHash(9));
    expect(viewOf(table, slot).hash).toBe(txHash(9));
    expect(table.index.get(txHash(9))).toBe(slot);
  });

  it('keeps each account’s entries in nonce order across growth, whatever order they come and go in', () => {
    const table = new EntryTable();
    const owners = [account(table), account(table)];
    const nonces = Array.from({ length: 3000 }, (_, i) => (i * 7919) % 3000);
    for (const nonce of nonces) {
      const owner = owners[nonce % 2]!;
      table.add(txHash(nonce), undefined, owner.id, nonce, table.nameId('valueTransfer'), true, 1n, 1, 1, 0, undefined);
    }
    // A third leave, oldest, newest and middle ones alike.
    for (const nonce of nonces.filter((n) => n % 3 === 0)) settle(table, table.index.get(txHash(nonce)));
    for (const owner of owners) {
      const seen = entriesOf(table, owner).map((e) => e.nonce);
      expect(seen).toEqual([...seen].sort((a, b) => a - b));
      expect(seen).toHaveLength(1000);
      expect(table.nonce(table.lists.first(owner.id))).toBe(seen[0]);
      expect(table.nonce(table.lists.last(owner.id))).toBe(seen.at(-1));
      expect(table.findAt(owner.id, seen[500]!, 0)).toBe(table.index.get(txHash(seen[500]!)));
      expect(table.findAt(owner.id, 0, 0)).toBe(-1);
      expect(seen.some((n) => n % 3 === 0)).toBe(false);
      for (const entry of entriesOf(table, owner)) expect(table.index.get(txHash(entry.nonce))).toBe(entry.slot);
    }
  });

  it('keeps the books of more accounts than it first made room for, and of accounts left with none', () => {
    const table = new EntryTable();
    const owners = Array.from({ length: 150 }, () => account(table));
    expect(owners.map((o) => o.id)).toEqual(owners.map((_, i) => i));
    for (const [i, owner] of owners.entries())
      for (let nonce = 0; nonce < 3; nonce++) table.add(txHash(i * 10 + nonce), undefined, owner.id, nonce, table.nameId('tc'), true, 1n, 1, 1, 0, undefined);
    for (const owner of owners.filter((o) => o.id % 2 === 0))
      for (let nonce = 0; nonce < 3; nonce++) settle(table, table.index.get(txHash(owner.id * 10 + nonce)));
    for (const owner of owners) {
      const open = owner.id % 2 === 0 ? [] : [0, 1, 2];
      expect(entriesOf(table, owner).map((e) => e.nonce)).toEqual(open);
      expect(table.lists.first(owner.id) >= 0).toBe(open.length > 0);
      expect(table.lists.last(owner.id) >= 0).toBe(open.length > 0);
    }
    // An account emptied and used again starts a new list.
    table.add(txHash(5000), undefined, owners[0]!.id, 7, table.nameId('tc'), true, 1n, 1, 1, 0, undefined);
    expect(entriesOf(table, owners[0]!).map((e) => e.nonce)).toEqual([7]);
  });

  it('knows which test cases an account keeps a re-sender of, past the names its bit mask holds too', () => {
    const table = new EntryTable();
    const [a, b] = [account(table), account(table)];
    const names = Array.from({ length: 40 }, (_, i) => table.nameId(`tc${i}`));
    const resend = (): void => {};
    for (const name of names.filter((n) => n % 3 === 0)) table.keepResender(a.id, name, resend);
    for (const name of names) {
      expect(table.hasResender(a.id, name)).toBe(name % 3 === 0);
      expect(table.hasResender(b.id, name)).toBe(false);
    }
    expect(a.resenders.get('tc33')).toBe(resend);
    expect(table.nameId('tc5')).toBe(names[5]);
  });
});
