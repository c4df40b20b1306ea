// The caller-tier read model: calling number → customer and tier, kept from the customers service's events.
import { CustomerTier } from '@switchboard/contracts';
import type { Projection } from '@switchboard/event-store';

export type TierName = 'platinum' | 'gold' | 'normal';

export const tierName = (tier: CustomerTier): TierName =>
  tier === CustomerTier.PLATINUM ? 'platinum' : tier === CustomerTier.GOLD ? 'gold' : 'normal';

export const callerTiers: Projection = {
  name: 'routing.caller-tiers',
  topics: ['customers.events'],
  async apply(tx, event) {
    switch (event.type) {
      case 'CustomerRegistered': {
        const { customerId, tier, phoneNumbers } = event.message;
        for (const number of phoneNumbers) {
          await tx.$executeRaw`insert into caller_tiers (phone_number, customer_id, tier) values (${number}, ${customerId}, ${tierName(tier)})
            on conflict (phone_number) do update set customer_id = excluded.customer_id, tier = excluded.tier`;
        }
        return;
      }
      case 'CustomerTierChanged':
        await tx.$executeRaw`update caller_tiers set tier = ${tierName(event.message.tier)} where customer_id = ${event.message.customerId}`;
        return;
      case 'CustomerPhoneNumberAdded': {
        const { customerId, phoneNumber } = event.message;
        await tx.$executeRaw`insert into caller_tiers (phone_number, customer_id, tier)
          select ${phoneNumber}, ${customerId}, coalesce((select tier from caller_tiers where customer_id = ${customerId} limit 1), 'normal')
          on conflict (phone_number) do update set customer_id = excluded.customer_id, tier = excluded.tier`;
        return;
      }
      default:
        return;
    }
  },
  async reset(tx) {
    await tx.$executeRaw`delete from caller_tiers`;
  },
};
