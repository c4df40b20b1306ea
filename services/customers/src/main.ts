// Entry point of the customers service process.
import { runService } from '@switchboard/service-kit';
import { customersService } from './service.ts';

await runService(customersService);
