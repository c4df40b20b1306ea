// Sign-in, sign-out and who am I; and the admin's API for people (create, list, lock, unlock).
import { principalOf, ProblemDetailsSchema, ProblemError, Type, type ServiceRoutes } from '@switchboard/service-kit';
import type { People, PeopleResult } from '../../application/people.ts';
import { listPeople } from '../db/people.ts';
import type { PrismaClient } from '@switchboard/event-store';
import { clearSessionCookie, setSessionCookie } from './session.ts';
import { homeOf } from './pages.ts';

const Login = Type.String({ pattern: '^[a-z0-9][a-z0-9._-]{1,63}$', description: '2-64 lower-case letters, digits, . _ or -, e.g. li.na' });
const SiteId = Type.String({ pattern: '^([A-Za-z0-9][A-Za-z0-9_.:-]{0,127}|\\*)$', description: 'a site id, or * for every site (headquarters)' });
const AgentId = Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$', description: 'the ACD agent id, e.g. li-na' });
const Role = Type.Union([Type.Literal('agent'), Type.Literal('supervisor'), Type.Literal('analyst'), Type.Literal('admin')]);

const SignInBody = Type.Object({ login: Type.String({ minLength: 1, maxLength: 64 }), password: Type.String({ minLength: 1, maxLength: 256 }) }, { additionalProperties: false });
const PersonBody = Type.Object(
  {
    login: Login,
    name: Type.String({ minLength: 1, maxLength: 100 }),
    role: Role,
    sites: Type.Array(SiteId, { minItems: 1, maxItems: 100 }),
    agentId: Type.Optional(AgentId),
    password: Type.String({ minLength: 12, maxLength: 256, description: 'at least 12 characters; stored only as an argon2id hash' }),
  },
  { additionalProperties: false },
);
const LoginParams = Type.Object({ login: Login });
const LockBody = Type.Object({ reason: Type.String({ minLength: 1, maxLength: 200 }) }, { additionalProperties: false });

const PersonView = Type.Object({
  personId: Type.String(),
  login: Type.String(),
  name: Type.String(),
  role: Type.String(),
  sites: Type.Array(Type.String()),
  agentId: Type.Union([Type.String(), Type.Null()]),
});
const SignedInView = Type.Object({
  person: Type.Object({ personId: Type.String(), name: Type.String(), role: Type.String(), sites: Type.Array(Type.String()), agentId: Type.Optional(Type.String()) }),
  expiresAt: Type.String(),
  home: Type.String({ description: 'the page this person starts on' }),
  accessToken: Type.String({ description: 'for API clients, as "Authorization: Bearer <token>"; the pages use the session cookie' }),
});
const problems = { 400: ProblemDetailsSchema, 401: ProblemDetailsSchema, 403: ProblemDetailsSchema, 404: ProblemDetailsSchema, 409: ProblemDetailsSchema, 422: ProblemDetailsSchema };

const SIGN_IN_FAILED = 'the login or the password is not right (or the account is locked): check them and try again, or ask an admin';

function unwrap<T>(result: PeopleResult<T>): T {
  if (result.ok) return result.value;
  const status = { 'login-taken': 409, 'unknown-person': 404, invalid: 422, 'already-locked': 409, 'not-locked': 409, 'own-account': 409 }[result.rejected.code];
  throw new ProblemError({ status, code: result.rejected.code, detail: result.rejected.message });
}

const personId = (p: ReturnType<typeof principalOf>): string => (p.kind === 'person' ? p.personId : `service:${p.service}`);

export function peopleRoutes(people: People, prisma: PrismaClient, cookie: { secure: boolean; maxAgeSeconds: number }): ServiceRoutes {
  return async (app) => {
    app.post('/sign-in', { config: { public: true }, schema: { body: SignInBody, response: { 200: SignedInView, ...problems } } }, async (request, reply) => {
      const signedIn = await people.signIn(request.body.login, request.body.password);
      if (signedIn === undefined) throw new ProblemError({ status: 401, code: 'sign-in-failed', title: 'Sign-in failed', detail: SIGN_IN_FAILED });
      setSessionCookie(reply, signedIn.token, cookie);
      const { expiresAt: _, ...person } = signedIn.person;
      return { person: { ...person, sites: [...person.sites] }, expiresAt: signedIn.expiresAt.toISOString(), home: homeOf(person.role), accessToken: signedIn.token };
    });

    app.post('/sign-out', { config: { public: true } }, async (_request, reply) => {
      clearSessionCookie(reply, cookie.secure);
      return reply.code(204).send();
    });

    app.get('/me', async (request) => principalOf(request));

    app.post('/people', { config: { allow: ['admin'] }, schema: { body: PersonBody, response: { 201: PersonView, ...problems } } }, async (request, reply) => {
      const { agentId, ...rest } = request.body;
      const person = unwrap(await people.create({ ...rest, agentId }, personId(principalOf(request))));
      reply.code(201);
      return { ...person, sites: [...person.sites], agentId: person.agentId ?? null };
    });

    app.get('/people', { config: { allow: ['admin'] }, schema: { response: { 200: Type.Array(Type.Intersect([PersonView, Type.Object({ locked: Type.Boolean() })])) } } }, async () => listPeople(prisma));

    app.post('/people/:login/lock', { config: { allow: ['admin'] }, schema: { params: LoginParams, body: LockBody, response: { 200: Type.Object({ locked: Type.Boolean() }), ...problems } } }, async (request) => {
      unwrap(await people.lock(request.params.login, personId(principalOf(request)), request.body.reason));
      return { locked: true };
    });

    app.post('/people/:login/unlock', { config: { allow: ['admin'] }, schema: { params: LoginParams, response: { 200: Type.Object({ locked: Type.Boolean() }), ...problems } } }, async (request) => {
      unwrap(await people.unlock(request.params.login, personId(principalOf(request))));
      return { locked: false };
    });
  };
}
