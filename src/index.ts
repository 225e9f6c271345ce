/**
 * klayworker as a library: what you need to write your own test cases in TypeScript or
 * JavaScript and run them with `klayworker --tc-module ./my-tasks.js --tc myTestCase`.
 */
export { defineTestCase, type PreparedTestCase, type TestCase, type TestCaseContext, type TestCaseDefinition } from './api/test-case.js';
export type { JsonRpcClient } from './rpc/json-rpc.js';
export { RpcError } from './rpc/rpc-error.js';
export type { User } from './runner/task.js';
export { timedCall } from './runner/timed-call.js';
export type { Recorder } from './stats/recorder.js';
