// A person's rules: one person per login, roles that fit their sites and agent id, locking.
import { asDecodedEvent, type EventMessage } from '@switchboard/contracts';
import { describe, expect, it } from 'vitest';
import { decide, evolve, initialState, type PersonCommand, type PersonState } from './person.ts';

const liNa = { personId: 'p-1', login: 'li.na', name: 'Li Na', role: 'agent', sites: ['shenzhen'], agentId: 'li-na' } as const;
const create: PersonCommand = { type: 'CreatePerson', createdBy: 'p-admin', at: 1_000, ...liNa };

function given(...commands: PersonCommand[]): PersonState {
  return commands.reduce<PersonState>((state, command) => {
    const events = decide(command, state);
    if ('rejected' in events) throw new Error(events.rejected.message);
    return (events as EventMessage[]).map(asDecodedEvent).reduce(evolve, state);
  }, initialState);
}
const rejection = (command: PersonCommand, state: PersonState = initialState) => {
  const result = decide(command, state);
  return 'rejected' in result ? result.rejected : undefined;
};

describe('a person', () => {
  it('is created with their role, sites and agent id, as one PersonCreated', () => {
    const events = decide(create, initialState) as EventMessage[];
    expect(events.map((e) => e.$typeName)).toEqual(['switchboard.console.v1.PersonCreated']);
    expect(given(create)).toMatchObject({ status: 'active', login: 'li.na', role: 'agent', sites: ['shenzhen'], agentId: 'li-na' });
  });

  it('keeps a login for one person only', () => {
    expect(rejection({ ...create, personId: 'p-2', name: 'Another Li Na' }, given(create))).toMatchObject({ code: 'login-taken', message: expect.stringContaining('already taken by Li Na') });
  });

  it('refuses an agent without an agent id or at every site, and an analyst who takes calls', () => {
    expect(rejection({ ...create, agentId: undefined })?.message).toContain('an agent needs the ACD agent id');
    expect(rejection({ ...create, sites: ['*'] })?.message).toContain('an agent logs in at a site');
    expect(rejection({ ...create, role: 'analyst' })?.message).toContain('only agents and supervisors take calls');
    expect(rejection({ ...create, sites: [] })?.code).toBe('invalid');
    expect(rejection({ ...create, role: 'supervisor', agentId: undefined, sites: ['*', 'shenzhen'] })?.message).toContain('"*" already means every site');
  });

  it('lets headquarters staff see every site', () => {
    expect(given({ ...create, role: 'admin', agentId: undefined, sites: ['*'] })).toMatchObject({ role: 'admin', sites: ['*'] });
  });

  it('is locked and unlocked by an admin, never by themselves', () => {
    const locked = given(create, { type: 'LockPerson', by: 'p-admin', reason: 'left the company', at: 2_000 });
    expect(locked.status).toBe('locked');
    expect(rejection({ type: 'LockPerson', by: 'p-admin', reason: 'again', at: 3_000 }, locked)?.code).toBe('already-locked');
    expect(given(create, { type: 'LockPerson', by: 'p-admin', reason: 'x', at: 2_000 }, { type: 'UnlockPerson', by: 'p-admin', at: 3_000 }).status).toBe('active');
    expect(rejection({ type: 'LockPerson', by: 'p-1', reason: 'oops', at: 2_000 }, given(create))?.code).toBe('own-account');
  });
});
