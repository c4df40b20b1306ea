import { describe, expect, it } from 'vitest';
import pg from 'pg';
import { createLocalEventBus, type BusMessage, type EventBusConfig } from '@switchboard/eventbus';
import { eventually, freshDatabase, uniqueName } from '@switchboard/testing';
import { eventBusContract } from './contract.ts';

const databaseUrl = await freshDatabase('bus');
const timings = { heartbeatIntervalMs: 150, sessionTimeoutMs: 1500, pollIntervalMs: 500 } as const;
const config = (): EventBusConfig => ({ kind: 'local', databaseUrl, ...timings });

eventBusContract('local log', () => createLocalEventBus({ databaseUrl, ...timings }), { partitions: 4, childConfig: config });

describe('the local log', () => {
  it('never skips an offset while many writers append concurrently', async () => {
    const writers = await Promise.all(Array.from({ length: 8 }, () => createLocalEventBus({ databaseUrl, ...timings })));
    const reader = await createLocalEventBus({ databaseUrl, ...timings, pollIntervalMs: 5 });
    const t = uniqueName('contended');
    await reader.ensureTopics([{ topic: t, partitions: 1 }]);
    const offsets: number[] = [];
    await reader.subscribe({ groupId: uniqueName('g'), topics: [t], fromBeginning: true, handle: async (m) => void offsets.push(Number(m.offset)) });
    const perWriter = 60;
    await Promise.all(
      writers.map(async (w, i) => {
        for (let n = 0; n < perWriter; n++) await w.publish(t, [{ key: `k${i}-${n}`, value: Buffer.from(`${i}:${n}`) }]);
      }),
    );
    const total = writers.length * perWriter;
    await eventually('every append read', () => offsets.length >= total, 20_000);
    expect(offsets).toEqual(Array.from({ length: total }, (_, i) => i));
    await Promise.all([...writers, reader].map((b) => b.close()));
  });

  it('deletes messages past the retention of their topic, and a new group starts at the oldest kept', async () => {
    const bus = await createLocalEventBus({ databaseUrl, ...timings, retentionCheckIntervalMs: 100 });
    const t = uniqueName('short-lived');
    await bus.ensureTopics([{ topic: t, partitions: 1, retentionMs: 60_000 }]);
    await bus.publish(t, [{ key: 'a', value: Buffer.from('old') }]);
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    await client.query(`update eventbus.messages set appended_at = now() - interval '2 minutes' where topic = $1`, [t]);
    await bus.publish(t, [{ key: 'a', value: Buffer.from('new') }]);
    const count = async () => (await client.query('select count(*)::int as n from eventbus.messages where topic = $1', [t])).rows[0].n;
    await eventually('the expired message deleted', async () => (await count()) === 1);
    await client.end();
    const seen: string[] = [];
    await bus.subscribe({ groupId: uniqueName('g'), topics: [t], fromBeginning: true, handle: async (m) => void seen.push(Buffer.from(m.value).toString()) });
    await eventually('the kept message', () => seen.length === 1);
    expect(seen).toEqual(['new']);
    await bus.close();
  });

  it('reads at once what was appended while its listening connection was down, not at its next poll', async () => {
    const reader = await createLocalEventBus({ databaseUrl, ...timings, pollIntervalMs: 60_000 });
    const writer = await createLocalEventBus({ databaseUrl, ...timings });
    const t = uniqueName('missed-wake');
    await writer.ensureTopics([{ topic: t, partitions: 1 }]);
    const seen: string[] = [];
    await reader.subscribe({ groupId: uniqueName('g'), topics: [t], fromBeginning: true, handle: async (m) => void seen.push(Buffer.from(m.value).toString()) });
    await writer.publish(t, [{ key: 'a', value: Buffer.from('before') }]);
    await eventually('the first message, woken by its notification', () => seen.length === 1);

    // Every bus's listening connection is dropped (the writer's too: it reads nothing), as in a Postgres restart.
    const admin = new pg.Client({ connectionString: databaseUrl });
    await admin.connect();
    const listening = `select pid from pg_stat_activity where datname = current_database() and query = 'listen switchboard_eventbus_groups'`;
    const { rows } = await admin.query<{ pid: number }>(listening);
    expect(rows.length).toBeGreaterThanOrEqual(2);
    await admin.query('select pg_terminate_backend(pid) from unnest($1::int[]) as pid', [rows.map((r) => r.pid)]);
    await eventually('the listening connections gone', async () => (await admin.query(`select count(*)::int as n from pg_stat_activity where pid = any($1::int[])`, [rows.map((r) => r.pid)])).rows[0].n === 0);
    await admin.end();
    // Its notification reaches nobody; only the reconnection (a second later) can wake the reader before its 60 s poll.
    await writer.publish(t, [{ key: 'a', value: Buffer.from('while down') }]);
    await eventually('the message appended while nobody listened', () => seen.length === 2, 10_000);
    expect(seen).toEqual(['before', 'while down']);
    await Promise.all([reader.close(), writer.close()]);
  });

  it('hands a reader at the head the same messages from the append’s notification as a later reader gets from the log', async () => {
    const bus = await createLocalEventBus({ databaseUrl, ...timings, pollIntervalMs: 60_000 });
    const t = uniqueName('noted');
    await bus.ensureTopics([{ topic: t, partitions: 2 }]);
    const asSeen = (m: BusMessage) => ({ partition: m.partition, offset: m.offset, key: m.key, value: Buffer.from(m.value).toString('hex'), headers: m.headers, at: m.timestamp.getTime() });
    const live: ReturnType<typeof asSeen>[] = [];
    await bus.subscribe({ groupId: uniqueName('live'), topics: [t], handle: async (m) => void live.push(asSeen(m)) });
    // Appends one after another, as the head reader waits: each wakes it with its own messages (a big one only announced).
    await bus.publish(t, [{ key: 'call-1', value: Buffer.from([0, 1, 2, 255]), headers: { 'event-type': 'CallArrived', 'schema-version': '1' } }]);
    await bus.publish(t, [
      { key: 'call-1', value: Buffer.from('second'), headers: { 'event-type': 'CallQueued' } },
      { key: 'call-2', value: Buffer.from('third') },
    ]);
    await bus.publish(t, [{ key: 'call-2', value: Buffer.alloc(10_000, 7) }]);
    await eventually('the live reader has all four', () => live.length === 4);
    const replayed: ReturnType<typeof asSeen>[] = [];
    await bus.subscribe({ groupId: uniqueName('replay'), topics: [t], fromBeginning: true, handle: async (m) => void replayed.push(asSeen(m)) });
    await eventually('the replay has all four', () => replayed.length === 4);
    const order = (a: ReturnType<typeof asSeen>, b: ReturnType<typeof asSeen>) => a.partition - b.partition || Number(a.offset) - Number(b.offset);
    expect(live.sort(order)).toEqual(replayed.sort(order));
    await bus.close();
  });

  it('reads the log for an append too large for its note even when a smaller one’s note came first', async () => {
    const bus = await createLocalEventBus({ databaseUrl, ...timings, pollIntervalMs: 60_000 });
    const t = uniqueName('large-after-small');
    await bus.ensureTopics([{ topic: t, partitions: 1 }]);
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const seen: string[] = [];
    await bus.subscribe({
      groupId: uniqueName('g'),
      topics: [t],
      handle: async (m) => {
        const text = Buffer.from(m.value).subarray(0, 5).toString();
        seen.push(text);
        if (text === 'first') await gate;
      },
    });
    await bus.publish(t, [{ key: 'a', value: Buffer.from('first') }]);
    await eventually('the reader busy with the first', () => seen.length === 1);
    // While it is busy: a small append (its note brings it) and one too large for a note (only announced).
    await bus.publish(t, [{ key: 'a', value: Buffer.from('small') }]);
    await bus.publish(t, [{ key: 'a', value: Buffer.concat([Buffer.from('large'), Buffer.alloc(10_000, 1)]) }]);
    // Both notifications reach the reader while it is still busy (they come a moment after the appends return).
    await new Promise((resolve) => setTimeout(resolve, 300));
    release();
    // Only a read of the log brings the large one: with a 60 s poll, within seconds means the announcement was heard.
    await eventually('all three', () => seen.length === 3, 10_000);
    expect(seen).toEqual(['first', 'small', 'large']);
    await bus.close();
  });

  it('refuses a topic with no partitions, naming it', async () => {
    const bus = await createLocalEventBus({ databaseUrl, ...timings });
    await expect(bus.ensureTopics([{ topic: 'calls', partitions: 0 }])).rejects.toThrow(/topic calls: partitions must be a positive integer/);
    await bus.close();
  });
});
