// The site directory: one stream holding every site, so "only one headquarters" holds across sites and a plan
// reads all its sites in one load. Sites are few (dozens) and change rarely, so one stream costs no contention.
import { create, equals } from '@bufbuild/protobuf';
import { SiteConfigSchema, SiteConfiguredSchema, type DecodedEvent, type EventMessage } from '@switchboard/contracts';
import { siteFromMessage, siteToMessage } from './messages.ts';
import { invalid, versionMismatch, type ConfigurationRejection } from './rejections.ts';
import { validateSite } from './site-rules.ts';
import type { Site } from './types.ts';

export const SITE_DIRECTORY_STREAM = 'routing-site-directory';

export type SiteDirectoryCommand = {
  readonly type: 'ConfigureSite';
  readonly site: Site;
  /** The site's version the admin edited (0: a new site); undefined: whatever is there. */
  readonly expectedVersion?: number | undefined;
};

export interface ConfiguredSite {
  readonly site: Site;
  /** How many times this site was configured. */
  readonly version: number;
}

export interface SiteDirectory {
  readonly sites: ReadonlyMap<string, ConfiguredSite>;
}

export const initialState: SiteDirectory = { sites: new Map() };

export function evolve(state: SiteDirectory, event: DecodedEvent): SiteDirectory {
  switch (event.type) {
    case 'SiteConfigured': {
      const m = event.message.site;
      if (!m) return state;
      const sites = new Map(state.sites);
      sites.set(m.siteId, { site: siteFromMessage(m), version: (state.sites.get(m.siteId)?.version ?? 0) + 1 });
      return { sites };
    }
    default:
      // Only SiteConfigured is written to the directory's stream.
      return state;
  }
}

export function decide(command: SiteDirectoryCommand, state: SiteDirectory): readonly EventMessage[] | { readonly rejected: ConfigurationRejection } {
  switch (command.type) {
    case 'ConfigureSite': {
      const { site } = command;
      const current = state.sites.get(site.siteId);
      const stale = versionMismatch(`site ${site.siteId}`, command.expectedVersion, current?.version ?? 0);
      if (stale) return stale;
      const refusals = validateSite(site);
      const otherHeadquarters = [...state.sites.values()].find((s) => s.site.headquarters && s.site.siteId !== site.siteId);
      if (site.headquarters && otherHeadquarters) {
        refusals.push({
          field: 'headquarters',
          message: `${otherHeadquarters.site.siteId} is already headquarters; configure it as a city site first (every overflow chain ends at one headquarters)`,
        });
      }
      if (refusals.length > 0) return invalid(refusals);
      const message = siteToMessage(site);
      if (current && equals(SiteConfigSchema, siteToMessage(current.site), message)) return [];
      return [create(SiteConfiguredSchema, { site: message })];
    }
    default: {
      const never: never = command.type;
      throw new Error(`unknown command ${JSON.stringify(never)}`);
    }
  }
}

export const siteDirectoryDecider = { initialState, evolve, decide };

/** The sites alone, as the dial plan and the resolver read them. */
export const sitesOf = (directory: SiteDirectory): ReadonlyMap<string, Site> =>
  new Map([...directory.sites].map(([id, configured]) => [id, configured.site]));
