// How the command line reaches the reporting service: its URL, and a token of the role the command
// needs — REPORTING_TOKEN when given (the distributed mode), else one signed with the embedded mode's
// kept key (the data folder's secrets/auth-token-secret, as ./switchboard start makes it).
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { accessTokens, type Role } from '@switchboard/service-kit';
import { launcherConfig, portOf } from './config.ts';
import { loadConfigOrExit } from '@switchboard/config';

export interface ReportingClient {
  readonly url: string;
  get(path: string): Promise<Response>;
  post(path: string, body: unknown): Promise<Response>;
}

export async function reportingClient(role: Role): Promise<ReportingClient> {
  const config = loadConfigOrExit(launcherConfig);
  const url = process.env.REPORTING_URL ?? `http://${config.SWITCHBOARD_HOST}:${portOf(config, 'reporting')}`;
  let token = process.env.REPORTING_TOKEN;
  if (!token) {
    const file = join(config.SWITCHBOARD_DATA_DIR, 'secrets', 'auth-token-secret');
    const secret = config.AUTH_TOKEN_SECRET ?? (await readFile(file, 'utf8').catch(() => undefined))?.trim();
    if (!secret) throw new Error(`no way to sign in: set REPORTING_TOKEN, or AUTH_TOKEN_SECRET, or start the system once (./switchboard start) so that ${file} exists`);
    token = await accessTokens(secret).issuePerson({ personId: `cli-${role}`, name: `command line (${role})`, role, sites: ['*'] }, 600);
  }
  const headers = { authorization: `Bearer ${token}` };
  const call = async (path: string, init: RequestInit) => {
    try {
      return await fetch(`${url}${path}`, { ...init, headers: { ...headers, ...(init.headers as Record<string, string>) } });
    } catch {
      throw new Error(`the reporting service does not answer at ${url}: is Switchboard running (./switchboard start)?`);
    }
  };
  return {
    url,
    get: (path) => call(path, { method: 'GET' }),
    post: (path, body) => call(path, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
  };
}

/** The service's refusal, as a person reads it. */
export async function refusal(response: Response): Promise<Error> {
  const text = await response.text();
  try {
    const problem = JSON.parse(text) as { detail?: string; title?: string };
    return new Error(problem.detail ?? problem.title ?? text);
  } catch {
    return new Error(`${response.status} ${response.statusText}: ${text.slice(0, 300)}`);
  }
}

/** How a table shows its columns: each column's heading and each value's text. */
export interface TableFormat {
  heading(column: string): string;
  cell(column: string, value: unknown): string;
}

/** Values as they come (SQL results): numbers that are not whole to three decimals, null as —. */
export const plainFormat: TableFormat = {
  heading: (column) => column,
  cell: (_column, v) => (v === null || v === undefined ? '—' : typeof v === 'number' && !Number.isInteger(v) ? v.toFixed(3) : String(v)),
};

/** Rows as an aligned text table. */
export function table(rows: readonly Record<string, unknown>[], columns: readonly string[], format: TableFormat = plainFormat): string {
  const headings = columns.map((c) => format.heading(c));
  const cells = rows.map((r) => columns.map((c) => format.cell(c, r[c])));
  const widths = columns.map((_c, i) => Math.max(headings[i]!.length, ...cells.map((line) => line[i]!.length)));
  const line = (values: string[]) => values.map((v, i) => v.padStart(widths[i]!)).join('  ');
  return [line(headings), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n');
}
