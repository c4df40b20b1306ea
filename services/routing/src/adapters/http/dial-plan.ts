// Admin API of the dial plan: sites, the plan of each national number, and a dry run of where a call would go.
import { currentState, handleCommand } from '@switchboard/event-store';
import { canSee, ProblemError, requireSite, Type, type Access, type FieldProblem, type ServiceContext, type ServiceRoutes, type Static } from '@switchboard/service-kit';
import { dialPlanDecider, dialPlanStream, type DialPlanState } from '../../domain/dial-plan/dial-plan.ts';
import type { ConfigurationRejection } from '../../domain/dial-plan/rejections.ts';
import { MAX_URGENCY } from '../../domain/acd/state.ts';
import { resolveSite, urgencyOf, type SiteConditions } from '../../domain/dial-plan/resolve.ts';
import { SITE_DIRECTORY_STREAM, siteDirectoryDecider, sitesOf, type ConfiguredSite, type SiteDirectory } from '../../domain/dial-plan/site-directory.ts';
import { weekdays, type DialPlan, type DialPlanRule, type Refusal, type Site, type Weekday } from '../../domain/dial-plan/types.ts';

const SiteId = Type.String({ pattern: '^[a-z0-9][a-z0-9-]{0,62}$', description: 'lowercase letters, digits and dashes, e.g. shenzhen' });
const NationalNumber = Type.String({ pattern: '^\\+?[1-9][0-9]{4,14}$', description: 'the number callers dial, e.g. +8695105555' });
const Time = Type.String({ pattern: '^(([01][0-9]|2[0-3]):[0-5][0-9]|24:00)$', description: 'local time, HH:MM' });
const Ranges = Type.Array(Type.Object({ opens: Time, closes: Time }, { additionalProperties: false }), { maxItems: 12 });
const Day = Type.Optional(Ranges);
const OpeningHours = Type.Object({ mon: Day, tue: Day, wed: Day, thu: Day, fri: Day, sat: Day, sun: Day }, { additionalProperties: false, description: 'local opening hours; a day left out is closed' });
const Holiday = Type.Object(
  { date: Type.String({ pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$', description: 'local date, YYYY-MM-DD' }), name: Type.String({ minLength: 1, maxLength: 100 }), specialHours: Type.Optional(Ranges) },
  { additionalProperties: false },
);
const SiteBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100 }),
    city: Type.String({ minLength: 1, maxLength: 100 }),
    timezone: Type.String({ minLength: 1, maxLength: 64, description: 'IANA time zone, e.g. Asia/Shanghai' }),
    headquarters: Type.Optional(Type.Boolean()),
    capacity: Type.Integer({ minimum: 1, maximum: 100_000, description: 'most calls the site takes at once' }),
    openingHours: OpeningHours,
    holidays: Type.Optional(Type.Array(Holiday, { maxItems: 366 })),
  },
  { additionalProperties: false },
);
const SiteView = Type.Object({
  siteId: Type.String(),
  name: Type.String(),
  city: Type.String(),
  timezone: Type.String(),
  headquarters: Type.Boolean(),
  capacity: Type.Integer(),
  openingHours: OpeningHours,
  holidays: Type.Array(Holiday),
  version: Type.Integer(),
});
// One object for every rule kind, checked per kind below: a union would report every branch's mismatch.
const Rule = Type.Object(
  { kind: Type.Union([Type.Literal('business-type'), Type.Literal('region'), Type.Literal('site')]), businessType: Type.Optional(Type.String({ minLength: 1, maxLength: 50 })), siteId: Type.Optional(SiteId) },
  { additionalProperties: false },
);
const Region = Type.Object({ prefix: Type.String({ pattern: '^\\+[1-9][0-9]{0,14}$', description: 'E.164 prefix, e.g. +86755' }), siteId: SiteId, region: Type.Optional(Type.String({ maxLength: 100 })) }, { additionalProperties: false });
const Chain = Type.Object({ siteId: SiteId, then: Type.Array(SiteId, { maxItems: 20 }), maxWaitSeconds: Type.Optional(Type.Integer({ minimum: 1, maximum: 3600 })) }, { additionalProperties: false });
const Urgency = Type.Object(
  {
    businessType: Type.String({ minLength: 1, maxLength: 50, description: 'the business type the IVR hands over, e.g. gps-alarm' }),
    urgency: Type.Integer({ minimum: 0, maximum: MAX_URGENCY, description: 'within a tier, a more urgent call is answered first; 0 for business types not listed' }),
  },
  { additionalProperties: false },
);
const PlanBody = Type.Object(
  {
    rules: Type.Array(Rule, { minItems: 1, maxItems: 100 }),
    regions: Type.Optional(Type.Array(Region, { maxItems: 5000 })),
    overflow: Type.Optional(Type.Array(Chain, { maxItems: 500 })),
    urgencies: Type.Optional(Type.Array(Urgency, { maxItems: 200 })),
  },
  { additionalProperties: false },
);
const PlanView = Type.Object({
  nationalNumber: Type.String(),
  rules: Type.Array(Rule),
  regions: Type.Array(Type.Object({ prefix: Type.String(), siteId: Type.String(), region: Type.String() })),
  overflow: Type.Array(Chain),
  urgencies: Type.Array(Urgency),
  version: Type.Integer(),
});
const SiteCondition = Type.Object(
  { agentsLoggedIn: Type.Integer({ minimum: 0 }), activeCalls: Type.Integer({ minimum: 0 }), expectedWaitSeconds: Type.Optional(Type.Number({ minimum: 0 })) },
  { additionalProperties: false },
);
const ResolveBody = Type.Object(
  {
    callingNumber: Type.String({ pattern: '^\\+[1-9][0-9]{6,14}$', description: 'E.164, like +8675512345678' }),
    businessType: Type.Optional(Type.String({ minLength: 1, maxLength: 50 })),
    at: Type.Optional(Type.String({ format: 'date-time', description: 'when the call arrives; now when absent' })),
    siteConditions: Type.Optional(Type.Record(Type.String(), SiteCondition, { description: 'live load per site id; absent: every site staffed and idle' })),
  },
  { additionalProperties: false },
);
const ResolveView = Type.Object({
  nationalNumber: Type.String(),
  outcome: Type.Union([Type.Literal('routed'), Type.Literal('unrouted')]),
  siteId: Type.Union([Type.String(), Type.Null()]),
  via: Type.Union([Type.Literal('first-choice'), Type.Literal('overflow'), Type.Literal('last-resort'), Type.Null()]),
  explanation: Type.Object({
    matched: Type.Object({ rule: Type.Union([Type.Integer(), Type.Null()]), text: Type.String() }),
    skipped: Type.Array(Type.Object({ siteId: Type.String(), reason: Type.Object({ code: Type.String() }, { additionalProperties: true }), text: Type.String() })),
    text: Type.String(),
  }),
  assumed: Type.Union([Type.String(), Type.Null()]),
  /** The urgency the plan gives the call's business type (0–99), added to its tier's priority in the queue. */
  urgency: Type.Integer(),
  planVersion: Type.Integer(),
});

/** `If-Match: "3"` is the version the admin edited; a change from an older one is refused (412). */
function expectedVersion(ifMatch: string | undefined): number | undefined {
  if (ifMatch === undefined) return undefined;
  const m = /^(?:W\/)?"?(\d+)"?$/.exec(ifMatch.trim());
  if (!m) throw new ProblemError({ status: 400, code: 'validation-failed', detail: 'headers/if-match must be a version, like "3"', errors: [{ path: 'headers/if-match', message: 'must be a version, like "3"' }] });
  return Number(m[1]);
}

function refused(rejected: ConfigurationRejection, what: 'site' | 'dial-plan'): never {
  switch (rejected.code) {
    case 'invalid': {
      const errors: FieldProblem[] = rejected.refusals.map((r: Refusal) => ({ path: r.field ? `body/${r.field}` : 'body', message: r.message }));
      throw new ProblemError({ status: 422, code: `${what}-invalid`, title: `The ${what.replace('-', ' ')} is not valid`, detail: rejected.message, errors });
    }
    case 'version-mismatch':
      throw new ProblemError({ status: 412, code: `${what}-changed`, title: `The ${what.replace('-', ' ')} changed meanwhile`, detail: rejected.message });
    default: {
      const never: never = rejected;
      throw new Error(`unknown rejection ${JSON.stringify(never)}`);
    }
  }
}

function toSite(siteId: string, body: Static<typeof SiteBody>): Site {
  const hours = (day: Weekday) => body.openingHours[day] ?? [];
  return {
    siteId,
    name: body.name,
    city: body.city,
    timezone: body.timezone,
    headquarters: body.headquarters ?? false,
    capacity: body.capacity,
    openingHours: { mon: hours('mon'), tue: hours('tue'), wed: hours('wed'), thu: hours('thu'), fri: hours('fri'), sat: hours('sat'), sun: hours('sun') },
    holidays: (body.holidays ?? []).map((h) => ({ date: h.date, name: h.name, specialHours: h.specialHours ?? [] })),
  };
}

const siteView = ({ site, version }: ConfiguredSite) => ({
  ...site,
  openingHours: Object.fromEntries(weekdays.map((d) => [d, [...site.openingHours[d]]])),
  holidays: site.holidays.map((h) => ({ ...h, specialHours: [...h.specialHours] })),
  version,
});

/** The body's rules as the domain's; a rule missing the field its kind needs is a 422 naming it. */
function toRules(rules: Static<typeof PlanBody>['rules']): DialPlanRule[] {
  const missing: FieldProblem[] = [];
  const out = rules.map((rule, i): DialPlanRule => {
    const need = (field: 'businessType' | 'siteId') => {
      const value = rule[field];
      if (value === undefined) missing.push({ path: `body/rules/${i}/${field}`, message: `a ${rule.kind} rule needs ${field}` });
      return value ?? '';
    };
    switch (rule.kind) {
      case 'business-type':
        return { kind: 'business-type', businessType: need('businessType'), siteId: need('siteId') };
      case 'region':
        return { kind: 'region' };
      case 'site':
        return { kind: 'site', siteId: need('siteId') };
      default: {
        const never: never = rule.kind;
        throw new Error(`unknown rule kind ${String(never)}`);
      }
    }
  });
  if (missing.length > 0) throw new ProblemError({ status: 422, code: 'dial-plan-invalid', title: 'The dial plan is not valid', detail: missing.map((m) => `${m.path} ${m.message}`).join('; '), errors: missing });
  return out;
}

function published(state: DialPlanState): { readonly plan: DialPlan; readonly version: number } {
  if (state.status !== 'published') throw new ProblemError({ status: 404, code: 'dial-plan-not-found', title: 'Dial plan not found', detail: 'no dial plan is published for this number' });
  return state;
}

function planView(state: DialPlanState) {
  const { plan, version } = published(state);
  return { nationalNumber: plan.nationalNumber, rules: plan.rules.map((r) => ({ ...r })), regions: plan.regions.map((r) => ({ ...r })), overflow: plan.overflow.map((c) => ({ ...c, then: [...c.then] })), urgencies: (plan.urgencies ?? []).map((u) => ({ ...u })), version };
}

// The dial plan is configuration (docs/roles.md): admins and services write it; supervisors read it too, their own sites only.
const ADMIN_WRITE: { allow: readonly Access[] } = { allow: ['admin', 'service'] };
const ADMIN_READ: { allow: readonly Access[] } = { allow: ['admin', 'supervisor', 'service'] };

export function dialPlanRoutes(context: ServiceContext): ServiceRoutes {
  const loadDirectory = async (): Promise<SiteDirectory> => (await currentState(context.store, siteDirectoryDecider, SITE_DIRECTORY_STREAM)).state;
  const loadPlan = async (nationalNumber: string): Promise<DialPlanState> => (await currentState(context.store, dialPlanDecider, dialPlanStream(nationalNumber))).state;

  return async (app) => {
    app.put(
      '/sites/:siteId',
      { config: ADMIN_WRITE, schema: { params: Type.Object({ siteId: SiteId }), body: SiteBody, response: { 200: SiteView } } },
      async (request, reply) => {
        requireSite(request, request.params.siteId);
        const site = toSite(request.params.siteId, request.body);
        const command = { type: 'ConfigureSite' as const, site, expectedVersion: expectedVersion(request.headers['if-match']) };
        const result = await handleCommand(context.store, siteDirectoryDecider, SITE_DIRECTORY_STREAM, command, context.commandOptions({ siteId: site.siteId }));
        if (!result.ok) return refused(result.rejected, 'site');
        const configured = result.state.sites.get(site.siteId);
        if (!configured) throw new Error(`site ${site.siteId} missing right after it was configured`);
        return reply.header('etag', `"${configured.version}"`).send(siteView(configured));
      },
    );

    app.get('/sites', { config: ADMIN_READ, schema: { response: { 200: Type.Object({ sites: Type.Array(SiteView) }) } } }, async (request) => {
      const directory = await loadDirectory();
      return { sites: [...directory.sites.values()].filter((s) => canSee(request, s.site.siteId)).sort((a, b) => a.site.siteId.localeCompare(b.site.siteId)).map(siteView) };
    });

    app.get('/sites/:siteId', { config: ADMIN_READ, schema: { params: Type.Object({ siteId: SiteId }), response: { 200: SiteView } } }, async (request, reply) => {
      requireSite(request, request.params.siteId);
      const configured = (await loadDirectory()).sites.get(request.params.siteId);
      if (!configured) throw new ProblemError({ status: 404, code: 'site-not-found', title: 'Site not found', detail: `no site "${request.params.siteId}" is configured` });
      return reply.header('etag', `"${configured.version}"`).send(siteView(configured));
    });

    app.put(
      '/dial-plan/:number',
      { config: ADMIN_WRITE, schema: { params: Type.Object({ number: NationalNumber }), body: PlanBody, response: { 200: PlanView } } },
      async (request, reply) => {
        const { body } = request;
        const plan: DialPlan = {
          nationalNumber: request.params.number,
          rules: toRules(body.rules),
          regions: (body.regions ?? []).map((r) => ({ prefix: r.prefix, siteId: r.siteId, region: r.region ?? '' })),
          overflow: (body.overflow ?? []).map((c) => ({ siteId: c.siteId, then: c.then, maxWaitSeconds: c.maxWaitSeconds })),
          urgencies: (body.urgencies ?? []).map((u) => ({ businessType: u.businessType, urgency: u.urgency })),
        };
        const expected = expectedVersion(request.headers['if-match']);
        const sites = sitesOf(await loadDirectory());
        const result = await handleCommand(context.store, dialPlanDecider, dialPlanStream(plan.nationalNumber), { type: 'PublishDialPlan', plan, sites, expectedVersion: expected }, context.commandOptions());
        if (!result.ok) return refused(result.rejected, 'dial-plan');
        const view = planView(result.state);
        return reply.header('etag', `"${view.version}"`).send(view);
      },
    );

    app.get('/dial-plan/:number', { config: ADMIN_READ, schema: { params: Type.Object({ number: NationalNumber }), response: { 200: PlanView } } }, async (request, reply) => {
      const view = planView(await loadPlan(request.params.number));
      return reply.header('etag', `"${view.version}"`).send(view);
    });

    app.post(
      '/dial-plan/:number/resolve',
      { config: ADMIN_READ, schema: { params: Type.Object({ number: NationalNumber }), body: ResolveBody, response: { 200: ResolveView } } },
      async (request) => {
        const { plan, version } = published(await loadPlan(request.params.number));
        const sites = sitesOf(await loadDirectory());
        const { callingNumber, businessType, at, siteConditions } = request.body;
        // A dry run without live figures tests the rules and the clock alone: every site counts as staffed and idle.
        const conditions: SiteConditions = siteConditions ?? Object.fromEntries([...sites.keys()].map((id) => [id, { agentsLoggedIn: 1, activeCalls: 0 }]));
        const resolution = resolveSite({ plan, sites }, { dialledNumber: plan.nationalNumber, callingNumber, businessType, at: at ? new Date(at) : new Date() }, conditions);
        return {
          nationalNumber: plan.nationalNumber,
          outcome: resolution.outcome,
          siteId: resolution.outcome === 'routed' ? resolution.siteId : null,
          via: resolution.outcome === 'routed' ? resolution.via : null,
          explanation: { ...resolution.explanation, skipped: [...resolution.explanation.skipped] },
          assumed: siteConditions ? null : 'no site conditions given: every site counted as staffed and idle',
          urgency: urgencyOf(plan, businessType),
          planVersion: version,
        };
      },
    );
  };
}
