// Entry point of the reporting service process.
import { loadConfigOrExit } from '@switchboard/config';
import { runService } from '@switchboard/service-kit';
import { reportingConfig } from './config.ts';
import { reportingService } from './service.ts';

await runService(reportingService(loadConfigOrExit(reportingConfig)));
