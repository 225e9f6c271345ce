/**
 * The FIFO of users waiting for a rate limiter. A doubly linked list of caller-owned nodes, so
 * that a cancelled waiter leaves in O(1) however long the queue (100,000 users may wait behind
 * a low --max-rps), and a wait allocates nothing but its promise: no node, no abort listener.
 */

/**
 * A place in a queue, owned by whoever waits (a user keeps one for its whole life). It waits
 * in at most one queue at a time.
 */
export class Waiter {
  prev: Waiter | undefined = undefined;
  next: Waiter | undefined = undefined;
  queue: WaiterQueue | undefined = undefined;
  resolve: ((granted: boolean) => void) | undefined = undefined;

  /** Ends the current wait, if any, with false (the user is being stopped). */
  cancel(): void {
    this.queue?.release(this, false);
  }
}

export class WaiterQueue {
  #head: Waiter | undefined;
  #tail: Waiter | undefined;
  #count = 0;

  get size(): number {
    return this.#count;
  }

  /** Resolves true when granted, false when released by `denyAll` or `waiter.cancel()`. */
  wait(waiter: Waiter = new Waiter()): Promise<boolean> {
    if (waiter.queue !== undefined) return Promise.reject(new Error('this waiter is already waiting'));
    const granted = new Promise<boolean>((resolve) => {
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

  /** Lets the longest-waiting caller go; false when nobody is waiting. */
  grantNext(): boolean {
    const waiter = this.#head;
    if (!waiter) return false;
    this.release(waiter, true);
    return true;
  }

  denyAll(): void {
    for (let waiter = this.#head; waiter; waiter = this.#head) this.release(waiter, false);
  }

  /** Takes `waiter` out of this queue and settles its wait; nothing if it is not in it. */
  release(waiter: Waiter, granted: boolean): void {
    if (waiter.queue !== this) return;
    if (waiter.prev) waiter.prev.next = waiter.next;
    else this.#head = waiter.next;
    if (waiter.next) waiter.next.prev = waiter.prev;
    else this.#tail = waiter.prev;
    const { resolve } = waiter;
    waiter.prev = waiter.next = waiter.queue = waiter.resolve = undefined;
    this.#count--;
    resolve!(granted);
  }
}
