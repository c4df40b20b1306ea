// Entry point of the routing service process: the only place that reads its own settings from the environment.
import { loadAuthConfigOrExit, runService } from '@switchboard/service-kit';
import { routingService } from './service.ts';

await runService(routingService(loadAuthConfigOrExit(process.env)));
