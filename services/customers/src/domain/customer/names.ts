// The words the API and the CSV use for the contracts' tiers and kinds of customer.
import { CustomerKind, CustomerTier } from '@switchboard/contracts';

export const tiers = { platinum: CustomerTier.PLATINUM, gold: CustomerTier.GOLD, normal: CustomerTier.NORMAL } as const;
export const kinds = { person: CustomerKind.PERSON, company: CustomerKind.COMPANY, 'key-account': CustomerKind.KEY_ACCOUNT } as const;
export type TierName = keyof typeof tiers;
export type KindName = keyof typeof kinds;

const nameOf = <K extends string>(table: Record<K, number>, value: number) => (Object.keys(table) as K[]).find((k) => table[k] === value);
export const tierName = (tier: CustomerTier): TierName => nameOf(tiers, tier) ?? 'normal';
export const kindName = (kind: CustomerKind): KindName => nameOf(kinds, kind) ?? 'person';

export const isTierName = (value: string): value is TierName => Object.hasOwn(tiers, value);
export const isKindName = (value: string): value is KindName => Object.hasOwn(kinds, value);
