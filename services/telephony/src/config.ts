// Telephony's own settings, besides every service's: the switch's shared secret and the self-service limits.
import { fields, z } from '@switchboard/config';

const SECRET_HINT = 'the secret the switch signs its webhooks with, at least 32 characters (e.g. openssl rand -hex 32)';

export const telephonyConfigSchema = z.object({
  SWITCH_WEBHOOK_SECRET: z.string({ error: `is required: ${SECRET_HINT}` }).min(32, `is too short: ${SECRET_HINT}`),
  /** How far a webhook's timestamp may be from this clock: older deliveries are refused as replays. */
  SWITCH_WEBHOOK_MAX_SKEW_SECONDS: fields.positiveInt(300),
  /** A self-service step's default wait for its endpoint (a step may set its own). */
  SELF_SERVICE_TIMEOUT_MS: fields.positiveInt(3_000),
});

export type TelephonyConfig = z.output<typeof telephonyConfigSchema>;
