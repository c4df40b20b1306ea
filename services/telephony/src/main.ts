// Entry point of the telephony service process: the only place that reads its own settings from the environment.
import { loadConfigOrExit } from '@switchboard/config';
import { runService } from '@switchboard/service-kit';
import { telephonyConfigSchema } from './config.ts';
import { telephonyService } from './service.ts';

await runService(telephonyService(loadConfigOrExit(telephonyConfigSchema, process.env)));
