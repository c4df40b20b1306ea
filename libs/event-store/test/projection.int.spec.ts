// Projections fed from the bus: a bad message is set aside with its reason, a redelivery changes
// nothing, and a rebuild from zero gives the same read model.
import { randomUUID } from 'node:crypto';
import { create } from '@bufbuild/protobuf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CustomerPhoneNumberAddedSchema, CustomerRegisteredSchema, CustomerTier, CustomerTierChangedSchema, encodeEvent } from '@switchboard/contracts';
import { DeadLetterHeaders, createLocalEventBus, deadLetterTopic, type BusMessage, type EventBus } from '@switchboard/eventbus';
import { eventually, freshDatabase, uniqueName } from '@switchboard/testing';
import { connectPrisma, migrateEventStore, rebuildProjection, runProjection, type PrismaClient, type Projection } from '@switchboard/event-store';

let prisma: PrismaClient;
let bus: EventBus;
beforeAll(async () => {
  const url = await freshDatabase('proj');
  await migrateEventStore(url);
  prisma = connectPrisma(url);
  await prisma.$executeRaw`create table tiers (customer_id text primary key, tier int not null, changes int not null default 0)`;
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
