// Entry point of the qa service process.
import { startEventSourcedService } from '@switchboard/service-kit';
import { qaService } from './service.ts';

await startEventSourcedService(qaService);
