// Telephony's own settings, besides every service's: the access-token key, the switch's shared secret and the self-service limits.
import { fields, z } from '@switchboard/config';
import { authConfigFields } from '@switchboard/service-kit';

const SECRET_HINT = 'the secret the switch signs its webhooks with, at least 32 characters (e.g. openssl rand -hex 32)';

export const telephonyConfigSchema = z.object({
  ...authConfigFields,
  SWITCH_WEBHOOK_SECRET: z.string({ error: `is required: ${SECRET_HINT}` }).min(32, `is too short: ${SECRET_HINT}`),
  /** How far a webhook's timestamp may be from this clock: older deliveries are refused as replays. */
  SWITCH_WEBHOOK_MAX_SKEW_SECONDS: fields.positiveInt(300),
  /** A self-service step's default wait for its endpoint (a step may set its own). */
  SELF_SERVICE_TIMEOUT_MS: fields.positiveInt(3_000),
  /** Where the switch takes call-control commands (bridge, dial, hold, resume, transfer, hang up); unset: no call control is sent. */
  SWITCH_CONTROL_URL: fields.httpUrl().optional(),
  /** How long one delivery of a command may take before it is tried again. */
  SWITCH_CONTROL_TIMEOUT_MS: fields.positiveInt(5_000),
  /** A command the switch has not taken after this long is given up and recorded as refused. */
  SWITCH_CONTROL_GIVE_UP_SECONDS: fields.positiveInt(120),
  /**
   * A call in the IVR (or being hung up) on which the switch has reported nothing for this long went away with
   * its switch: telephony ends it (by system) and tells the switch to hang up. IVR steps wait seconds, not minutes.
   */
  TELEPHONY_UNATTENDED_CALL_TIMEOUT_SECONDS: fields.positiveInt(600),
  /** How many calls' folded states are kept in memory (the least recently used go first). */
  TELEPHONY_RECENT_CALLS: fields.positiveInt(10_000),
});

export type TelephonyConfig = z.output<typeof telephonyConfigSchema>;
