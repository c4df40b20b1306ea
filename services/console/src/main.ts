// Entry point of the console service process: the only place that reads its own settings from the environment.
import { loadConfigOrExit } from '@switchboard/config';
import { runService } from '@switchboard/service-kit';
import { consoleConfigSchema } from './config.ts';
import { consoleService } from './service.ts';

await runService(consoleService(loadConfigOrExit(consoleConfigSchema, process.env)));
