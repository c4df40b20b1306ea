// Entry point of the console service process.
import { startEventSourcedService } from '@switchboard/service-kit';
import { consoleService } from './service.ts';

await startEventSourcedService(consoleService);
