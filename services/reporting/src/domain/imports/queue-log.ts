// An Asterisk queue_log turned into call milestones and agent state changes, following app_queue's own
// meaning of every field (../shared/reference/queue_log/SEMANTICS.md; the table is in docs/imports.md).
// Lines are taken in file order, as Asterisk writes them; the state kept is only the calls still in a
// queue and each agent's presence, so a file of any size streams through.
import type { AgentStateChange, AgentStateName, CallMilestone, MilestoneKind } from '../facts/call-milestones.ts';
import { clickHouseTime } from '../facts/milestones-of-event.ts';
import { noFacts, ReportTally, type ImportFacts, type ImportReport } from './import-report.ts';
import { QueueLogLines, type QueueLogRecord } from './queue-log-line.ts';

export interface QueueLogImportOptions {
  /** The site the queues belong to in Switchboard. */
  readonly siteId: string;
  /** The zone of a table export's times (a flat file's are Unix times). */
  readonly timezone?: string;
}

/** Why an event type is read and left out, for the report. */
export const skippedEvents: Readonly<Record<string, string>> = {
  QUEUESTART: 'the queue log (re)started: no call or agent in it',
  CONFIGRELOAD: 'the configuration was reloaded: no call or agent in it',
  PENALTY: "a member's penalty changed: routing configuration, not a call or a state",
  RINGINUSE: "a member's ring-in-use setting changed: configuration, not a call or a state",
  OUTCALL: "an outbound call accounted to a queue (QueueUpdate()): queue figures count inbound calls",
  DID: 'the number the caller dialled (FreePBX): not kept by the import',
  INFO: 'a note written by a dialplan QueueLog() (QueueMetrics convention): no call outcome in it',
};

const UNKNOWN_EVENT = 'not an app_queue event (a dialplan QueueLog() or a tool wrote it): its meaning is unknown';

/** Events written by Wazo's dialplan for a call refused before it queued: kept as an arrived call, never offered. */
const refusedAtTheDoor: Readonly<Record<string, 'closed' | 'blocked'>> = {
  CLOSED: 'closed',
  JOINEMPTY: 'blocked',
  JOINUNAVAIL: 'blocked',
  FULL: 'blocked',
  DIVERT_CA_RATIO: 'blocked',
  DIVERT_HOLDTIME: 'blocked',
};

interface OpenVisit {
  readonly queuedAt: number;
  answeredAt: number | undefined;
}

interface AgentTrack {
  explicitLogin: boolean;
  readonly memberships: Set<string>;
  /** Seen logging in, out, or joining/leaving a queue: presence is known; otherwise an agent taking calls is taken as logged in. */
  presenceKnown: boolean;
  paused: boolean;
  reason: string;
  onCall: string;
  lastCall: string;
  wrap: { until: number; callId: string; key: string } | undefined;
  last: { state: AgentStateName; reason: string; callId: string } | undefined;
}

class BrokenField extends Error {}

const seconds = (record: QueueLogRecord, index: number, name: string): number | undefined => {
  const text = record.data[index];
  if (text === undefined || text === '') return undefined;
  if (!/^-?\d+$/.test(text)) throw new BrokenField(`${record.event}'s ${name} (data${index + 1}) is "${text.slice(0, 30)}", not a whole number`);
  return Math.max(0, Number(text));
};

export class QueueLogImport {
  private readonly siteId: string;
  private readonly lines: QueueLogLines;
  private readonly tally: ReportTally;
  private readonly visits = new Map<string, OpenVisit>();
  /** Calls with a visit open, by call id: how many. */
  private readonly callsInQueue = new Map<string, number>();
  private readonly agents = new Map<string, AgentTrack>();
  private synthesized = 0;

  constructor(options: QueueLogImportOptions) {
    this.siteId = options.siteId;
    this.lines = new QueueLogLines(options.timezone ?? 'UTC');
    this.tally = new ReportTally('asterisk-queue-log', options.siteId);
  }

  /** The facts of one line of the file (1-based `line`); a broken line gives none and is reported. */
  push(text: string, line: number): ImportFacts {
    this.tally.lines = Math.max(this.tally.lines, line);
    const parsed = this.lines.parse(text, line);
    if (parsed.kind === 'blank') return noFacts();
    if (parsed.kind === 'broken') {
      this.tally.brokenLine(parsed.broken.line, parsed.broken.reason);
      return noFacts();
    }
    const record = parsed.record;
    this.tally.read(record.atMs);
    // A wrap-up whose time has passed ends before the agent's next line counts, whatever that line is.
    const settled = noFacts();
    if (record.agent !== '') this.settleWrap(record.agent, record.atMs, settled);
    this.tally.counted(settled);
    const facts = noFacts();
    try {
      this.mapRecord(record, facts);
    } catch (error) {
      if (error instanceof SkipLine) return settled;
      if (!(error instanceof BrokenField)) throw error;
      this.tally.brokenLine(record.line, error.message);
      return settled;
    }
    this.tally.counted(facts);
    return { milestones: [...settled.milestones, ...facts.milestones], agentStates: [...settled.agentStates, ...facts.agentStates] };
  }

  /** The agent states still pending at the end of the file (a wrap-up running past the last line). */
  finish(): ImportFacts {
    const facts = noFacts();
    for (const [agentId, agent] of this.agents) {
      if (agent.wrap) this.endWrap(agentId, agent, agent.wrap.until, facts);
    }
    this.tally.counted(facts);
    return facts;
  }

  report(): ImportReport {
    const notes = [...this.tally.notes];
    if (this.lines.detectedForm === 'table') notes.push('read as a realtime queue_log table export (CSV with a header); times taken in the zone given');
    const waiting = [...this.visits.values()].filter((v) => v.answeredAt === undefined).length;
    const talking = this.visits.size - waiting;
    if (waiting > 0 || talking > 0) {
      notes.push(
        `${waiting} call${waiting === 1 ? '' : 's'} still waiting and ${talking} still talking at the end of the file: they stay open (in_queue / not handled) until a later file's lines for the same calls are imported`,
      );
    }
    if (this.synthesized > 0) {
      notes.push(`${this.synthesized} answered call${this.synthesized === 1 ? '' : 's'} had no ENTERQUEUE (or CONNECT) for their queue in the file: entry and answer placed from the hold and talk fields`);
    }
    notes.push('queue_log does not log holds: imported talk time includes any hold, and hold time is 0; after-call work only where WRAPUPSTART lines exist');
    return { ...this.tally.report(), notes };
  }

  private mapRecord(r: QueueLogRecord, facts: ImportFacts): void {
    const agentId = r.agent;
    switch (r.event) {
      case 'ENTERQUEUE': {
        if ((this.callsInQueue.get(r.callId) ?? 0) === 0) this.milestone(facts, 'arrived', r, 'arrived', r.atMs);
        this.milestone(facts, 'queued', r, 'queued', r.atMs);
        this.open(r, r.atMs);
        break;
      }
      case 'RINGNOANSWER':
      case 'RINGCANCELED': {
        const ringMs = seconds(r, 0, 'ring time (ms)') ?? 0;
        const visit = this.visits.get(this.visitKey(r));
        const rangAt = Math.max(r.atMs - ringMs, visit?.queuedAt ?? Number.NEGATIVE_INFINITY);
        this.milestone(facts, 'offered', r, 'offered', rangAt, { agent_id: agentId });
        if (r.event === 'RINGNOANSWER') this.milestone(facts, 'no_answer', r, 'no-answer', r.atMs, { agent_id: agentId, duration_ms: ringMs });
        break;
      }
      case 'AGENTDUMP': {
        // The member answered, then hung up while the caller heard the announcement: never bridged.
        this.milestone(facts, 'offered', r, 'offered', r.atMs, { agent_id: agentId });
        this.milestone(facts, 'no_answer', r, 'no-answer', r.atMs, { agent_id: agentId, detail: 'agent-dump' });
        break;
      }
      case 'CONNECT': {
        const holdS = seconds(r, 0, 'hold time');
        const ringS = seconds(r, 2, 'ring time');
        const visit = this.visits.get(this.visitKey(r)) ?? this.synthesizeEntry(r, r.atMs - (holdS ?? 0) * 1000, facts);
        const answeredAt = Math.max(r.atMs, visit.queuedAt);
        this.milestone(facts, 'offered', r, 'offered', Math.max(answeredAt - (ringS ?? 0) * 1000, visit.queuedAt), { agent_id: agentId });
        this.milestone(facts, 'answered', r, 'answered', answeredAt, { agent_id: agentId, duration_ms: (holdS ?? 0) * 1000 });
        visit.answeredAt = answeredAt;
        if (agentId !== '') this.agentOnCall(agentId, r, facts);
        break;
      }
      case 'COMPLETECALLER':
      case 'COMPLETEAGENT':
        this.endConversation(r, 0, 1, facts);
        this.milestone(facts, 'ended', r, 'ended', this.lastEnd, { agent_id: agentId, detail: r.event === 'COMPLETECALLER' ? 'caller' : 'agent' });
        break;
      case 'TRANSFER':
      case 'BLINDTRANSFER': {
        // exten|context|hold|talk|opos (1.0 and 1.2 wrote exten|context only).
        this.endConversation(r, 2, 3, facts, `extension:${r.data[0] ?? ''}@${r.data[1] ?? ''}`);
        break;
      }
      case 'ATTENDEDTRANSFER': {
        // method|1 or 2 fields|hold|talk|opos: the method's data varies, so hold and talk are read from the right.
        const n = r.data.length;
        if (n < 4) throw new BrokenField(`ATTENDEDTRANSFER has ${n} data fields where it has at least 4 (method|…|hold|talk|opos)`);
        this.endConversation(r, n - 3, n - 2, facts, `attended:${r.data.slice(0, n - 3).join(':')}`);
        break;
      }
      case 'ABANDON':
        this.leave(r, 'abandoned', seconds(r, 2, 'wait time'), '', facts);
        break;
      case 'EXITWITHTIMEOUT':
        this.leave(r, 'exited', seconds(r, 2, 'wait time'), 'timeout', facts);
        break;
      case 'EXITEMPTY':
      case 'LEAVEEMPTY':
        this.leave(r, 'exited', seconds(r, 2, 'wait time'), 'empty', facts);
        break;
      case 'SYSCOMPAT':
        this.leave(r, 'exited', undefined, 'syscompat', facts);
        break;
      case 'EXITWITHKEY':
        this.leave(r, 'overflowed', seconds(r, 3, 'wait time'), `key:${r.data[0] ?? ''}`, facts);
        break;
      case 'WITHDRAW':
        this.leave(r, 'overflowed', seconds(r, 2, 'wait time'), 'withdraw', facts);
        break;
      case 'WRAPUPSTART': {
        // Wazo's: the agent's after-call work on the call they just ended, data1 seconds long.
        const wrapS = seconds(r, 0, 'wrap-up time') ?? 0;
        if (agentId === '') this.skipNoAgent(r);
        const agent = this.agent(agentId);
        if (agent.lastCall !== '') {
          this.milestone(facts, 'wrap_up_ended', { ...r, callId: agent.lastCall }, 'wrap-up-ended', r.atMs + wrapS * 1000, { agent_id: agentId, duration_ms: wrapS * 1000 });
        }
        agent.wrap = { until: r.atMs + wrapS * 1000, callId: agent.lastCall, key: r.key };
        this.agentState(agentId, r.key, r.atMs, facts);
        break;
      }
      case 'AGENTLOGIN':
      case 'AGENTCALLBACKLOGIN':
        this.presence(r, facts, (a) => (a.explicitLogin = true));
        break;
      case 'AGENTLOGOFF':
      case 'AGENTCALLBACKLOGOFF':
        this.presence(r, facts, (a) => {
          a.explicitLogin = false;
          a.memberships.clear();
          a.paused = false;
        });
        break;
      case 'ADDMEMBER':
        this.presence(r, facts, (a) => {
          a.memberships.add(r.queue);
          if (r.data[0] === 'PAUSED') a.paused = true;
        });
        break;
      case 'REMOVEMEMBER':
        this.presence(r, facts, (a) => a.memberships.delete(r.queue));
        break;
      case 'PAUSE':
      case 'PAUSEALL':
      case 'UNPAUSE':
      case 'UNPAUSEALL': {
        if (agentId === '') this.skipNoAgent(r);
        const agent = this.agent(agentId);
        // Paused in one queue is paused for Switchboard: an agent has one state, not one per queue.
        agent.paused = r.event === 'PAUSE' || r.event === 'PAUSEALL';
        agent.reason = agent.paused ? (r.data[0] ?? '') : '';
        this.agentState(agentId, r.key, r.atMs, facts);
        break;
      }
      default: {
        const refused = refusedAtTheDoor[r.event];
        if (refused) {
          this.milestone(facts, 'arrived', r, 'arrived', r.atMs, { detail: `${refused}:${r.event}` });
          break;
        }
        this.tally.skip(r.event, skippedEvents[r.event] ?? UNKNOWN_EVENT);
        return;
      }
    }
    this.tally.importedAs(r.event);
  }

  /** The end of the last conversation closed by endConversation (for COMPLETE*'s `ended`). */
  private lastEnd = 0;

  /** COMPLETECALLER / COMPLETEAGENT / TRANSFER / BLINDTRANSFER / ATTENDEDTRANSFER: the queue call's conversation ended. */
  private endConversation(r: QueueLogRecord, holdIndex: number, talkIndex: number, facts: ImportFacts, transferTarget?: string): void {
    const holdS = seconds(r, holdIndex, 'hold time');
    const talkS = seconds(r, talkIndex, 'talk time');
    const key = this.visitKey(r);
    let visit = this.visits.get(key);
    if (!visit || visit.answeredAt === undefined) {
      // No CONNECT in the file: the answer is placed talk seconds before the end, the entry hold seconds before that.
      const answeredAt = r.atMs - (talkS ?? 0) * 1000;
      visit ??= this.synthesizeEntry(r, answeredAt - (holdS ?? 0) * 1000, facts);
      const at = Math.max(answeredAt, visit.queuedAt);
      this.milestone(facts, 'offered', r, 'offered', at, { agent_id: r.agent });
      this.milestone(facts, 'answered', r, 'answered', at, { agent_id: r.agent, duration_ms: (holdS ?? 0) * 1000 });
      visit.answeredAt = at;
    }
    const endedAt = Math.max(r.atMs, visit.answeredAt!);
    if (transferTarget !== undefined) this.milestone(facts, 'transferred', r, 'transferred', endedAt, { agent_id: r.agent, detail: transferTarget });
    this.milestone(facts, 'completed', r, 'completed', endedAt, { agent_id: r.agent, duration_ms: (talkS ?? 0) * 1000 });
    this.close(r, key);
    this.lastEnd = endedAt;
    if (r.agent !== '') {
      const agent = this.agent(r.agent);
      agent.lastCall = this.callIdOf(r);
      if (agent.onCall !== '') agent.onCall = '';
      this.agentState(r.agent, r.key, endedAt, facts);
    }
  }

  /** ABANDON and the EXIT* events: the caller left the queue without an agent. */
  private leave(r: QueueLogRecord, kind: MilestoneKind, waitS: number | undefined, detail: string, facts: ImportFacts): void {
    const key = this.visitKey(r);
    const visit = this.visits.get(key);
    if (!visit) {
      this.tally.skip(r.event, `no ENTERQUEUE for its call and queue earlier in the file, so no visit to end (Wazo ignores these too)`);
      throw new SkipLine();
    }
    const at = Math.max(r.atMs, visit.queuedAt);
    // The ABANDON variant naming a member: the caller hung up between the member's answer and the bridge.
    this.milestone(facts, kind, r, kind, at, { agent_id: r.agent, duration_ms: (waitS ?? 0) * 1000, detail });
    if (kind === 'abandoned') this.milestone(facts, 'ended', r, 'ended', at, { detail: 'caller' });
    this.close(r, key);
  }

  private skipNoAgent(r: QueueLogRecord): never {
    this.tally.skip(r.event, 'the agent field is NONE: no agent whose state could change');
    throw new SkipLine();
  }

  private synthesizeEntry(r: QueueLogRecord, queuedAt: number, facts: ImportFacts): OpenVisit {
    this.synthesized++;
    if ((this.callsInQueue.get(r.callId) ?? 0) === 0) this.milestone(facts, 'arrived', r, 'arrived', queuedAt);
    this.milestone(facts, 'queued', r, 'queued', queuedAt);
    return this.open(r, queuedAt);
  }

  private open(r: QueueLogRecord, queuedAt: number): OpenVisit {
    const key = this.visitKey(r);
    if (!this.visits.has(key)) this.callsInQueue.set(r.callId, (this.callsInQueue.get(r.callId) ?? 0) + 1);
    const visit: OpenVisit = { queuedAt, answeredAt: undefined };
    this.visits.set(key, visit);
    return visit;
  }

  private close(r: QueueLogRecord, key: string): void {
    if (!this.visits.delete(key)) return;
    const left = (this.callsInQueue.get(r.callId) ?? 1) - 1;
    if (left > 0) this.callsInQueue.set(r.callId, left);
    else this.callsInQueue.delete(r.callId);
  }

  private visitKey(r: QueueLogRecord): string {
    return `${r.callId}\u0000${r.queue}`;
  }

  private callIdOf(r: QueueLogRecord): string {
    return `asterisk:${r.callId}`;
  }

  private milestone(facts: ImportFacts, kind: MilestoneKind, r: QueueLogRecord, suffix: string, atMs: number, fields: Partial<Pick<CallMilestone, 'agent_id' | 'duration_ms' | 'detail'>> = {}): void {
    facts.milestones.push({
      call_id: this.callIdOf(r),
      milestone_id: `asterisk:${r.key}:${suffix}`,
      kind,
      at: clickHouseTime(atMs),
      site_id: this.siteId,
      queue_id: r.queue,
      agent_id: fields.agent_id ?? '',
      tier: '',
      business_type: '',
      duration_ms: fields.duration_ms ?? 0,
      detail: fields.detail ?? '',
      source: 'asterisk',
    });
  }

  // Agents

  private agent(agentId: string): AgentTrack {
    let agent = this.agents.get(agentId);
    if (!agent) {
      agent = { explicitLogin: false, memberships: new Set(), presenceKnown: false, paused: false, reason: '', onCall: '', lastCall: '', wrap: undefined, last: undefined };
      this.agents.set(agentId, agent);
    }
    return agent;
  }

  private presence(r: QueueLogRecord, facts: ImportFacts, change: (agent: AgentTrack) => void): void {
    if (r.agent === '') this.skipNoAgent(r);
    const agent = this.agent(r.agent);
    agent.presenceKnown = true;
    change(agent);
    if (!agent.explicitLogin && agent.memberships.size === 0) {
      agent.onCall = '';
      agent.wrap = undefined;
    }
    this.agentState(r.agent, r.key, r.atMs, facts);
  }

  private agentOnCall(agentId: string, r: QueueLogRecord, facts: ImportFacts): void {
    const agent = this.agent(agentId);
    agent.wrap = undefined;
    agent.onCall = this.callIdOf(r);
    this.agentState(agentId, r.key, r.atMs, facts);
  }

  /** A wrap-up whose time has passed ends at its time, before the agent's next line counts. */
  private settleWrap(agentId: string, atMs: number, facts: ImportFacts): void {
    const agent = this.agents.get(agentId);
    if (agent?.wrap && agent.wrap.until <= atMs) this.endWrap(agentId, agent, agent.wrap.until, facts);
  }

  private endWrap(agentId: string, agent: AgentTrack, atMs: number, facts: ImportFacts): void {
    const key = agent.wrap!.key;
    agent.wrap = undefined;
    this.agentState(agentId, `${key}:wrap-end`, atMs, facts);
  }

  /** Records the agent's state when it differs from the last one recorded. */
  private agentState(agentId: string, key: string, atMs: number, facts: ImportFacts): void {
    const agent = this.agent(agentId);
    const loggedIn = !agent.presenceKnown || agent.explicitLogin || agent.memberships.size > 0;
    let state: AgentStateName;
    let callId = '';
    let reason = '';
    if (!loggedIn) state = 'logged_out';
    else if (agent.onCall !== '') [state, callId] = ['on_call', agent.onCall];
    else if (agent.wrap) [state, callId] = ['wrap_up', agent.wrap.callId];
    else if (agent.paused) [state, reason] = ['not_ready', agent.reason];
    else state = 'ready';
    const last = agent.last;
    if (last && last.state === state && last.reason === reason && last.callId === callId) return;
    agent.last = { state, reason, callId };
    const change: AgentStateChange = {
      agent_id: agentId,
      change_id: `asterisk:${key}:state`,
      site_id: this.siteId,
      state,
      reason_code: reason,
      call_id: callId,
      at: clickHouseTime(atMs),
      source: 'asterisk',
    };
    facts.agentStates.push(change);
  }
}

/** A line read and deliberately left out (already tallied as skipped). */
class SkipLine extends Error {}
