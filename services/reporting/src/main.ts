// Entry point of the reporting service process.
import { startEventSourcedService } from '@switchboard/service-kit';
import { reportingService } from './service.ts';

await startEventSourcedService(reportingService);
