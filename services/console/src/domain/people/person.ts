// A person who signs in to the console: created by an admin with a role and sites, locked and unlocked. One stream per login.
import { create } from '@bufbuild/protobuf';
import { timestampFromMs } from '@bufbuild/protobuf/wkt';
import { PersonCreatedSchema, PersonLockedSchema, PersonRole, PersonUnlockedSchema, type DecodedEvent, type EventMessage } from '@switchboard/contracts';

export type Role = 'agent' | 'supervisor' | 'analyst' | 'admin';
export const ALL_SITES = '*';

/** The stream of the person signing in as `login`: one writer per login makes a login unique. */
export const personStream = (login: string): string => `person-${login}`;

export interface Person {
  readonly personId: string;
  readonly login: string;
  readonly name: string;
  readonly role: Role;
  readonly sites: readonly string[];
  readonly agentId: string | undefined;
}

export type PersonState = { readonly status: 'none' } | ({ readonly status: 'active' | 'locked' } & Person);

export type PersonCommand =
  | ({ readonly type: 'CreatePerson'; readonly createdBy: string; readonly at: number } & Person)
  | { readonly type: 'LockPerson'; readonly by: string; readonly reason: string; readonly at: number }
  | { readonly type: 'UnlockPerson'; readonly by: string; readonly at: number };

export type PersonRejection = {
  readonly code: 'login-taken' | 'unknown-person' | 'invalid' | 'already-locked' | 'not-locked' | 'own-account';
  readonly message: string;
};

export const initialState: PersonState = { status: 'none' };

const roleToMessage: Record<Role, PersonRole> = {
  agent: PersonRole.AGENT,
  supervisor: PersonRole.SUPERVISOR,
  analyst: PersonRole.ANALYST,
  admin: PersonRole.ADMIN,
};

export function roleOf(role: PersonRole): Role | undefined {
  return (Object.keys(roleToMessage) as Role[]).find((r) => roleToMessage[r] === role);
}

export function evolve(state: PersonState, event: DecodedEvent): PersonState {
  switch (event.type) {
    case 'PersonCreated': {
      const m = event.message;
      return { status: 'active', personId: m.personId, login: m.login, name: m.name, role: roleOf(m.role) ?? 'agent', sites: [...m.sites], agentId: m.agentId === '' ? undefined : m.agentId };
    }
    case 'PersonLocked':
      return state.status === 'none' ? state : { ...state, status: 'locked' };
    case 'PersonUnlocked':
      return state.status === 'none' ? state : { ...state, status: 'active' };
    default:
      return state;
  }
}

/** What is wrong with a new person's role, sites and agent id, in words an admin can act on. */
export function personProblems(person: Person): string[] {
  const problems: string[] = [];
  if (person.sites.length === 0) problems.push(`sites: name at least one site, or "${ALL_SITES}" for headquarters staff who see every site`);
  if (person.sites.includes(ALL_SITES) && person.sites.length > 1) problems.push(`sites: "${ALL_SITES}" already means every site; give it alone`);
  if (new Set(person.sites).size !== person.sites.length) problems.push('sites: a site is named twice');
  if (person.role === 'agent') {
    if (person.agentId === undefined) problems.push("agentId: an agent needs the ACD agent id they answer calls as (e.g. li-na)");
    if (person.sites.includes(ALL_SITES)) problems.push('sites: an agent logs in at a site; name the sites they work at instead of "*"');
  } else if (person.agentId !== undefined && person.role !== 'supervisor') {
    problems.push(`agentId: only agents and supervisors take calls; a ${person.role} has no agent id`);
  }
  return problems;
}

export function decide(command: PersonCommand, state: PersonState): readonly EventMessage[] | { readonly rejected: PersonRejection } {
  switch (command.type) {
    case 'CreatePerson': {
      if (state.status !== 'none') return { rejected: { code: 'login-taken', message: `the login "${command.login}" is already taken by ${state.name}; choose another` } };
      const problems = personProblems(command);
      if (problems.length > 0) return { rejected: { code: 'invalid', message: problems.join('; ') } };
      return [
        create(PersonCreatedSchema, {
          personId: command.personId,
          login: command.login,
          name: command.name,
          role: roleToMessage[command.role],
          sites: [...command.sites],
          agentId: command.agentId ?? '',
          createdBy: command.createdBy,
          createdAt: timestampFromMs(command.at),
        }),
      ];
    }
    case 'LockPerson': {
      if (state.status === 'none') return { rejected: { code: 'unknown-person', message: 'no person has this login' } };
      if (state.personId === command.by) return { rejected: { code: 'own-account', message: 'you cannot lock yourself out; ask another admin' } };
      if (state.status === 'locked') return { rejected: { code: 'already-locked', message: `${state.name} is already locked` } };
      return [create(PersonLockedSchema, { personId: state.personId, login: state.login, lockedBy: command.by, reason: command.reason, lockedAt: timestampFromMs(command.at) })];
    }
    case 'UnlockPerson': {
      if (state.status === 'none') return { rejected: { code: 'unknown-person', message: 'no person has this login' } };
      if (state.status !== 'locked') return { rejected: { code: 'not-locked', message: `${state.name} is not locked` } };
      return [create(PersonUnlockedSchema, { personId: state.personId, login: state.login, unlockedBy: command.by, unlockedAt: timestampFromMs(command.at) })];
    }
    default: {
      const never: never = command;
      throw new Error(`unknown person command ${JSON.stringify(never)}`);
    }
  }
}

export const personDecider = { initialState, evolve, decide };
