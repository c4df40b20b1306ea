// Stream snapshots on a real Postgres: the tail after a version, the latest snapshot kept, one of another format ignored.
import { create, type JsonValue } from '@bufbuild/protobuf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CustomerRegisteredSchema, CustomerTier, CustomerTierChangedSchema } from '@switchboard/contracts';
import { freshDatabase, uniqueName } from '@switchboard/testing';
import { EventStore, StreamSnapshots, connectPrisma, migrateEventStore, sqlOn, poolOf, type PrismaClient } from '@switchboard/event-store';

const at = new Date('2026-11-23T09:00:00Z');
const registered = (customerId: string) => create(CustomerRegisteredSchema, { customerId, name: 'Li Wei', tier: CustomerTier.NORMAL, phoneNumbers: [], region: '010' });
const tierChanged = (customerId: string, tier: CustomerTier) => create(CustomerTierChangedSchema, { customerId, tier, previousTier: CustomerTier.NORMAL });

let prisma: PrismaClient;
let store: EventStore;
let snapshots: StreamSnapshots;

beforeAll(async () => {
  const databaseUrl = await freshDatabase('snapshots');
  await migrateEventStore(databaseUrl);
  prisma = connectPrisma(databaseUrl);
  store = new EventStore(prisma, { topic: uniqueName('customers.events') });
  snapshots = new StreamSnapshots(sqlOn(poolOf(prisma)), store);
});
afterAll(() => prisma.$disconnect());

/** A stream of a registration and `changes` tier changes. */
async function streamOf(changes: number): Promise<string> {
  const id = uniqueName('customer');
  await store.append(id, 0, [registered(id), ...Array.from({ length: changes }, (_, i) => tierChanged(id, i % 2 === 0 ? CustomerTier.GOLD : CustomerTier.NORMAL))], { occurredAt: at });
  return id;
}

describe('loading a stream after a version', () => {
  it('reads only the events after it, and the whole stream without it', async () => {
    const id = await streamOf(5);
    expect((await store.load(id)).map((e) => e.version)).toEqual([1, 2, 3, 4, 5, 6]);
    expect((await store.load(id, { afterVersion: 4 })).map((e) => e.version)).toEqual([5, 6]);
    expect(await store.load(id, { afterVersion: 6 })).toEqual([]);
  });
});

describe('stream snapshots', () => {
  it('keep a state as jsonb, exactly, with its version and format', async () => {
    const id = uniqueName('stream');
    const state: JsonValue = { tier: 'gold', since: 1_767_225_600_123, path: ['sz/q1', 'hq/general'], none: null, nested: [{ a: 1 }, { b: [2, 3] }] };
    expect(await snapshots.write(id, 3, 'test/1', state, at)).toBe(true);
    expect(await snapshots.read(id)).toEqual({ streamId: id, version: 3, format: 'test/1', state, takenAt: at });
    expect(await snapshots.read(uniqueName('none'))).toBeUndefined();
  });

  it('keep the latest: an older snapshot of the same format does not replace a newer one', async () => {
    const id = uniqueName('stream');
    expect(await snapshots.write(id, 10, 'test/1', { n: 10 })).toBe(true);
    expect(await snapshots.write(id, 7, 'test/1', { n: 7 })).toBe(false);
    expect(await snapshots.read(id)).toMatchObject({ version: 10, state: { n: 10 } });
    expect(await snapshots.write(id, 12, 'test/1', { n: 12 })).toBe(true);
    // A new release's format replaces an old one's whatever the versions: the old one would only be ignored.
    expect(await snapshots.write(id, 11, 'test/2', { n: 11 })).toBe(true);
    expect(await snapshots.read(id)).toMatchObject({ version: 11, format: 'test/2' });
  });

  it('load the snapshot and only the events after it', async () => {
    const id = await streamOf(9);
    await snapshots.write(id, 6, 'tiers/1', { folded: 6 });
    const loaded = await snapshots.load(id, 'tiers/1');
    expect(loaded.snapshot).toMatchObject({ version: 6, state: { folded: 6 } });
    expect(loaded.ignored).toBeUndefined();
    expect(loaded.events.map((e) => e.version)).toEqual([7, 8, 9, 10]);
  });

  it('load the whole stream when no snapshot was taken', async () => {
    const id = await streamOf(2);
    const loaded = await snapshots.load(id, 'tiers/1');
    expect(loaded).toMatchObject({ snapshot: undefined, ignored: undefined });
    expect(loaded.events.map((e) => e.version)).toEqual([1, 2, 3]);
  });

  it('ignore a snapshot of another format and load the whole stream, saying which was ignored', async () => {
    const id = await streamOf(4);
    await snapshots.write(id, 4, 'tiers/1', { folded: 4 });
    const loaded = await snapshots.load(id, 'tiers/2');
    expect(loaded.snapshot).toBeUndefined();
    expect(loaded.ignored).toMatchObject({ version: 4, format: 'tiers/1' });
    expect(loaded.events.map((e) => e.version)).toEqual([1, 2, 3, 4, 5]);
  });
});
