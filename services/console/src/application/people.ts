// People and sign-in: create (hash the password, record the person), lock, unlock, and sign in to a signed access token.
import { randomUUID } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';
import { currentState, handleCommand, type AppendOptions, type EventStore } from '@switchboard/event-store';
import type { AccessTokens, PersonPrincipal } from '@switchboard/service-kit';
import type { Credentials } from '../adapters/db/people.ts';
import { personDecider, personStream, type Person, type PersonRejection, type PersonState } from '../domain/people/person.ts';

export interface PeopleOptions {
  readonly store: EventStore;
  readonly credentials: Credentials;
  readonly tokens: AccessTokens;
  readonly sessionSeconds: number;
  readonly appendOptions: () => AppendOptions;
  readonly clock?: () => Date;
}

export interface NewPerson extends Omit<Person, 'personId'> {
  readonly password: string;
}

export type PeopleResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly rejected: PersonRejection };

export interface SignedIn {
  readonly token: string;
  readonly person: Omit<PersonPrincipal, 'kind'>;
  readonly expiresAt: Date;
}

// Verified against when the login is unknown, so an unknown login takes as long as a wrong password.
const decoy = hash('a password nobody has, hashed once at start');

export function people(options: PeopleOptions) {
  const { store, credentials, tokens } = options;
  const clock = options.clock ?? (() => new Date());
  const load = async (login: string): Promise<PersonState> => (await currentState(store, personDecider, personStream(login))).state;

  return {
    /** Records the person, then keeps the password's hash (never the password, never in an event). */
    async create(person: NewPerson, createdBy: string): Promise<PeopleResult<Person>> {
      const { password, ...rest } = person;
      const personId = randomUUID();
      const result = await handleCommand(store, personDecider, personStream(person.login), { type: 'CreatePerson', ...rest, personId, createdBy, at: clock().getTime() }, options.appendOptions());
      if (!result.ok) return result;
      await credentials.save(person.login, personId, await hash(password));
      return { ok: true, value: { ...rest, personId } };
    },

    async lock(login: string, by: string, reason: string): Promise<PeopleResult<undefined>> {
      const result = await handleCommand(store, personDecider, personStream(login), { type: 'LockPerson', by, reason, at: clock().getTime() }, options.appendOptions());
      return result.ok ? { ok: true, value: undefined } : result;
    },

    async unlock(login: string, by: string): Promise<PeopleResult<undefined>> {
      const result = await handleCommand(store, personDecider, personStream(login), { type: 'UnlockPerson', by, at: clock().getTime() }, options.appendOptions());
      return result.ok ? { ok: true, value: undefined } : result;
    },

    /** A token for the person, or undefined: a wrong password, an unknown login and a locked person look the same to the caller. */
    async signIn(login: string, password: string): Promise<SignedIn | undefined> {
      const [state, stored] = await Promise.all([load(login), credentials.passwordHash(login)]);
      const matches = await verify(stored ?? (await decoy), password).catch(() => false);
      if (!matches || stored === undefined || state.status !== 'active') return undefined;
      const now = clock();
      const claims = { personId: state.personId, name: state.name, role: state.role, sites: state.sites, ...(state.agentId === undefined ? {} : { agentId: state.agentId }) };
      const token = await tokens.issuePerson(claims, options.sessionSeconds, now);
      const expiresAt = new Date(Math.floor(now.getTime() / 1000) * 1000 + options.sessionSeconds * 1000);
      return { token, person: { ...claims, expiresAt }, expiresAt };
    },

    /** The first admin from the configuration, created once; a later start with other values changes nothing. */
    async ensureFirstAdmin(login: string, password: string): Promise<'created' | 'exists'> {
      const existing = await load(login);
      if (existing.status !== 'none') {
        // A start that stopped between recording the admin and saving the hash left no password: finish it.
        if ((await credentials.passwordHash(login)) === undefined) await credentials.save(login, existing.personId, await hash(password));
        return 'exists';
      }
      const result = await this.create({ login, password, name: 'Administrator', role: 'admin', sites: ['*'], agentId: undefined }, '');
      if (!result.ok && result.rejected.code !== 'login-taken') throw new Error(`the first admin could not be created: ${result.rejected.message}`);
      return 'created';
    },
  };
}

export type People = ReturnType<typeof people>;
