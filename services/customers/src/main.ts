// Entry point of the customers service process: the only place that reads its own settings from the environment.
import { loadAuthConfigOrExit, runService } from '@switchboard/service-kit';
import { customersService } from './service.ts';

await runService(customersService(loadAuthConfigOrExit(process.env)));
