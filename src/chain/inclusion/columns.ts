/** The tracker's typed-array columns: one grown keeps what it held. */

/** `next` (a longer column of the same kind, already filled as its new cells should be) with `old`'s contents copied in. */
export function grown<T extends Int32Array | Uint8Array | Float64Array>(old: ArrayLike<number>, next: T): T {
  next.set(old);
  return next;
}
