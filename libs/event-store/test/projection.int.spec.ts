// Projections fed from the bus: a bad message is set aside with its reason, a redelivery changes
// nothing, and a rebuild from zero gives the same read model.
import { randomUUID } from 'node:crypto';
import { create } from '@bufbuild/protobuf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CustomerPhoneNumberAddedSchema, CustomerRegisteredSchema, CustomerTier, CustomerTierChangedSchema, encodeEvent } from '@switchboard/contracts';
import { DeadLetterHeaders, createLocalEventBus, deadLetterTopic, type BusMessage, type EventBus } from '@switchboard/eventbus';
import { eventually, freshDatabase, uniqueName } from '@switchboard/testing';
import {
  applyBatchToProjection,
  connectPrisma,
  migrateEventStore,
  poolOf,
  rebuildProjection,
  runProjection,
  type PrismaClient,
  type Projection,
} from '@switchboard/event-store';

let prisma: PrismaClient;
let bus: EventBus;
beforeAll(async () => {
  const url = await freshDatabase('proj');
  await migrateEventStore(url);
  prisma = connectPrisma(url);
  await prisma.$executeRaw`create table tiers (customer_id text primary key, tier int not null, changes int not null default 0)`;
  await prisma.$executeRaw`create table applied (seq serial primary key, projection text not null, stream_id text not null, version int not null)`;
  bus = await createLocalEventBus({ databaseUrl: await freshDatabase('projbus'), heartbeatIntervalMs: 150, sessionTimeoutMs: 1500 });
});
afterAll(async () => {
  await bus.close();
  await prisma.$disconnect();
});

const at = new Date('2026-11-23T08:00:00Z');
const envelope = (streamVersion: number, message: Parameters<typeof encodeEvent>[1], schema: Parameters<typeof encodeEvent>[0]) =>
  encodeEvent(schema, message, { eventId: randomUUID(), streamId: 'customer-c1', streamVersion, occurredAt: at });

function tierProjection(topic: string): Projection {
  return {
    name: uniqueName('routing.tiers'),
    topics: [topic],
    async apply(tx, event) {
      if (event.type === 'CustomerRegistered') {
        await tx.$executeRaw`insert into tiers (customer_id, tier) values (${event.message.customerId}, ${event.message.tier})`;
      } else if (event.type === 'CustomerTierChanged') {
        await tx.$executeRaw`update tiers set tier = ${event.message.tier}, changes = changes + 1 where customer_id = ${event.message.customerId}`;
      }
    },
    async reset(tx) {
      await tx.$executeRaw`delete from tiers`;
    },
  };
}

const row = async () => (await prisma.$queryRaw<{ tier: number; changes: number }[]>`select tier, changes from tiers where customer_id = 'c1'`)[0];

describe('a projection fed from the bus', () => {
  it('dead-letters a message that is no envelope, with the reason, applies the rest once, and rebuilds the same', async () => {
    const topic = uniqueName('customers.events');
    const registered = envelope(1, { customerId: 'c1', tier: CustomerTier.NORMAL }, CustomerRegisteredSchema);
    const upgraded = envelope(2, { customerId: 'c1', tier: CustomerTier.GOLD, previousTier: CustomerTier.NORMAL }, CustomerTierChangedSchema);
    await bus.publish(topic, [
      { key: 'customer-c1', value: registered },
      { key: 'customer-c1', value: Buffer.from('{"not":"protobuf"}') },
      { key: 'customer-c1', value: upgraded },
      { key: 'customer-c1', value: upgraded }, // a redelivery, as a relay restarted mid-batch would send
    ]);
    const projection = tierProjection(topic);
    const dead: BusMessage[] = [];
    await bus.subscribe({ groupId: uniqueName('dlq'), topics: [deadLetterTopic(projection.name)], fromBeginning: true, handle: async (m) => void dead.push(m) });
    const consumer = await runProjection(bus, prisma, projection);

    await eventually('the tier upgraded and the bad message set aside', async () => (await row())?.tier === CustomerTier.GOLD && dead.length === 1);
    expect(await row()).toEqual({ tier: CustomerTier.GOLD, changes: 1 });
    expect(dead[0]!.headers[DeadLetterHeaders.error]).toMatch(/not a Switchboard envelope/);
    expect(dead[0]!.headers[DeadLetterHeaders.attempts]).toBe('1');

    await consumer.stop();
    await rebuildProjection(bus, prisma, projection);
    expect(await row()).toBeUndefined();
    const again = await runProjection(bus, prisma, projection);
    await eventually('the rebuilt read model', async () => (await row())?.tier === CustomerTier.GOLD);
    expect(await row()).toEqual({ tier: CustomerTier.GOLD, changes: 1 });
    await again.stop();
  });

  it('passes over the events it does not handle without writing its position, applies the next one of the stream, and says when each commit is done', async () => {
    const topic = uniqueName('customers.events');
    await prisma.$executeRaw`delete from tiers`;
    const committed: string[] = [];
    const projection: Projection = {
      ...tierProjection(topic),
      handles: (event) => event.type !== 'CustomerPhoneNumberAdded',
      committed: (event) => committed.push(event.type),
    };
    await bus.publish(topic, [
      { key: 'customer-c1', value: envelope(1, { customerId: 'c1', tier: CustomerTier.NORMAL }, CustomerRegisteredSchema) },
      { key: 'customer-c1', value: envelope(2, { customerId: 'c1', phoneNumber: '+8613800000001' }, CustomerPhoneNumberAddedSchema) },
      { key: 'customer-c1', value: envelope(3, { customerId: 'c1', tier: CustomerTier.PLATINUM, previousTier: CustomerTier.NORMAL }, CustomerTierChangedSchema) },
      { key: 'customer-c1', value: envelope(3, { customerId: 'c1', tier: CustomerTier.PLATINUM, previousTier: CustomerTier.NORMAL }, CustomerTierChangedSchema) },
    ]);
    const consumer = await runProjection(bus, prisma, projection);
    await eventually('the tier changed after a passed-over event of the same stream', async () => (await row())?.tier === CustomerTier.PLATINUM);
    await consumer.stop();
    // The redelivered change counted once; only the applied events were announced, each after its commit.
    expect(await row()).toEqual({ tier: CustomerTier.PLATINUM, changes: 1 });
    expect(committed).toEqual(['CustomerRegistered', 'CustomerTierChanged']);
    const position = await prisma.$queryRaw<{ version: number }[]>`select version from projection_streams where projection = ${projection.name} and stream_id = 'customer-c1'`;
    expect(position).toEqual([{ version: 3 }]);
  });
});

// A read model that records every event it applies, in order, to see exactly what a batch applied.
function loggingProjection(hooks: { beforeApply?: (streamId: string, version: number) => Promise<void> } = {}): Projection & { announced: string[] } {
  const announced: string[] = [];
  const name = uniqueName('test.log');
  return {
    name,
    topics: ['customers.events'],
    announced,
    async apply(tx, _event, envelope) {
      await hooks.beforeApply?.(envelope.streamId, Number(envelope.streamVersion));
      await tx.$executeRaw`insert into applied (projection, stream_id, version) values (${name}, ${envelope.streamId}, ${Number(envelope.streamVersion)})`;
    },
    committed: (event) => announced.push(event.type),
    async reset(tx) {
      await tx.$executeRaw`delete from applied where projection = ${name}`;
    },
  };
}

let offset = 0;
/** A bus message of `streamId` at `version` (the event itself does not matter to the log). */
const busMessage = (streamId: string, version: number): BusMessage => ({
  topic: 'customers.events',
  partition: 0,
  offset: String(offset++),
  key: streamId,
  value: encodeEvent(CustomerRegisteredSchema, { customerId: streamId, tier: CustomerTier.NORMAL }, { eventId: randomUUID(), streamId, streamVersion: version, occurredAt: at }),
  headers: {},
  timestamp: at,
});

/** What the projection applied, in order, as `stream@version`. */
const appliedOf = async (projection: Projection) =>
  (await prisma.$queryRaw<{ stream_id: string; version: number }[]>`select stream_id, version from applied where projection = ${projection.name} order by seq`).map(
    (row) => `${row.stream_id}@${row.version}`,
  );
const positionsOf = async (projection: Projection) =>
  Object.fromEntries(
    (await prisma.$queryRaw<{ stream_id: string; version: number }[]>`select stream_id, version from projection_streams where projection = ${projection.name} order by stream_id`).map(
      (row) => [row.stream_id, row.version],
    ),
  );

describe('a batch applied to a projection', () => {
  it('applies several versions of one stream in the batch, each in order, for a new stream and for one with a position', async () => {
    const projection = loggingProjection();
    await applyBatchToProjection(prisma, projection, [busMessage('s', 1), busMessage('t', 1)]);
    await applyBatchToProjection(prisma, projection, [busMessage('s', 2), busMessage('n', 1), busMessage('s', 3), busMessage('n', 2), busMessage('t', 2), busMessage('n', 5), busMessage('s', 4)]);
    expect(await appliedOf(projection)).toEqual(['s@1', 't@1', 's@2', 'n@1', 's@3', 'n@2', 't@2', 'n@5', 's@4']);
    expect(await positionsOf(projection)).toEqual({ n: 5, s: 4, t: 2 });
    expect(projection.announced).toHaveLength(9);
  });

  it('applies nothing when a batch is delivered again, and announces nothing', async () => {
    const projection = loggingProjection();
    const batch = [busMessage('s', 1), busMessage('s', 2), busMessage('t', 7)];
    await applyBatchToProjection(prisma, projection, batch);
    await applyBatchToProjection(prisma, projection, batch);
    await applyBatchToProjection(prisma, projection, batch.slice(1));
    expect(await appliedOf(projection)).toEqual(['s@1', 's@2', 't@7']);
    expect(await positionsOf(projection)).toEqual({ s: 2, t: 7 });
    expect(projection.announced).toHaveLength(3);
  });

  it('passes over just an event older than the last one applied of its stream, and the same version twice', async () => {
    const projection = loggingProjection();
    await applyBatchToProjection(prisma, projection, [busMessage('s', 1), busMessage('s', 2)]);
    await applyBatchToProjection(prisma, projection, [busMessage('s', 4), busMessage('s', 2), busMessage('s', 3), busMessage('n', 3), busMessage('n', 1), busMessage('s', 5), busMessage('n', 3), busMessage('n', 4), busMessage('s', 1)]);
    expect(await appliedOf(projection)).toEqual(['s@1', 's@2', 's@4', 'n@3', 's@5', 'n@4']);
    expect(await positionsOf(projection)).toEqual({ n: 4, s: 5 });
  });

  it('keeps the events while its database drops the connection, more often than a message is tried, and applies them once it holds', async () => {
    const topic = uniqueName('customers.events');
    const projection = tierProjection(topic);
    let dropped = 0;
    const dropping: Projection = {
      ...projection,
      async apply(tx, event, envelope) {
        // The server ends this connection, as a Postgres restart or failover would.
        if (dropped < 4) {
          dropped++;
          await tx.$queryRaw`select pg_terminate_backend(pg_backend_pid())`;
        }
        await projection.apply(tx, event, envelope);
      },
    };
    const dead: BusMessage[] = [];
    await bus.subscribe({ groupId: uniqueName('dlq'), topics: [deadLetterTopic(projection.name)], fromBeginning: true, handle: async (m) => void dead.push(m) });
    await prisma.$executeRaw`delete from tiers where customer_id = 'c1'`;
    await bus.publish(topic, [{ key: 'customer-c1', value: envelope(1, { customerId: 'c1', tier: CustomerTier.PLATINUM }, CustomerRegisteredSchema) }]);
    const consumer = await runProjection(bus, prisma, dropping);
    await eventually('the customer applied once the connection held', async () => (await row())?.tier === CustomerTier.PLATINUM, 20_000);
    expect(dropped).toBe(4);
    expect(dead).toEqual([]);
    await consumer.stop();
  });

  it('takes back the positions with the read model when an apply fails, so the batch delivered again is applied', async () => {
    let failing = true;
    const projection = loggingProjection({
      beforeApply: async (streamId) => {
        if (failing && streamId === 'u') throw new Error('the read model is unreachable');
      },
    });
    await applyBatchToProjection(prisma, projection, [busMessage('s', 1)]);
    const batch = [busMessage('s', 2), busMessage('n', 1), busMessage('s', 3), busMessage('u', 1)];
    await expect(applyBatchToProjection(prisma, projection, batch)).rejects.toThrow('the read model is unreachable');
    expect(await appliedOf(projection)).toEqual(['s@1']);
    expect(await positionsOf(projection)).toEqual({ s: 1 });
    expect(projection.announced).toHaveLength(1);

    // The same with one event per stream.
    const single = [busMessage('s', 2), busMessage('n', 1), busMessage('u', 1)];
    await expect(applyBatchToProjection(prisma, projection, single)).rejects.toThrow('the read model is unreachable');
    expect(await appliedOf(projection)).toEqual(['s@1']);
    expect(await positionsOf(projection)).toEqual({ s: 1 });

    failing = false;
    await applyBatchToProjection(prisma, projection, batch);
    expect(await appliedOf(projection)).toEqual(['s@1', 's@2', 'n@1', 's@3', 'u@1']);
    expect(await positionsOf(projection)).toEqual({ n: 1, s: 3, u: 1 });
    expect(projection.announced).toHaveLength(5);
  });

  describe('two transactions of the projection on the same streams at once (a rebalance, a read-your-writes)', () => {
    /** `n1 e2 n2`: stream n at version 1, stream e at 2, … */
    const batchOf = (spec: string) => spec.split(' ').map((one) => busMessage(one[0]!, Number(one.slice(1))));

    /**
     * With stream e at version 1 already applied: runs the `first` batch until it is inside its first apply,
     * then the `second` until it waits for a lock the first holds, then lets the first commit (or fail).
     */
    async function overlapped(first: string, second: string, firstFails: boolean) {
      let release!: () => void;
      const released = new Promise<void>((resolve) => (release = resolve));
      let insideFirst!: () => void;
      const firstInside = new Promise<void>((resolve) => (insideFirst = resolve));
      let armed = false; // the first apply once armed holds its transaction open
      const projection = loggingProjection({
        beforeApply: async () => {
          if (!armed) return;
          armed = false;
          insideFirst();
          await released;
          if (firstFails) throw new Error('the first transaction failed');
        },
      });
      await applyBatchToProjection(prisma, projection, batchOf('e1'));
      armed = true;
      const firstDone = applyBatchToProjection(prisma, projection, batchOf(first)).then(
        () => 'committed',
        (error: Error) => error.message,
      );
      await firstInside;
      const secondDone = applyBatchToProjection(prisma, projection, batchOf(second));
      await eventually(
        'the second transaction waits for the first',
        async () => (await prisma.$queryRaw<unknown[]>`select 1 from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`).length > 0,
      );
      release();
      await secondDone;
      expect(await firstDone).toBe(firstFails ? 'the first transaction failed' : 'committed');
      return { applied: (await appliedOf(projection)).join(' '), positions: await positionsOf(projection) };
    }

    // A brand-new stream n (and m) and a stream e with a position, each batch with one event per stream or several.
    it.each([
      { shapes: 'one event per stream in each', first: 'n1 e2', second: 'e2 n1 m1', applied: 'e@1 n@1 e@2 m@1', positions: { e: 2, m: 1, n: 1 } },
      { shapes: 'several events of a stream in each', first: 'n1 e2 n2', second: 'e2 n1 n2 m1 m2', applied: 'e@1 n@1 e@2 n@2 m@1 m@2', positions: { e: 2, m: 2, n: 2 } },
      { shapes: 'several, then one per stream', first: 'n1 e2 n2', second: 'e2 n1 m1', applied: 'e@1 n@1 e@2 n@2 m@1', positions: { e: 2, m: 1, n: 2 } },
      { shapes: 'one per stream, then several', first: 'n1 e2', second: 'e2 n1 n2 m1', applied: 'e@1 n@1 e@2 n@2 m@1', positions: { e: 2, m: 1, n: 2 } },
    ])('applies each version exactly once, with $shapes batch', async ({ first, second, applied, positions }) => {
      expect(await overlapped(first, second, false)).toEqual({ applied, positions });
    });

    it.each([
      { shapes: 'one event per stream in each', first: 'n1 e2', second: 'e2 n1 m1', applied: 'e@1 e@2 n@1 m@1', positions: { e: 2, m: 1, n: 1 } },
      { shapes: 'several events of a stream in each', first: 'n1 e2 n2', second: 'e2 n1 n2 m1 m2', applied: 'e@1 e@2 n@1 n@2 m@1 m@2', positions: { e: 2, m: 2, n: 2 } },
      { shapes: 'several, then one per stream', first: 'n1 e2 n2', second: 'e2 n1 m1', applied: 'e@1 e@2 n@1 m@1', positions: { e: 2, m: 1, n: 1 } },
      { shapes: 'one per stream, then several', first: 'n1 e2', second: 'e2 n1 n2 m1', applied: 'e@1 e@2 n@1 n@2 m@1', positions: { e: 2, m: 1, n: 2 } },
    ])('applies them in the second when the first is taken back, with $shapes batch', async ({ first, second, applied, positions }) => {
      expect(await overlapped(first, second, true)).toEqual({ applied, positions });
    });
  });

  it('moves the positions in a constant number of statements per batch, not one per event', async () => {
    const url = await freshDatabase('projcount');
    await migrateEventStore(url);
    const counting = connectPrisma(url);
    await counting.$executeRaw`create table applied (seq serial primary key, projection text not null, stream_id text not null, version int not null)`;
    const statements: string[] = [];
    poolOf(counting).on('acquire', (client) => {
      if ((client as { counted?: boolean }).counted) return;
      const query = client.query.bind(client) as (...args: unknown[]) => unknown;
      Object.assign(client, {
        counted: true,
        query: (...args: unknown[]) => {
          const text = typeof args[0] === 'string' ? args[0] : (args[0] as { text?: unknown } | undefined)?.text;
          if (typeof text === 'string' && text.includes('projection_streams')) statements.push(text);
          return query(...args);
        },
      });
    });
    try {
      const projection = loggingProjection();
      const streams = Array.from({ length: 20 }, (_, i) => `s${i}`);
      const statementsOf = async (batch: BusMessage[]) => {
        statements.length = 0;
        await applyBatchToProjection(counting, projection, batch);
        return statements.length;
      };
      // One event per stream, new or not: each position moves in one statement.
      expect(await statementsOf(streams.map((s) => busMessage(s, 1)))).toBe(1);
      expect(await statementsOf(streams.map((s) => busMessage(s, 2)))).toBe(1);
      // Several events per stream: new streams are read and written at once; streams with a position are read
      // and locked at the start, written at the end; nothing new is only read.
      expect(await statementsOf(streams.map((s) => [busMessage(`${s}-new`, 1), busMessage(`${s}-new`, 2)]).flat())).toBe(1);
      expect(await statementsOf(streams.map((s) => [busMessage(s, 4), busMessage(s, 1), busMessage(s, 5)]).flat())).toBe(2);
      expect(await statementsOf(streams.map((s) => [busMessage(s, 4), busMessage(s, 5)]).flat())).toBe(1);
      expect((await counting.$queryRaw<{ n: number }[]>`select count(*)::int as n from applied`)[0]!.n).toBe(20 * 6);
    } finally {
      await counting.$disconnect();
    }
  });
});
