import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { inspect } from 'node:util';

import { pino } from 'pino';
import { describe, expect, it } from 'vitest';

import { KEY_ENV, KeyError, loadRichKey, PrivateKey } from '../../src/chain/keys.js';

// A throwaway key, for this test only.
const KEY = '0x8f2a55949038a9610f50fb23b5883af3b4ecb3c3bb792cbcefbd1542c692be63';
const BARE = KEY.slice(2);

function tempFile(content: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'klayworker-keys-'));
  const file = join(dir, 'rich.key');
  writeFileSync(file, content, { mode: 0o600 });
  return file;
}

function errorOf(fn: () => unknown): Error {
  try {
    fn();
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected an error');
}

describe('loadRichKey', () => {
  it('reads a key file (trailing newline, no 0x) and names it as the origin', () => {
    const file = tempFile(`${BARE}\n`);
    const loaded = loadRichKey({ keyFile: file, env: {} });
    expect(loaded.key?.reveal()).toBe(KEY);
    expect(loaded.origin).toBe(`--key-file ${file}`);
    expect(loaded.warnings).toEqual([]);
  });

  it('warns when the key file is readable by group or others, naming the fix', () => {
    const file = tempFile(`${BARE}\n`);
    chmodSync(file, 0o644);
    const loaded = loadRichKey({ keyFile: file, env: {} });
    expect(loaded.key?.reveal()).toBe(KEY);
    expect(loaded.warnings).toEqual([`--key-file ${file} is readable by group or others (mode 0644); run chmod 600 ${file}`]);
    expect(loaded.warnings.join('')).not.toContain(BARE);
  });

  it(`reads ${KEY_ENV} when no flag is given`, () => {
    const loaded = loadRichKey({ env: { [KEY_ENV]: KEY.toUpperCase().replace('0X', '0x') } });
    expect(loaded.key?.reveal()).toBe(KEY);
    expect(loaded.origin).toBe(KEY_ENV);
    expect(loaded.warnings).toEqual([]);
  });

  it('prefers a flag over the environment', () => {
    const other = `0x${'11'.repeat(32)}`;
    expect(loadRichKey({ keyFile: tempFile(KEY), env: { [KEY_ENV]: other } }).key?.reveal()).toBe(KEY);
    expect(loadRichKey({ key: KEY, env: { [KEY_ENV]: other } }).key?.reveal()).toBe(KEY);
  });

  it('accepts --key but warns that the process list shows it', () => {
    const loaded = loadRichKey({ key: KEY, env: {} });
    expect(loaded.key?.reveal()).toBe(KEY);
    expect(loaded.warnings).toHaveLength(1);
    expect(loaded.warnings[0]).toMatch(/--key .*visible|other users.*\(ps\)/);
    expect(loaded.warnings[0]).not.toContain(BARE);
  });

  it('gives no key when there is none, and refuses two flags at once', () => {
    expect(loadRichKey({ env: {} })).toEqual({ key: null, origin: null, warnings: [] });
    expect(loadRichKey({ env: { [KEY_ENV]: '  ' } }).key).toBeNull();
    expect(() => loadRichKey({ key: KEY, keyFile: tempFile(KEY), env: {} })).toThrow(/--key-file or --key, not both/);
  });

  it.each([
    ['too short', BARE.slice(0, 62)],
    ['not hex', `${BARE.slice(0, 63)}g`],
    ['two keys on one line', `${BARE} ${BARE}`],
    ['zero', '0'.repeat(64)],
    ['above the curve order', 'f'.repeat(64)],
  ])('rejects a malformed key (%s) in one line that does not echo it', (_what, text) => {
    for (const [sources, origin] of [
      [{ key: text, env: {} }, '--key'],
      [{ env: { [KEY_ENV]: text } }, KEY_ENV],
      [{ keyFile: tempFile(text), env: {} }, '--key-file'],
    ] as const) {
      const err = errorOf(() => loadRichKey(sources));
      expect(err).toBeInstanceOf(KeyError);
      expect(err.message).toContain(origin);
      expect(err.message).not.toContain('\n');
      expect(err.message).not.toContain(text.slice(0, 16));
    }
  });

  it('says why a key file cannot be read, without its content', () => {
    expect(errorOf(() => loadRichKey({ keyFile: '/nonexistent/rich.key', env: {} })).message).toBe(
      '--key-file /nonexistent/rich.key: cannot read the key (no such file)',
    );
    const dir = mkdtempSync(join(tmpdir(), 'klayworker-keys-'));
    expect(errorOf(() => loadRichKey({ keyFile: dir, env: {} })).message).toMatch(/cannot read the key \(it is a directory\)$/);
    if (process.getuid?.() !== 0) {
      const locked = tempFile(KEY);
      chmodSync(locked, 0o000);
      expect(errorOf(() => loadRichKey({ keyFile: locked, env: {} })).message).toMatch(/cannot read the key \(permission denied\)$/);
    }
  });
});

describe('PrivateKey', () => {
  it('never renders its key: string, JSON, inspect, pino', () => {
    const key = PrivateKey.parse(KEY, 'test');
    const holder = { richKey: key, nested: { k: key } };
    const lines: string[] = [];
    const log = pino({ level: 'info' }, new Writable({ write: (chunk, _enc, done) => (lines.push(String(chunk)), done()) }));
    log.info(holder, `rich key ${key}`);
    for (const text of [String(key), `${key}`, JSON.stringify(holder), inspect(holder, { depth: 5 }), lines.join('')]) {
      expect(text).not.toContain(BARE);
      expect(text).toContain('[redacted private key]');
    }
  });
});
