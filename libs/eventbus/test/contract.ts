// The contract every event bus adapter passes: ordering, at-least-once, groups, replay, dead letters, headers.
import { spawn } from 'node:child_process';
import { mkdtemp, readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { eventually, uniqueName } from '@switchboard/testing';
import {
  DeadLetterHeaders,
  DownstreamUnavailable,
  UnprocessableMessage,
  deadLetterTopic,
  partitionForKey,
  replayDeadLetters,
  type BusMessage,
  type EventBus,
  type EventBusConfig,
  type OutgoingMessage,
} from '@switchboard/eventbus';

export interface ContractOptions {
  /** Partitions of every topic the suite uses (the Kafka mock auto-creates 4). */
  readonly partitions: number;
  /** How a separate process (the crash test's consumer) reaches the same backend. */
  readonly childConfig: () => EventBusConfig;
}

const text = (m: BusMessage) => Buffer.from(m.value).toString();
const message = (key: string, body: string, headers?: Record<string, string>): OutgoingMessage => ({
  key,
  value: Buffer.from(body),
  ...(headers ? { headers } : {}),
});
const repoRoot = resolve(import.meta.dirname, '../../..');

export function eventBusContract(name: string, makeBus: () => Promise<EventBus>, options: ContractOptions): void {
  describe(`event bus contract: ${name}`, () => {
    const open: EventBus[] = [];
    const bus = async () => {
      const b = await makeBus();
      open.push(b);
      return b;
    };
    const topic = async (b: EventBus, prefix = 'calls') => {
      const t = uniqueName(prefix);
      await b.ensureTopics([{ topic: t, partitions: options.partitions }]);
      return t;
    };
    afterEach(async () => {
      await Promise.all(open.splice(0).map((b) => b.close()));
    });

    it("delivers each call's events in the order they were published, on Kafka's partition for the key", async () => {
      const b = await bus();
      const t = await topic(b);
      const calls = Array.from({ length: 12 }, (_, i) => `call-${i}`);
      const sent: OutgoingMessage[] = [];
      for (let step = 0; step < 25; step++) for (const call of calls) sent.push(message(call, `${call}#${step}`));
      for (let i = 0; i < sent.length; i += 50) await b.publish(t, sent.slice(i, i + 50));
      const seen = new Map<string, number[]>();
      const partitions = new Map<string, number>();
      await b.subscribe({
        groupId: uniqueName('wallboard'),
        topics: [t],
        fromBeginning: true,
        handle: async (m) => {
          const [call, step] = text(m).split('#');
          seen.set(call!, [...(seen.get(call!) ?? []), Number(step)]);
          partitions.set(call!, m.partition);
        },
      });
      await eventually('all 300 events', () => [...seen.values()].reduce((n, s) => n + s.length, 0) >= sent.length);
      for (const call of calls) {
        expect(seen.get(call)).toEqual(Array.from({ length: 25 }, (_, i) => i));
        expect(partitions.get(call)).toBe(partitionForKey(call, options.partitions));
      }
    });

    it('keeps the headers (event id, type, traceparent) across the trip', async () => {
      const b = await bus();
      const t = await topic(b);
      const headers = {
        'event-id': '0b7e6a52-5a43-4c9e-9a51-111111111111',
        'event-type': 'switchboard.telephony.v1.CallArrived',
        traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
      };
      await b.publish(t, [message('call-1', 'arrived', headers)]);
      const received: BusMessage[] = [];
      await b.subscribe({ groupId: uniqueName('g'), topics: [t], fromBeginning: true, handle: async (m) => void received.push(m) });
      await eventually('the message', () => received.length === 1);
      expect(received[0]!.headers).toMatchObject(headers);
      expect(received[0]!.key).toBe('call-1');
      expect(text(received[0]!)).toBe('arrived');
    });

    it('splits the partitions between two members of a group, and one takes over when the other leaves', async () => {
      const [a, b] = [await bus(), await bus()];
      const t = await topic(a);
      const groupId = uniqueName('routing');
      const seenBy = { a: new Set<string>(), b: new Set<string>() };
      const memberA = await a.subscribe({ groupId, topics: [t], fromBeginning: true, handle: async (m) => void seenBy.a.add(text(m)) });
      const memberB = await b.subscribe({ groupId, topics: [t], fromBeginning: true, handle: async (m) => void seenBy.b.add(text(m)) });
      await eventually('both members hold partitions', () => memberA.assignment().length > 0 && memberB.assignment().length > 0, 20_000);
      await eventually(
        'every partition owned once',
        () => memberA.assignment().length + memberB.assignment().length === options.partitions,
        20_000,
      );
      expect(memberA.assignment().filter((p) => memberB.assignment().includes(p))).toEqual([]);
      const first = Array.from({ length: 40 }, (_, i) => message(`site-${i}`, `first-${i}`));
      await a.publish(t, first);
      await eventually('the first batch', () => seenBy.a.size + seenBy.b.size >= 40);
      expect(seenBy.a.size).toBeGreaterThan(0);
      expect(seenBy.b.size).toBeGreaterThan(0);

      await memberB.stop();
      await eventually('A owns every partition', () => memberA.assignment().length === options.partitions, 20_000);
      const second = Array.from({ length: 40 }, (_, i) => message(`site-${i}`, `second-${i}`));
      await a.publish(t, second);
      await eventually('A receives the second batch whole', () => second.every((m) => seenBy.a.has(Buffer.from(m.value).toString())), 20_000);
    });

    it('redelivers what a killed consumer had not committed: no event is lost', async () => {
      const b = await bus();
      const t = await topic(b);
      const groupId = uniqueName('crm');
      const ids = Array.from({ length: 200 }, (_, i) => `ev-${i}`);
      await b.publish(t, ids.map((id, i) => message(`call-${i % 10}`, id)));
      const out = join(await mkdtemp(join(tmpdir(), 'crash-')), 'handled.txt');
      const child = spawn(process.execPath, [join(import.meta.dirname, 'fixtures/slow-consumer.ts')], {
        cwd: repoRoot,
        env: { ...process.env, BUS_CONFIG: JSON.stringify(options.childConfig()), GROUP: groupId, TOPIC: t, OUT: out },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let childErr = '';
      child.stderr.on('data', (c: Buffer) => (childErr += c.toString()));
      const lines = async () => (existsSync(out) ? (await readFile(out, 'utf8')).split('\n').filter(Boolean) : []);
      await eventually('the child handles 30 events', async () => (await lines()).length >= 30, 30_000).catch((error: Error) => {
        throw new Error(`${error.message}; the child wrote:\n${childErr.slice(-2000)}`);
      });
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));
      const beforeCrash = new Set(await lines());
      expect(beforeCrash.size).toBeLessThan(ids.length);

      const after = new Set<string>();
      await b.subscribe({ groupId, topics: [t], fromBeginning: true, handle: async (m) => void after.add(text(m)) });
      await eventually('every event handled by one or the other', () => ids.every((id) => beforeCrash.has(id) || after.has(id)), 40_000);
    }, 90_000);

    it('replays from the beginning: for a new group, and for a group reset to the earliest offset', async () => {
      const b = await bus();
      const t = await topic(b);
      await b.publish(t, Array.from({ length: 30 }, (_, i) => message(`k${i}`, `m${i}`)));
      const groupId = uniqueName('reporting');
      let count = 0;
      const member = await b.subscribe({ groupId, topics: [t], fromBeginning: true, handle: async () => void count++ });
      await eventually('the first pass', () => count === 30);
      await member.stop();
      await b.resetToEarliest(groupId, t);
      const replayed: string[] = [];
      await b.subscribe({ groupId, topics: [t], fromBeginning: false, handle: async (m) => void replayed.push(text(m)) });
      await eventually('the replay', () => replayed.length === 30, 20_000);
      let fresh = 0;
      await b.subscribe({ groupId: uniqueName('analysts'), topics: [t], fromBeginning: true, handle: async () => void fresh++ });
      await eventually('a new group reads from the start', () => fresh === 30);
    });

    it('dead-letters a message that fails every attempt, with the error in its headers, and moves on', async () => {
      const b = await bus();
      const t = await topic(b);
      const groupId = uniqueName('orders');
      await b.publish(t, [message('w-1', 'ok-1'), message('w-1', 'poison'), message('w-1', 'ok-2')]);
      const handled: string[] = [];
      let poisonAttempts = 0;
      const told: string[] = [];
      await b.subscribe({
        groupId,
        topics: [t],
        fromBeginning: true,
        maxAttempts: 3,
        onDeadLetter: (m, error) => told.push(`${text(m)}: ${error instanceof Error ? error.message : String(error)}`),
        handle: async (m) => {
          if (text(m) === 'poison') {
            poisonAttempts++;
            throw new Error('waybill W-1 has no station');
          }
          handled.push(text(m));
        },
      });
      const dead: BusMessage[] = [];
      await b.subscribe({ groupId: uniqueName('dlq-reader'), topics: [deadLetterTopic(groupId)], fromBeginning: true, handle: async (m) => void dead.push(m) });
      await eventually('the dead letter and the message after it', () => dead.length === 1 && handled.length === 2, 20_000);
      expect(handled).toEqual(['ok-1', 'ok-2']);
      expect(poisonAttempts).toBe(3);
      expect(text(dead[0]!)).toBe('poison');
      expect(dead[0]!.headers[DeadLetterHeaders.error]).toContain('waybill W-1 has no station');
      expect(dead[0]!.headers[DeadLetterHeaders.attempts]).toBe('3');
      expect(dead[0]!.headers[DeadLetterHeaders.topic]).toBe(t);
      // The subscriber is told, so that the dead letter shows in its log.
      expect(told).toEqual(['poison: waybill W-1 has no station']);
    });

    it('dead-letters an unprocessable message at once, and splits a failing batch so only it is set aside', async () => {
      const b = await bus();
      const t = await topic(b);
      const groupId = uniqueName('ingest');
      await b.publish(t, ['a', 'garbage', 'b', 'c'].map((v) => message('site-1', v)));
      const stored: string[] = [];
      let garbageSeen = 0;
      await b.subscribe({
        groupId,
        topics: [t],
        fromBeginning: true,
        handleBatch: async (batch) => {
          if (batch.some((m) => text(m) === 'garbage')) {
            garbageSeen++;
            throw new UnprocessableMessage('not an envelope');
          }
          stored.push(...batch.map(text));
        },
      });
      const dead: BusMessage[] = [];
      await b.subscribe({ groupId: uniqueName('dlq-reader'), topics: [deadLetterTopic(groupId)], fromBeginning: true, handle: async (m) => void dead.push(m) });
      await eventually('the good rows stored and the bad one dead-lettered', () => stored.length === 3 && dead.length === 1, 20_000);
      expect(stored).toEqual(['a', 'b', 'c']);
      expect(text(dead[0]!)).toBe('garbage');
      expect(dead[0]!.headers[DeadLetterHeaders.attempts]).toBe('1');
      expect(garbageSeen).toBeLessThanOrEqual(2);
    });

    it('delivers a batch again while its store is down (DownstreamUnavailable), however often, and dead-letters none of it', async () => {
      const b = await bus();
      const t = await topic(b);
      const groupId = uniqueName('ingest');
      await b.publish(t, ['a', 'b', 'c'].map((v) => message('site-1', v)));
      const stored: string[] = [];
      let refusals = 0;
      await b.subscribe({
        groupId,
        topics: [t],
        fromBeginning: true,
        maxAttempts: 2,
        handleBatch: async (batch) => {
          // Down for more attempts than maxAttempts allows a message.
          if (refusals < 5) {
            refusals++;
            throw new DownstreamUnavailable('ClickHouse does not answer');
          }
          stored.push(...batch.map(text));
        },
      });
      const dead: BusMessage[] = [];
      await b.subscribe({ groupId: uniqueName('dlq-reader'), topics: [deadLetterTopic(groupId)], fromBeginning: true, handle: async (m) => void dead.push(m) });
      await eventually('the batch stored once the store is back', () => stored.length === 3, 20_000);
      expect(stored).toEqual(['a', 'b', 'c']);
      expect(refusals).toBe(5);
      expect(dead).toEqual([]);
    });

    it('does not commit a batch its store never took before the consumer stopped: the next consumer gets it', async () => {
      const groupId = uniqueName('ingest');
      const first = await bus();
      const t = await topic(first);
      await first.publish(t, ['a', 'b'].map((v) => message('site-1', v)));
      let refusals = 0;
      await first.subscribe({
        groupId,
        topics: [t],
        fromBeginning: true,
        handleBatch: async () => {
          refusals++;
          throw new DownstreamUnavailable('ClickHouse does not answer');
        },
      });
      await eventually('the store refused a few times', () => refusals >= 3, 20_000);
      open.splice(open.indexOf(first), 1);
      await first.close();
      const stored: string[] = [];
      const second = await bus();
      await second.subscribe({ groupId, topics: [t], fromBeginning: true, handleBatch: async (batch) => void stored.push(...batch.map(text)) });
      await eventually('the next consumer stored the batch', () => stored.length === 2, 30_000);
      expect(stored).toEqual(['a', 'b']);
    });

    it("hands a partition's next batch over while the earlier still waits (batchesInFlight), and commits none past a batch still waiting", async () => {
      const groupId = uniqueName('ingest');
      const first = await bus();
      const t = await topic(first);
      // Each batch waits for its write (as reporting's waits for the sink's next flush) until the test lets it go.
      const waiting = new Map<string, { write: () => void; fail: (error: unknown) => void }>();
      const handedOver: string[] = [];
      let closing = false;
      await first.subscribe({
        groupId,
        topics: [t],
        fromBeginning: true,
        batchesInFlight: 4,
        handleBatch: async (batch) => {
          if (closing) throw new DownstreamUnavailable('ClickHouse does not answer');
          const values = batch.map(text).join(',');
          handedOver.push(values);
          await new Promise<void>((write, fail) => waiting.set(values, { write, fail }));
        },
      });
      await first.publish(t, [message('site-1', 'a')]);
      await eventually('the first batch handed over', () => waiting.has('a'), 20_000);
      await first.publish(t, [message('site-1', 'b')]);
      await eventually('the next batch handed over while the first still waits', () => waiting.has('b'), 20_000);
      expect(handedOver).toEqual(['a', 'b']);
      // The later batch is written, the earlier never is: the position must not move past the earlier one.
      waiting.get('b')!.write();
      closing = true;
      const closed = first.close();
      open.splice(open.indexOf(first), 1);
      waiting.get('a')!.fail(new DownstreamUnavailable('ClickHouse does not answer'));
      await closed;
      const stored: string[] = [];
      const second = await bus();
      await second.subscribe({ groupId, topics: [t], fromBeginning: true, handleBatch: async (batch) => void stored.push(...batch.map(text)) });
      await eventually('the next consumer got the batch never written, and the one after it', () => stored.length >= 2, 30_000);
      expect(stored).toEqual(['a', 'b']);
    });

    it('lets a second member join while the first holds as many batches as batchesInFlight allows for a store that is down, and loses none', async () => {
      const [a, b] = [await bus(), await bus()];
      const t = await topic(a);
      const groupId = uniqueName('ingest');
      let down = true;
      const seen = new Set<string>();
      const stored = new Set<string>();
      const handleBatch = async (batch: readonly BusMessage[]) => {
        for (const m of batch) seen.add(text(m));
        if (down) throw new DownstreamUnavailable('ClickHouse does not answer');
        for (const m of batch) stored.add(text(m));
      };
      const first = await a.subscribe({ groupId, topics: [t], fromBeginning: true, batchesInFlight: 2, handleBatch });
      // Three batches of one partition: two held for the store, the third waiting for room.
      for (const value of ['a', 'b', 'c']) {
        await a.publish(t, [message('site-1', value)]);
        if (value !== 'c') await eventually(`batch ${value} handed over`, () => seen.has(value), 20_000);
      }
      // Time for the first member to read the third batch and wait for room (nothing outside shows that it waits).
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      const second = await b.subscribe({ groupId, topics: [t], fromBeginning: true, batchesInFlight: 2, handleBatch });
      // Split while the store is still down: the first member gave its held batches up to rejoin the group.
      await eventually(
        'every partition owned once, by one member or the other',
        () =>
          first.assignment().length > 0 &&
          second.assignment().length > 0 &&
          first.assignment().length + second.assignment().length === options.partitions &&
          first.assignment().every((p) => !second.assignment().includes(p)),
        30_000,
      );
      down = false;
      await eventually('every batch stored once the store is back', () => ['a', 'b', 'c'].every((v) => stored.has(v)), 30_000);
    });

    it('refuses a batchesInFlight that is not a whole number of at least 1, saying so', async () => {
      const b = await bus();
      const t = await topic(b);
      for (const batchesInFlight of [0, 1.5, Number.NaN]) {
        await expect(b.subscribe({ groupId: uniqueName('ingest'), topics: [t], batchesInFlight, handleBatch: async () => undefined })).rejects.toThrow(/batchesInFlight must be a whole number ≥ 1/);
      }
    });

    it("replays a group's dead letters to their topics once the cause is fixed, each once", async () => {
      const b = await bus();
      const t = await topic(b);
      const groupId = uniqueName('orders');
      let broken = true;
      const handled: string[] = [];
      await b.subscribe({
        groupId,
        topics: [t],
        fromBeginning: true,
        maxAttempts: 1,
        handle: async (m) => {
          if (broken && text(m) === 'w-2') throw new Error('waybill W-2 has no station');
          handled.push(text(m));
        },
      });
      await b.publish(t, [message('w', 'w-1'), message('w', 'w-2'), message('w', 'w-3')]);
      // w-2 is dead-lettered before w-3 is handled (one partition, in order).
      await eventually('w-1 and w-3 handled', () => handled.length === 2, 20_000);
      broken = false;
      const replay = await replayDeadLetters(b, groupId);
      expect(replay.replayed).toBe(1);
      expect(replay.byTopic).toEqual({ [t]: 1 });
      expect(Object.keys(replay.byReason)[0]).toContain('waybill W-2 has no station');
      await eventually('w-2 handled once replayed', () => handled.includes('w-2'), 20_000);
      // The replay remembers how far it got: a second one sends nothing.
      expect((await replayDeadLetters(b, groupId, { idleMs: 500 })).replayed).toBe(0);
      expect(handled).toEqual(['w-1', 'w-3', 'w-2']);
    });
  });
}
