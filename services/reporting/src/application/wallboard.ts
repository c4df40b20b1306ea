// The live wallboard: a snapshot of every site and queue (today's figures, who waits now, agents by
// state, alerts), rebuilt when new events are in and pushed to every open page.
import { create } from '@bufbuild/protobuf';
import { timestampFromMs } from '@bufbuild/protobuf/wkt';
import { AlertKind, WallboardAlertClearedSchema, WallboardAlertRaisedSchema } from '@switchboard/contracts';
import { localClock, localMidnight } from '@switchboard/calendar';
import type { EventStore } from '@switchboard/event-store';
import type { Logger } from '@switchboard/service-kit';
import type { ClickHouseClient } from '../adapters/clickhouse/client.ts';
import { latestIngested } from '../adapters/clickhouse/events-raw.ts';
import { queueAndSiteIntervalReport, type QueueReportRow } from '../adapters/clickhouse/reports.ts';
import { agentsNow, openAlerts, waitingNow, type AgentNow } from '../adapters/clickhouse/wallboard.ts';
import { alertChanges, alertKey, alertsFor, type Alert, type AlertThresholds, type QueueFigures } from '../domain/wallboard/alerts.ts';

export interface Watermark {
  /** When the newest event counted happened, and its id: the wallboard has counted up to it. */
  readonly lastEventAt: string | null;
  readonly lastEventId: string | null;
  /** Events counted since this service started (all of them are in the figures either way). */
  readonly eventsCounted: number;
  /** Ingestion lag: from the newest event of the last write to the write's end, in seconds (none before a write). */
  readonly lagSeconds: number | null;
  /** Since when ClickHouse has not taken ingestion's writes, and what it said (none while writes go in). */
  readonly notCountingSince: string | null;
  readonly notCountingBecause: string | null;
}

export interface WallboardQueue {
  readonly siteId: string;
  readonly queueId: string;
  readonly waiting: number;
  readonly oldestQueuedAt: string | null;
  readonly longestWaitSeconds: number;
  readonly offered: number;
  readonly answered: number;
  readonly abandoned: number;
  readonly serviceLevel: number | null;
  readonly answerRate: number | null;
  readonly asaSeconds: number | null;
  /** Today's post-call surveys: answered ones, and the shares satisfied and dissatisfied of them. */
  readonly surveysAnswered: number;
  readonly satisfiedShare: number | null;
  readonly dissatisfiedShare: number | null;
}

export interface WallboardSite extends Omit<WallboardQueue, 'queueId'> {
  readonly agents: Record<'ready' | 'reserved' | 'on_call' | 'wrap_up' | 'not_ready', number>;
}

export interface Wallboard {
  readonly generatedAt: string;
  readonly timezone: string;
  /** Local midnight (UTC instant) the "today" figures start from. */
  readonly todayFrom: string;
  readonly watermark: Watermark;
  readonly sites: WallboardSite[];
  readonly queues: WallboardQueue[];
  readonly agents: { siteId: string; agentId: string; state: string; reasonCode: string; since: string }[];
  readonly alerts: Alert[];
}

/** The UTC instant of local midnight of `now`'s day in `timezone`. */
export function startOfLocalDay(now: Date, timezone: string): Date {
  return localMidnight(localClock(now, timezone).date, timezone);
}

const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));

function queueOf(row: QueueReportRow | undefined, siteId: string, queueId: string, waiting: { waiting: number; oldest_queued_at: number } | undefined, now: number): WallboardQueue {
  return {
    siteId,
    queueId,
    waiting: waiting?.waiting ?? 0,
    oldestQueuedAt: waiting ? new Date(waiting.oldest_queued_at).toISOString() : null,
    longestWaitSeconds: waiting ? Math.max(0, Math.round((now - waiting.oldest_queued_at) / 1000)) : 0,
    offered: Number(row?.offered ?? 0),
    answered: Number(row?.answered ?? 0),
    abandoned: Number(row?.abandoned ?? 0),
    serviceLevel: num(row?.service_level),
    answerRate: num(row?.answer_rate),
    asaSeconds: row?.asa_ms === null || row?.asa_ms === undefined ? null : Number(row.asa_ms) / 1000,
    surveysAnswered: Number(row?.surveys_answered ?? 0),
    satisfiedShare: num(row?.satisfied_share),
    dissatisfiedShare: num(row?.dissatisfied_share),
  };
}

/** Builds the wallboard as of `now`: today's figures by the reports' SQL, plus who waits and each agent's state. */
export async function wallboardSnapshot(client: ClickHouseClient, now: Date, timezone: string, watermark: Watermark, alerts: readonly Alert[]): Promise<Wallboard> {
  const from = startOfLocalDay(now, timezone);
  const range = { from, to: new Date(now.getTime() + 1), timezone, interval: 'all' as const };
  const [{ queues: byQueue, sites: bySite }, waiting, agents] = await Promise.all([
    queueAndSiteIntervalReport(client, range),
    waitingNow(client, now),
    agentsNow(client),
  ]);
  const t = now.getTime();
  const keys = new Map<string, [string, string]>();
  for (const r of byQueue) keys.set(`${r.site_id}/${r.queue_id}`, [r.site_id, r.queue_id]);
  for (const w of waiting) keys.set(`${w.site_id}/${w.queue_id}`, [w.site_id, w.queue_id]);
  const queues = [...keys.values()]
    .sort((a, b) => a.join('/').localeCompare(b.join('/')))
    .map(([siteId, queueId]) =>
      queueOf(
        byQueue.find((r) => r.site_id === siteId && r.queue_id === queueId),
        siteId,
        queueId,
        waiting.find((w) => w.site_id === siteId && w.queue_id === queueId),
        t,
      ),
    );
  const siteIds = [...new Set([...queues.map((q) => q.siteId), ...agents.map((a) => a.site_id)])].sort();
  const sites = siteIds.map((siteId): WallboardSite => {
    const siteWaiting = waiting.filter((w) => w.site_id === siteId);
    const oldest = siteWaiting.length > 0 ? Math.min(...siteWaiting.map((w) => w.oldest_queued_at)) : undefined;
    const { queueId: _ignored, ...figures } = queueOf(
      bySite.find((r) => r.site_id === siteId),
      siteId,
      '',
      oldest === undefined ? undefined : { waiting: siteWaiting.reduce((n, w) => n + w.waiting, 0), oldest_queued_at: oldest },
      t,
    );
    const count = (state: string) => agents.filter((a: AgentNow) => a.site_id === siteId && a.state === state).length;
    return { ...figures, agents: { ready: count('ready'), reserved: count('reserved'), on_call: count('on_call'), wrap_up: count('wrap_up'), not_ready: count('not_ready') } };
  });
  return {
    generatedAt: now.toISOString(),
    timezone,
    todayFrom: from.toISOString(),
    watermark,
    sites,
    queues,
    agents: agents.map((a) => ({ siteId: a.site_id, agentId: a.agent_id, state: a.state, reasonCode: a.reason_code, since: new Date(a.since).toISOString() })),
    alerts: [...alerts],
  };
}

export const queueFigures = (w: Pick<Wallboard, 'queues'>): QueueFigures[] =>
  w.queues.map((q) => ({ siteId: q.siteId, queueId: q.queueId, serviceLevel: q.serviceLevel, judgedCalls: q.answered + q.abandoned, longestWaitSeconds: q.longestWaitSeconds }));

const kinds = { service_level_below_target: AlertKind.SERVICE_LEVEL_BELOW_TARGET, wait_above_threshold: AlertKind.WAIT_ABOVE_THRESHOLD } as const;
const alertStream = (a: Pick<Alert, 'siteId' | 'queueId' | 'kind'>) => `wallboard-alert-${alertKey(a)}`;

export interface WallboardHubOptions {
  readonly timezone: string;
  readonly thresholds: AlertThresholds;
  /** Rebuild when this long has passed since the last rebuild (with no new events, waits grow and agents' time in state runs). */
  readonly refreshMs: number;
}

type Listener = (wallboard: Wallboard) => void;

/**
 * Keeps the latest wallboard and pushes it to listeners: rebuilt when ingestion writes (one rebuild at a
 * time; a write that ends after a rebuild's snapshot began causes one more), and refreshMs after the last rebuild when nothing was written. Raises and clears alerts on
 * reporting.alerts through the event store.
 */
export class WallboardHub {
  private latest: Wallboard | undefined;
  private readonly listeners = new Set<Listener>();
  private building: Promise<void> | undefined;
  /** Rebuilds asked for (refresh), and how many of them a snapshot has begun after: those it serves. */
  private requested = 0;
  private served = 0;
  private timer: NodeJS.Timeout | undefined;
  private watermark: Watermark = { lastEventAt: null, lastEventId: null, eventsCounted: 0, lagSeconds: null, notCountingSince: null, notCountingBecause: null };
  private readonly alertsOn = new Map<string, Alert>();
  private closed = false;
  private writesStarted = 0;
  private writesEnded = 0;
  private readonly writeWaiters: (() => void)[] = [];
  private readonly client: ClickHouseClient;
  private readonly store: EventStore;
  private readonly logger: Logger;
  private readonly options: WallboardHubOptions;

  constructor(client: ClickHouseClient, store: EventStore, logger: Logger, options: WallboardHubOptions) {
    this.client = client;
    this.store = store;
    this.logger = logger;
    this.options = options;
  }

  async start(): Promise<void> {
    const latest = await latestIngested(this.client);
    if (latest) this.watermark = { ...this.watermark, lastEventAt: latest.occurredAt.toISOString() };
    for (const alert of await openAlerts(this.client)) this.alertsOn.set(alertKey(alert), alert);
    await this.rebuild();
  }

  /** Ingestion starts writing a batch: until it says it is done, a rebuild could see rows the watermark does not count. */
  writing(): void {
    this.writesStarted++;
  }

  /** Ingestion's write ended (these events written; none when it failed): count them and rebuild. */
  counted(events: readonly { raw: { event_id: string; occurred_at: string } }[]): void {
    this.writesEnded = Math.min(this.writesEnded + 1, this.writesStarted);
    for (const resolve of this.writeWaiters.splice(0)) resolve();
    let { lastEventAt, lastEventId } = this.watermark;
    let newestInWrite: string | undefined;
    for (const e of events) {
      const at = new Date(`${e.raw.occurred_at.replace(' ', 'T')}Z`).toISOString();
      if (newestInWrite === undefined || at > newestInWrite) newestInWrite = at;
      if (lastEventAt === null || at >= lastEventAt) {
        lastEventAt = at;
        lastEventId = e.raw.event_id;
      }
    }
    const written = events.length > 0;
    this.watermark = {
      lastEventAt,
      lastEventId,
      eventsCounted: this.watermark.eventsCounted + events.length,
      lagSeconds: newestInWrite === undefined ? this.watermark.lagSeconds : Math.max(0, (Date.now() - Date.parse(newestInWrite)) / 1000),
      notCountingSince: written ? null : this.watermark.notCountingSince,
      notCountingBecause: written ? null : this.watermark.notCountingBecause,
    };
    this.refresh();
  }

  /** ClickHouse did not take a write (it is tried again): the page says the figures stand still, since when and why. */
  writeFailed(error: unknown): void {
    const because = (error instanceof Error ? error.message : String(error)).split('\n')[0]!.slice(0, 200);
    this.watermark = { ...this.watermark, notCountingSince: this.watermark.notCountingSince ?? new Date().toISOString(), notCountingBecause: because };
    this.refresh();
  }

  current(): Wallboard | undefined {
    return this.latest;
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    if (this.latest) listener(this.latest);
    return () => this.listeners.delete(listener);
  }

  refresh(): void {
    if (this.closed) return;
    this.requested++;
    if (this.building) return;
    this.building = this.rebuild()
      .then(() => undefined)
      .catch((error: unknown) => this.logger.warn({ err: error }, 'the wallboard could not be rebuilt'))
      .finally(() => {
        this.building = undefined;
        // Asked for after the last snapshot began (a write ended while it was read): one more rebuild. A write that
        // ended before it began is in it already: a snapshot taken again after a write asks for no third one.
        if (this.requested > this.served) this.refresh();
      });
  }

  /** Rebuilds now and answers the new wallboard. */
  async rebuild(): Promise<Wallboard> {
    try {
      return await this.build();
    } finally {
      // The next rebuild with no new events comes refreshMs after this one (failed or not): under load,
      // ingestion's writes rebuild often enough, and a timer of its own would double the wallboard's queries.
      if (this.timer) clearTimeout(this.timer);
      if (!this.closed) this.timer = setTimeout(() => this.refresh(), this.options.refreshMs);
    }
  }

  private async build(): Promise<Wallboard> {
    // The figures and the watermark must describe the same events: a snapshot taken while a batch was being
    // written may hold some of its rows without counting them, so it is taken again once the write has ended.
    let now = new Date();
    let draft: Wallboard;
    for (let attempt = 1; ; attempt++) {
      await this.noWriteInFlight();
      const started = this.writesStarted;
      // Whatever was asked for until now, this snapshot shows (and if it fails, the timer tries again).
      this.served = this.requested;
      now = new Date();
      draft = await wallboardSnapshot(this.client, now, this.options.timezone, this.watermark, []);
      if (this.writesStarted === started || attempt >= 3) break;
    }
    const figures = queueFigures(draft);
    const changes = alertChanges(this.alertsOn, alertsFor(figures, this.options.thresholds), figures);
    await this.publish(changes.raised, changes.cleared, now);
    // An alert still on shows the figure now, not the one it was raised with.
    for (const alert of changes.kept) this.alertsOn.set(alertKey(alert), alert);
    const wallboard: Wallboard = { ...draft, alerts: [...this.alertsOn.values()] };
    this.latest = wallboard;
    for (const listener of this.listeners) listener(wallboard);
    return wallboard;
  }

  private noWriteInFlight(): Promise<void> {
    if (this.writesEnded >= this.writesStarted || this.closed) return Promise.resolve();
    return new Promise((resolve) => this.writeWaiters.push(resolve));
  }

  private async publish(raised: readonly Alert[], cleared: readonly Alert[], now: Date): Promise<void> {
    for (const alert of raised) {
      const stream = alertStream(alert);
      await this.store.append(
        stream,
        await this.store.version(stream),
        [create(WallboardAlertRaisedSchema, { siteId: alert.siteId, queueId: alert.queueId, kind: kinds[alert.kind], value: alert.value, threshold: alert.threshold, raisedAt: timestampFromMs(now.getTime()) })],
        { occurredAt: now, siteId: alert.siteId },
      );
      this.alertsOn.set(alertKey(alert), alert);
    }
    for (const alert of cleared) {
      const stream = alertStream(alert);
      await this.store.append(
        stream,
        await this.store.version(stream),
        [create(WallboardAlertClearedSchema, { siteId: alert.siteId, queueId: alert.queueId, kind: kinds[alert.kind], value: alert.value, clearedAt: timestampFromMs(now.getTime()) })],
        { occurredAt: now, siteId: alert.siteId },
      );
      this.alertsOn.delete(alertKey(alert));
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    for (const resolve of this.writeWaiters.splice(0)) resolve();
    await this.building;
    this.listeners.clear();
  }
}
