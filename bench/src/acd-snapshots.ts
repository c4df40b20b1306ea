// Loading a busy ACD site after a restart: its whole stream of 100,000 events against its latest snapshot and the events after it.
import { asDecodedEvent, type EventMessage } from '@switchboard/contracts';
import { EventStore, StreamSnapshots, connectPrisma, migrateEventStore, poolOf, sqlOn } from '@switchboard/event-store';
import { seededRandom } from '../../libs/simulator/src/index.ts';
import { acdSiteStream, SiteDesk } from '../../services/routing/src/application/site-desk.ts';
import { SiteSnapshots } from '../../services/routing/src/application/site-snapshots.ts';
import { decide } from '../../services/routing/src/domain/acd/decide.ts';
import { evolve } from '../../services/routing/src/domain/acd/evolve.ts';
import { recordOffer, type OfferRecord } from '../../services/routing/src/domain/acd/offer-records.ts';
import { siteSetup, siteTraffic } from '../../services/routing/src/domain/acd/simulated-traffic.ts';
import { SITE_SNAPSHOT_FORMAT, toSnapshot } from '../../services/routing/src/domain/acd/snapshot.ts';
import { initialState, type RegisteredSite, type SiteRouting } from '../../services/routing/src/domain/acd/state.ts';
import { now, percentile, seconds, withPostgres, type Figure } from './harness.ts';

const EVENTS = 100_000;
/** The routing service's default ACD_SNAPSHOT_EVERY: a restart finds at most about this many events after the snapshot. */
const EVERY = 500;
const ROUNDS = 5;
const SITE = 'shenzhen';

const median = (ms: readonly number[]) => percentile([...ms].sort((a, b) => a - b), 50);

/** The logger the desk's snapshots want: nothing goes wrong here, and a warning would fail the benchmark. */
const logger = {
  info: () => undefined,
  warn: (_: unknown, message: string) => {
    throw new Error(message);
  },
} as never;

export async function acdSnapshots(): Promise<Figure[]> {
  return withPostgres(async (_server, database) => {
    const url = await database('bench_acd_snapshots');
    await migrateEventStore(url);
    const prisma = connectPrisma(url, 4);
    const store = new EventStore(prisma, { topic: 'routing.events' });
    const sql = sqlOn(poolOf(prisma));
    const stream = acdSiteStream(SITE);

    // A site of 250 agents and 10 queues under the simulated traffic, until its stream holds 100,000 events; the
    // snapshot is the one the service would have taken last, EVERY events before the end (the most a restart folds).
    const random = seededRandom(20_261_207).next;
    const shape = { siteId: SITE, queues: 10, agents: 250, skills: 6, start: Date.UTC(2026, 11, 7, 1) };
    const traffic = siteTraffic(shape, random);
    let state: SiteRouting = initialState;
    const offers = new Map<string, OfferRecord>();
    let pending: EventMessage[] = [];
    let version = 0;
    let snapshotTaken: { version: number; takeMs: number; bytes: number } | undefined;
    const flush = async () => {
      version = await store.append(stream, version, pending, { occurredAt: new Date(), siteId: SITE });
      pending = [];
    };
    const take = async (events: readonly EventMessage[]) => {
      for (const e of events) {
        const event = asDecodedEvent(e);
        state = evolve(state, event);
        recordOffer(offers, event);
      }
      traffic.observe(events);
      pending.push(...events);
      if (snapshotTaken === undefined && version + pending.length >= EVENTS - EVERY) {
        await flush();
        let json = '';
        const times: number[] = [];
        for (let i = 0; i < ROUNDS; i++) {
          const start = now();
          json = JSON.stringify(toSnapshot(state, offers));
          times.push(seconds(start) * 1000);
        }
        snapshotTaken = { version, takeMs: median(times), bytes: json.length };
        await new StreamSnapshots(sql, store).write(stream, version, SITE_SNAPSHOT_FORMAT, JSON.parse(json));
      }
      if (pending.length >= 1_000) await flush();
    };
    for (const command of siteSetup(shape, random)) {
      const decided = decide(command, state);
      if (!('rejected' in decided)) await take(decided);
    }
    while (version + pending.length < EVENTS) {
      const decided = decide(traffic.next(state as RegisteredSite), state);
      if (!('rejected' in decided)) await take(decided);
    }
    await flush();

    /** A restarted process's first read of the site: nothing cached, with or without the snapshots. */
    const firstRead = async (withSnapshots: boolean): Promise<number> => {
      const desk = new SiteDesk({
        store,
        appendOptions: () => ({ occurredAt: new Date() }),
        ...(withSnapshots ? { snapshots: new SiteSnapshots({ store, sql, every: EVERY, logger }) } : {}),
      });
      const start = now();
      const read = await desk.read(SITE, (site) => site.version);
      if (read !== version) throw new Error(`the site was read at version ${read}, not ${version}`);
      return seconds(start) * 1000;
    };
    const whole: number[] = [];
    const fromSnapshot: number[] = [];
    // Taken in turns, so that neither gets a warmer cache or a warmer JIT than the other.
    for (let round = 0; round < ROUNDS; round++) {
      whole.push(await firstRead(false));
      fromSnapshot.push(await firstRead(true));
    }
    await prisma.$disconnect();

    const label = `ACD site after a restart (250 agents, 10 queues; a stream of ${version.toLocaleString('en-US')} events)`;
    const taken = snapshotTaken!;
    return [
      { benchmark: label, figure: 'first read, the whole stream folded', value: `${Math.round(median(whole)).toLocaleString('en-US')} ms`, note: `median of ${ROUNDS}` },
      {
        benchmark: label,
        figure: `first read, the latest snapshot + the ${(version - taken.version).toLocaleString('en-US')} events after it`,
        value: `${median(fromSnapshot).toFixed(1)} ms`,
        note: `median of ${ROUNDS}; ${(median(whole) / median(fromSnapshot)).toFixed(0)}× faster`,
      },
      {
        benchmark: label,
        figure: `taking a snapshot (every ${EVERY} events, on the site's command path)`,
        value: `${taken.takeMs.toFixed(1)} ms`,
        note: `toSnapshot + JSON.stringify, median of ${ROUNDS}; ${Math.round(taken.bytes / 1024).toLocaleString('en-US')} KB of JSON; written in the background`,
      },
    ];
  });
}
