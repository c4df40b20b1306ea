// The tier a queued call gets: the caller-tier read model's, and normal for a caller it does not know (or a withheld number).
import { CustomerTier } from '@switchboard/contracts';
import type { ProjectionTx } from '@switchboard/event-store';

const tiers: Readonly<Record<string, CustomerTier>> = { platinum: CustomerTier.PLATINUM, gold: CustomerTier.GOLD, normal: CustomerTier.NORMAL };

export async function tierOf(tx: ProjectionTx, callingNumber: string): Promise<CustomerTier> {
  if (callingNumber === '') return CustomerTier.NORMAL;
  const rows = await tx.$queryRaw<{ tier: string }[]>`select tier from caller_tiers where phone_number = ${callingNumber}`;
  return tiers[rows[0]?.tier ?? 'normal'] ?? CustomerTier.NORMAL;
}
