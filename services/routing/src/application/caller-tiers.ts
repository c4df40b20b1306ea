// The caller-tier read model: calling number → customer and tier, kept from the customers service's events.
import { CustomerTier } from '@switchboard/contracts';
import type { Projection, ProjectionTx } from '@switchboard/event-store';

export type TierName = 'platinum' | 'gold' | 'normal';

export const tierName = (tier: CustomerTier): TierName =>
  tier === CustomerTier.PLATINUM ? 'platinum' : tier === CustomerTier.GOLD ? 'gold' : 'normal';

const setTier = (tx: ProjectionTx, customerId: string, tier: TierName) => tx.$executeRaw`insert into customer_tiers (customer_id, tier) values (${customerId}, ${tier})
  on conflict (customer_id) do update set tier = excluded.tier`;

/** Gives `number` to `customerId` with the customer's tier (normal when the customer is unknown here). */
const giveNumber = (tx: ProjectionTx, number: string, customerId: string) => tx.$executeRaw`insert into caller_tiers (phone_number, customer_id, tier)
  select ${number}, ${customerId}, coalesce((select tier from customer_tiers where customer_id = ${customerId}), 'normal')
  on conflict (phone_number) do update set customer_id = excluded.customer_id, tier = excluded.tier`;

export const callerTiers: Projection = {
  name: 'routing.caller-tiers',
  topics: ['customers.events'],
  handles: (event) => event.type.startsWith('Customer'),
  async apply(tx, event) {
    switch (event.type) {
      case 'CustomerRegistered': {
        const { customerId, tier, phoneNumbers } = event.message;
        await setTier(tx, customerId, tierName(tier));
        for (const number of phoneNumbers) await giveNumber(tx, number, customerId);
        return;
      }
      case 'CustomerTierChanged':
        await setTier(tx, event.message.customerId, tierName(event.message.tier));
        await tx.$executeRaw`update caller_tiers set tier = ${tierName(event.message.tier)} where customer_id = ${event.message.customerId}`;
        return;
      case 'CustomerPhoneNumberAdded':
        await giveNumber(tx, event.message.phoneNumber, event.message.customerId);
        return;
      case 'CustomerPhoneNumberRemoved':
        // The number is nobody's now: its next caller is a stranger (normal), until someone else is given it.
        await tx.$executeRaw`delete from caller_tiers where phone_number = ${event.message.phoneNumber} and customer_id = ${event.message.customerId}`;
        return;
      case 'CustomerMerged': {
        // The duplicate's numbers call as the survivor from now on.
        const { customerId, survivorId, phoneNumbers } = event.message;
        for (const number of phoneNumbers) await giveNumber(tx, number, survivorId);
        await tx.$executeRaw`delete from customer_tiers where customer_id = ${customerId}`;
        return;
      }
      default:
        return;
    }
  },
  async reset(tx) {
    await tx.$executeRaw`delete from caller_tiers`;
    await tx.$executeRaw`delete from customer_tiers`;
  },
};
