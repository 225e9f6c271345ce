import { describe, expect, it } from 'vitest';

import { responseTimeBucket } from '../../src/stats/bucket.js';

describe('responseTimeBucket', () => {
  it('keeps two significant digits per decade, like Locust', () => {
    expect(responseTimeBucket(0.4)).toBe(0);
    expect(responseTimeBucket(7.6)).toBe(8);
    expect(responseTimeBucket(99.4)).toBe(99);
    expect(responseTimeBucket(147.3)).toBe(150);
    expect(responseTimeBucket(3432)).toBe(3400);
    expect(responseTimeBucket(58760)).toBe(59000);
    expect(responseTimeBucket(1234567.8)).toBe(1235000);
  });

  it('sends exact ties to the even neighbour (Python round), unlike Math.round', () => {
    expect(responseTimeBucket(2.5)).toBe(2);
    expect(responseTimeBucket(3.5)).toBe(4);
    expect(responseTimeBucket(145)).toBe(140);
    expect(responseTimeBucket(155)).toBe(160);
    expect(responseTimeBucket(1450)).toBe(1400);
    expect(responseTimeBucket(1550)).toBe(1600);
    expect(responseTimeBucket(12500)).toBe(12000);
    expect(responseTimeBucket(13500)).toBe(14000);
  });

  it('rounds values next to a tie by which side they are on', () => {
    const above = (x: number) => x + x * Number.EPSILON;
    expect(responseTimeBucket(above(145))).toBe(150);
    expect(responseTimeBucket(above(2.5))).toBe(3);
    expect(responseTimeBucket(144.99999999999997)).toBe(140);
    expect(responseTimeBucket(12499.999999999998)).toBe(12000);
  });

  it('switches decade at 100, 1000 and 10000', () => {
    expect(responseTimeBucket(99.5)).toBe(100); // still round(x): 99.5 ties to even 100
    expect(responseTimeBucket(100)).toBe(100);
    expect(responseTimeBucket(999.9)).toBe(1000);
    expect(responseTimeBucket(1049.9)).toBe(1000);
    expect(responseTimeBucket(9999)).toBe(10000);
    expect(responseTimeBucket(10499)).toBe(10000);
  });

  it('always returns an integer and never -0', () => {
    for (const x of [0, -0, 0.2, 101.7, 5555.5, 77777.7]) {
      const key = responseTimeBucket(x);
      expect(Number.isInteger(key)).toBe(true);
      expect(Object.is(key, -0)).toBe(false);
    }
  });

  it('rejects a response time that is not a finite number', () => {
    expect(() => responseTimeBucket(Number.NaN)).toThrow(/finite/);
    expect(() => responseTimeBucket(Infinity)).toThrow(/finite/);
  });
});
