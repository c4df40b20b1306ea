// One line of an Asterisk queue_log, in either form a center keeps it: the flat file app_queue writes
// (`epoch|callid|queuename|agent|event|data1|…`, ../shared/reference/queue_log/SEMANTICS.md §1) or a
// CSV export of the realtime `queue_log` table (`time,callid,queuename,agent,event,data1..data5`).
import { createHash } from 'node:crypto';
import { zonedTimeMs } from './zoned-time.ts';

export interface QueueLogRecord {
  /** 1-based line number in the file. */
  readonly line: number;
  /** A key of the line's content, the same whatever file or import it comes in (milestone ids derive from it). */
  readonly key: string;
  readonly atMs: number;
  readonly callId: string;
  /** '' for NONE. */
  readonly queue: string;
  /** '' for NONE. */
  readonly agent: string;
  readonly event: string;
  /** The event's data fields, trailing empty ones removed (an event logged with "" ends with one). */
  readonly data: readonly string[];
}

export interface BrokenLine {
  readonly line: number;
  readonly reason: string;
}

export type ParsedLine = { readonly kind: 'record'; readonly record: QueueLogRecord } | { readonly kind: 'broken'; readonly broken: BrokenLine } | { readonly kind: 'blank' };

/** The columns of a realtime-table export, by their header names. */
interface TableColumns {
  readonly time: number;
  readonly callid: number;
  readonly queuename: number;
  readonly agent: number;
  readonly event: number;
  /** `data` alone, or `data1`..`data5` (the fifth holds the remainder, pipes included). */
  readonly data: readonly number[];
}

const EVENT = /^[A-Za-z][A-Za-z0-9_-]*$/;
const EPOCH = /^\d{9,11}(\.\d+)?$/;
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?$/;

const none = (value: string) => (value === 'NONE' ? '' : value);

function trimTrailingEmpty(fields: string[]): string[] {
  let end = fields.length;
  while (end > 0 && fields[end - 1] === '') end--;
  return fields.slice(0, end);
}

/** Splits one CSV line (RFC 4180 quoting; a queue_log row never spans lines). */
export function csvFields(line: string): string[] | undefined {
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    if (line[i] === '"') {
      let value = '';
      i++;
      for (;;) {
        const quote = line.indexOf('"', i);
        if (quote < 0) return undefined;
        value += line.slice(i, quote);
        if (line[quote + 1] === '"') {
          value += '"';
          i = quote + 2;
        } else {
          i = quote + 1;
          break;
        }
      }
      fields.push(value);
      if (i === line.length) return fields;
      if (line[i] !== ',') return undefined;
      i++;
    } else {
      const comma = line.indexOf(',', i);
      if (comma < 0) {
        fields.push(line.slice(i));
        return fields;
      }
      fields.push(line.slice(i, comma));
      i = comma + 1;
    }
  }
}

/**
 * Reads a queue_log line by line. The first non-blank line decides the form: a CSV header naming
 * `time`, `callid`, `queuename`, `agent`, `event` makes it a table export, whose times are read in
 * `timezone` (Asterisk writes them in local time unless queue_log_realtime_use_gmt=yes).
 */
export class QueueLogLines {
  private readonly timezone: string;
  private form: 'unknown' | 'flat' | 'table' = 'unknown';
  private columns: TableColumns | undefined;
  /** Identical lines are rare but real (two RINGNOANSWER in one second): they are told apart by their rank among equals. */
  private sameSecond = new Map<string, number>();
  private second = Number.NaN;

  constructor(timezone = 'UTC') {
    this.timezone = timezone;
  }

  get detectedForm(): 'flat' | 'table' | 'unknown' {
    return this.form;
  }

  parse(text: string, line: number): ParsedLine {
    const content = text.endsWith('\r') ? text.slice(0, -1) : text;
    if (content.trim() === '') return { kind: 'blank' };
    if (this.form === 'unknown') {
      const header = this.tableHeader(content);
      if (header) {
        this.form = 'table';
        this.columns = header;
        return { kind: 'blank' };
      }
      this.form = 'flat';
    }
    const fields = this.form === 'table' ? this.tableFields(content) : this.flatFields(content);
    if (typeof fields === 'string') return { kind: 'broken', broken: { line, reason: fields } };
    const [time, callId, queue, agent, event, ...data] = fields as [string, string, string, string, string, ...string[]];
    const atMs = this.timeOf(time);
    if (atMs === undefined) {
      const expected = this.form === 'table' ? `a date and time (YYYY-MM-DD hh:mm:ss[.ffffff], ${this.timezone})` : 'a Unix time in seconds';
      return { kind: 'broken', broken: { line, reason: `the time "${time.slice(0, 40)}" is not ${expected}` } };
    }
    if (callId === '') return { kind: 'broken', broken: { line, reason: 'the call id (2nd field) is empty' } };
    if (!EVENT.test(event)) return { kind: 'broken', broken: { line, reason: `"${event.slice(0, 40)}" (5th field) is not an event name` } };
    return { kind: 'record', record: { line, key: this.keyOf(content, atMs), atMs, callId, queue: none(queue), agent: none(agent), event: event.toUpperCase(), data: trimTrailingEmpty(data) } };
  }

  private flatFields(content: string): string[] | string {
    const fields = content.split('|');
    if (fields.length < 5) return `${fields.length} field${fields.length === 1 ? '' : 's'} where a queue_log line has at least 5 (time|callid|queue|agent|event)`;
    return fields;
  }

  private tableFields(content: string): string[] | string {
    const cells = csvFields(content);
    const c = this.columns!;
    if (!cells) return 'an unclosed quote or text after a closing quote';
    const last = Math.max(c.time, c.callid, c.queuename, c.agent, c.event);
    if (cells.length <= last) return `${cells.length} columns where the header names ${last + 1}`;
    const data = c.data.flatMap((i) => (cells[i] ?? '').split('|'));
    return [cells[c.time]!, cells[c.callid]!, cells[c.queuename]!, cells[c.agent]!, cells[c.event]!, ...data];
  }

  private tableHeader(content: string): TableColumns | undefined {
    const names = csvFields(content)?.map((n) => n.trim().toLowerCase());
    if (!names || !names.includes('time') || !names.includes('event')) return undefined;
    const at = (name: string) => names.indexOf(name);
    const [time, callid, queuename, agent, event] = [at('time'), at('callid'), at('queuename'), at('agent'), at('event')];
    if ([time, callid, queuename, agent, event].some((i) => i < 0)) return undefined;
    const numbered = [1, 2, 3, 4, 5].map((n) => at(`data${n}`)).filter((i) => i >= 0);
    const data = numbered.length > 0 ? numbered : at('data') >= 0 ? [at('data')] : [];
    return { time, callid, queuename, agent, event, data };
  }

  private timeOf(text: string): number | undefined {
    if (EPOCH.test(text)) return Math.floor(Number(text) * 1000);
    if (this.form !== 'table') return undefined;
    const m = DATE_TIME.exec(text.trim());
    if (!m) return undefined;
    const [y, mo, d, h, mi, s] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
    const ms = m[7] === undefined ? 0 : Number(m[7].padEnd(3, '0').slice(0, 3));
    return zonedTimeMs({ year: y, month: mo, day: d, hour: h, minute: mi, second: s, millisecond: ms }, this.timezone);
  }

  private keyOf(content: string, atMs: number): string {
    const second = Math.floor(atMs / 1000);
    if (second !== this.second) {
      this.second = second;
      this.sameSecond = new Map();
    }
    const hash = createHash('sha256').update(content).digest('base64url').slice(0, 22);
    const rank = this.sameSecond.get(hash) ?? 0;
    this.sameSecond.set(hash, rank + 1);
    return rank === 0 ? hash : `${hash}.${rank}`;
  }
}
