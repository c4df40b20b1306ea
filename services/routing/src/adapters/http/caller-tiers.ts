// HTTP read of the caller-tier model: what priority a call from this number gets.
import { Type, type ServiceContext, type ServiceRoutes } from '@switchboard/service-kit';
import type { TierName } from '../../application/caller-tiers.ts';

export function callerTierRoutes(context: ServiceContext): ServiceRoutes {
  return async (app) => {
    app.get(
      '/caller-tiers/:phoneNumber',
      {
        schema: {
          params: Type.Object({ phoneNumber: Type.String({ pattern: '^\\+[1-9][0-9]{6,14}$', description: 'E.164, like +8613812345678' }) }),
          response: {
            200: Type.Object({
              phoneNumber: Type.String(),
              tier: Type.Union([Type.Literal('platinum'), Type.Literal('gold'), Type.Literal('normal')]),
              customerId: Type.Union([Type.String(), Type.Null()]),
            }),
          },
        },
      },
      async (request) => {
        const { phoneNumber } = request.params;
        const rows = await context.prisma.$queryRaw<{ customer_id: string; tier: TierName }[]>`
          select customer_id, tier from caller_tiers where phone_number = ${phoneNumber}`;
        const row = rows[0];
        // An unknown caller is a normal caller.
        return { phoneNumber, tier: row?.tier ?? 'normal', customerId: row?.customer_id ?? null };
      },
    );
  };
}
