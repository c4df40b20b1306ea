// Entry point of the reporting service process.
import { runService } from '@switchboard/service-kit';
import { reportingService } from './service.ts';

await runService(reportingService);
