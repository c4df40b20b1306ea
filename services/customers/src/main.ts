// Entry point of the customers service process.
import { startEventSourcedService } from '@switchboard/service-kit';
import { customersService } from './service.ts';

await startEventSourcedService(customersService);
