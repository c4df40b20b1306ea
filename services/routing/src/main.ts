// Entry point of the routing service process.
import { startEventSourcedService } from '@switchboard/service-kit';
import { routingService } from './service.ts';

await startEventSourcedService(routingService);
