import { describe, expect, it } from 'vitest';

import { type Lease, NonceManager } from '../../src/chain/nonce-manager.js';

interface Acc {
  address: string;
}

/** A node whose pending counts the test sets; counts how often each address is read. */
function fakeChain(initial: Record<string, number>) {
  const pending = { ...initial };
  const reads: string[] = [];
  return {
    pending,
    reads,
    read: async (address: string) => {
      reads.push(address);
      const n = pending[address];
      if (n === undefined) throw new Error(`node unreachable for ${address}`);
      return n;
    },
  };
}

const A = { address: '0xa' };
const B = { address: '0xb' };

async function take(m: NonceManager<Acc>, signal?: AbortSignal): Promise<Lease<Acc>> {
  const lease = await m.lease(signal);
  if (lease === null) throw new Error('no lease');
  return lease;
}

describe('NonceManager', () => {
  it('starts from the pending count and counts up locally while sends are accepted', async () => {
    const chain = fakeChain({ '0xa': 7 });
    const m = new NonceManager([A], chain.read);
    const seen: number[] = [];
    for (let i = 0; i < 3; i++) {
      const lease = await take(m);
      seen.push((await lease.nonce())!);
      lease.release('sent');
    }
    expect(seen).toEqual([7, 8, 9]);
    expect(chain.reads).toEqual(['0xa']);
  });

  it('at --max-pending, a lease taken for a re-send sends nothing once that re-send is moot (never one past the limit)', async () => {
    const chain = fakeChain({ '0xa': 0 });
    const m = new NonceManager([A], chain.read, { maxPending: 1 });
    const first = await take(m);
    expect(await first.nonce()).toBe(0);
    first.release('sent');
    first.tracked.pendingAdded();
    // At the limit: only a re-send may go. One is asked; the account is leased for it...
    first.tracked.resend(0);
    const second = await take(m);
    // ...and its transaction settles before the user asks for the nonce: nothing to send.
    first.tracked.cancelResend(0);
    expect(await second.nonce()).toBeNull();
    second.release('unused');
    // Once it settles for good, the account sends its next nonce.
    first.tracked.pendingSettled();
    const third = await take(m);
    expect(await third.nonce()).toBe(1);
  });

  it('resyncs from the chain after a resync outcome, and not before', async () => {
    const chain = fakeChain({ '0xa': 3 });
    const m = new NonceManager([A], chain.read);
    let lease = await take(m);
    expect(await lease.nonce()).toBe(3);
    lease.release('resync');
    chain.pending['0xa'] = 11; // someone else spent from the account meanwhile
    lease = await take(m);
    expect(await lease.nonce()).toBe(11);
    lease.release('sent');
    lease = await take(m);
    expect(await lease.nonce()).toBe(12);
    expect(chain.reads).toEqual(['0xa', '0xa']);
  });

  it('after a pair at consecutive nonces (sent with a count of 2), goes on after both; past a re-send it asks the node instead', async () => {
    const chain = fakeChain({ '0xa': 4 });
    const m = new NonceManager([A], chain.read);
    let lease = await take(m);
    expect(await lease.nonce()).toBe(4);
    lease.release('sent', 2);
    lease = await take(m);
    expect(await lease.nonce()).toBe(6);
    lease.release('sent');
    // A re-send at 6: the nonce after it is another transaction's, so a pair there ends in a resync.
    lease.tracked.resend(6);
    lease = await take(m);
    expect(await lease.nonce()).toBe(6);
    lease.release('sent', 2);
    chain.pending['0xa'] = 8;
    lease = await take(m);
    expect(await lease.nonce()).toBe(8);
    expect(chain.reads).toEqual(['0xa', '0xa']);
  });

  it('keeps the nonce after an unused outcome (the pool refused it outright)', async () => {
    const chain = fakeChain({ '0xa': 5 });
    const m = new NonceManager([A], chain.read);
    let lease = await take(m);
    expect(await lease.nonce()).toBe(5);
    lease.release('unused');
    lease = await take(m);
    expect(await lease.nonce()).toBe(5);
    expect(chain.reads).toHaveLength(1);
  });

  it('does not advance when nonce() was never obtained, and reads again after a failed read', async () => {
    const chain = fakeChain({});
    const m = new NonceManager([A], chain.read);
    let lease = await take(m);
    await expect(lease.nonce()).rejects.toThrow('node unreachable');
    lease.release('sent');
    chain.pending['0xa'] = 2;
    lease = await take(m);
    expect(await lease.nonce()).toBe(2);
  });

  it('counts only the first release, so a finally-release is a harmless safety net', async () => {
    const chain = fakeChain({ '0xa': 0 });
    const m = new NonceManager([A], chain.read);
    const lease = await take(m);
    await lease.nonce();
    lease.release('sent');
    lease.release('resync');
    expect(m.freeCount).toBe(1);
    const next = await take(m);
    expect(await next.nonce()).toBe(1);
    expect(chain.reads).toHaveLength(1);
  });

  it('leases each account to one user at a time, least recently released first', async () => {
    const m = new NonceManager([A, B], fakeChain({ '0xa': 0, '0xb': 0 }).read);
    const first = await take(m);
    const second = await take(m);
    expect(new Set([first.account, second.account])).toEqual(new Set([A, B]));
    expect(m.tryLease()).toBeNull();
    second.release('unused');
    first.release('unused');
    expect((await take(m)).account).toBe(second.account);
  });

  it('makes users wait first-come first-served when they outnumber the accounts', async () => {
    const m = new NonceManager([A], fakeChain({ '0xa': 0 }).read);
    const holder = await take(m);
    const order: string[] = [];
    const waiters = ['u1', 'u2', 'u3'].map((u) =>
      m.lease().then((lease) => {
        order.push(u);
        lease?.release('unused');
      }),
    );
    expect(m.waitingCount).toBe(3);
    holder.release('unused');
    await Promise.all(waiters);
    expect(order).toEqual(['u1', 'u2', 'u3']);
    expect(m.freeCount).toBe(1);
  });

  it('counts a wait as held back only when an account no user holds sits at --max-pending, not when the users outnumber the accounts or an account heals', async () => {
    const m = new NonceManager([A, B], fakeChain({ '0xa': 0, '0xb': 0 }).read, { maxPending: 1 });
    const a = await take(m);
    const b = await take(m);
    // Both accounts leased: a third user waits for one, and the limit has nothing to do with it.
    const third = m.lease();
    expect(m.heldBackWaits).toBe(0);
    await a.nonce();
    a.tracked.pendingAdded();
    a.release('sent');
    // A is at its limit: the third user still waits, now for B.
    expect(m.waitingCount).toBe(1);
    await b.nonce();
    b.tracked.pendingAdded();
    b.release('sent');
    // Both at the limit, none leased: a fourth user waits because of the limit.
    const fourth = m.lease();
    expect(m.heldBackWaits).toBe(1);
    a.tracked.pendingSettled();
    (await third)?.release('unused');
    b.tracked.pendingSettled();
    (await fourth)?.release('unused');
    expect(m.heldBackWaits).toBe(1);

    // An account held out while it heals is not held back by the limit.
    const healing = new NonceManager([A], fakeChain({ '0xa': 0 }).read, { maxPending: 1 });
    let plan!: (p: { holes: number[]; next: number }) => void;
    const h = await take(healing);
    h.tracked.heal(() => new Promise((resolve) => (plan = resolve)));
    h.release('unused');
    const afterHeal = healing.lease();
    expect(healing.waitingCount).toBe(1);
    expect(healing.heldBackWaits).toBe(0);
    plan({ holes: [], next: 0 });
    (await afterHeal)?.release('unused');

    // Without a limit no wait is ever the limit's.
    const open = new NonceManager([A], fakeChain({ '0xa': 0 }).read);
    const held = await take(open);
    const waiting = open.lease();
    held.release('unused');
    await waiting;
    expect(open.heldBackWaits).toBe(0);
  });

  it('gives up a wait when the user is stopped, and skips that user afterwards', async () => {
    const m = new NonceManager([A], fakeChain({ '0xa': 0 }).read);
    const holder = await take(m);
    const stopped = new AbortController();
    const abandoned = m.lease(stopped.signal);
    const patient = m.lease();
    stopped.abort();
    expect(await abandoned).toBeNull();
    expect(m.waitingCount).toBe(1);
    holder.release('unused');
    const lease = await patient;
    expect(lease?.account).toBe(A);
    expect(await m.lease(stopped.signal)).toBeNull();
  });

  it('resyncAll forgets every local nonce', async () => {
    const chain = fakeChain({ '0xa': 1, '0xb': 4 });
    const m = new NonceManager([A, B], chain.read);
    for (const l of [await take(m), await take(m)]) {
      await l.nonce();
      l.release('sent');
    }
    m.resyncAll();
    const l = await take(m);
    expect(await l.nonce()).toBe(chain.pending[l.account.address]);
    expect(chain.reads).toHaveLength(3);
  });

  it('a heal told while the account is leased waits for the release, holds the account out meanwhile, then fills the gaps first', async () => {
    const chain = fakeChain({ '0xa': 10, '0xb': 0 });
    const m = new NonceManager([A, B], chain.read);
    const lease = await take(m);
    expect(lease.account).toBe(A);
    expect(await lease.nonce()).toBe(10);
    let replanned = 0;
    let plan!: (p: { holes: number[]; next: number }) => void;
    lease.tracked.heal(() => {
      replanned += 1;
      return new Promise((resolve) => (plan = resolve));
    });
    // A second heal while one waits is the same heal.
    lease.tracked.heal(() => Promise.reject(new Error('a second heal must not run')));
    expect(replanned).toBe(0);
    lease.release('sent');
    expect(replanned).toBe(1);
    // While its plan is made, A is not leased: the next user gets B, the one after waits.
    const other = await take(m);
    expect(other.account).toBe(B);
    const waiting = take(m);
    plan({ holes: [7, 9], next: 12 });
    const healed = await waiting;
    expect(healed.account).toBe(A);
    expect(await healed.nonce()).toBe(7);
    healed.release('sent');
    other.release('unused');
    const issued: number[] = [];
    for (let i = 0; i < 4; i++) {
      const l = await take(m);
      if (l.account === A) issued.push((await l.nonce())!);
      l.release(l.account === A ? 'sent' : 'unused');
    }
    expect(issued).toEqual([9, 12]);
    // The plan came from the chain: no pending count was read for A after the first.
    expect(chain.reads.filter((a) => a === '0xa')).toHaveLength(1);
  });

  it('a heal told while the account is free runs at once; when its plan cannot be made, the account asks the node', async () => {
    const chain = fakeChain({ '0xa': 5 });
    const m = new NonceManager([A], chain.read);
    const first = await take(m);
    expect(await first.nonce()).toBe(5);
    first.release('sent');
    let ran = false;
    first.tracked.heal(() => {
      ran = true;
      return Promise.reject(new Error('the chain could not be read'));
    });
    expect(ran).toBe(true);
    chain.pending['0xa'] = 3;
    const next = await take(m);
    expect(await next.nonce()).toBe(3);
    expect(chain.reads).toEqual(['0xa', '0xa']);
  });
});
