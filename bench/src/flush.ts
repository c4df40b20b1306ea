// Reporting's cost per flush under live traffic (issue 5's wallboard at 20 calls/s): every few hundred ms the
// ingester writes what arrived (raw rows, milestones, facts, rollup) and the wallboard is rebuilt. At 20 calls/s
// a flush holds about a hundred events, so what it costs is mostly per statement, not per row: this times the
// cycle (wall and CPU of the process, chDB included) against plain inserts of the same raw rows, in the same chDB.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectClickHouse } from '../../services/reporting/src/adapters/clickhouse/client.ts';
import { applyClickHouseSchema } from '../../services/reporting/src/adapters/clickhouse/schema.ts';
import { ingestedEvent, writeIngested } from '../../services/reporting/src/application/ingest.ts';
import { wallboardSnapshot } from '../../services/reporting/src/application/wallboard.ts';
import { wholeCalls } from './ingestion.ts';
import { now, percentile, seconds, type Figure } from './harness.ts';

/** 20 calls/s × 13 events × a flush every 0.4–0.5 s. */
const EVENTS_PER_FLUSH = Number(process.env.BENCH_FLUSH_EVENTS ?? 120);
const FLUSHES = Number(process.env.BENCH_FLUSH_COUNT ?? 300);

export async function flush(): Promise<Figure[]> {
  const dir = await mkdtemp(join(tmpdir(), 'bench-flush-'));
  const clickhouse = await connectClickHouse({ CHDB_PATH: join(dir, 'data') });
  try {
    await applyClickHouseSchema(clickhouse);
    await clickhouse.command({ query: 'create table baseline as events_raw_v1' });
    const published = wholeCalls(EVENTS_PER_FLUSH * FLUSHES);
    const events = published.map((p, i) => ingestedEvent({ topic: p.topic, partition: 0, offset: String(i), key: p.key, value: p.value, headers: {}, timestamp: new Date() }));
    const batches = Array.from({ length: FLUSHES }, (_, i) => events.slice(i * EVENTS_PER_FLUSH, (i + 1) * EVENTS_PER_FLUSH));
    const watermark = { lastEventAt: null, lastEventId: null, eventsCounted: 0, lagSeconds: null, notCountingSince: null, notCountingBecause: null };

    // Interleaved, batch by batch, so that the three share the same instance, table sizes and background merges.
    type Step = (batch: (typeof batches)[number]) => Promise<unknown>;
    const steps: Record<'baseline' | 'written' | 'rebuilt', Step> = {
      baseline: (batch) => clickhouse.insert({ table: 'baseline', values: batch.map((e) => e.raw), format: 'JSONEachRow' }),
      written: (batch) => writeIngested(clickhouse, batch),
      rebuilt: () => wallboardSnapshot(clickhouse, new Date('2026-11-23T06:00:00Z'), 'Asia/Shanghai', watermark, []),
    };
    const walls = { baseline: [] as number[], written: [] as number[], rebuilt: [] as number[] };
    const cpuMs = { baseline: 0, written: 0, rebuilt: 0 };
    for (const batch of batches) {
      for (const name of ['baseline', 'written', 'rebuilt'] as const) {
        const cpu = process.cpuUsage();
        const s = now();
        await steps[name](batch);
        walls[name].push(seconds(s) * 1000);
        const used = process.cpuUsage(cpu);
        cpuMs[name] += (used.user + used.system) / 1000 / batches.length;
      }
    }
    const figure = (name: keyof typeof walls) => {
      const sorted = [...walls[name]].sort((a, b) => a - b);
      return { p50: percentile(sorted, 50), p99: percentile(sorted, 99), cpuMs: cpuMs[name], wallMs: sorted.reduce((a, b) => a + b, 0) / sorted.length };
    };
    const [baseline, written, rebuilt] = [figure('baseline'), figure('written'), figure('rebuilt')];
    const ms = (v: number) => `${v.toFixed(1)} ms`;
    return [
      { benchmark: 'flush', figure: `baseline: a plain insert of ${EVENTS_PER_FLUSH} raw rows, p50 / p99; CPU per insert`, value: `${ms(baseline.p50)} / ${ms(baseline.p99)}; ${ms(baseline.cpuMs)}` },
      {
        benchmark: 'flush',
        figure: `one flush of ${EVENTS_PER_FLUSH} events (raw rows, milestones, facts, rollup), p50 / p99; CPU per flush`,
        value: `${ms(written.p50)} / ${ms(written.p99)}; ${ms(written.cpuMs)}`,
        note: `${(written.wallMs / baseline.wallMs).toFixed(1)}× the baseline's time, ${(written.cpuMs / baseline.cpuMs).toFixed(1)}× its CPU; ${FLUSHES} flushes`,
      },
      {
        benchmark: 'flush',
        figure: 'the wallboard rebuilt after it (today by queue and site, waiting now, agents now), p50 / p99; CPU per rebuild',
        value: `${ms(rebuilt.p50)} / ${ms(rebuilt.p99)}; ${ms(rebuilt.cpuMs)}`,
        note: `${(rebuilt.wallMs / baseline.wallMs).toFixed(1)}× the baseline's time, ${(rebuilt.cpuMs / baseline.cpuMs).toFixed(1)}× its CPU`,
      },
    ];
  } finally {
    await clickhouse.close();
    await rm(dir, { recursive: true, force: true });
  }
}
