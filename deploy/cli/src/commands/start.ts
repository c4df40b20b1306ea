import { start } from '../start.ts';
import type { CliCommand } from './types.ts';

export const command: CliCommand = {
  summary: 'run the whole system on this machine (embedded Postgres and local event log by default); --simulate[=calls/s] adds live call traffic',
  run: (args) => start(args),
};
