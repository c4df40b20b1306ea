// Snapshots of a site's ACD state on the real Postgres: a restart reads the latest snapshot and only the events after it, an older format is ignored.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CustomerTier } from '@switchboard/contracts';
import { EventStore, StreamSnapshots, type LoadOptions, type Sql, type StoredEvent } from '@switchboard/event-store';
import { createLogger, startEventSourcedService } from '@switchboard/service-kit';
import { freshDatabase, jsonClient } from '@switchboard/testing';
import { siteDeskOf } from '../src/application/acd-desks.ts';
import { agentView, siteView } from '../src/application/acd-views.ts';
import { acdSiteStream, SiteDesk, type CachedSite } from '../src/application/site-desk.ts';
import { SiteSnapshots } from '../src/application/site-snapshots.ts';
import type { AcdCommand } from '../src/domain/acd/commands.ts';
import { SITE_SNAPSHOT_FORMAT } from '../src/domain/acd/snapshot.ts';
import { routingService } from '../src/service.ts';
import { asService, authConfig } from './fixtures/people.ts';

type Running = Awaited<ReturnType<typeof startEventSourcedService>>;

const SITE = 'guangzhou';
const STREAM = acdSiteStream(SITE);
const EVERY = 40;
const AGENTS = ['chen-jie', 'zhou-min', 'huang-lei'];
// From now on, as a switch's reports would be: the service's clock ticks in real time, and an offer of long ago would
// be taken back as rung out (the ACD's ring timer) while the test reads the site.
const T0 = Math.floor(Date.now() / 60_000) * 60_000;

/** The event store as the service has it, counting what each load read. */
class CountingStore extends EventStore {
  readonly loads: { streamId: string; afterVersion: number; events: number }[] = [];
  override async load(streamId: string, options: LoadOptions = {}): Promise<StoredEvent[]> {
    const events = await super.load(streamId, options);
    this.loads.push({ streamId, afterVersion: options.afterVersion ?? 0, events: events.length });
    return events;
  }
}

describe('snapshots of a site', () => {
  let env: Record<string, string>;
  let service: Running;
  const config = { ...authConfig, ACD_SNAPSHOT_EVERY: EVERY };
  const start = () => startEventSourcedService(routingService(config), { env, handleSignals: false });
  const desk = () => siteDeskOf(service.context, { snapshotEvery: EVERY });
  const snapshots = () => new StreamSnapshots(service.context.sql, service.context.store);
  const logLines: string[] = [];
  const logger = createLogger({ name: 'routing', level: 'info', destination: { write: (line: string) => void logLines.push(line) } });

  /** A desk as a restarted process has it: nothing cached, and every load counted. */
  function freshDesk(sql: Sql = service.context.sql): { desk: SiteDesk; store: CountingStore } {
    const store = new CountingStore(service.context.prisma, { topic: 'routing.events' });
    const snapshotsOfSites = new SiteSnapshots({ store, sql, every: EVERY, logger });
    return { desk: new SiteDesk({ store, appendOptions: () => ({ occurredAt: new Date(T0) }), snapshots: snapshotsOfSites }), store };
  }

  async function run(command: AcdCommand): Promise<void> {
    expect(await desk().execute(SITE, command), command.type).toMatchObject({ ok: true });
  }
  const offeredTo = (callId: string) =>
    desk().read(SITE, ({ state }) => {
      const phase = state.status === 'registered' ? state.calls.get(callId)?.phase : undefined;
      return phase?.status === 'offered' ? phase.agentId : undefined;
    });
  /** The queue and desk views, at one instant so that waits and times in state compare. */
  const views = (site: CachedSite) => ({ site: siteView(site, T0 + 3_600_000), agents: AGENTS.map((agentId) => agentView(site, agentId, T0 + 3_600_000)) });
  let before: ReturnType<typeof views>;
  let streamVersion: number;

  beforeAll(async () => {
    env = { PORT: '0', LOG_LEVEL: 'silent', DATABASE_URL: await freshDatabase('routing'), EVENTBUS_DATABASE_URL: await freshDatabase('bus') };
    service = await start();
    await run({ type: 'RegisterSite', siteId: SITE, name: 'Guangzhou center', city: 'Guangzhou', timezone: 'Asia/Shanghai', isHeadquarters: false });
    await run({ type: 'DefineQueue', queueId: 'waybills', name: 'Waybills', requiredSkills: [{ skill: 'waybill', minLevel: 1 }], overflowThresholdMs: 0, overflowChain: [], wrapUpMs: 0 });
    for (const [i, agentId] of AGENTS.entries()) {
      await run({ type: 'RegisterAgent', agentId, name: agentId, skills: [{ skill: 'waybill', level: 3 + i }] });
      await run({ type: 'LogIn', agentId, at: T0 });
      await run({ type: 'GoReady', agentId, at: T0 });
    }
    // Two dozen calls answered and ended (seven events each), a no-answer now and then.
    for (let i = 0; i < 24; i++) {
      const at = T0 + (i + 1) * 60_000;
      const callId = `c-${i}`;
      await run({ type: 'QueueCall', callId, queueId: 'waybills', tier: i % 3 === 0 ? CustomerTier.GOLD : CustomerTier.NORMAL, urgency: i % 7, at });
      if (i % 6 === 5) await run({ type: 'RecordNoAnswer', callId, agentId: (await offeredTo(callId))!, at: at + 10_000 });
      await run({ type: 'AcceptOffer', callId, agentId: (await offeredTo(callId))!, at: at + 15_000 });
      await run({ type: 'EndCall', callId, at: at + 45_000 });
    }
    // Then a site at work: one agent on a break, one talking, one ringing, two callers waiting (one for a callback).
    const at = T0 + 30 * 60_000;
    for (const agentId of AGENTS) await run({ type: 'GoNotReady', agentId, reason: 'break', at });
    await run({ type: 'GoReady', agentId: 'chen-jie', at: at + 1_000 });
    await run({ type: 'GoReady', agentId: 'zhou-min', at: at + 2_000 });
    await run({ type: 'QueueCall', callId: 'talking', queueId: 'waybills', tier: CustomerTier.PLATINUM, urgency: 0, at: at + 3_000 });
    await run({ type: 'AcceptOffer', callId: 'talking', agentId: (await offeredTo('talking'))!, at: at + 4_000 });
    await run({ type: 'QueueCall', callId: 'ringing', queueId: 'waybills', tier: CustomerTier.NORMAL, urgency: 0, at: at + 5_000 });
    await run({ type: 'QueueCall', callId: 'waiting', queueId: 'waybills', tier: CustomerTier.GOLD, urgency: 3, at: at + 6_000 });
    await run({ type: 'QueueCall', callId: 'callback', queueId: 'waybills', tier: CustomerTier.NORMAL, urgency: 0, at: at + 7_000 });
    await run({ type: 'ScheduleCallback', callId: 'callback', callbackNumber: '+8620812345678', at: at + 8_000 });
    // The snapshots are written in the background: wait for them as a clean shutdown does.
    await desk().idle();
    before = await desk().read(SITE, views);
    streamVersion = await service.context.store.version(STREAM);
  });
  afterAll(() => service?.close());

  it('takes one every so many events, in the background, while the commands go on', async () => {
    const latest = await snapshots().read(STREAM);
    expect(latest).toMatchObject({ format: SITE_SNAPSHOT_FORMAT, version: expect.any(Number) });
    expect(streamVersion).toBeGreaterThan(4 * EVERY);
    // The latest is the one taken at the first command that took the stream `EVERY` past the one before.
    expect(latest!.version).toBeGreaterThan(streamVersion - 2 * EVERY);
    expect(latest!.version).toBeLessThan(streamVersion);
  });

  it('gives a restarted desk the site from the snapshot and only the events after it: the same site, the same views', async () => {
    const latest = (await snapshots().read(STREAM))!;
    const fresh = freshDesk();
    expect(await fresh.desk.read(SITE, views)).toEqual(before);
    expect(fresh.store.loads).toEqual([{ streamId: STREAM, afterVersion: latest.version, events: streamVersion - latest.version }]);
    // The whole state too, indexes included, and the offers behind the desks' "why".
    const [held, restored] = [await desk().read(SITE, (s) => s), await fresh.desk.read(SITE, (s) => s)];
    expect(restored.state).toStrictEqual(held.state);
    expect(restored.offers).toStrictEqual(held.offers);
    expect(restored.version).toBe(streamVersion);
  });

  it('answers the same views after a real restart of the service', async () => {
    const call = jsonClient(() => service.url, await asService());
    const sansClock = (body: Record<string, unknown>) => JSON.parse(JSON.stringify(body, (key, value: unknown) => (key === 'waitedMs' || key === 'timeInStateMs' ? undefined : value)));
    const site = (await call('GET', `/acd/sites/${SITE}`)).body;
    await service.close();
    service = await start();
    const after = await call('GET', `/acd/sites/${SITE}`);
    expect(after.status).toBe(200);
    expect(sansClock(after.body)).toEqual(sansClock(site));
  });

  it('ignores a snapshot of another format and folds the whole stream; the next command takes one in this format', async () => {
    await service.context.sql.$executeRaw`update stream_snapshots set format = 'acd-site/0' where stream_id = ${STREAM}`;
    const fresh = freshDesk();
    expect(await fresh.desk.read(SITE, views)).toEqual(before);
    expect(fresh.store.loads).toEqual([{ streamId: STREAM, afterVersion: 0, events: streamVersion }]);
    expect(logLines.some((line) => line.includes('the site snapshot is of another format'))).toBe(true);

    await fresh.desk.execute(SITE, { type: 'GoNotReady', agentId: 'huang-lei', reason: 'training', at: T0 + 40 * 60_000 });
    await fresh.desk.idle();
    expect(await snapshots().read(STREAM)).toMatchObject({ format: SITE_SNAPSHOT_FORMAT, version: streamVersion + 1 });
    streamVersion += 1;
    before = await fresh.desk.read(SITE, views);
  });

  it('folds the whole stream when the snapshot contradicts itself, and says so', async () => {
    // No queues, yet agents able to take one: what no fold can give.
    await service.context.sql.$executeRaw`update stream_snapshots set state = jsonb_set(state, '{queues}', '[]') where stream_id = ${STREAM}`;
    const fresh = freshDesk();
    expect(await fresh.desk.read(SITE, views)).toEqual(before);
    expect(fresh.store.loads.at(-1)).toEqual({ streamId: STREAM, afterVersion: 0, events: streamVersion });
    expect(logLines.some((line) => line.includes('the site snapshot cannot be used'))).toBe(true);
  });

  it('fails no command when a snapshot cannot be written: the command is recorded, a warning says so', async () => {
    const failing: Sql = {
      $queryRaw: (strings, ...values) => service.context.sql.$queryRaw(strings, ...values),
      $executeRaw: () => Promise.reject(new Error('could not extend file: No space left on device')),
    };
    const fresh = freshDesk(failing);
    await fresh.desk.read(SITE, () => undefined);
    // Far enough from the last snapshot (the whole stream was folded: none usable) that this command takes one.
    const result = await fresh.desk.execute(SITE, { type: 'GoReady', agentId: 'huang-lei', at: T0 + 41 * 60_000 });
    expect(result).toMatchObject({ ok: true });
    await fresh.desk.idle();
    expect(logLines.some((line) => line.includes('could not keep a snapshot of the site') && line.includes('No space left on device'))).toBe(true);
  });
});
