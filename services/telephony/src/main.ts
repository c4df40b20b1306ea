// Entry point of the telephony service process.
import { runService } from '@switchboard/service-kit';
import { telephonyService } from './service.ts';

await runService(telephonyService);
