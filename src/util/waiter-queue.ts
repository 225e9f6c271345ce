/**
 * The one FIFO of waiters: users waiting for a rate limiter (granted true or denied false),
 * users waiting for a free test account (granted a lease or denied null). A doubly linked list
 * of caller-owned nodes, so that a cancelled waiter leaves in O(1) however long the queue
 * (100,000 users may wait behind a low --max-rps), and a wait allocates nothing but its
 * promise: no node, no abort listener.
 */

/**
 * A place in a queue, owned by whoever waits (a user keeps one for its whole life). It waits
 * in at most one queue at a time.
 */
export class Waiter<T = boolean> {
  prev: Waiter<T> | undefined = undefined;
  next: Waiter<T> | undefined = undefined;
  queue: WaiterQueue<T> | undefined = undefined;
  resolve: ((value: T) => void) | undefined = undefined;

  /** Ends the current wait, if any, with the queue's denial (the user is being stopped). */
  cancel(): void {
    this.queue?.release(this, this.queue.denied);
  }
}

export class WaiterQueue<T = boolean> {
  #head: Waiter<T> | undefined;
  #tail: Waiter<T> | undefined;
  #count = 0;

  /** `denied`: what a cancelled or denied wait resolves to (false, null). */
  constructor(readonly denied: T) {}

  get size(): number {
    return this.#count;
  }

  /** Resolves with what `grantNext` hands over, or `denied` when released by `denyAll` or `waiter.cancel()`. */
  wait(waiter: Waiter<T> = new Waiter<T>()): Promise<T> {
    if (waiter.queue !== undefined) return Promise.reject(new Error('this waiter is already waiting'));
    const granted = new Promise<T>((resolve) => {
      waiter.resolve = resolve;
    });
    waiter.queue = this;
    waiter.prev = this.#tail;
    if (this.#tail) this.#tail.next = waiter;
    else this.#head = waiter;
    this.#tail = waiter;
    this.#count++;
    return granted;
  }

  /** Hands `value` to the longest-waiting caller; false when nobody is waiting. */
  grantNext(value: T): boolean {
    const waiter = this.#head;
    if (!waiter) return false;
    this.release(waiter, value);
    return true;
  }

  denyAll(): void {
    for (let waiter = this.#head; waiter; waiter = this.#head) this.release(waiter, this.denied);
  }

  /** Takes `waiter` out of this queue and settles its wait with `value`; nothing if it is not in it. */
  release(waiter: Waiter<T>, value: T): void {
    if (waiter.queue !== this) return;
    if (waiter.prev) waiter.prev.next = waiter.next;
    else this.#head = waiter.next;
    if (waiter.next) waiter.next.prev = waiter.prev;
    else this.#tail = waiter.prev;
    const { resolve } = waiter;
    waiter.prev = waiter.next = waiter.queue = waiter.resolve = undefined;
    this.#count--;
    resolve!(value);
  }
}
