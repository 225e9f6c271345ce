/** The report flags' validation and the exceptions CSV's shape (quoting as Python's csv module). */
import { describe, expect, it } from 'vitest';

import { flagDefaults } from '../../src/cli/flags.js';
import { parseOptions } from '../../src/cli/options.js';
import { renderExceptionsCsv } from '../../src/stats/csv.js';
import { UsageError } from '../../src/util/errors.js';
import { builtInTestCases } from '../../testcases/registry.js';

const parse = (extra: Record<string, string | boolean>) =>
  parseOptions({ ...flagDefaults('run'), tc: 'blockNumber', standalone: true, ...extra }, builtInTestCases, {});

describe('--csv-full-history and --html', () => {
  it('--csv-full-history needs --csv', () => {
    expect(() => parse({ csvFullHistory: true })).toThrow(UsageError);
    expect(() => parse({ csvFullHistory: true })).toThrow(/^--csv-full-history applies only with --csv/);
    expect(parse({ csvFullHistory: true, csv: 'out/run' }).csvFullHistory).toBe(true);
    expect(parse({ csv: 'out/run' }).csvFullHistory).toBe(false);
  });

  it('--html takes a path, with or without a master', () => {
    expect(() => parse({ html: ' ' })).toThrow(/^--html: expected a path/);
    expect(parse({ html: 'r.html' }).htmlFile).toBe('r.html');
    expect(parse({}).htmlFile).toBeNull();
    expect(parseOptions({ ...flagDefaults('run'), tc: 'blockNumber', html: 'w.html' }, builtInTestCases, {}).htmlFile).toBe('w.html');
  });
});

describe('the exceptions CSV', () => {
  it("is Locust's header, then count, message, traceback and nodes, quoted only where needed", () => {
    expect(renderExceptionsCsv([])).toBe('Count,Message,Traceback,Nodes\r\n');
    const text = renderExceptionsCsv([{ count: 3, message: 'deploy: reverted, "x"', traceback: '', nodes: ['a', 'b'] }]);
    expect(text).toBe('Count,Message,Traceback,Nodes\r\n3,"deploy: reverted, ""x""",,"a, b"\r\n');
  });
});
