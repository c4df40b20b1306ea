// Reporting's ingestion: events/s from the bus into chDB through the real pipeline (fetch, decode,
// batch, raw rows, milestones, call facts, rollup) against plain inserts of the same raw rows into the
// same chDB in the same run. Two mixes: whole calls as the platform emits them (about a dozen events per
// call over telephony.calls and routing.events), and the worst case, one event per call (every event
// starts a call of its own, so every event costs a call's facts).
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { create } from '@bufbuild/protobuf';
import { timestampFromMs } from '@bufbuild/protobuf/wkt';
import {
  AgentRequestedSchema,
  AgentState,
  AgentStateChangedSchema,
  CallArrivedSchema,
  CallCompletedSchema,
  CallEndedBy,
  CallEndedSchema,
  CallOfferedSchema,
  CallQueuedSchema,
  CustomerTier,
  encodeEvent,
  OfferAcceptedSchema,
  SurveyAnsweredSchema,
  SurveyOfferedSchema,
  SurveyRating,
  type EventSchema,
} from '@switchboard/contracts';
import { createLocalEventBus, type BusMessage } from '@switchboard/eventbus';
import { connectClickHouse } from '../../services/reporting/src/adapters/clickhouse/client.ts';
import { applyClickHouseSchema } from '../../services/reporting/src/adapters/clickhouse/schema.ts';
import { ingestedEvent, startIngestion } from '../../services/reporting/src/application/ingest.ts';
import { now, rate, seconds, withPostgres, type Figure } from './harness.ts';

const EVENTS = 200_000;
const SITES = ['shenzhen', 'shanghai', 'beijing', 'guangzhou'];

export interface Published {
  readonly topic: 'telephony.calls' | 'routing.events';
  readonly key: string;
  readonly value: Uint8Array;
}

function publisher() {
  const versions = new Map<string, number>();
  return <S extends EventSchema>(topic: Published['topic'], schema: S, streamId: string, at: number, siteId: string, init: Parameters<typeof create<S>>[1]): Published => {
    const streamVersion = (versions.get(streamId) ?? 0) + 1;
    versions.set(streamId, streamVersion);
    return { topic, key: streamId, value: encodeEvent(schema, init as never, { eventId: randomUUID(), streamId, streamVersion, occurredAt: new Date(at), siteId }) };
  };
}

/** Whole answered calls, a call every 50 ms over the sites, each with its 13 events in the order they happen. */
export function wholeCalls(count: number): Published[] {
  const event = publisher();
  const ts = timestampFromMs;
  const start = Date.parse('2026-11-23T01:00:00Z');
  const out: Published[] = [];
  for (let i = 0; out.length < count; i++) {
    const callId = `call-${i}`;
    const siteId = SITES[i % SITES.length]!;
    const agentId = `${siteId}-agent-${i % 97}`;
    const agents = `agents-${siteId}`;
    const acd = `acd-${siteId}-${callId}`;
    const t = start + i * 50;
    const calls = (schema: EventSchema, at: number, init: object) => event('telephony.calls', schema, `call-${callId}`, at, siteId, init as never);
    const routing = (schema: EventSchema, stream: string, at: number, init: object) => event('routing.events', schema, stream, at, siteId, init as never);
    out.push(
      calls(CallArrivedSchema, t, { callId, callingNumber: '+8613812345678', dialledNumber: '+8695105555', arrivedAt: ts(t) }),
      calls(AgentRequestedSchema, t + 8_000, { callId, nodeId: 'to-agent', queue: 'general', businessType: 'general', language: 'zh-CN', requestedAt: ts(t + 8_000) }),
      routing(CallQueuedSchema, acd, t + 8_050, { siteId, callId, queueId: 'general', priority: 100, tier: CustomerTier.NORMAL, queuedAt: ts(t + 8_050), arrivedAt: ts(t) }),
      routing(CallOfferedSchema, acd, t + 12_000, { siteId, callId, queueId: 'general', agentId, offeredAt: ts(t + 12_000) }),
      routing(AgentStateChangedSchema, agents, t + 12_000, { agentId, siteId, state: AgentState.RESERVED, callId, changedAt: ts(t + 12_000) }),
      routing(OfferAcceptedSchema, acd, t + 15_000, { siteId, callId, agentId, acceptedAt: ts(t + 15_000) }),
      routing(AgentStateChangedSchema, agents, t + 15_000, { agentId, siteId, state: AgentState.ON_CALL, callId, changedAt: ts(t + 15_000) }),
      routing(CallCompletedSchema, acd, t + 95_000, { siteId, callId, queueId: 'general', agentId, talkMs: 80_000, at: ts(t + 95_000) }),
      routing(AgentStateChangedSchema, agents, t + 95_000, { agentId, siteId, state: AgentState.WRAP_UP, callId, changedAt: ts(t + 95_000) }),
      calls(CallEndedSchema, t + 95_000, { callId, endedBy: CallEndedBy.AGENT, endedAt: ts(t + 95_000) }),
      calls(SurveyOfferedSchema, t + 95_000, { callId, agentId, offeredAt: ts(t + 95_000) }),
      calls(SurveyAnsweredSchema, t + 101_000, { callId, rating: SurveyRating.SATISFIED, answeredAt: ts(t + 101_000) }),
      routing(AgentStateChangedSchema, agents, t + 110_000, { agentId, siteId, state: AgentState.READY, changedAt: ts(t + 110_000) }),
    );
  }
  return out.slice(0, count);
}

/** The worst case: every event the arrival of a call of its own. */
function oneEventPerCall(count: number): Published[] {
  const event = publisher();
  const start = Date.parse('2026-11-23T09:00:00Z');
  return Array.from({ length: count }, (_, i) =>
    event('telephony.calls', CallArrivedSchema, `call-${i}`, start + i, 'shenzhen', { callId: `call-${i}`, callingNumber: '+8613812345678', dialledNumber: '+8695105555' }),
  );
}

async function ingestionOf(mix: string, events: readonly Published[]): Promise<Figure[]> {
  return withPostgres(async (_server, database) => {
    const chdbDir = await mkdtemp(join(tmpdir(), 'bench-chdb-'));
    const clickhouse = await connectClickHouse({ CHDB_PATH: join(chdbDir, 'data') });
    const topics = ['telephony.calls', 'routing.events'];
    try {
      await applyClickHouseSchema(clickhouse);
      const bus = await createLocalEventBus({ databaseUrl: await database('bench_ingest'), fetchMaxMessages: 5000 });
      await bus.ensureTopics(topics.map((topic) => ({ topic, partitions: 8 })));
      for (const topic of topics) {
        const ofTopic = events.filter((e) => e.topic === topic);
        for (let i = 0; i < ofTopic.length; i += 5000) await bus.publish(topic, ofTopic.slice(i, i + 5000).map(({ key, value }) => ({ key, value })));
      }

      // Baseline: the same rows (decoded once, outside the clock) inserted straight into a twin table.
      await clickhouse.command({ query: 'create table baseline as events_raw_v1' });
      const sample: BusMessage[] = [];
      const collector = await bus.subscribe({ groupId: 'collect', topics, fromBeginning: true, handleBatch: async (m) => void sample.push(...m) });
      while (sample.length < events.length) await new Promise((r) => setTimeout(r, 50));
      await collector.stop();
      const rows = sample.map((m) => ingestedEvent(m).raw);
      let start = now();
      for (let i = 0; i < rows.length; i += 50_000) await clickhouse.insert({ table: 'baseline', values: rows.slice(i, i + 50_000), format: 'JSONEachRow' });
      const baselineSeconds = seconds(start);

      // The pipeline has ingested a batch once its write ended (raw rows, milestones, facts and rollup all in).
      let written = 0;
      const cpuBefore = process.cpuUsage();
      start = now();
      const pipeline = await startIngestion(bus, clickhouse, { flushIntervalMs: 1000, maxRows: 50_000, topics, onWritten: (batch) => void (written += batch.length) });
      while (written < events.length) await new Promise((r) => setTimeout(r, 20));
      const pipelineSeconds = seconds(start);
      const cpu = process.cpuUsage(cpuBefore);
      await pipeline.close();
      await bus.close();
      const [counted] = await (await clickhouse.query({ query: 'select count() as n from events_raw_v1', format: 'JSONEachRow' })).json<{ n: string }>();
      if (Number(counted?.n) !== events.length) throw new Error(`the pipeline wrote ${counted?.n} raw rows of ${events.length}`);
      return [
        { benchmark: 'ingestion', figure: `${mix}: baseline, inserts of the same raw rows into chDB, 50,000 a batch`, value: rate(events.length, baselineSeconds) },
        { benchmark: 'ingestion', figure: `${mix}: bus → decode → raw rows, milestones, facts, rollup in chDB (${events.length.toLocaleString('en-US')} events on the log)`, value: rate(events.length, pipelineSeconds) },
        { benchmark: 'ingestion', figure: `${mix}: the pipeline's process (Node and chDB), CPU of one core`, value: `${Math.round(((cpu.user + cpu.system) / 1e6 / pipelineSeconds) * 100)} %` },
        { benchmark: 'ingestion', figure: `${mix}: ratio, pipeline ÷ baseline`, value: (events.length / pipelineSeconds / (events.length / baselineSeconds)).toFixed(2), note: 'target ≥ 0.5' },
      ];
    } finally {
      await clickhouse.close();
      await rm(chdbDir, { recursive: true, force: true });
    }
  });
}

export async function ingestion(): Promise<Figure[]> {
  return [
    ...(await ingestionOf('whole calls (13 events each)', wholeCalls(EVENTS))),
    ...(await ingestionOf('one event per call (worst case)', oneEventPerCall(EVENTS))),
  ];
}
