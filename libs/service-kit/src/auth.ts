// Who is calling and what they may do: signed access tokens (people and services), roles, site scope, and the fastify hook that enforces them.
import { errors as joseErrors, jwtVerify, SignJWT } from 'jose';
import { loadConfigOrExit, z } from '@switchboard/config';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ProblemError } from './problem.ts';

export const roles = ['agent', 'supervisor', 'analyst', 'admin'] as const;
export type Role = (typeof roles)[number];
/** Who a route lets in: people by role, and `service` for another service's token. */
export type Access = Role | 'service';

/** A person whose sites are `["*"]` (headquarters) sees every site. */
export const ALL_SITES = '*';

export interface PersonPrincipal {
  readonly kind: 'person';
  readonly personId: string;
  readonly name: string;
  readonly role: Role;
  readonly sites: readonly string[];
  /** The ACD agent this person is, when they take calls. */
  readonly agentId?: string;
  readonly expiresAt: Date;
}

export interface ServicePrincipal {
  readonly kind: 'service';
  /** The calling service's name, e.g. `console`. */
  readonly service: string;
  readonly expiresAt: Date;
}

export type Principal = PersonPrincipal | ServicePrincipal;
export type PersonClaims = Omit<PersonPrincipal, 'kind' | 'expiresAt'>;

const ISSUER = 'switchboard';
const AUDIENCE = 'switchboard';
const SECRET_HINT = 'the key access tokens are signed with, at least 32 characters, the same for every service (e.g. openssl rand -hex 32)';

/** The configuration field every service that checks tokens adds to its schema: `z.object({ ...authConfigFields, … })`. */
export const authConfigFields = {
  AUTH_TOKEN_SECRET: z.string({ error: `is required: ${SECRET_HINT}` }).min(32, `is too short: ${SECRET_HINT}`),
};

/** The settings of a service whose only setting of its own is that key (routing, customers). */
export const authConfigSchema = z.object(authConfigFields);
export type AuthConfig = z.output<typeof authConfigSchema>;
/** Reads `AUTH_TOKEN_SECRET` from `env`, or says what is wrong with it and exits. */
export const loadAuthConfigOrExit = (env: Record<string, string | undefined> = process.env): AuthConfig => loadConfigOrExit(authConfigSchema, env);

// The claims as they travel: short names, checked after the signature because a signed token may still be from an older build.
const TokenClaims = z.discriminatedUnion('knd', [
  z.object({
    knd: z.literal('person'),
    sub: z.string().min(1),
    name: z.string(),
    role: z.enum(roles),
    sites: z.array(z.string().min(1)),
    agt: z.string().min(1).optional(),
    exp: z.number(),
  }),
  z.object({ knd: z.literal('service'), sub: z.string().min(1), exp: z.number() }),
]);

/** Why a token was refused; the hook answers 401 with this. */
export class TokenRefused extends Error {
  readonly code: 'session-expired' | 'token-invalid';
  constructor(code: TokenRefused['code'], message: string) {
    super(message);
    this.name = 'TokenRefused';
    this.code = code;
  }
}

export interface AccessTokens {
  /** A token for a signed-in person, valid `ttlSeconds` from `now`. */
  issuePerson(claims: PersonClaims, ttlSeconds: number, now?: Date): Promise<string>;
  /** A token one service shows another. */
  issueService(service: string, ttlSeconds: number, now?: Date): Promise<string>;
  /** The principal, or a TokenRefused (forged, malformed, expired). */
  verify(token: string, now?: Date): Promise<Principal>;
}

/**
 * A service's own token for its calls to other services: issued once and reused until half its life has passed,
 * not signed per call (the console asks customers for a card per offer; the simulator drives a run for days).
 */
export function serviceToken(tokens: AccessTokens, service: string, ttlSeconds: number): () => Promise<string> {
  let current: { token: Promise<string>; renewAt: number } | undefined;
  return () => {
    const now = Date.now();
    if (current === undefined || now >= current.renewAt) current = { token: tokens.issueService(service, ttlSeconds), renewAt: now + (ttlSeconds * 1000) / 2 };
    return current.token;
  };
}

export function accessTokens(secret: string): AccessTokens {
  if (secret.length < 32) throw new RangeError(`AUTH_TOKEN_SECRET ${SECRET_HINT.replace('the key', 'is')}`);
  const key = new TextEncoder().encode(secret);
  const sign = (claims: Record<string, unknown>, subject: string, ttlSeconds: number, now: Date) => {
    const issuedAt = Math.floor(now.getTime() / 1000);
    return new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setSubject(subject)
      .setIssuedAt(issuedAt)
      .setExpirationTime(issuedAt + ttlSeconds)
      .sign(key);
  };
  return {
    issuePerson: (c, ttlSeconds, now = new Date()) =>
      sign({ knd: 'person', name: c.name, role: c.role, sites: [...c.sites], ...(c.agentId === undefined ? {} : { agt: c.agentId }) }, c.personId, ttlSeconds, now),
    issueService: (service, ttlSeconds, now = new Date()) => sign({ knd: 'service' }, service, ttlSeconds, now),
    async verify(token, now = new Date()) {
      let payload: unknown;
      try {
        ({ payload } = await jwtVerify(token, key, { algorithms: ['HS256'], issuer: ISSUER, audience: AUDIENCE, currentDate: now, requiredClaims: ['exp', 'sub'] }));
      } catch (error) {
        if (error instanceof joseErrors.JWTExpired) throw new TokenRefused('session-expired', 'your session has expired: sign in again');
        throw new TokenRefused('token-invalid', 'the access token is not one Switchboard issued (forged, altered or malformed): sign in again');
      }
      const claims = TokenClaims.safeParse(payload);
      if (!claims.success) throw new TokenRefused('token-invalid', 'the access token does not carry a person or a service: sign in again');
      const c = claims.data;
      const expiresAt = new Date(c.exp * 1000);
      if (c.knd === 'service') return { kind: 'service', service: c.sub, expiresAt };
      return { kind: 'person', personId: c.sub, name: c.name, role: c.role, sites: c.sites, ...(c.agt === undefined ? {} : { agentId: c.agt }), expiresAt };
    },
  };
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Who may call the route; defaults to the `defaultAllow` given to `requireSignIn`. */
    allow?: readonly Access[];
    /** No token needed (a sign-in page, its script). */
    public?: boolean;
  }
  interface FastifyRequest {
    /** Set by `requireSignIn` for every route that is not public. */
    principal?: Principal;
  }
}

export interface SignInOptions {
  readonly tokens: AccessTokens;
  /** Also read the token from this cookie (the console's pages); the Authorization header wins. */
  readonly cookieName?: string;
  /** Who may call a route that declares no `allow`; every role and services when omitted. */
  readonly defaultAllow?: readonly Access[];
  readonly clock?: () => Date;
}

/**
 * Every route registered in `app` (and its children) from now on needs a valid token: 401 when it is
 * missing, forged or expired; 403 when the route's `config.allow` does not name the caller's role.
 * Call it at the top of a service's routes plugin; probes registered outside stay open.
 */
export function requireSignIn(app: FastifyInstance, options: SignInOptions): void {
  const defaultAllow = options.defaultAllow ?? [...roles, 'service'];
  const clock = options.clock ?? (() => new Date());
  // A service may guard several plugins of its tree; the request carries one principal.
  if (!app.hasRequestDecorator('principal')) app.decorateRequest('principal', undefined);
  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    const config = request.routeOptions.config;
    if (config.public === true) return;
    const token = bearerToken(request) ?? (options.cookieName === undefined ? undefined : cookieValue(request, options.cookieName));
    if (token === undefined) {
      void reply.header('www-authenticate', 'Bearer');
      throw new ProblemError({ status: 401, code: 'not-signed-in', title: 'Not signed in', detail: 'this needs a signed-in person or service: sign in, then send the access token as "Authorization: Bearer <token>"' });
    }
    let principal: Principal;
    try {
      principal = await options.tokens.verify(token, clock());
    } catch (error) {
      if (!(error instanceof TokenRefused)) throw error;
      void reply.header('www-authenticate', `Bearer error="invalid_token"`);
      throw new ProblemError({ status: 401, code: error.code, title: error.code === 'session-expired' ? 'Session expired' : 'Access token refused', detail: error.message });
    }
    const allow = config.allow ?? defaultAllow;
    const access: Access = principal.kind === 'service' ? 'service' : principal.role;
    if (!allow.includes(access)) {
      const who = principal.kind === 'service' ? `the ${principal.service} service` : `a person with the ${principal.role} role`;
      const allowed = allow.length === 0 ? 'nobody' : allow.join(', ');
      throw new ProblemError({ status: 403, code: 'role-not-allowed', title: 'Not allowed for your role', detail: `${who} may not ${request.method} ${request.url.split('?')[0]}; it is for: ${allowed}` });
    }
    request.principal = principal;
  });
}

/** The caller of a route behind `requireSignIn`; a bug (500) when the route was left outside it. */
export function principalOf(request: FastifyRequest): Principal {
  if (request.principal === undefined) throw new Error(`${request.method} ${request.url.split('?')[0]} is not behind requireSignIn: nobody is signed in`);
  return request.principal;
}

/** Whether the caller may see `siteId`: services and headquarters see all, everyone else their own sites. */
export function canSee(request: FastifyRequest, siteId: string): boolean {
  const p = principalOf(request);
  return p.kind === 'service' || p.sites.includes(ALL_SITES) || p.sites.includes(siteId);
}

/** Throws 403 unless the caller may see `siteId`. */
export function requireSite(request: FastifyRequest, siteId: string): void {
  if (canSee(request, siteId)) return;
  const p = principalOf(request) as PersonPrincipal;
  throw new ProblemError({
    status: 403,
    code: 'site-not-allowed',
    title: 'Not one of your sites',
    detail: `site "${siteId}" is not one of yours (${p.sites.join(', ') || 'none'}); ask an admin to add it to your sites`,
  });
}

/** Throws 403 when an agent acts for another agent; supervisors and admins act for agents of their sites (check the site too). */
export function requireOwnAgent(request: FastifyRequest, agentId: string): void {
  const p = principalOf(request);
  if (p.kind === 'service' || p.role === 'supervisor' || p.role === 'admin') return;
  if (p.role === 'agent' && p.agentId === agentId) return;
  throw new ProblemError({ status: 403, code: 'agent-not-allowed', title: 'Not your desk', detail: `you may act only as your own agent${p.agentId === undefined ? '' : ` (${p.agentId})`}, not as "${agentId}"` });
}

function bearerToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (header === undefined) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1];
}

/** One cookie's value from the Cookie header (no cookie library for one name). */
export function cookieValue(request: FastifyRequest, name: string): string | undefined {
  const header = request.headers.cookie;
  if (header === undefined) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) {
      const raw = part.slice(eq + 1).trim();
      try {
        return decodeURIComponent(raw);
      } catch {
        return raw;
      }
    }
  }
  return undefined;
}
