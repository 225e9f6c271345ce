import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { pythonFloat, renderFailuresCsv, renderStatsCsv, STATS_CSV_HEADER, writeCsvFiles } from '../../src/stats/csv.js';
import { RequestStats } from '../../src/stats/request-stats.js';

/** A small RFC 4180 reader, enough to read back what a user's script would. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += ch;
  }
  return rows;
}

function column(header: readonly string[], row: readonly string[], name: string): string {
  const i = header.indexOf(name);
  if (i < 0) throw new Error(`no column ${name}`);
  return row[i] ?? '';
}

function sampleStats() {
  const start = 1_700_000_000_000;
  let now = start;
  const stats = new RequestStats({ now: () => now });
  const times = [12.5, 20.25, 31, 147.3, 88];
  times.forEach((ms, i) => {
    now = start + 1000 + i * 1000;
    stats.success('rpc', 'get, "balance"', ms, 200 + i);
  });
  now = start + 6000;
  stats.failure('rpc', 'send', 40.5, 'execution reverted: "no", sir');
  now = start + 10_000;
  stats.failure('rpc', 'send', 60, 'timeout');
  return { stats, times, spanS: 10 };
}

describe('stats CSV (Locust 2.12.1 layout)', () => {
  it("has Locust's header and CRLF line ends", () => {
    const text = renderStatsCsv(new RequestStats({ now: () => 0 }).snapshot());
    expect(text.split('\r\n')[0]).toBe(
      'Type,Name,Request Count,Failure Count,Median Response Time,Average Response Time,' +
        'Min Response Time,Max Response Time,Average Content Size,Requests/s,Failures/s,' +
        '50%,66%,75%,80%,90%,95%,98%,99%,99.9%,99.99%,100%',
    );
    expect(text.endsWith('\r\n')).toBe(true);
  });

  it('writes one row per entry then Aggregated, and the numbers read back', () => {
    const { stats, times, spanS } = sampleStats();
    const rows = parseCsv(renderStatsCsv(stats.snapshot()));
    const [header = [], ...data] = rows;
    expect(header).toEqual([...STATS_CSV_HEADER]);
    expect(data.map((r) => r[1])).toEqual(['get, "balance"', 'send', 'Aggregated']);

    const get = data[0] ?? [];
    expect(column(header, get, 'Type')).toBe('rpc');
    expect(Number(column(header, get, 'Request Count'))).toBe(5);
    expect(Number(column(header, get, 'Failure Count'))).toBe(0);
    const avg = times.reduce((a, b) => a + b, 0) / times.length;
    expect(Number(column(header, get, 'Average Response Time'))).toBe(avg);
    expect(Number(column(header, get, 'Min Response Time'))).toBe(12.5);
    expect(Number(column(header, get, 'Max Response Time'))).toBe(147.3);
    expect(Number(column(header, get, 'Average Content Size'))).toBe(202);
    // Sorted times 12.5, 20.25, 31, 88, 147.3: the middle one is the 31 ms bucket.
    expect(Number(column(header, get, 'Median Response Time'))).toBe(31);
    expect(Number(column(header, get, 'Requests/s'))).toBe(5 / spanS);
    expect(Number(column(header, get, '100%'))).toBe(150);
    expect(Number(column(header, get, '50%'))).toBe(31);

    const total = data[2] ?? [];
    expect(column(header, total, 'Type')).toBe('');
    expect(Number(column(header, total, 'Request Count'))).toBe(7);
    expect(Number(column(header, total, 'Failure Count'))).toBe(2);
    expect(Number(column(header, total, 'Failures/s'))).toBe(2 / spanS);
  });

  it('prints floats the way Python does and N/A percentiles for an empty row', () => {
    const text = renderStatsCsv(new RequestStats({ now: () => 5_000 }).snapshot());
    const aggregated = text.split('\r\n')[1];
    expect(aggregated).toBe(',Aggregated,0,0,0,0.0,0,0,0,0.0,0.0,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A');
  });

  it("writes failures with Locust's columns, quoting what needs it", () => {
    const { stats } = sampleStats();
    const rows = parseCsv(renderFailuresCsv(stats.snapshot().errors));
    expect(rows[0]).toEqual(['Method', 'Name', 'Error', 'Occurrences']);
    expect(rows.slice(1).sort((a, b) => (a[2] ?? '').localeCompare(b[2] ?? ''))).toEqual([
      ['rpc', 'send', 'execution reverted: "no", sir', '1'],
      ['rpc', 'send', 'timeout', '1'],
    ]);
  });

  it('writes <prefix>_stats.csv and <prefix>_failures.csv', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'klayworker-csv-'));
    try {
      const { stats } = sampleStats();
      const snap = stats.snapshot();
      await writeCsvFiles(join(dir, 'run'), snap);
      expect(await readFile(join(dir, 'run_stats.csv'), 'utf8')).toBe(renderStatsCsv(snap));
      expect(await readFile(join(dir, 'run_failures.csv'), 'utf8')).toBe(renderFailuresCsv(snap.errors));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('pythonFloat', () => {
  it('matches Python repr() on the usual shapes', () => {
    expect(pythonFloat(0)).toBe('0.0');
    expect(pythonFloat(12)).toBe('12.0');
    expect(pythonFloat(0.1 + 0.2)).toBe('0.30000000000000004');
    expect(pythonFloat(0.0001)).toBe('0.0001');
    expect(pythonFloat(0.00001)).toBe('1e-05');
    expect(pythonFloat(1.5e-7)).toBe('1.5e-07');
    expect(pythonFloat(1e15)).toBe('1000000000000000.0');
    expect(pythonFloat(1e16)).toBe('1e+16');
    expect(pythonFloat(1.2345e22)).toBe('1.2345e+22');
    expect(pythonFloat(-2.5)).toBe('-2.5');
  });
});
