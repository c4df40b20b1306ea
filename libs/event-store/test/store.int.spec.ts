import { fileURLToPath } from 'node:url';
import { create } from '@bufbuild/protobuf';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CustomerRegisteredSchema,
  CustomerTier,
  CustomerTierChangedSchema,
  decodeEnvelope,
  type DecodedEvent,
  type EventMessage,
} from '@switchboard/contracts';
import { createLocalEventBus, type BusMessage, type EventBus } from '@switchboard/eventbus';
import { eventually, freshDatabase, schemaDrift, uniqueName } from '@switchboard/testing';
import {
  EventStore,
  StreamVersionConflict,
  connectPrisma,
  handleCommand,
  migrateEventStore,
  poolOf,
  RecentStates,
  startOutboxRelay,
  type Decider,
  type PrismaClient,
} from '@switchboard/event-store';

const schemaPath = fileURLToPath(new URL('../prisma/schema.prisma', import.meta.url));
const at = new Date('2026-11-23T09:00:00Z');

const registered = (customerId: string, tier: CustomerTier = CustomerTier.NORMAL) =>
  create(CustomerRegisteredSchema, { customerId, name: 'Li Wei', tier, phoneNumbers: ['+8613812345678'], region: '010' });
const tierChanged = (customerId: string, tier: CustomerTier, previousTier: CustomerTier) =>
  create(CustomerTierChangedSchema, { customerId, tier, previousTier });

let databaseUrl: string;
let prisma: PrismaClient;
let store: EventStore;

beforeAll(async () => {
  databaseUrl = await freshDatabase('store');
  await migrateEventStore(databaseUrl);
  prisma = connectPrisma(databaseUrl);
  store = new EventStore(prisma, { topic: uniqueName('customers.events') });
});
afterAll(() => prisma.$disconnect());

const outboxCount = () => prisma.outboxMessage.count();

describe('the event store', () => {
  it('has tables exactly as the Prisma schema describes them (no drift between migrations and schema)', async () => {
    expect(await schemaDrift(schemaPath, databaseUrl)).toEqual([]);
  });

  it('reports a column that drifted from the schema', async () => {
    const drifted = await freshDatabase('drift');
    await migrateEventStore(drifted);
    const client = new pg.Client({ connectionString: drifted });
    await client.connect();
    await client.query('alter table outbox alter column key drop not null; alter table events add column note text');
    await client.end();
    const problems = await schemaDrift(schemaPath, drifted);
    expect(problems).toContain('OutboxMessage.key (outbox.key): schema says required, database column is nullable');
    expect(problems).toContain('events.note: column in the database but not in model Event');
  });

  it('appends a stream and loads it back, event for event', async () => {
    const id = uniqueName('customer');
    const version = await store.append(id, 0, [registered(id), tierChanged(id, CustomerTier.GOLD, CustomerTier.NORMAL)], { occurredAt: at, siteId: 'bj' });
    expect(version).toBe(2);
    const loaded = await store.load(id);
    expect(loaded.map((e) => [e.version, e.event.type])).toEqual([
      [1, 'CustomerRegistered'],
      [2, 'CustomerTierChanged'],
    ]);
    expect(loaded[0]!.event.message).toMatchObject({ customerId: id, phoneNumbers: ['+8613812345678'] });
    expect(loaded[1]!.siteId).toBe('bj');
  });

  it("tells several streams' versions in one read, 0 for a stream not begun", async () => {
    const [first, second, never] = [uniqueName('customer'), uniqueName('customer'), uniqueName('customer')];
    await store.append(first, 0, [registered(first), tierChanged(first, CustomerTier.GOLD, CustomerTier.NORMAL)], { occurredAt: at });
    await store.append(second, 0, [registered(second)], { occurredAt: at });
    expect(await store.versions([first, never, second])).toEqual(new Map([[first, 2], [never, 0], [second, 1]]));
    expect(await store.version(first)).toBe(2);
    expect(await store.version(never)).toBe(0);
  });

  it('refuses an append at a stale version with a typed conflict, and writes nothing to the outbox', async () => {
    const id = uniqueName('customer');
    await store.append(id, 0, [registered(id)], { occurredAt: at });
    const before = await outboxCount();
    const stale = store.append(id, 0, [registered(id)], { occurredAt: at });
    await expect(stale).rejects.toBeInstanceOf(StreamVersionConflict);
    await expect(stale).rejects.toThrow(/expected at version 0 but is at 1/);
    expect(await outboxCount()).toBe(before);
  });

  it('lets exactly one of two concurrent appends at the same version win', async () => {
    const id = uniqueName('customer');
    await store.append(id, 0, [registered(id)], { occurredAt: at });
    const results = await Promise.allSettled(
      Array.from({ length: 6 }, () => store.append(id, 1, [tierChanged(id, CustomerTier.GOLD, CustomerTier.NORMAL)], { occurredAt: at })),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const r of results.filter((r) => r.status === 'rejected')) expect(r.reason).toBeInstanceOf(StreamVersionConflict);
    expect((await store.load(id)).length).toBe(2);
  });
});

type TierCommand = { type: 'Register'; customerId: string; tier: CustomerTier } | { type: 'ChangeTier'; tier: CustomerTier };
type TierState = { status: 'new' } | { status: 'registered'; customerId: string; tier: CustomerTier };
const tiers: Decider<TierCommand, TierState, string> = {
  initialState: { status: 'new' },
  evolve: (state, event: DecodedEvent) => {
    switch (event.type) {
      case 'CustomerRegistered':
        return { status: 'registered', customerId: event.message.customerId, tier: event.message.tier };
      case 'CustomerTierChanged':
        return state.status === 'registered' ? { ...state, tier: event.message.tier } : state;
      default:
        return state;
    }
  },
  decide: (command, state): readonly EventMessage[] | { rejected: string } => {
    if (command.type === 'Register') return state.status === 'new' ? [registered(command.customerId, command.tier)] : { rejected: 'already registered' };
    if (state.status !== 'registered') return { rejected: 'no such customer' };
    return state.tier === command.tier ? [] : [tierChanged(state.customerId, command.tier, state.tier)];
  },
};

describe('the command handler', () => {
  it('loads, decides and appends; a rejection is returned, not thrown', async () => {
    const id = uniqueName('customer');
    const first = await handleCommand(store, tiers, id, { type: 'Register', customerId: id, tier: CustomerTier.NORMAL }, { occurredAt: at });
    expect(first).toMatchObject({ ok: true, version: 1 });
    const upgraded = await handleCommand(store, tiers, id, { type: 'ChangeTier', tier: CustomerTier.PLATINUM }, { occurredAt: at });
    expect(upgraded).toMatchObject({ ok: true, version: 2, state: { tier: CustomerTier.PLATINUM } });
    const again = await handleCommand(store, tiers, id, { type: 'Register', customerId: id, tier: CustomerTier.GOLD }, { occurredAt: at });
    expect(again).toEqual({ ok: false, rejected: 'already registered' });
  });

  it('retries a command that lost a race, so concurrent upgrades all land in order', async () => {
    const id = uniqueName('customer');
    await handleCommand(store, tiers, id, { type: 'Register', customerId: id, tier: CustomerTier.NORMAL }, { occurredAt: at });
    const results = await Promise.all(
      [CustomerTier.GOLD, CustomerTier.PLATINUM].map((tier) => handleCommand(store, tiers, id, { type: 'ChangeTier', tier }, { occurredAt: at }, 5)),
    );
    expect(results.every((r) => r.ok)).toBe(true);
    expect((await store.load(id)).map((e) => e.version)).toEqual([1, 2, 3]);
  });
});

describe('the command handler with recent states in memory', () => {
  /** The store as one process sees it, counting the streams it reads. */
  const counting = () => {
    const reads = { count: 0 };
    const seen = { load: (...args: Parameters<EventStore['load']>) => (reads.count++, store.load(...args)), append: store.append.bind(store) } as unknown as EventStore;
    return { seen, reads };
  };

  it('reads a stream once, then decides from memory; the results are the log’s', async () => {
    const id = uniqueName('customer');
    const { seen, reads } = counting();
    const recent = new RecentStates<TierState>();
    await handleCommand(seen, tiers, id, { type: 'Register', customerId: id, tier: CustomerTier.NORMAL }, { occurredAt: at }, { recent });
    const gold = await handleCommand(seen, tiers, id, { type: 'ChangeTier', tier: CustomerTier.GOLD }, { occurredAt: at }, { recent });
    const platinum = await handleCommand(seen, tiers, id, { type: 'ChangeTier', tier: CustomerTier.PLATINUM }, { occurredAt: at }, { recent });
    expect(reads.count).toBe(1);
    expect([gold, platinum]).toMatchObject([{ ok: true, version: 2 }, { ok: true, version: 3, state: { tier: CustomerTier.PLATINUM } }]);
    expect((await store.load(id)).map((e) => e.event.type)).toEqual(['CustomerRegistered', 'CustomerTierChanged', 'CustomerTierChanged']);
  });

  it('folds the log again when another writer moved the stream on: no change is recorded twice', async () => {
    const id = uniqueName('customer');
    const { seen, reads } = counting();
    const recent = new RecentStates<TierState>();
    await handleCommand(seen, tiers, id, { type: 'Register', customerId: id, tier: CustomerTier.NORMAL }, { occurredAt: at }, { recent });
    // Another replica upgrades the customer; this process's copy still says normal.
    await handleCommand(store, tiers, id, { type: 'ChangeTier', tier: CustomerTier.GOLD }, { occurredAt: at });
    const same = await handleCommand(seen, tiers, id, { type: 'ChangeTier', tier: CustomerTier.GOLD }, { occurredAt: at }, { recent });
    expect(same).toMatchObject({ ok: true, version: 2, events: [], state: { tier: CustomerTier.GOLD } });
    expect(reads.count).toBe(2);
    expect((await store.load(id)).length).toBe(2);
  });

  it('never refuses on a stale copy: the refusal is checked against the log', async () => {
    const id = uniqueName('customer');
    const { seen } = counting();
    const recent = new RecentStates<TierState>();
    expect(await handleCommand(seen, tiers, id, { type: 'ChangeTier', tier: CustomerTier.GOLD }, { occurredAt: at }, { recent })).toEqual({ ok: false, rejected: 'no such customer' });
    // Registered by another replica meanwhile: the copy in memory still says "new".
    await handleCommand(store, tiers, id, { type: 'Register', customerId: id, tier: CustomerTier.NORMAL }, { occurredAt: at });
    expect(await handleCommand(seen, tiers, id, { type: 'ChangeTier', tier: CustomerTier.GOLD }, { occurredAt: at }, { recent })).toMatchObject({ ok: true, version: 2 });
  });

  it('keeps at most its capacity, forgetting the least recently used stream', () => {
    const recent = new RecentStates<number>(2);
    recent.set('a', 1, 1);
    recent.set('b', 2, 1);
    recent.get('a');
    recent.set('c', 3, 1);
    expect([recent.get('a')?.state, recent.get('b'), recent.get('c')?.state, recent.size]).toEqual([1, undefined, 3, 2]);
  });
});

describe('the outbox relay', () => {
  let bus: EventBus;
  beforeAll(async () => {
    bus = await createLocalEventBus({ databaseUrl: await freshDatabase('relaybus'), heartbeatIntervalMs: 150, sessionTimeoutMs: 1500 });
  });
  afterAll(() => bus.close());

  it('moves every appended event to the bus in stream order, with its envelope and headers, and empties the outbox', async () => {
    const topic = uniqueName('customers.events');
    const relayStore = new EventStore(prisma, { topic });
    await prisma.outboxMessage.deleteMany();
    const streams = Array.from({ length: 20 }, (_, i) => `${topic}-c${i}`);
    await Promise.all(
      streams.map(async (id) => {
        await relayStore.append(id, 0, [registered(id)], { occurredAt: at, headers: { traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' } });
        await relayStore.append(id, 1, [tierChanged(id, CustomerTier.GOLD, CustomerTier.NORMAL)], { occurredAt: at });
        await relayStore.append(id, 2, [tierChanged(id, CustomerTier.PLATINUM, CustomerTier.GOLD)], { occurredAt: at });
      }),
    );
    const relay = await startOutboxRelay({ prisma, databaseUrl, bus, pollIntervalMs: 200 });
    const received: BusMessage[] = [];
    await bus.subscribe({ groupId: uniqueName('routing'), topics: [topic], fromBeginning: true, handle: async (m) => void received.push(m) });
    await eventually('60 events on the bus', () => received.length === 60);
    await relay.drained();
    expect(await outboxCount()).toBe(0);
    for (const id of streams) {
      const versions = received.map((m) => decodeEnvelope(m.value).envelope).filter((e) => e.streamId === id).map((e) => Number(e.streamVersion));
      expect(versions).toEqual([1, 2, 3]);
    }
    const first = received.find((m) => decodeEnvelope(m.value).envelope.streamVersion === 1n)!;
    expect(first.headers).toMatchObject({ 'event-type': 'switchboard.customers.v1.CustomerRegistered', traceparent: expect.stringMatching(/^00-/) });
    await relay.stop();
  });

  it('wakes the relay of its own process without a NOTIFY, and a relay in another process through Postgres', async () => {
    const topic = uniqueName('customers.events');
    const listener = new pg.Client({ connectionString: databaseUrl });
    await listener.connect();
    let notifications = 0;
    listener.on('notification', () => void notifications++);
    await listener.query('listen switchboard_outbox');
    // Polls once a minute: only a wake-up moves an event within the test's seconds.
    const relay = await startOutboxRelay({ prisma, databaseUrl, bus, pollIntervalMs: 60_000 });
    const received: string[] = [];
    await bus.subscribe({ groupId: uniqueName('g'), topics: [topic], fromBeginning: true, handle: async (m) => void received.push(decodeEnvelope(m.value).envelope.streamId) });
    await eventually('the relay holds the outbox', async () => (await listener.query(`select 1 from pg_locks where locktype = 'advisory' and objid = 727274002 and granted and database = (select oid from pg_database where datname = current_database())`)).rowCount === 1);
    await new EventStore(prisma, { topic }).append(`${topic}-here`, 0, [registered('here')], { occurredAt: at });
    await eventually('the event of this process relayed', () => received.length === 1, 5_000);
    // Another process's store (its own pool) cannot reach the relay but through Postgres.
    const elsewhere = connectPrisma(databaseUrl, 2);
    await new EventStore(elsewhere, { topic }).append(`${topic}-elsewhere`, 0, [registered('elsewhere')], { occurredAt: at });
    await eventually('the event of the other process relayed', () => received.length === 2, 5_000);
    await eventually('its notification', () => notifications >= 1);
    // Notifications come in commit order: had the first append notified too, both would be here by now.
    expect(notifications).toBe(1);
    expect(received).toEqual([`${topic}-here`, `${topic}-elsewhere`]);
    await relay.stop();
    await elsewhere.$disconnect();
    await listener.end();
  });

  it("moves its own process's appends without reading them back from the outbox, each stream in order", async () => {
    const topic = uniqueName('customers.events');
    const relayStore = new EventStore(prisma, { topic });
    // Counts the relay's reads of the outbox on the pool it shares with the store.
    const pool = poolOf(prisma);
    const query = pool.query.bind(pool) as (...args: unknown[]) => unknown;
    let reads = 0;
    pool.query = ((...args: unknown[]) => {
      const text = (args[0] as { text?: unknown } | undefined)?.text;
      if (typeof text === 'string' && /from outbox order by id/.test(text)) reads++;
      return query(...args);
    }) as typeof pool.query;
    const listener = new pg.Client({ connectionString: databaseUrl });
    await listener.connect();
    let relay: Awaited<ReturnType<typeof startOutboxRelay>> | undefined;
    try {
      // Polls once a minute: the read at its start is the only one it needs.
      relay = await startOutboxRelay({ prisma, databaseUrl, bus, pollIntervalMs: 60_000 });
      await eventually('the relay holds the outbox and read it once', async () => reads === 1 && (await listener.query(`select 1 from pg_locks where locktype = 'advisory' and objid = 727274002 and granted and database = (select oid from pg_database where datname = current_database())`)).rowCount === 1);
      const received: BusMessage[] = [];
      await bus.subscribe({ groupId: uniqueName('g'), topics: [topic], fromBeginning: true, handle: async (m) => void received.push(m) });
      const streams = Array.from({ length: 5 }, (_, i) => `${topic}-h${i}`);
      await Promise.all(
        streams.map(async (id) => {
          await relayStore.append(id, 0, [registered(id)], { occurredAt: at });
          await relayStore.append(id, 1, [tierChanged(id, CustomerTier.GOLD, CustomerTier.NORMAL), tierChanged(id, CustomerTier.PLATINUM, CustomerTier.GOLD)], { occurredAt: at });
        }),
      );
      await eventually('15 events on the bus', () => received.length === 15, 5_000);
      await eventually('the outbox emptied', async () => (await outboxCount()) === 0);
      expect(reads).toBe(1);
      for (const id of streams) {
        const envelopes = received.map((m) => decodeEnvelope(m.value).envelope).filter((e) => e.streamId === id);
        expect(envelopes.map((e) => Number(e.streamVersion))).toEqual([1, 2, 3]);
      }
      expect(received[0]!.headers).toMatchObject({ 'event-type': expect.stringMatching(/^switchboard\.customers\.v1\./) });
    } finally {
      await relay?.stop();
      pool.query = query as typeof pool.query;
      await listener.end();
    }
  });

  it("publishes another process's earlier event of a stream before this process's later one, though its notification was lost", async () => {
    const topic = uniqueName('customers.events');
    const listener = new pg.Client({ connectionString: databaseUrl });
    await listener.connect();
    // Another process of the service: its own pool, and its appends' notifications never arrive.
    const elsewhere = connectPrisma(databaseUrl, 2);
    const elsewherePool = poolOf(elsewhere);
    const query = elsewherePool.query.bind(elsewherePool) as (...args: unknown[]) => unknown;
    elsewherePool.query = ((...args: unknown[]) => {
      const text = (args[0] as { text?: unknown } | undefined)?.text;
      return typeof text === 'string' && text.includes('pg_notify') ? Promise.resolve({ rows: [], rowCount: 0 }) : query(...args);
    }) as typeof elsewherePool.query;
    // Polls once a minute: only the handed rows and what they call for move events within the test's seconds.
    const relay = await startOutboxRelay({ prisma, databaseUrl, bus, pollIntervalMs: 60_000 });
    try {
      await eventually('the relay holds the outbox', async () => (await listener.query(`select 1 from pg_locks where locktype = 'advisory' and objid = 727274002 and granted and database = (select oid from pg_database where datname = current_database())`)).rowCount === 1);
      const received: BusMessage[] = [];
      await bus.subscribe({ groupId: uniqueName('g'), topics: [topic], fromBeginning: true, handle: async (m) => void received.push(m) });
      const id = `${topic}-s`;
      await new EventStore(elsewhere, { topic }).append(id, 0, [registered(id)], { occurredAt: at });
      await new EventStore(prisma, { topic }).append(id, 1, [tierChanged(id, CustomerTier.GOLD, CustomerTier.NORMAL)], { occurredAt: at });
      await eventually('both events on the bus', () => received.length === 2, 5_000);
      expect(received.map((m) => Number(decodeEnvelope(m.value).envelope.streamVersion))).toEqual([1, 2]);
      await eventually('the outbox emptied', async () => (await outboxCount()) === 0);
    } finally {
      await relay.stop();
      await elsewhere.$disconnect();
      await listener.end();
    }
  });

  it('takes the lock again on a new session when its session is cut, and moves appends after it', async () => {
    const topic = uniqueName('customers.events');
    const listener = new pg.Client({ connectionString: databaseUrl });
    await listener.connect();
    const holder = async () =>
      (await listener.query<{ pid: number }>(`select pid from pg_locks where locktype = 'advisory' and objid = 727274002 and granted and database = (select oid from pg_database where datname = current_database())`)).rows[0]?.pid;
    const relay = await startOutboxRelay({ prisma, databaseUrl, bus, pollIntervalMs: 200, onError: () => undefined });
    try {
      await eventually('the relay holds the outbox', async () => (await holder()) !== undefined);
      const first = (await holder())!;
      // The server ends the session that holds the lock (a restart, a failover, an admin): the lock goes with it.
      await listener.query('select pg_terminate_backend($1)', [first]);
      await eventually('the lock held again, on another session', async () => {
        const pid = await holder();
        return pid !== undefined && pid !== first;
      });
      const received: string[] = [];
      await bus.subscribe({ groupId: uniqueName('g'), topics: [topic], fromBeginning: true, handle: async (m) => void received.push(decodeEnvelope(m.value).envelope.streamId) });
      await new EventStore(prisma, { topic }).append(`${topic}-after`, 0, [registered('after')], { occurredAt: at });
      await eventually('the append after the cut relayed', () => received.length === 1, 5_000);
    } finally {
      await relay.stop();
      await listener.end();
    }
  });

  it('lets only one relay work on a database at a time; the other takes over when it stops', async () => {
    const topic = uniqueName('customers.events');
    const relayStore = new EventStore(prisma, { topic });
    const a = await startOutboxRelay({ prisma, databaseUrl, bus, pollIntervalMs: 100 });
    const b = await startOutboxRelay({ prisma, databaseUrl, bus, pollIntervalMs: 100 });
    const received = new Set<string>();
    await bus.subscribe({ groupId: uniqueName('g'), topics: [topic], fromBeginning: true, handle: async (m) => void received.add(decodeEnvelope(m.value).envelope.eventId) });
    await relayStore.append(`${topic}-x`, 0, [registered('x')], { occurredAt: at });
    await eventually('the first event relayed', () => received.size === 1);
    await a.stop();
    await relayStore.append(`${topic}-y`, 0, [registered('y')], { occurredAt: at });
    await eventually('the second event relayed by the other relay', () => received.size === 2, 10_000);
    await b.stop();
  });
});

describe('a stream version', () => {
  it('is 0 before the first event and the last version after, without loading the stream', async () => {
    const id = uniqueName('customer');
    expect(await store.version(id)).toBe(0);
    await store.append(id, 0, [registered(id), tierChanged(id, CustomerTier.GOLD, CustomerTier.NORMAL)], { occurredAt: at });
    expect(await store.version(id)).toBe(2);
  });
});
