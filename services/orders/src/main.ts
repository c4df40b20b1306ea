// Entry point of the orders service process.
import { startEventSourcedService } from '@switchboard/service-kit';
import { ordersService } from './service.ts';

await startEventSourcedService(ordersService);
