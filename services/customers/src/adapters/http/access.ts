// Who may call the customers API and which customers they see (docs/roles.md): the roles of each kind of route,
// a customer's home site against the caller's sites, and who did it — the person's token, not the body.
import { ALL_SITES, canSee, principalOf, ProblemError, requireSite, type Access } from '@switchboard/service-kit';
import type { VisibleSites } from '../../application/customer-reads.ts';
import type { SiteOfRow } from '../../application/customer-list.ts';
import type { MayOpenSite } from '../../application/customer-records.ts';

/** A request behind requireSignIn (the fastify request type, without a dependency on fastify here). */
type FastifyRequest = Parameters<typeof principalOf>[0];

/** Reading customers and complaints: every role. */
export const READ: { allow: readonly Access[] } = { allow: ['agent', 'supervisor', 'admin', 'analyst', 'service'] };
/** Changing them: everyone but analysts (the default of every route that names none). */
export const WRITE: { allow: readonly Access[] } = { allow: ['agent', 'supervisor', 'admin', 'service'] };
export const IMPORT: { allow: readonly Access[] } = { allow: ['admin', 'supervisor', 'service'] };
export const EXPORT: { allow: readonly Access[] } = { allow: ['admin', 'supervisor', 'analyst', 'service'] };

/** Services and headquarters (`sites: ["*"]`) see every customer. */
const seesEverySite = (request: FastifyRequest): boolean => canSee(request, ALL_SITES);

/** The home sites whose customers the caller sees in a list (national customers always): null for all. */
export function visibleSites(request: FastifyRequest): VisibleSites {
  const p = principalOf(request);
  return p.kind === 'service' || p.sites.includes(ALL_SITES) ? null : p.sites;
}

/** 403 `site-not-allowed` unless the caller may see a customer of `siteId` ('' is national: everyone may). */
export function requireCustomerSite(request: FastifyRequest, siteId: string): void {
  if (siteId !== '') requireSite(request, siteId);
}

/** The same rule as a question, for telling a caller only of customers they may open. */
export function mayOpenCustomerOf(request: FastifyRequest): MayOpenSite {
  return (siteId) => siteId === '' || canSee(request, siteId);
}

/** Who does it: the signed-in person (their personId), whatever the body says; a service names them in the body, else it is the service. */
export function actorOf(request: FastifyRequest, named: string | undefined): string {
  const p = principalOf(request);
  if (p.kind === 'person') return p.personId;
  return named ?? `service:${p.service}`;
}

/**
 * Where the caller may put a new customer: the site they name (403 unless one of theirs), else their only site;
 * services and headquarters may leave it empty (national). `missing` says why when a person of several sites names none.
 */
function siteOfNew(request: FastifyRequest, named: string): { readonly siteId: string } | { readonly missing: string } {
  if (named !== '') {
    requireSite(request, named);
    return { siteId: named };
  }
  if (seesEverySite(request)) return { siteId: '' };
  const sites = (principalOf(request) as { sites: readonly string[] }).sites;
  const only = sites.length === 1 ? sites[0] : undefined;
  if (only !== undefined) return { siteId: only };
  return {
    missing:
      sites.length === 0
        ? 'you have no site, so a customer you capture would belong to none of yours: ask an admin to add your site'
        : `you work for several sites (${sites.join(', ')}): name the site whose agents look after this customer`,
  };
}

/** The home site of a customer captured with POST /customers; 400 naming body/siteId when it cannot be told. */
export function siteOfNewCustomer(request: FastifyRequest, named: string | undefined): string {
  const site = siteOfNew(request, named ?? '');
  if ('siteId' in site) return site.siteId;
  throw new ProblemError({
    status: 400,
    code: 'validation-failed',
    title: 'The request is not valid',
    detail: `body/siteId ${site.missing}`,
    errors: [{ path: 'body/siteId', message: site.missing }],
  });
}

/** The same rule for each row of an imported list (its `site` cell): a row the importer may not place is refused, not the file. */
export function siteOfImportedRow(request: FastifyRequest): SiteOfRow {
  return (named) => {
    try {
      const site = siteOfNew(request, named);
      return 'siteId' in site ? site : { refused: site.missing };
    } catch (error) {
      if (error instanceof ProblemError && error.code === 'site-not-allowed') return { refused: `site "${named}" is not one of yours` };
      throw error;
    }
  };
}

/**
 * Moving a customer to another home site (PATCH siteId): supervisors, admins and services, to one of their own
 * sites; making them national (every site sees them) only whoever sees every site. An unchanged site is no move.
 */
export function requireSiteMove(request: FastifyRequest, from: string, to: string): void {
  if (from === to) return;
  const p = principalOf(request);
  if (p.kind === 'person' && p.role === 'agent') {
    throw new ProblemError({
      status: 403,
      code: 'role-not-allowed',
      title: 'Not allowed for your role',
      detail: 'moving a customer to another site is for supervisors and admins: ask your supervisor',
    });
  }
  if (to !== '') return requireSite(request, to);
  if (!seesEverySite(request)) {
    throw new ProblemError({
      status: 403,
      code: 'site-not-allowed',
      title: 'Not one of your sites',
      detail: 'a national customer is seen by every site: only headquarters makes a customer national; move them to one of your sites instead',
    });
  }
}
