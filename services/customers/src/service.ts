// The customers service: customer records and their numbers, the screen-pop lookup, the interaction
// timeline from every context's events, complaint tickets with their escalation clock, CSV import/export.
// Every route needs a signed-in person or a service, and shows each person only their sites' customers (docs/roles.md).
import { fileURLToPath } from 'node:url';
import { accessTokens, requireSignIn, type AuthConfig, type EventSourcedServiceSpec } from '@switchboard/service-kit';
import { WRITE } from './adapters/http/access.ts';
import { complaintRoutes } from './adapters/http/complaints.ts';
import { customerListRoutes } from './adapters/http/customer-list.ts';
import { customerRoutes } from './adapters/http/customers.ts';
import { lookupRoutes } from './adapters/http/lookup.ts';
import { complaintDesk } from './application/complaint-desk.ts';
import { complaintTickets } from './application/complaint-tickets.ts';
import { customerRecordsOf } from './application/customer-records.ts';
import { customerDirectory } from './application/directory.ts';
import { startEscalationClock } from './application/escalation-clock.ts';
import { customerTimeline } from './application/timeline.ts';
import { defaultComplaintPolicy, type ComplaintPolicy } from './domain/complaint/policy.ts';

export interface CustomersServiceOptions {
  /** Complaint categories: the department answering each and its SLA. */
  readonly complaintPolicy?: ComplaintPolicy;
  /** How often the escalation clock looks for overdue tickets. */
  readonly escalationTickMs?: number;
}

/** The service; `config` holds the key access tokens are checked with (AUTH_TOKEN_SECRET). */
export function createCustomersService(config: AuthConfig, { complaintPolicy = defaultComplaintPolicy, escalationTickMs = 5000 }: CustomersServiceOptions = {}): EventSourcedServiceSpec {
  const tokens = accessTokens(config.AUTH_TOKEN_SECRET);
  return {
    name: 'customers',
    defaultPort: 4103,
    topic: 'customers.events',
    migrationsFolder: fileURLToPath(new URL('../migrations', import.meta.url)),
    routes: (context) => {
      const records = customerRecordsOf(context);
      return async (app) => {
        // A route that names no roles changes data: analysts are refused; reads name theirs (READ, EXPORT).
        requireSignIn(app, { tokens, defaultAllow: WRITE.allow });
        await app.register(customerRoutes(records));
        await app.register(lookupRoutes(context));
        await app.register(customerListRoutes(context, records));
        await app.register(complaintRoutes(context, complaintDesk(context), records, complaintPolicy));
      };
    },
    projections: () => [customerDirectory, complaintTickets, customerTimeline],
    workers: async (context) => {
      const clock = startEscalationClock(context, complaintDesk(context), escalationTickMs);
      return [() => clock.stop(), () => customerRecordsOf(context).close()];
    },
  };
}

export const customersService = (config: AuthConfig): EventSourcedServiceSpec => createCustomersService(config);
