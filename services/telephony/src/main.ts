// Entry point of the telephony service process.
import { startEventSourcedService } from '@switchboard/service-kit';
import { telephonyService } from './service.ts';

await startEventSourcedService(telephonyService);
