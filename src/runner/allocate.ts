/**
 * Splits `total` users over tasks in proportion to their weights with the largest-remainder
 * method, so the parts always add up to `total` exactly (weights 1 and 3, 8 users → 2 + 6).
 * Ties in the remainder go to the earlier task, which keeps the split deterministic across
 * processes given the same --tc order.
 */
export function allocateUsers(weights: readonly number[], total: number): number[] {
  if (!Number.isInteger(total) || total < 0) throw new RangeError(`user count must be a non-negative integer, got ${total}`);
  if (weights.length === 0) {
    if (total === 0) return [];
    throw new RangeError('cannot allocate users: no tasks');
  }
  const sum = weights.reduce((a, w) => a + w, 0);
  if (!(sum > 0)) throw new RangeError('cannot allocate users: weights must be positive');

  const quotas = weights.map((w) => (total * w) / sum);
  const counts = quotas.map(Math.floor);
  let left = total - counts.reduce((a, c) => a + c, 0);
  const byRemainder = quotas.map((q, i) => ({ i, r: q - Math.floor(q) })).sort((a, b) => b.r - a.r || a.i - b.i);
  for (const { i } of byRemainder) {
    if (left === 0) break;
    counts[i]! += 1;
    left -= 1;
  }
  return counts;
}
