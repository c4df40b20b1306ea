// LISTEN for appends and group changes so consumers wake at once. Correctness never depends on a notification
// arriving: consumers also read at their polling interval, and whoever listens is told when the connection came
// back, since the notifications sent while it was gone are lost (consumers then read at once).
import pg from 'pg';

export const APPEND_CHANNEL = 'switchboard_eventbus';
export const GROUP_CHANNEL = 'switchboard_eventbus_groups';

type Listener = (payload: string) => void;

export class Wakeups {
  private client: pg.Client | undefined;
  private readonly listeners = new Map<string, Set<Listener>>();
  private readonly reconnectListeners = new Set<() => void>();
  private closed = false;
  private started = false;
  private reconnectTimer: NodeJS.Timeout | undefined;

  private readonly databaseUrl: string;

  constructor(databaseUrl: string) {
    this.databaseUrl = databaseUrl;
  }

  async start(): Promise<void> {
    // Keep-alive: a half-open connection never errors, and would leave consumers to their polls.
    const client = new pg.Client({ connectionString: this.databaseUrl, keepAlive: true });
    client.on('error', () => this.reconnectLater());
    client.on('end', () => this.reconnectLater());
    client.on('notification', (n) => {
      for (const listener of this.listeners.get(n.channel) ?? []) listener(n.payload ?? '');
    });
    await client.connect();
    await client.query(`listen ${APPEND_CHANNEL}`);
    await client.query(`listen ${GROUP_CHANNEL}`);
    const reconnected = this.client === undefined && this.started;
    this.client = client;
    this.started = true;
    if (reconnected) for (const listener of this.reconnectListeners) listener();
  }

  /** Called each time the connection is back after it was lost: notifications sent meanwhile never came. */
  onReconnect(listener: () => void): () => void {
    this.reconnectListeners.add(listener);
    return () => this.reconnectListeners.delete(listener);
  }

  on(channel: string, listener: Listener): () => void {
    const set = this.listeners.get(channel) ?? new Set();
    set.add(listener);
    this.listeners.set(channel, set);
    return () => set.delete(listener);
  }

  private reconnectLater(): void {
    if (this.closed || this.reconnectTimer) return;
    this.client = undefined;
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      this.start().catch(() => this.reconnectLater());
    }, 1000);
    this.reconnectTimer.unref();
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    await this.client?.end().catch(() => undefined);
  }
}
