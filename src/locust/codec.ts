/**
 * The Locust wire envelope: every message, both ways, is the msgpack array
 * `[type, data, node_id]` (docs/locust-protocol.md §2.3). Outgoing bytes come from our own
 * encoder (int map keys); incoming bytes are decoded by @msgpack/msgpack.
 */
import { decode } from '@msgpack/msgpack';

import { KlayworkerError } from '../util/errors.js';
import { encodeMsgpack } from './msgpack-encoder.js';

/** Incoming bytes that are not a valid `[type, data, node_id]` envelope. */
export class MalformedMessageError extends KlayworkerError {
  override readonly name = 'MalformedMessageError';
}

export interface DecodedMessage {
  type: string;
  data: unknown;
  /** Locust 0.9 masters send nil here. */
  nodeId: string | null;
}

export function encodeMessage(type: string, data: unknown, nodeId: string): Uint8Array {
  return encodeMsgpack([type, data, nodeId]);
}

/** Throws MalformedMessageError, and nothing else, for anything but a valid envelope. */
export function decodeMessage(bytes: Uint8Array): DecodedMessage {
  let envelope: unknown;
  try {
    envelope = decode(bytes, lengthLimits(bytes.byteLength));
  } catch (err) {
    throw new MalformedMessageError(`msgpack decode failed: ${oneLine(err)}`);
  }
  if (!Array.isArray(envelope)) {
    throw new MalformedMessageError(`not a 3-element array: the envelope is ${describe(envelope)}`);
  }
  if (envelope.length !== 3) {
    throw new MalformedMessageError(`not a 3-element array: the envelope has ${envelope.length} elements`);
  }
  const [type, data, nodeId] = envelope as [unknown, unknown, unknown];
  if (typeof type !== 'string') {
    throw new MalformedMessageError(`type is not a string: it is ${describe(type)}`);
  }
  if (nodeId !== null && typeof nodeId !== 'string') {
    throw new MalformedMessageError(`node_id is neither a string nor nil: it is ${describe(nodeId)}`);
  }
  return { type, data, nodeId };
}

/**
 * Every element takes at least one byte, so no honest length can exceed the input size. Passing
 * that bound stops a forged header (say an array of 2^32-1) from allocating before failing.
 */
function lengthLimits(size: number) {
  return {
    maxStrLength: size,
    maxBinLength: size,
    maxExtLength: size,
    maxArrayLength: size,
    maxMapLength: Math.floor(size / 2),
  };
}

function describe(value: unknown): string {
  if (value === null) return 'nil';
  if (Array.isArray(value)) return 'an array';
  if (value instanceof Uint8Array) return 'binary';
  return typeof value === 'object' ? 'a map' : `a ${typeof value}`;
}

function oneLine(err: unknown): string {
  const text = err instanceof Error ? err.message : 'unknown error';
  return text.replace(/\s+/g, ' ').trim();
}
