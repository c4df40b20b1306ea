// Commands on customer records: load, decide, append (the one command handler), with the number index
// guarding that a number belongs to one customer at a time, and the directory brought up to date at once.
import type { EventMessage } from '@switchboard/contracts';
import { connectPrisma, currentState, handleCommand, type PrismaClient } from '@switchboard/event-store';
import type { ServiceContext } from '@switchboard/service-kit';
import type { CustomerCommand, CustomerRejection } from '../domain/customer/commands.ts';
import { customerDecider } from '../domain/customer/decide.ts';
import type { CustomerState } from '../domain/customer/state.ts';
import { applyOwnEvents } from './read-your-writes.ts';
import { complaintTickets } from './complaint-tickets.ts';
import { customerDirectory } from './directory.ts';

export const customerStream = (customerId: string): string => `customer-${customerId}`;

export type RecordOutcome =
  | { readonly ok: true; readonly state: CustomerState; readonly version: number; readonly events: readonly EventMessage[] }
  | { readonly ok: false; readonly rejected: CustomerRejection | NumberTaken };

/** The number is another customer's: remove it there first (or merge the two records). */
export interface NumberTaken {
  readonly code: 'number-taken';
  readonly phoneNumber: string;
  readonly ownerId: string;
  /** The owner's home site ('' national); undefined when their record cannot be found. */
  readonly ownerSiteId: string | undefined;
}

/** Whether whoever asks may open a customer of this home site ('' national). */
export type MayOpenSite = (siteId: string) => boolean;

/**
 * Who has the number and what to do, for whoever asked: the owner's id only to someone who may open their record;
 * anyone else learns it is another site's customer and whom to ask, not who the customer is.
 */
export function numberTakenReason(taken: NumberTaken, mayOpen: MayOpenSite): string {
  const site = taken.ownerSiteId;
  if (site !== undefined && mayOpen(site)) return `it belongs to customer ${taken.ownerId}: remove it there first, or merge the two records`;
  if (site === undefined || site === '') return 'it belongs to a customer whose record you cannot open: ask headquarters to remove it there, or to merge the two records';
  return `it belongs to a customer of site ${site}, which is not one of yours: ask a supervisor of ${site} (or headquarters) to remove it there, or to merge the two records`;
}

export interface CustomerRecords {
  /** Closes the number guard's connections (on shutdown). */
  close(): Promise<void>;
  execute(customerId: string, command: CustomerCommand): Promise<RecordOutcome>;
  load(customerId: string): Promise<{ state: CustomerState; version: number }>;
  /** The home site of whoever `customerId` is now ('' national): the survivor's when it was merged; undefined when nobody has this id. */
  homeSite(customerId: string): Promise<string | undefined>;
  /** Who has each of these numbers now, from the index. */
  owners(numbers: readonly string[]): Promise<Map<string, string>>;
}

/** The numbers a command gives a customer: they must be free, or already this customer's (or the merged duplicate's). */
function numbersClaimed(command: CustomerCommand): readonly string[] {
  switch (command.type) {
    case 'RegisterCustomer':
      return command.phoneNumbers;
    case 'AddPhoneNumber':
      return [command.phoneNumber];
    case 'TakeOverNumbers':
      return command.phoneNumbers;
    default:
      return [];
  }
}

const recordsByContext = new WeakMap<ServiceContext, CustomerRecords>();

/** The one CustomerRecords of a running service (the routes and the shutdown share it). */
export function customerRecordsOf(context: ServiceContext): CustomerRecords {
  let records = recordsByContext.get(context);
  if (records === undefined) {
    records = customerRecords(context);
    recordsByContext.set(context, records);
  }
  return records;
}

function customerRecords(context: ServiceContext): CustomerRecords {
  // The number locks live on connections of their own: a lock held on the command pool while the append
  // waits for a connection from that same pool would deadlock once every connection held a lock.
  let guard: PrismaClient | undefined;
  const guardPool = () => (guard ??= connectPrisma(context.config.DATABASE_URL, 4));
  const owners = async (numbers: readonly string[]) => {
    if (numbers.length === 0) return new Map<string, string>();
    const rows = await context.prisma.$queryRaw<{ phone_number: string; customer_id: string }[]>`
      select phone_number, customer_id from customer_phone_numbers where phone_number = any(${[...numbers]}::text[])`;
    return new Map(rows.map((r) => [r.phone_number, r.customer_id]));
  };

  const load = (customerId: string) => currentState(context.store, customerDecider, customerStream(customerId));

  const homeSite = async (customerId: string) => {
    let id = customerId;
    // A chain of merges (A into B, then B into C) ends at the record standing on its own; the bound guards against a bad history.
    for (let hops = 0; hops < 10; hops++) {
      const { state } = await load(id);
      if (state.status === 'unknown') return undefined;
      if (state.status === 'registered') return state.siteId;
      id = state.survivorId;
    }
    return undefined;
  };

  const decideAndAppend = async (customerId: string, command: CustomerCommand): Promise<RecordOutcome> => {
    const result = await handleCommand(context.store, customerDecider, customerStream(customerId), command, context.commandOptions());
    if (!result.ok) return result;
    // A merge hands the duplicate's tickets to the survivor: its card lists them at once, not once the bus brings the merge.
    await applyOwnEvents(context, command.type === 'MergeInto' ? [customerDirectory, complaintTickets] : [customerDirectory], customerStream(customerId));
    return { ok: true, state: result.state, version: result.version, events: result.events };
  };

  return {
    owners,
    async close() {
      await guard?.$disconnect();
    },
    load,
    homeSite,
    async execute(customerId, command) {
      const numbers = [...new Set(numbersClaimed(command))].sort();
      if (numbers.length === 0) return decideAndAppend(customerId, command);
      // Two agents giving one number to two customers at once: the second waits here, then sees the first's claim.
      return guardPool().$transaction(
        async (tx) => {
          for (const number of numbers) await tx.$executeRaw`select pg_advisory_xact_lock(hashtext('customers.phone-number'), hashtext(${number}))`;
          const taken = [...(await owners(numbers))].find(([, owner]) => owner !== customerId && !(command.type === 'TakeOverNumbers'));
          if (taken) {
            const [phoneNumber, ownerId] = taken;
            return { ok: false as const, rejected: { code: 'number-taken' as const, phoneNumber, ownerId, ownerSiteId: await homeSite(ownerId) } };
          }
          return decideAndAppend(customerId, command);
        },
        { timeout: 15_000, maxWait: 15_000 },
      );
    },
  };
}
