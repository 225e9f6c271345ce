import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';

/** Locust's worker id format; the master groups workers by the part before the first `_`. */
export function makeNodeId(): string {
  return `${hostname()}_${randomUUID().replaceAll('-', '')}`;
}
