// Entry point of the routing service process: the only place that reads its own settings from the environment.
import { loadConfigOrExit } from '@switchboard/config';
import { runService } from '@switchboard/service-kit';
import { routingConfigSchema } from './config.ts';
import { routingService } from './service.ts';

await runService(routingService(loadConfigOrExit(routingConfigSchema, process.env)));
