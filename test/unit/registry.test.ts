import { describe, expect, it } from 'vitest';

import { findTestCase as findIn, parseTestCaseSpec as parseIn } from '../../src/cli/test-case-spec.js';
import { builtInTestCases } from '../../testcases/registry.js';

const findTestCase = (name: string): TestCase | undefined => findIn(name, builtInTestCases);
const parseTestCaseSpec = (spec: string, available: readonly TestCase[] = builtInTestCases) => parseIn(spec, available);
import type { TestCase } from '../../src/api/test-case.js';

function fake(name: string, aliases: string[] = []): TestCase {
  return { name, aliases, description: name, setup: () => Promise.resolve({ run: () => Promise.resolve() }) };
}

const alpha = fake('alpha', ['oldAlpha']);
const beta = fake('beta');
const AVAILABLE = [alpha, beta];

function parse(spec: string) {
  return parseTestCaseSpec(spec, AVAILABLE).map(({ testCase, weight }) => [testCase.name, weight]);
}

describe('built-in test cases', () => {
  it('have unique names and aliases, and blockNumber answers to the Go tool name too', () => {
    const all = builtInTestCases.flatMap((tc) => [tc.name, ...tc.aliases]);
    expect(new Set(all).size).toBe(all.length);
    expect(findTestCase('blockNumber')?.name).toBe('blockNumber');
    expect(findTestCase('readBlockNumber')?.name).toBe('blockNumber');
    expect(parseTestCaseSpec('blockNumber:2')).toEqual([{ testCase: findTestCase('blockNumber'), weight: 2 }]);
  });

  it('are found case-sensitively, like the Go tools', () => {
    expect(findTestCase('blocknumber')).toBeUndefined();
  });
});

describe('parseTestCaseSpec', () => {
  it('reads names with optional weights (default 1), in order', () => {
    expect(parse('alpha:3,beta:1')).toEqual([
      ['alpha', 3],
      ['beta', 1],
    ]);
    expect(parse('beta,alpha')).toEqual([
      ['beta', 1],
      ['alpha', 1],
    ]);
    expect(parse(' alpha : 12 , beta ')).toEqual([
      ['alpha', 12],
      ['beta', 1],
    ]);
  });

  it('accepts an alias and records the test case under its name', () => {
    expect(parse('oldAlpha:2')).toEqual([['alpha', 2]]);
  });

  it('names the available test cases when a name is unknown', () => {
    expect(() => parse('alpha,gamma')).toThrow('--tc: unknown test case "gamma"; available: alpha, beta');
    expect(() => parse('Alpha')).toThrow(/unknown test case "Alpha"/);
  });

  it.each(['0', '-1', '1.5', 'x', '', '1e3', '01', '99999999999999999999'])('rejects the weight "%s" with the accepted format', (w) => {
    expect(() => parse(`alpha:${w}`)).toThrow(/^--tc: bad weight .* integer weight >= 1/);
  });

  it.each([
    ['alpha,,beta', /^--tc: empty entry/],
    ['alpha,', /^--tc: empty entry/],
    ['', /^--tc: no test case given; available: alpha, beta$/],
    ['alpha:1:2', /^--tc: bad entry "alpha:1:2"/],
    [':3', /^--tc: bad entry ":3"/],
    ['alpha,beta,alpha:2', /^--tc: alpha is listed twice$/],
    ['alpha,oldAlpha', /^--tc: alpha is listed twice \(as its alias oldAlpha\)$/],
  ])('rejects "%s" with one line naming --tc', (spec, message) => {
    let error: Error | undefined;
    try {
      parse(spec);
    } catch (err) {
      error = err as Error;
    }
    expect(error?.message).toMatch(message);
    expect(error?.message).not.toContain('\n');
  });
});
