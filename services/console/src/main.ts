// Entry point of the console service process.
import { runService } from '@switchboard/service-kit';
import { consoleService } from './service.ts';

await runService(consoleService);
