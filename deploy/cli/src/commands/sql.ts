// `./switchboard sql "select …"`: analysts' read-only SQL over the facts (docs/reporting-schema.md).
import { refusal, reportingClient, table } from '../reporting-client.ts';
import type { CliCommand } from './types.ts';

export const command: CliCommand = {
  summary: 'read-only SQL over the reporting facts, as an analyst (limits: 10 s, 10,000 rows; phone numbers masked)',
  async run(args) {
    const query = args.join(' ').trim();
    if (!query) throw new Error('give a query, e.g. ./switchboard sql "select outcome, count() from queue_visits_v1 final group by outcome"');
    const client = await reportingClient('analyst');
    const response = await client.post('/sql', { query });
    if (!response.ok) throw await refusal(response);
    const body = (await response.json()) as { columns: { name: string }[]; rows: Record<string, unknown>[]; rowCount: number; elapsedMs: number };
    process.stdout.write(`${table(body.rows, body.columns.map((c) => c.name))}\n(${body.rowCount} rows, ${body.elapsedMs} ms)\n`);
  },
};
