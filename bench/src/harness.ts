// What every benchmark shares: a throw-away embedded Postgres, the mock Kafka, timing, percentiles, the machine.
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, totalmem, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EventBus, OutgoingMessage } from '@switchboard/eventbus';
import { ensureDatabase, startEmbeddedPostgres, withDatabase, type RunningPostgres } from '@switchboard/postgres';
import { freePort } from '@switchboard/testing';

export interface Figure {
  readonly benchmark: string;
  readonly figure: string;
  readonly value: string;
  readonly note?: string;
}

export async function withPostgres<T>(work: (server: RunningPostgres, database: (name: string) => Promise<string>) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'switchboard-bench-'));
  const server = await startEmbeddedPostgres({ dataDir: dir, port: await freePort(), fastInit: true });
  try {
    return await work(server, async (name) => {
      await ensureDatabase(server.baseUrl, name);
      return withDatabase(server.baseUrl, name);
    });
  } finally {
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

export const seconds = (startNs: bigint) => Number(process.hrtime.bigint() - startNs) / 1e9;
export const now = () => process.hrtime.bigint();

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

export const rate = (n: number, s: number) => `${Math.round(n / s).toLocaleString('en-US')}/s`;

export function machine(): string {
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  return `${cpus().length} cores (${cpu.trim()}), ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.versions.node}`;
}

/** A 1 KB payload, as the issue asks. */
export const kilobyte = (i: number) => Buffer.concat([Buffer.from(`${i}:`), Buffer.alloc(1024 - `${i}:`.length, 120)]);

/**
 * Publishes `count` 1 KB events in batches of `batch` through `producer` while a group of `consumer`
 * reads them; returns the seconds to publish them all and to consume them all, from the first publish.
 */
export async function produceAndConsume(
  producer: EventBus,
  consumer: EventBus,
  topic: string,
  count: number,
  batch: number,
  fromBeginning: boolean,
): Promise<{ produceSeconds: number; totalSeconds: number }> {
  let consumed = 0;
  let allConsumed: () => void = () => undefined;
  const done = new Promise<void>((r) => (allConsumed = r));
  await consumer.subscribe({
    groupId: `bench-${topic}`,
    topics: [topic],
    fromBeginning,
    handleBatch: async (messages) => {
      consumed += messages.length;
      if (consumed >= count) allConsumed();
    },
  });
  const start = now();
  for (let i = 0; i < count; i += batch) {
    const messages: OutgoingMessage[] = Array.from({ length: Math.min(batch, count - i) }, (_, j) => ({
      key: `call-${(i + j) % 1000}`,
      value: kilobyte(i + j),
      headers: { 'event-type': 'CallArrived' },
    }));
    await producer.publish(topic, messages);
  }
  const produceSeconds = seconds(start);
  await done;
  return { produceSeconds, totalSeconds: seconds(start) };
}
