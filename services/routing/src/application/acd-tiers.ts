// The tier a queued call gets: the caller-tier read model's, and normal for a caller it does not know (or a withheld number).
import { CustomerTier } from '@switchboard/contracts';

const tiers: Readonly<Record<string, CustomerTier>> = { platinum: CustomerTier.PLATINUM, gold: CustomerTier.GOLD, normal: CustomerTier.NORMAL };

/** The tier the read model keeps for a caller (null: not known there). */
export const tierNamed = (tier: string | null): CustomerTier => tiers[tier ?? 'normal'] ?? CustomerTier.NORMAL;
