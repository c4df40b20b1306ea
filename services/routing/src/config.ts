// Routing's own settings, besides every service's: the access-token key and how often a site's ACD state is snapshotted.
import { fields, z } from '@switchboard/config';
import { authConfigFields } from '@switchboard/service-kit';

export const routingConfigSchema = z.object({
  ...authConfigFields,
  /**
   * A site's ACD state is snapshotted after this many events on its stream, so that a start or a rebalance reads the
   * latest snapshot and the events after it instead of the site's whole history (a busy site appends millions a day).
   */
  ACD_SNAPSHOT_EVERY: fields.positiveInt(500),
});

export type RoutingConfig = z.output<typeof routingConfigSchema>;
