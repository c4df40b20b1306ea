// FreeSWITCH mod_callcenter history turned into call milestones: the caller ("member") leg's CDR carries
// when the caller joined the queue and when it was answered, ended or left, and why
// (../shared/reference/freeswitch/SEMANTICS.md §2, §6). Two file forms: a CSV of CDRs with a header
// naming the channel variables (mod_cdr_csv with a cc_* template, or a CDR table export), or mod_json_cdr's
// documents one per line. Values are URL-decoded as FreeSWITCH's CDR writers encode them.
import type { CallMilestone, MilestoneKind } from '../facts/call-milestones.ts';
import { clickHouseTime } from '../facts/milestones-of-event.ts';
import { noFacts, ReportTally, type ImportFacts, type ImportReport } from './import-report.ts';
import { csvFields } from './queue-log-line.ts';

export interface FreeSwitchImportOptions {
  readonly siteId: string;
}

/** The channel variables the importer reads. */
const columns = [
  'uuid',
  'cc_side',
  'cc_queue',
  'cc_member_uuid',
  'cc_agent',
  'cc_queue_joined_epoch',
  'cc_queue_answered_epoch',
  'cc_queue_terminated_epoch',
  'cc_queue_canceled_epoch',
  'cc_cause',
  'cc_cancel_reason',
  'cc_exit_key',
] as const;
type Column = (typeof columns)[number];
type MemberLeg = Partial<Record<Column, string>>;

/** How a caller who left unanswered counts, by mod_callcenter's cancel reason. */
const cancelOutcomes: Readonly<Record<string, { kind: MilestoneKind; detail: string; outcome: string }>> = {
  // BREAK_OUT: the wait loop ended without an agent, normally the caller hanging up.
  BREAK_OUT: { kind: 'abandoned', detail: '', outcome: 'abandoned' },
  // NONE: the caller hung up in the race while an agent was being bridged (cc_agent_bridged=false).
  NONE: { kind: 'abandoned', detail: '', outcome: 'abandoned' },
  TIMEOUT: { kind: 'exited', detail: 'timeout', outcome: 'timeout' },
  NO_AGENT_TIMEOUT: { kind: 'exited', detail: 'no-agent-timeout', outcome: 'no-agent-timeout' },
  EXIT_WITH_KEY: { kind: 'overflowed', detail: 'key', outcome: 'exit-with-key' },
};

const decode = (value: string) => {
  if (!value.includes('%') && !value.includes('+')) return value;
  try {
    return decodeURIComponent(value.replace(/\+/g, ' '));
  } catch {
    return value;
  }
};

/** A CSV header's or a JSON CDR's name for a variable, as the importer knows it ('variable_cc_queue' → 'cc_queue'). */
const columnOf = (name: string): Column | undefined => {
  const bare = name.trim().toLowerCase().replace(/^(variables?[_.])/, '');
  const alias = bare === 'call_uuid' ? 'uuid' : bare;
  return (columns as readonly string[]).includes(alias) ? (alias as Column) : undefined;
};

class BrokenRecord extends Error {}

export class FreeSwitchImport {
  private readonly siteId: string;
  private readonly tally: ReportTally;
  private form: 'unknown' | 'csv' | 'json' = 'unknown';
  private header: (Column | undefined)[] = [];
  private stillTalking = 0;

  constructor(options: FreeSwitchImportOptions) {
    this.siteId = options.siteId;
    this.tally = new ReportTally('freeswitch-callcenter', options.siteId);
  }

  push(text: string, line: number): ImportFacts {
    this.tally.lines = Math.max(this.tally.lines, line);
    const content = text.endsWith('\r') ? text.slice(0, -1) : text;
    if (content.trim() === '') return noFacts();
    if (this.form === 'unknown') {
      if (content.trimStart().startsWith('{')) this.form = 'json';
      else {
        const names = csvFields(content)?.map(columnOf) ?? [];
        if (!names.includes('cc_queue') || !names.includes('cc_queue_joined_epoch')) {
          this.tally.brokenLine(line, 'the first line is neither a JSON CDR nor a CSV header naming cc_queue and cc_queue_joined_epoch (see docs/imports.md)');
          this.form = 'csv';
          return noFacts();
        }
        this.form = 'csv';
        this.header = names;
        return noFacts();
      }
    }
    try {
      const leg = this.form === 'json' ? this.fromJson(content) : this.fromCsv(content);
      const facts = this.map(leg);
      this.tally.counted(facts);
      return facts;
    } catch (error) {
      if (!(error instanceof BrokenRecord)) throw error;
      this.tally.brokenLine(line, error.message);
      return noFacts();
    }
  }

  finish(): ImportFacts {
    return noFacts();
  }

  report(): ImportReport {
    const notes = ['CDRs carry no agent status: agent state time (login, breaks) is not imported; agent rings are on agent legs, which are not counted'];
    if (this.stillTalking > 0) notes.push(`${this.stillTalking} answered call${this.stillTalking === 1 ? '' : 's'} had no cc_queue_terminated_epoch: their talk time is open`);
    return { ...this.tally.report(), notes };
  }

  private fromCsv(content: string): MemberLeg {
    const cells = csvFields(content);
    if (!cells) throw new BrokenRecord('an unclosed quote or text after a closing quote');
    if (this.header.length === 0) throw new BrokenRecord('no header line naming the columns');
    if (cells.length !== this.header.length) throw new BrokenRecord(`${cells.length} columns where the header names ${this.header.length}`);
    const leg: MemberLeg = {};
    cells.forEach((cell, i) => {
      const column = this.header[i];
      if (column && cell !== '') leg[column] = decode(cell);
    });
    return leg;
  }

  private fromJson(content: string): MemberLeg {
    let document: unknown;
    try {
      document = JSON.parse(content);
    } catch (error) {
      throw new BrokenRecord(`not JSON: ${(error as Error).message.slice(0, 120)}`);
    }
    const variables = (document as { variables?: unknown } | null)?.variables;
    if (typeof variables !== 'object' || variables === null) throw new BrokenRecord('a JSON CDR with no "variables" object');
    const leg: MemberLeg = {};
    for (const [name, value] of Object.entries(variables)) {
      const column = columnOf(name);
      if (column && typeof value === 'string' && value !== '') leg[column] = decode(value);
    }
    return leg;
  }

  private map(leg: MemberLeg): ImportFacts {
    const facts = noFacts();
    if (!leg.cc_queue) {
      this.tally.skip('no cc_queue', 'not a mod_callcenter call (no cc_queue variable)');
      return facts;
    }
    if (leg.cc_side !== 'member') {
      this.tally.skip(`cc_side=${leg.cc_side ?? ''}`, leg.cc_side === 'agent' ? "an agent leg: the call counts once, on the caller's (member) leg" : 'not a caller leg (cc_side is not "member")');
      return facts;
    }
    const uuid = leg.uuid ?? leg.cc_member_uuid;
    if (!uuid) throw new BrokenRecord('a member leg with neither uuid nor cc_member_uuid');
    const joined = this.epoch(leg, 'cc_queue_joined_epoch', true)!;
    this.tally.read(joined);
    const milestone = (kind: MilestoneKind, atMs: number, fields: Partial<Pick<CallMilestone, 'agent_id' | 'duration_ms' | 'detail'>> = {}) =>
      facts.milestones.push({
        call_id: `freeswitch:${uuid}`,
        milestone_id: `freeswitch:${uuid}:${kind}`,
        kind,
        at: clickHouseTime(atMs),
        site_id: this.siteId,
        queue_id: leg.cc_queue!,
        agent_id: fields.agent_id ?? '',
        tier: '',
        business_type: '',
        duration_ms: fields.duration_ms ?? 0,
        detail: fields.detail ?? '',
        source: 'freeswitch',
      });

    const answered = this.epoch(leg, 'cc_queue_answered_epoch', false);
    const canceled = this.epoch(leg, 'cc_queue_canceled_epoch', false);
    const cause = (leg.cc_cause ?? '').toLowerCase();
    if (cause === 'answered' || (cause === '' && answered !== undefined)) {
      if (answered === undefined) throw new BrokenRecord('cc_cause=answered without cc_queue_answered_epoch');
      milestone('arrived', joined);
      milestone('queued', joined);
      const agent = leg.cc_agent ?? '';
      // wait = answered − joined (it includes the agent's ring and any announcement played to the agent).
      milestone('offered', answered, { agent_id: agent });
      milestone('answered', answered, { agent_id: agent, duration_ms: Math.max(0, answered - joined) });
      const terminated = this.epoch(leg, 'cc_queue_terminated_epoch', false);
      if (terminated === undefined) this.stillTalking++;
      else milestone('completed', Math.max(terminated, answered), { agent_id: agent, duration_ms: Math.max(0, terminated - answered) });
      this.tally.importedAs('answered');
      return facts;
    }
    if (cause === 'cancel' || (cause === '' && canceled !== undefined)) {
      if (canceled === undefined) throw new BrokenRecord('cc_cause=cancel without cc_queue_canceled_epoch');
      const reason = (leg.cc_cancel_reason ?? 'NONE').toUpperCase();
      const outcome = cancelOutcomes[reason];
      if (!outcome) throw new BrokenRecord(`cc_cancel_reason "${reason}" is none of ${Object.keys(cancelOutcomes).join(', ')}`);
      milestone('arrived', joined);
      milestone('queued', joined);
      const detail = outcome.detail === 'key' ? `key:${leg.cc_exit_key ?? ''}` : outcome.detail;
      milestone(outcome.kind, Math.max(canceled, joined), { duration_ms: Math.max(0, canceled - joined), detail });
      if (outcome.kind === 'abandoned') milestone('ended', Math.max(canceled, joined), { detail: 'caller' });
      this.tally.importedAs(outcome.outcome);
      return facts;
    }
    this.tally.skip(`cc_cause=${leg.cc_cause ?? ''}`, 'the CDR was written with the caller neither answered nor gone from the queue (no cc_cause): no outcome to count');
    return facts;
  }

  private epoch(leg: MemberLeg, column: Column, required: boolean): number | undefined {
    const text = leg[column];
    if (text === undefined || text === '' || (!required && text === '0')) {
      if (required) throw new BrokenRecord(`a member leg without ${column}`);
      return undefined;
    }
    if (!/^\d{9,11}$/.test(text)) throw new BrokenRecord(`${column} is "${text.slice(0, 30)}", not a Unix time in seconds`);
    return Number(text) * 1000;
  }
}
