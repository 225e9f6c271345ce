import { spawnSync } from 'node:child_process';

import { decode, encode as referenceEncode } from '@msgpack/msgpack';
import { describe, expect, it } from 'vitest';

import { decodeMessage, encodeMessage, MalformedMessageError } from '../../src/locust/codec.js';
import { encodeMsgpack } from '../../src/locust/msgpack-encoder.js';
import type { StatsReport, WireStatsEntry } from '../../src/stats/types.js';
import { probeCommand, requireOrSkip } from '../support/require-tool.js';

const roundTrip = (value: unknown): unknown => decode(encodeMsgpack(value));

/** [value, first byte, total encoded length]: the smallest format msgpack-python would pick. */
const INT_CASES: Array<[number, number, number]> = [
  [0, 0x00, 1],
  [127, 0x7f, 1],
  [128, 0xcc, 2],
  [255, 0xcc, 2],
  [256, 0xcd, 3],
  [65535, 0xcd, 3],
  [65536, 0xce, 5],
  [2 ** 32 - 1, 0xce, 5],
  [2 ** 32, 0xcf, 9],
  [1_700_000_003, 0xce, 5], // an epoch second, the keys of num_reqs_per_sec
  [Number.MAX_SAFE_INTEGER, 0xcf, 9],
  [-1, 0xff, 1],
  [-32, 0xe0, 1],
  [-33, 0xd0, 2],
  [-128, 0xd0, 2],
  [-129, 0xd1, 3],
  [-32768, 0xd1, 3],
  [-32769, 0xd2, 5],
  [-(2 ** 31), 0xd2, 5],
  [-(2 ** 31) - 1, 0xd3, 9],
  [-(2 ** 32) - 1, 0xd3, 9],
  [Number.MIN_SAFE_INTEGER, 0xd3, 9],
];

describe('msgpack encoder', () => {
  it.each(INT_CASES)('writes the integer %d in its smallest format', (value, firstByte, length) => {
    const bytes = encodeMsgpack(value);
    expect(bytes[0]).toBe(firstByte);
    expect(bytes.length).toBe(length);
    expect(decode(bytes)).toBe(value);
  });

  it.each([1.5, -0.25, 0.1, 1e300, -1e-300, 1_700_000_003.257, 2 ** 53, Infinity, -Infinity, NaN])('writes the non-safe-integer %d as float64', (value) => {
    const bytes = encodeMsgpack(value);
    expect(bytes[0]).toBe(0xcb);
    expect(bytes.length).toBe(9);
    expect(decode(bytes)).toEqual(value);
  });

  it('writes nil, booleans and undefined like @msgpack/msgpack', () => {
    expect([...encodeMsgpack(null)]).toEqual([0xc0]);
    expect([...encodeMsgpack(undefined)]).toEqual([0xc0]);
    expect([...encodeMsgpack(true)]).toEqual([0xc3]);
    expect([...encodeMsgpack(false)]).toEqual([0xc2]);
    expect(roundTrip({ a: undefined, b: [undefined, 1] })).toEqual({ a: null, b: [null, 1] });
  });

  it.each([
    [0, 0xa0, 1],
    [31, 0xbf, 1],
    [32, 0xd9, 2],
    [255, 0xd9, 2],
    [256, 0xda, 3],
    [65535, 0xda, 3],
    [65536, 0xdb, 5],
  ])('writes an ASCII string of %d bytes with first byte %i', (size, firstByte, headerLength) => {
    const text = 'abcdefghij'.repeat(7000).slice(0, size);
    const bytes = encodeMsgpack(text);
    expect(bytes[0]).toBe(firstByte);
    expect(bytes.length).toBe(headerLength + size);
    expect(decode(bytes)).toBe(text);
  });

  it('sizes string headers by UTF-8 bytes, not by characters', () => {
    const sixteenTwoByteChars = 'é'.repeat(16); // 32 bytes: one past fixstr
    expect(encodeMsgpack(sixteenTwoByteChars)[0]).toBe(0xd9);
    expect(encodeMsgpack('é'.repeat(15) + 'a')[0]).toBe(0xa0 | 31);
    for (const text of ['€uro', 'gas ⛽ 🚀 done', '日本語のテキスト', 'x'.repeat(150) + '🚀'.repeat(100) + 'ü'.repeat(300)]) {
      const bytes = encodeMsgpack(text);
      expect(decode(bytes)).toBe(text);
      const payload = bytes.subarray(bytes.length - Buffer.byteLength(text));
      expect(Buffer.from(payload).equals(Buffer.from(text, 'utf8'))).toBe(true);
    }
  });

  it('writes lone surrogates as U+FFFD so a strict UTF-8 decoder accepts them', () => {
    for (const text of ['a\ud800b', 'end\udbff', '\udc00start', 'x'.repeat(300) + '\ud800']) {
      const bytes = encodeMsgpack(text);
      expect(decode(bytes)).toBe(text.replace(/[\ud800-\udfff]/g, '\ufffd'));
    }
  });

  it.each([
    [0, 0xc4, 2],
    [255, 0xc4, 2],
    [256, 0xc5, 3],
    [65535, 0xc5, 3],
    [65536, 0xc6, 5],
  ])('writes a Uint8Array of %d bytes as bin (first byte %i)', (size, firstByte, headerLength) => {
    const data = Uint8Array.from({ length: size }, (_, i) => (i * 7) & 0xff);
    const bytes = encodeMsgpack(data);
    expect(bytes[0]).toBe(firstByte);
    expect(bytes.length).toBe(headerLength + size);
    expect(decode(bytes)).toEqual(data);
  });

  it.each([
    [15, 0x9f],
    [16, 0xdc],
    [65535, 0xdc],
    [65536, 0xdd],
  ])('writes an array of %d elements with first byte %i', (size, firstByte) => {
    const array = Array.from({ length: size }, (_, i) => i - 100);
    const bytes = encodeMsgpack(array);
    expect(bytes[0]).toBe(firstByte);
    expect(decode(bytes)).toEqual(array);
  });

  it.each([
    [15, 0x8f],
    [16, 0xde],
    [65535, 0xde],
    [65536, 0xdf],
  ])('writes a Map and a plain object of %d entries with first byte %i', (size, firstByte) => {
    const map = new Map(Array.from({ length: size }, (_, i) => [i * 3, i] as [number, number]));
    const object = Object.fromEntries(Array.from({ length: size }, (_, i) => [`k${i}`, i]));
    const mapBytes = encodeMsgpack(map);
    expect(mapBytes[0]).toBe(firstByte);
    // @msgpack/msgpack turns int keys into object property names; the Python test checks the type.
    expect(decode(mapBytes)).toEqual(Object.fromEntries([...map].map(([k, v]) => [String(k), v])));
    const objectBytes = encodeMsgpack(object);
    expect(objectBytes[0]).toBe(firstByte);
    expect(decode(objectBytes)).toEqual(object);
  });

  it('writes Map keys by their own type: number keys become msgpack ints', () => {
    expect([...encodeMsgpack(new Map([[150, 3]]))]).toEqual([0x81, 0xcc, 0x96, 0x03]);
    expect([...encodeMsgpack(new Map([[-5, 1]]))]).toEqual([0x81, 0xfb, 0x01]);
    expect([...encodeMsgpack(new Map([['a', null]]))]).toEqual([0x81, 0xa1, 0x61, 0xc0]);
    expect([...encodeMsgpack({ 150: 3 })]).toEqual([0x81, 0xa3, 0x31, 0x35, 0x30, 0x03]);
  });

  it('produces the same bytes as @msgpack/msgpack for everything that library can express', () => {
    const values: unknown[] = [
      ...INT_CASES.map(([value]) => value),
      1.5,
      'x'.repeat(300),
      '🚀 ünïcode',
      { nested: { list: [1, -1, 2.5, 'a', null, true, { deep: [] }] }, empty: {}, bin: new Uint8Array([1, 2, 3]) },
      Array.from({ length: 70000 }, (_, i) => (i % 2 ? i : `s${i}`)),
      Object.create(null) as object,
    ];
    for (const value of values) {
      expect(Buffer.from(encodeMsgpack(value)).equals(Buffer.from(referenceEncode(value)))).toBe(true);
    }
  });

  it('refuses values the master could not read, with a clear TypeError', () => {
    const cyclic: unknown[] = [];
    cyclic.push(cyclic);
    const refused: Array<[unknown, RegExp]> = [
      [new Date(0), /cannot encode a Date \(send epoch seconds as a number/],
      [10n, /cannot encode a bigint/],
      [() => 1, /cannot encode a function/],
      [Symbol('s'), /cannot encode a symbol/],
      [new Set([1]), /cannot encode a Set/],
      [new Float32Array(2), /cannot encode a Float32Array/],
      [{ when: { at: new Date(0) } }, /cannot encode a Date/],
      [new Map([[1n, 1]]), /cannot encode a bigint/],
      [cyclic, /nesting deeper than 64 levels/],
    ];
    for (const [value, message] of refused) {
      expect(() => encodeMsgpack(value)).toThrow(TypeError);
      expect(() => encodeMsgpack(value)).toThrow(message);
    }
  });

  it('grows its buffer across many values without corrupting earlier bytes', () => {
    const histogram = new Map<number, number>();
    for (let ms = 0; ms < 5000; ms++) histogram.set(ms * 10, ms % 300);
    const value = { before: 'start', histogram, after: 'x'.repeat(1000) };
    const decoded = decode(encodeMsgpack(value)) as Record<string, unknown>;
    expect(decoded['before']).toBe('start');
    expect(decoded['after']).toBe(value.after);
    expect(decoded['histogram']).toEqual(Object.fromEntries([...histogram].map(([k, v]) => [String(k), v])));
  });
});

describe('message envelope', () => {
  it('round-trips [type, data, node_id]', () => {
    const data = { state: 'ready', current_cpu_usage: 1.5, current_memory_usage: 1024 };
    const bytes = encodeMessage('heartbeat', data, 'host_abc');
    expect(bytes[0]).toBe(0x93);
    expect(decodeMessage(bytes)).toEqual({ type: 'heartbeat', data, nodeId: 'host_abc' });
    expect(decodeMessage(encodeMessage('client_ready', -1, 'h_1'))).toEqual({ type: 'client_ready', data: -1, nodeId: 'h_1' });
  });

  it('accepts a nil node_id (Locust 0.9 masters)', () => {
    expect(decodeMessage(referenceEncode(['quit', null, null]))).toEqual({ type: 'quit', data: null, nodeId: null });
  });

  const malformed: Array<[string, Uint8Array, RegExp]> = [
    ['a map envelope', referenceEncode({ type: 'ack', data: null, node_id: 'x' }), /^not a 3-element array: the envelope is a map$/],
    ['a 2-element array', referenceEncode(['ack', null]), /^not a 3-element array: the envelope has 2 elements$/],
    ['a 4-element array', referenceEncode(['ack', null, 'x', 1]), /^not a 3-element array: the envelope has 4 elements$/],
    ['a bare string', referenceEncode('ack'), /^not a 3-element array: the envelope is a string$/],
    ['a binary type', referenceEncode([new Uint8Array([0x61]), null, 'x']), /^type is not a string: it is binary$/],
    ['an int node_id', referenceEncode(['ack', null, 5]), /^node_id is neither a string nor nil: it is a number$/],
    ['trailing bytes', Buffer.concat([referenceEncode(['ack', null, 'x']), Buffer.from([0xc0])]), /^msgpack decode failed: Extra 1 of/],
    ['no bytes', new Uint8Array(0), /^msgpack decode failed: /],
    ['a truncated message', referenceEncode(['ack', { index: 1 }, 'x']).subarray(0, 8), /^msgpack decode failed: /],
    ['an array claiming 2^32-1 elements', Uint8Array.from([0xdd, 0xff, 0xff, 0xff, 0xff, 0xc0]), /^msgpack decode failed: .*array length/],
    ['a map claiming 2^32-1 entries', Uint8Array.from([0xdf, 0xff, 0xff, 0xff, 0xff]), /^msgpack decode failed: .*map length/],
    ['a string claiming 4 GiB', Uint8Array.from([0x93, 0xdb, 0xff, 0xff, 0xff, 0xff, 0x61]), /^msgpack decode failed: /],
    ['a bin claiming 4 GiB', Uint8Array.from([0x93, 0xc6, 0xff, 0xff, 0xff, 0xff]), /^msgpack decode failed: /],
    ['a reserved byte', Uint8Array.from([0x93, 0xc1, 0xc0, 0xc0]), /^msgpack decode failed: /],
    ['a __proto__ key', Uint8Array.from([0x93, 0xa1, 0x61, 0x81, 0xa9, ...Buffer.from('__proto__'), 0x01, 0xc0]), /^msgpack decode failed: /],
  ];

  it.each(malformed)('rejects %s with a one-line MalformedMessageError', (_what, bytes, message) => {
    let caught: unknown;
    try {
      decodeMessage(bytes);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(MalformedMessageError);
    expect((caught as Error).message).toMatch(message);
    expect((caught as Error).message).not.toContain('\n');
  });

  it('throws only MalformedMessageError for every truncation and for random bytes', () => {
    const valid = encodeMessage('stats', statsReportFixture(), 'host_abc');
    const inputs: Uint8Array[] = [];
    for (let end = 0; end < valid.length; end++) inputs.push(valid.subarray(0, end));
    let seed = 42;
    const random = (): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed & 0xff;
    };
    for (let i = 0; i < 3000; i++) {
      const bytes = Uint8Array.from({ length: 1 + (random() % 40) }, random);
      bytes[0] = i % 2 ? 0x93 : bytes[0]!; // half of them start like an envelope
      inputs.push(bytes);
    }
    inputs.push(new Uint8Array(200_000).fill(0x91)); // deeply nested arrays
    const deadline = Date.now() + 20_000;
    for (const bytes of inputs) {
      try {
        decodeMessage(bytes);
      } catch (err) {
        expect(err).toBeInstanceOf(MalformedMessageError);
      }
    }
    expect(Date.now()).toBeLessThan(deadline);
  });
});

// ---- Interoperability with the Python side (msgpack-python 1.0.3, exactly as Locust uses it) ----

const PYTHON = '/usr/bin/python3';

const PYTHON_DECODE = `
import json, sys, msgpack
def typed(x):
    if isinstance(x, bool): return ["bool", x]
    if isinstance(x, int): return ["int", x]
    if isinstance(x, float): return ["float", x]
    if isinstance(x, str): return ["str", x]
    if isinstance(x, bytes): return ["bytes", x.hex()]
    if x is None: return ["nil"]
    if isinstance(x, (list, tuple)): return ["list", [typed(i) for i in x]]
    if isinstance(x, dict): return ["map", [[typed(k), typed(v)] for k, v in x.items()]]
    return ["other", type(x).__name__]
out = []
for h in json.load(sys.stdin):
    # The master's receive path: rpc/protocol.py Message.unserialize
    msg = msgpack.loads(bytes.fromhex(h), raw=False, strict_map_key=False)
    out.append(typed(msg))
print(json.dumps(out))
`;

const PYTHON_ENCODE = `
import sys, msgpack
spawn = {
    "timestamp": 1700000123.456789,
    "user_classes_count": {"TsUser": 7, "Idle": 0},
    "host": None,
    "stop_timeout": None,
    "parsed_options": {"num_users": 10, "spawn_rate": 2.0, "run_time": 20, "headless": True,
                       "tags": None, "exclude_tags": None, "expect_workers": 1,
                       "master_host": "127.0.0.1", "reset_stats": False},
}
# The master's send path: msgpack.dumps((type, data, node_id)) with default options
for msg in (("spawn", spawn, "host_abc"), ("ack", {"index": 3}, "host_abc"), ("quit", None, "host_abc")):
    print(msgpack.dumps(msg).hex())
`;

type Typed = [string, ...unknown[]];

/** What msgpack-python should hand the master for a JS value, by our encoding rules. */
function expectedTyped(value: unknown): Typed {
  if (value === null || value === undefined) return ['nil'];
  if (typeof value === 'boolean') return ['bool', value];
  if (typeof value === 'number') return [Number.isSafeInteger(value) ? 'int' : 'float', value];
  if (typeof value === 'string') return ['str', value];
  if (Array.isArray(value)) return ['list', value.map(expectedTyped)];
  if (value instanceof Map) return ['map', [...value].map(([k, v]) => [expectedTyped(k), expectedTyped(v)])];
  return ['map', Object.entries(value).map(([k, v]) => [['str', k], expectedTyped(v)])];
}

function pythonAvailability() {
  const probe = probeCommand(PYTHON, ['-c', 'import msgpack; print(".".join(map(str, msgpack.version)))']);
  return { ok: probe.ok, reason: probe.ok ? '' : `Python msgpack is unavailable (${probe.reason})` };
}

function runPython(script: string, input: string): string {
  const run = spawnSync(PYTHON, ['-c', script], { input, encoding: 'utf8', timeout: 30_000 });
  if (run.error || run.status !== 0) {
    throw new Error(`python failed (${run.error?.message ?? `exit ${run.status ?? run.signal}`}): ${run.stderr}`);
  }
  return run.stdout;
}

function entry(name: string, method: string, overrides: Partial<WireStatsEntry> = {}): WireStatsEntry {
  const histogram = new Map<number, number>();
  for (let i = 0; i < 300; i++) histogram.set(i < 100 ? i : i * 10, 1 + (i % 4)); // map16: > 15 keys
  histogram.set(59000, 1);
  return {
    name,
    method,
    start_time: 1700000000.512,
    last_request_timestamp: 1700000002.987654,
    num_requests: 812,
    num_none_requests: 0,
    num_failures: 2,
    total_response_time: 40312.75,
    max_response_time: 59000,
    min_response_time: 0.61,
    total_content_length: 123456,
    response_times: histogram,
    num_reqs_per_sec: new Map([
      [1700000000, 200],
      [1700000001, 300],
      [1700000002, 312],
    ]),
    num_fail_per_sec: new Map([[1700000001, 2]]),
    ...overrides,
  };
}

function statsReportFixture(): StatsReport & { user_classes_count: Record<string, number>; user_count: number } {
  return {
    stats: [entry('eth_blockNumber', 'rpc'), entry('transfer ünïcode 🚀', 'tx', { num_failures: 0, num_fail_per_sec: new Map() })],
    stats_total: entry('Aggregated', '', {
      last_request_timestamp: null,
      min_response_time: null,
      num_requests: 0,
      num_failures: 0,
      max_response_time: 0,
      response_times: new Map(),
      num_reqs_per_sec: new Map(),
      num_fail_per_sec: new Map(),
    }),
    errors: {
      '3f0c1e2d': { name: 'eth_blockNumber', method: 'rpc', error: "RpcError('nonce too low')", occurrences: 2 },
    },
    user_classes_count: { TsUser: 5 },
    user_count: 5,
  };
}

describe('Python interoperability', () => {
  const python = pythonAvailability();

  it('Locust (msgpack-python) reads our stats and heartbeat messages with int keys', (ctx) => {
    requireOrSkip(ctx, python.ok, python.reason);
    const stats = statsReportFixture();
    const heartbeat = { state: 'ready', current_cpu_usage: 12.5, current_memory_usage: 52_428_800 };
    const messages: Array<[string, unknown, string]> = [
      ['stats', stats, 'host_abc'],
      ['heartbeat', heartbeat, 'host_abc'],
      ['client_ready', -1, 'host_abc'],
    ];
    const hex = messages.map(([type, data, id]) => Buffer.from(encodeMessage(type, data, id)).toString('hex'));
    const decoded = JSON.parse(runPython(PYTHON_DECODE, JSON.stringify(hex))) as Typed[];

    expect(decoded).toEqual(messages.map(expectedTyped));

    // The facts the master depends on, spelled out (docs/locust-protocol.md §2.4).
    const field = (map: Typed, key: string): Typed => {
      const pair = (map[1] as Array<[Typed, Typed]>).find(([k]) => k[0] === 'str' && k[1] === key);
      if (!pair) throw new Error(`no key ${key}`);
      return pair[1];
    };
    const statsData = (decoded[0]![1] as Typed[])[1]!;
    const firstEntry = (field(statsData, 'stats')[1] as Typed[])[0]!;
    for (const name of ['response_times', 'num_reqs_per_sec', 'num_fail_per_sec']) {
      const pairs = field(firstEntry, name)[1] as Array<[Typed, Typed]>;
      expect(pairs.length).toBeGreaterThan(0);
      for (const [key, value] of pairs) {
        expect(key[0]).toBe('int');
        expect(value[0]).toBe('int');
      }
    }
    expect((field(firstEntry, 'response_times')[1] as Array<[Typed, Typed]>).length).toBe(301);
    expect(field(firstEntry, 'num_reqs_per_sec')[1]).toContainEqual([
      ['int', 1700000002],
      ['int', 312],
    ]);
    expect(field(firstEntry, 'start_time')).toEqual(['float', 1700000000.512]);
    expect(field(firstEntry, 'last_request_timestamp')).toEqual(['float', 1700000002.987654]);
    expect(field(firstEntry, 'name')).toEqual(['str', 'eth_blockNumber']);
    const total = field(statsData, 'stats_total');
    expect(field(total, 'min_response_time')).toEqual(['nil']);
    expect(field(total, 'response_times')).toEqual(['map', []]);
    const heartbeatData = (decoded[1]![1] as Typed[])[1]!;
    expect(field(heartbeatData, 'state')).toEqual(['str', 'ready']);
    expect(field(heartbeatData, 'current_cpu_usage')).toEqual(['float', 12.5]);
    expect(decoded[2]).toEqual([
      'list',
      [
        ['str', 'client_ready'],
        ['int', -1],
        ['str', 'host_abc'],
      ],
    ]);
  });

  it('decodes what the Locust 2.12.1 master sends (msgpack.dumps of a tuple)', (ctx) => {
    requireOrSkip(ctx, python.ok, python.reason);
    const lines = runPython(PYTHON_ENCODE, '').trim().split('\n');
    const [spawn, ack, quit] = lines.map((line) => decodeMessage(Buffer.from(line, 'hex')));
    expect(spawn).toEqual({
      type: 'spawn',
      nodeId: 'host_abc',
      data: {
        timestamp: 1700000123.456789,
        user_classes_count: { TsUser: 7, Idle: 0 },
        host: null,
        stop_timeout: null,
        parsed_options: {
          num_users: 10,
          spawn_rate: 2,
          run_time: 20,
          headless: true,
          tags: null,
          exclude_tags: null,
          expect_workers: 1,
          master_host: '127.0.0.1',
          reset_stats: false,
        },
      },
    });
    expect(ack).toEqual({ type: 'ack', data: { index: 3 }, nodeId: 'host_abc' });
    expect(quit).toEqual({ type: 'quit', data: null, nodeId: 'host_abc' });
  });
});
