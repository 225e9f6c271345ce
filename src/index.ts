/**
 * klayworker as a library: what you need to write your own test cases in TypeScript or
 * JavaScript and run them with `klayworker --tc-module ./my-tasks.js --tc myTestCase`.
 */
import type { TestCase } from './api/test-case.js';

export type { PreparedTestCase, TestCase, TestCaseContext } from './api/test-case.js';
export type { JsonRpcClient } from './rpc/json-rpc.js';
export { RpcError } from './rpc/rpc-error.js';
export type { User } from './runner/task.js';
export { timedCall } from './runner/timed-call.js';
export type { Recorder } from './stats/recorder.js';

/** A test case as you write it: aliases and description may be left out. */
export interface TestCaseDefinition {
  name: string;
  aliases?: readonly string[];
  description?: string;
  setup: TestCase['setup'];
}

/** Checks a definition and fills in the optional parts; throws on a definition that cannot work. */
export function defineTestCase(definition: TestCaseDefinition): TestCase {
  const { name, aliases = [], description = '', setup } = definition;
  if (typeof name !== 'string' || !/^[A-Za-z][\w.-]*$/.test(name)) {
    throw new TypeError(`a test case name must start with a letter and hold only letters, digits, _ . -, got ${JSON.stringify(name)}`);
  }
  if (typeof setup !== 'function') throw new TypeError(`test case ${name}: setup must be a function`);
  return { name, aliases: [...aliases], description, setup };
}
