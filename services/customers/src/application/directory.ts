// The customer directory read model: each record as it is now, and the calling-number index the screen pop looks up.
import { timestampDate } from '@bufbuild/protobuf/wkt';
import type { Envelope } from '@switchboard/contracts';
import type { Projection } from '@switchboard/event-store';
import { kindName, tierName } from '../domain/customer/names.ts';

export const occurredAt = (envelope: Envelope): Date => (envelope.occurredAt ? timestampDate(envelope.occurredAt) : new Date(0));

export const customerDirectory: Projection = {
  name: 'customers.directory',
  topics: ['customers.events'],
  handles: (event) => event.type.startsWith('Customer'),
  async apply(tx, event, envelope) {
    const at = occurredAt(envelope);
    switch (event.type) {
      case 'CustomerRegistered': {
        const m = event.message;
        await tx.$executeRaw`insert into customers (customer_id, name, kind, tier, segment, region, preferred_agent_id, site_id, registered_at, updated_at)
          values (${m.customerId}, ${m.name}, ${kindName(m.kind)}, ${tierName(m.tier)}, ${m.segment}, ${m.region}, ${m.preferredAgentId}, ${m.siteId}, ${at}, ${at})
          on conflict (customer_id) do nothing`;
        for (const number of m.phoneNumbers) await claimNumber(tx, number, m.customerId);
        return;
      }
      case 'CustomerTierChanged':
        await tx.$executeRaw`update customers set tier = ${tierName(event.message.tier)}, updated_at = ${at} where customer_id = ${event.message.customerId}`;
        return;
      case 'CustomerProfileChanged': {
        const m = event.message;
        await tx.$executeRaw`update customers set name = ${m.name}, kind = ${kindName(m.kind)}, segment = ${m.segment}, region = ${m.region}, site_id = ${m.siteId}, updated_at = ${at}
          where customer_id = ${m.customerId}`;
        return;
      }
      case 'CustomerPreferredAgentChanged':
        await tx.$executeRaw`update customers set preferred_agent_id = ${event.message.agentId}, updated_at = ${at} where customer_id = ${event.message.customerId}`;
        return;
      case 'CustomerPhoneNumberAdded':
        await claimNumber(tx, event.message.phoneNumber, event.message.customerId);
        return;
      case 'CustomerPhoneNumberRemoved':
        // Only if it is still this customer's: the number may already have gone to someone else.
        await tx.$executeRaw`delete from customer_phone_numbers where phone_number = ${event.message.phoneNumber} and customer_id = ${event.message.customerId}`;
        return;
      case 'CustomerMerged': {
        const { customerId, survivorId } = event.message;
        await tx.$executeRaw`update customers set merged_into = ${survivorId}, updated_at = ${at} where customer_id = ${customerId}`;
        await tx.$executeRaw`update customer_phone_numbers set customer_id = ${survivorId} where customer_id = ${customerId}`;
        return;
      }
      default:
        return;
    }
  },
  async reset(tx) {
    await tx.$executeRaw`delete from customer_phone_numbers`;
    await tx.$executeRaw`delete from customers`;
  },
};

const claimNumber = (tx: Parameters<Projection['apply']>[0], number: string, customerId: string) =>
  tx.$executeRaw`insert into customer_phone_numbers (phone_number, customer_id) values (${number}, ${customerId})
    on conflict (phone_number) do update set customer_id = excluded.customer_id`;
