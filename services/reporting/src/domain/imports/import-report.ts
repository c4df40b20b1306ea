// What an import tells the person who ran it: lines read, what each event type became, what was
// skipped and why, and every broken line by its number.
import type { AgentStateChange, CallMilestone } from '../facts/call-milestones.ts';

/** How many broken lines are listed one by one; the rest are only counted. */
export const MAX_LISTED_BROKEN = 1000;

export interface ImportReport {
  readonly format: string;
  readonly siteId: string;
  readonly lines: number;
  /** Lines (records) that produced facts, per event type (Asterisk) or outcome (FreeSWITCH). */
  readonly imported: Record<string, number>;
  /** Lines read and deliberately not turned into facts, per event type, with why. */
  readonly skipped: { readonly event: string; readonly count: number; readonly reason: string }[];
  readonly brokenCount: number;
  readonly broken: { readonly line: number; readonly reason: string }[];
  /** Calls that arrived (a call that leaves every queue and later enters one again counts again). */
  readonly calls: number;
  readonly milestones: number;
  readonly agentStateChanges: number;
  /** The first and last time read, ISO 8601 UTC; null when nothing was read. */
  readonly from: string | null;
  readonly to: string | null;
  /** Things that change how the figures read, e.g. calls still open at the end of the file. */
  readonly notes: string[];
}

export interface ImportFacts {
  readonly milestones: CallMilestone[];
  readonly agentStates: AgentStateChange[];
}

export const noFacts = (): ImportFacts => ({ milestones: [], agentStates: [] });

/** Accumulates a report while lines stream by; `report()` gives the finished one. */
export class ReportTally {
  private readonly format: string;
  private readonly siteId: string;
  lines = 0;
  private readonly imported = new Map<string, number>();
  private readonly skipped = new Map<string, { count: number; reason: string }>();
  private brokenCount = 0;
  private readonly broken: { line: number; reason: string }[] = [];
  private calls = 0;
  private milestones = 0;
  private agentStateChanges = 0;
  private fromMs = Number.POSITIVE_INFINITY;
  private toMs = Number.NEGATIVE_INFINITY;
  readonly notes: string[] = [];

  constructor(format: string, siteId: string) {
    this.format = format;
    this.siteId = siteId;
  }

  read(atMs: number): void {
    if (atMs < this.fromMs) this.fromMs = atMs;
    if (atMs > this.toMs) this.toMs = atMs;
  }

  importedAs(event: string): void {
    this.imported.set(event, (this.imported.get(event) ?? 0) + 1);
  }

  skip(event: string, reason: string): void {
    const entry = this.skipped.get(`${event}\u0000${reason}`);
    if (entry) entry.count++;
    else this.skipped.set(`${event}\u0000${reason}`, { count: 1, reason });
  }

  brokenLine(line: number, reason: string): void {
    this.brokenCount++;
    if (this.broken.length < MAX_LISTED_BROKEN) this.broken.push({ line, reason });
  }

  counted(facts: ImportFacts): void {
    this.milestones += facts.milestones.length;
    this.agentStateChanges += facts.agentStates.length;
    for (const m of facts.milestones) if (m.kind === 'arrived') this.calls++;
  }

  report(): ImportReport {
    return {
      format: this.format,
      siteId: this.siteId,
      lines: this.lines,
      imported: Object.fromEntries([...this.imported].sort(([a], [b]) => a.localeCompare(b))),
      skipped: [...this.skipped].map(([key, v]) => ({ event: key.split('\u0000')[0]!, count: v.count, reason: v.reason })).sort((a, b) => a.event.localeCompare(b.event)),
      brokenCount: this.brokenCount,
      broken: [...this.broken],
      calls: this.calls,
      milestones: this.milestones,
      agentStateChanges: this.agentStateChanges,
      from: Number.isFinite(this.fromMs) ? new Date(this.fromMs).toISOString() : null,
      to: Number.isFinite(this.toMs) ? new Date(this.toMs).toISOString() : null,
      notes: [...this.notes],
    };
  }
}
