// Entry point of the orders service process.
import { runService } from '@switchboard/service-kit';
import { ordersService } from './service.ts';

await runService(ordersService);
