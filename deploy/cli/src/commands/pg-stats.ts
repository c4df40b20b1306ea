// `./switchboard pg-stats [--reset] [--top N]`: the statements the embedded Postgres spent most time on
// since the last reset, and each database's totals. Needs `start` run with SWITCHBOARD_POSTGRES_STATEMENT_STATS=true.
import { loadConfigOrExit } from '@switchboard/config';
import { embeddedServerUrl, resetStatementStats, statementStats } from '@switchboard/postgres';
import { launcherConfig } from '../config.ts';
import type { CliCommand } from './types.ts';

export const command: CliCommand = {
  summary: 'what the embedded Postgres spends its time on (start with SWITCHBOARD_POSTGRES_STATEMENT_STATS=true); --reset starts counting again',
  async run(args) {
    const config = loadConfigOrExit(launcherConfig);
    const server = embeddedServerUrl(config.SWITCHBOARD_POSTGRES_PORT);
    const topAt = args.indexOf('--top');
    const top = topAt >= 0 ? Number(args[topAt + 1]) : 25;
    if (!Number.isInteger(top) || top < 1) throw new Error('--top takes a whole number of statements, e.g. --top 40');
    try {
      if (args.includes('--reset')) {
        await resetStatementStats(server);
        process.stdout.write('counting statements from now on\n');
        return;
      }
      const { statements, databases } = await statementStats(server, top);
      for (const s of statements) process.stdout.write(`${Math.round(s.totalMs).toLocaleString('en-US').padStart(9)} ms ${s.calls.toLocaleString('en-US').padStart(9)}× ${s.database.padEnd(20)} ${s.query.slice(0, 140)}\n`);
      process.stdout.write('\n');
      for (const d of databases) process.stdout.write(`${d.database.padEnd(20)} ${d.calls.toLocaleString('en-US').padStart(9)} statements ${Math.round(d.totalMs).toLocaleString('en-US').padStart(9)} ms\n`);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (/pg_stat_statements must be loaded/.test(message)) throw new Error('the embedded Postgres was started without statement statistics: start it with SWITCHBOARD_POSTGRES_STATEMENT_STATS=true');
      if (/ECONNREFUSED/.test(message)) throw new Error(`no Postgres answers on port ${config.SWITCHBOARD_POSTGRES_PORT}: is ./switchboard start running?`);
      throw error;
    }
  },
};
