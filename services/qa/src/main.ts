// Entry point of the qa service process.
import { runService } from '@switchboard/service-kit';
import { qaService } from './service.ts';

await runService(qaService);
