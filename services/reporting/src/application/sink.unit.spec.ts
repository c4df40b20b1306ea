import { describe, expect, it } from 'vitest';
import { BatchingSink } from './sink.ts';

const recorder = (fail = false) => {
  const inserts: number[][] = [];
  return { inserts, write: async (rows: readonly number[]) => { if (fail) throw new Error('ClickHouse is away'); inserts.push([...rows]); } };
};

describe('the batching sink', () => {
  it('writes what several partitions deliver together in one insert, and answers each once it is in', async () => {
    const target = recorder();
    const sink = new BatchingSink({ flushIntervalMs: 1000, maxRows: 1000, write: target.write });
    await Promise.all([sink.write([1, 2]), sink.write([3]), sink.write([4, 5])]);
    expect(target.inserts).toEqual([[1, 2, 3, 4, 5]]);
  });

  it('keeps to one insert per interval under steady load, and starts early when a large batch waits (a tenth of the most rows)', async () => {
    const target = recorder();
    const sink = new BatchingSink({ flushIntervalMs: 1000, maxRows: 40, write: target.write });
    await sink.write([1]);
    const started = Date.now();
    await sink.write([2]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    const fullStarted = Date.now();
    await Promise.all([sink.write([3, 4]), sink.write([5, 6])]);
    expect(Date.now() - fullStarted).toBeLessThan(800);
    expect(target.inserts).toEqual([[1], [2], [3, 4, 5, 6]]);
  });

  it('spaces its inserts at least twice as far apart as the last insert took, when that is longer than the interval', async () => {
    const inserts: { rows: number[]; at: number }[] = [];
    const slowWrite = async (rows: readonly number[]) => {
      inserts.push({ rows: [...rows], at: Date.now() });
      await new Promise((resolve) => setTimeout(resolve, 150));
    };
    const sink = new BatchingSink({ flushIntervalMs: 100, maxRows: 1000, write: slowWrite });
    await sink.write([1]);
    await sink.write([2]);
    // The first insert took 150 ms: the next starts no sooner than 300 ms after it, not 100 ms.
    expect(inserts.map((i) => i.rows)).toEqual([[1], [2]]);
    expect(inserts[1]!.at - inserts[0]!.at).toBeGreaterThanOrEqual(290);
  });

  it('writes a backlog back to back: a large batch does not wait for the gap a slow insert set', async () => {
    const inserts: { rows: number; at: number }[] = [];
    const slowWrite = async (rows: readonly number[]) => {
      inserts.push({ rows: rows.length, at: Date.now() });
      await new Promise((resolve) => setTimeout(resolve, 150));
    };
    const sink = new BatchingSink({ flushIntervalMs: 1000, maxRows: 100, write: slowWrite });
    const large = () => Array.from({ length: 10 }, (_, i) => i);
    await sink.write(large());
    await sink.write(large());
    await sink.write([1]);
    // The second large batch starts as soon as the first insert ends (150 ms), not after the 1 s interval;
    // the small one after it waits for its gap.
    expect(inserts.map((i) => i.rows)).toEqual([10, 10, 1]);
    expect(inserts[1]!.at - inserts[0]!.at).toBeLessThan(600);
    expect(inserts[2]!.at - inserts[1]!.at).toBeGreaterThanOrEqual(900);
  });

  it('rejects every waiting batch when the insert fails, so none is committed', async () => {
    const sink = new BatchingSink({ flushIntervalMs: 100, maxRows: 100, write: recorder(true).write });
    const results = await Promise.allSettled([sink.write([1]), sink.write([2])]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
  });

  it("fails only the batch holding a row the insert cannot take, when several batches were written together", async () => {
    const inserts: number[][] = [];
    const sink = new BatchingSink({
      flushIntervalMs: 100,
      maxRows: 100,
      write: async (rows: readonly number[]) => {
        if (rows.includes(13)) throw new Error('Cannot parse input');
        inserts.push([...rows]);
      },
    });
    const results = await Promise.allSettled([sink.write([1, 2]), sink.write([13]), sink.write([4])]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(inserts).toEqual([[1, 2], [4]]);
  });
});
