// Entry point of the routing service process.
import { runService } from '@switchboard/service-kit';
import { routingService } from './service.ts';

await runService(routingService);
