/**
 * The FIFO of users waiting for a rate limiter. A doubly linked list, so that an aborted waiter
 * leaves in O(1) however long the queue (hundreds of users wait behind a low --max-rps).
 */

interface Waiter {
  resolve(granted: boolean): void;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
  prev: Waiter | undefined;
  next: Waiter | undefined;
}

export class WaiterQueue {
  private head: Waiter | undefined;
  private tail: Waiter | undefined;
  private count = 0;

  get size(): number {
    return this.count;
  }

  /** Resolves true when granted, false when released by `denyAll` or when `signal` aborts. */
  wait(signal?: AbortSignal): Promise<boolean> {
    return new Promise<boolean>((resolve) => {
      const waiter: Waiter = { resolve, signal, onAbort: undefined, prev: this.tail, next: undefined };
      if (this.tail) this.tail.next = waiter;
      else this.head = waiter;
      this.tail = waiter;
      this.count++;
      if (signal) {
        waiter.onAbort = () => {
          this.unlink(waiter);
          resolve(false);
        };
        signal.addEventListener('abort', waiter.onAbort, { once: true });
      }
    });
  }

  /** Lets the longest-waiting caller go; false when nobody is waiting. */
  grantNext(): boolean {
    const waiter = this.head;
    if (!waiter) return false;
    this.unlink(waiter);
    waiter.resolve(true);
    return true;
  }

  denyAll(): void {
    for (let waiter = this.head; waiter; waiter = this.head) {
      this.unlink(waiter);
      waiter.resolve(false);
    }
  }

  private unlink(waiter: Waiter): void {
    if (waiter.prev) waiter.prev.next = waiter.next;
    else this.head = waiter.next;
    if (waiter.next) waiter.next.prev = waiter.prev;
    else this.tail = waiter.prev;
    waiter.prev = waiter.next = undefined;
    this.count--;
    if (waiter.signal && waiter.onAbort) waiter.signal.removeEventListener('abort', waiter.onAbort);
  }
}
