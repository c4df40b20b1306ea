// Projections: events/s applied to a read model through applyBatchToProjection, against the per-event
// statements it used to send (each stream's position, then the read model's upsert) in a plain node-postgres
// transaction in the same run. Since the positions of a batch take a constant number of statements, a ratio
// above 1 is what that saved; at 1 with batches of 1, our layers cost nothing over bare pg.
import { randomUUID } from 'node:crypto';
import { CallArrivedSchema, encodeEvent } from '@switchboard/contracts';
import { applyBatchToProjection, connectPrisma, migrateEventStore, type Projection } from '@switchboard/event-store';
import pg from 'pg';
import { now, rate, seconds, withPostgres, type Figure } from './harness.ts';

type BusMessage = Parameters<typeof applyBatchToProjection>[2][number];

const EVENTS = 4_000;

function messages(prefix: string): BusMessage[] {
  return Array.from({ length: EVENTS }, (_, i) => {
    const callId = `${prefix}-${i}`;
    const value = encodeEvent(CallArrivedSchema, { callId, callingNumber: '+8613812345678', dialledNumber: '+8695105555' }, { eventId: randomUUID(), streamId: `call-${callId}`, streamVersion: 1, occurredAt: new Date() });
    return { topic: 'telephony.calls', partition: 0, offset: String(i), key: callId, value, headers: {}, timestamp: new Date() };
  });
}

const readModel: Projection = {
  name: 'bench.calls',
  topics: ['telephony.calls'],
  async apply(tx, event) {
    if (event.type !== 'CallArrived') return;
    await tx.$executeRaw`insert into bench_calls (call_id, calling_number) values (${event.message.callId}, ${event.message.callingNumber})
      on conflict (call_id) do update set calling_number = excluded.calling_number`;
  },
  async reset(tx) {
    await tx.$executeRaw`delete from bench_calls`;
  },
};

export async function projections(): Promise<Figure[]> {
  return withPostgres(async (_server, database) => {
    const url = await database('bench_projections');
    await migrateEventStore(url);
    const raw = new pg.Client({ connectionString: url });
    await raw.connect();
    await raw.query('create table bench_calls (call_id text primary key, calling_number text not null)');
    const prisma = connectPrisma(url, 4);
    const figures: Figure[] = [];
    for (const batchSize of [1, 25]) {
      const ours = messages(`ours-${batchSize}`);
      let start = now();
      for (let i = 0; i < ours.length; i += batchSize) await applyBatchToProjection(prisma, readModel, ours.slice(i, i + batchSize));
      const oursSeconds = seconds(start);

      // The baseline: a position and an upsert per event, in one transaction per batch, straight through pg.
      const plain = messages(`plain-${batchSize}`);
      start = now();
      for (let i = 0; i < plain.length; i += batchSize) {
        await raw.query('begin');
        for (let j = i; j < Math.min(i + batchSize, plain.length); j++) {
          const callId = `plain-${batchSize}-${j}`;
          await raw.query(
            `insert into projection_streams (projection, stream_id, version) values ($1, $2, $3)
             on conflict (projection, stream_id) do update set version = excluded.version where projection_streams.version < excluded.version returning 1`,
            ['bench.plain', `call-${callId}`, 1],
          );
          await raw.query('insert into bench_calls (call_id, calling_number) values ($1, $2) on conflict (call_id) do update set calling_number = excluded.calling_number', [callId, '+8613812345678']);
        }
        await raw.query('commit');
      }
      const plainSeconds = seconds(start);
      const ratio = plainSeconds / oursSeconds;
      figures.push({
        benchmark: 'projections',
        figure: `events applied, batches of ${batchSize}: ours / plain pg, a position and an upsert per event`,
        value: `${rate(EVENTS, oursSeconds)} / ${rate(EVENTS, plainSeconds)} = ${ratio.toFixed(2)}`,
        note: 'one read-model upsert per event; above 1: fewer statements than a position per event',
      });
    }
    await prisma.$disconnect();
    await raw.end();
    return figures;
  });
}
