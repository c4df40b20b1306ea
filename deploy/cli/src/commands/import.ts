// ./switchboard import: a switch's history (Asterisk queue_log, FreeSWITCH mod_callcenter CDRs) streamed to
// reporting, with progress while it goes and the import's report at the end (docs/imports.md).
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { parseArgs } from 'node:util';
import { loadConfigOrExit } from '@switchboard/config';
import { accessTokens } from '@switchboard/service-kit';
import { launcherConfig, portOf } from '../config.ts';
import type { CliCommand } from './types.ts';

const usage = `usage:
  ./switchboard import asterisk <queue_log> [more files…] --site <site> [--timezone Asia/Shanghai] [--url http://127.0.0.1:4106]
  ./switchboard import freeswitch <cdrs.csv | cdrs.json> [more files…] --site <site>

  asterisk    a queue_log flat file, or a CSV export of the realtime queue_log table (its times read in --timezone)
  freeswitch  mod_callcenter caller-leg CDRs: a CSV with cc_* columns, or mod_json_cdr documents one per line
  Several files are sent as one, in the order given (queue_log.1 before queue_log), so a call cut by a log
  rotation is read whole. Importing the same lines again changes no figure.`;

const paths = { asterisk: '/imports/asterisk-queue-log', freeswitch: '/imports/freeswitch-callcenter' } as const;
const SITE_ID = /^[a-z0-9][a-z0-9-]{0,62}$/;

const options = {
  site: { type: 'string' },
  timezone: { type: 'string', default: 'UTC' },
  url: { type: 'string' },
  help: { type: 'boolean', default: false },
} as const;

interface ImportReport {
  format: string;
  siteId: string;
  lines: number;
  imported: Record<string, number>;
  skipped: { event: string; count: number; reason: string }[];
  brokenCount: number;
  broken: { line: number; reason: string }[];
  calls: number;
  milestones: number;
  agentStateChanges: number;
  from: string | null;
  to: string | null;
  notes: string[];
}

export const command: CliCommand = {
  summary: 'import a switch’s history: an Asterisk queue_log or FreeSWITCH mod_callcenter CDRs, into reporting’s facts',
  async run(args) {
    const { values, positionals } = parseArgs({ args, options, allowPositionals: true, strict: true });
    if (values.help) return void console.log(usage);
    const [kind, ...files] = positionals;
    if (kind !== 'asterisk' && kind !== 'freeswitch') throw new Error(`say which switch wrote the file: asterisk or freeswitch\n${usage}`);
    if (files.length === 0) throw new Error(`give the file to import\n${usage}`);
    if (values.site === undefined) throw new Error(`--site is required: the Switchboard site the file's queues belong to (e.g. --site hz)\n${usage}`);
    if (!SITE_ID.test(values.site)) throw new Error(`--site "${values.site}" is not a site id (lowercase letters, digits and dashes, e.g. hz)`);
    let total = 0;
    for (const file of files) {
      const info = await stat(file).catch(() => undefined);
      if (!info?.isFile()) throw new Error(`${file}: no such file`);
      total += info.size;
    }
    const { url, token } = await reportingAccess(values.url);
    const query = new URLSearchParams({ siteId: values.site, timezone: values.timezone });
    const progress = new Progress(total, files.length);
    let response: Response;
    try {
      response = await fetch(`${url}${paths[kind]}?${query}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'text/plain; charset=utf-8', 'content-length': String(total + files.length - 1) },
        body: Readable.toWeb(Readable.from(concatenated(files, progress))) as ReadableStream,
        duplex: 'half',
      } as RequestInit);
    } catch (error) {
      progress.stop();
      throw new Error(`the reporting service does not answer at ${url} (is Switchboard running? ./switchboard start): ${String((error as Error).cause ?? error)}`);
    }
    progress.stop();
    const text = await response.text();
    if (!response.ok) {
      let detail = text.slice(0, 500);
      try {
        detail = (JSON.parse(text) as { detail?: string }).detail ?? detail;
      } catch {}
      throw new Error(`reporting refused the import (${response.status}): ${detail}`);
    }
    printReport(JSON.parse(text) as ImportReport);
  },
};

/** The files one after the other, separated so the last line of one never runs into the first of the next. */
async function* concatenated(files: string[], progress: Progress): AsyncGenerator<Buffer> {
  for (const [i, file] of files.entries()) {
    if (i > 0) yield Buffer.from('\n');
    for await (const chunk of createReadStream(file, { highWaterMark: 1024 * 1024 })) {
      progress.sent(chunk as Buffer);
      yield chunk as Buffer;
    }
    progress.fileDone();
  }
}

/** Bytes and lines sent, on one line of the terminal, once a second. */
class Progress {
  private bytes = 0;
  private lines = 0;
  private files = 0;
  private readonly timer: NodeJS.Timeout;
  private readonly total: number;
  private readonly fileCount: number;
  private readonly started = Date.now();

  constructor(total: number, fileCount: number) {
    this.total = total;
    this.fileCount = fileCount;
    this.timer = setInterval(() => this.print(), 1000);
  }

  sent(chunk: Buffer): void {
    this.bytes += chunk.length;
    for (let i = chunk.indexOf(10); i >= 0; i = chunk.indexOf(10, i + 1)) this.lines++;
  }

  fileDone(): void {
    this.files++;
  }

  stop(): void {
    clearInterval(this.timer);
    this.print();
    process.stderr.write(process.stderr.isTTY ? '\n' : '');
  }

  private print(): void {
    const mib = (n: number) => (n / 1024 ** 2).toFixed(1);
    const pct = this.total === 0 ? 100 : Math.floor((this.bytes / this.total) * 100);
    const seconds = ((Date.now() - this.started) / 1000).toFixed(0);
    const line = `sent ${mib(this.bytes)} of ${mib(this.total)} MiB (${pct} %), ${this.lines.toLocaleString('en')} lines, file ${Math.min(this.files + 1, this.fileCount)}/${this.fileCount}, ${seconds} s`;
    process.stderr.write(process.stderr.isTTY ? `\r${line}\u001b[K` : `${line}\n`);
  }
}

/** Where reporting listens and a token of a role that may import (admin). */
async function reportingAccess(urlOption: string | undefined): Promise<{ url: string; token: string }> {
  const config = loadConfigOrExit(launcherConfig);
  const url = urlOption ?? process.env.REPORTING_URL ?? `http://${config.SWITCHBOARD_HOST}:${portOf(config, 'reporting')}`;
  const given = process.env.REPORTING_TOKEN;
  if (given) return { url, token: given };
  const file = join(config.SWITCHBOARD_DATA_DIR, 'secrets', 'auth-token-secret');
  const secret = config.AUTH_TOKEN_SECRET ?? (await readFile(file, 'utf8').catch(() => undefined))?.trim();
  if (!secret) throw new Error(`no way to sign in: set REPORTING_TOKEN (an admin's token), or AUTH_TOKEN_SECRET, or start the system once (./switchboard start) so that ${file} exists`);
  const token = await accessTokens(secret).issuePerson({ personId: 'cli-admin', name: 'command line (import)', role: 'admin', sites: ['*'] }, 24 * 3600);
  return { url, token };
}

function printReport(r: ImportReport): void {
  console.log(`${r.format} into site ${r.siteId}: ${r.lines.toLocaleString('en')} lines read, ${r.from ?? '—'} to ${r.to ?? '—'}`);
  console.log(`  ${r.calls.toLocaleString('en')} calls, ${r.milestones.toLocaleString('en')} call milestones, ${r.agentStateChanges.toLocaleString('en')} agent state changes`);
  const imported = Object.entries(r.imported);
  if (imported.length > 0) {
    console.log('\nimported');
    for (const [event, count] of imported) console.log(`  ${event.padEnd(20)} ${String(count).padStart(10)}`);
  }
  if (r.skipped.length > 0) {
    console.log('\nskipped');
    for (const s of r.skipped) console.log(`  ${s.event.padEnd(20)} ${String(s.count).padStart(10)}  ${s.reason}`);
  }
  if (r.brokenCount > 0) {
    console.log(`\nbroken lines: ${r.brokenCount} (not imported; the rest was)`);
    for (const b of r.broken.slice(0, 20)) console.log(`  line ${b.line}: ${b.reason}`);
    if (r.brokenCount > 20) console.log(`  … and ${r.brokenCount - 20} more`);
  }
  if (r.notes.length > 0) {
    console.log('\nnotes');
    for (const n of r.notes) console.log(`  - ${n}`);
  }
}
