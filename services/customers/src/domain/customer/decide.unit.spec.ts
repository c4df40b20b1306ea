import { describe, expect, it } from 'vitest';
import { asDecodedEvent, CustomerKind, CustomerTier, type EventMessage } from '@switchboard/contracts';
import { customerDecider } from './decide.ts';
import type { CustomerCommand } from './commands.ts';

const register: CustomerCommand = {
  type: 'RegisterCustomer',
  customerId: 'c-1',
  name: 'Shenzhen Fast Freight',
  kind: CustomerKind.KEY_ACCOUNT,
  tier: CustomerTier.GOLD,
  phoneNumbers: ['+8675512345678'],
  region: '0755',
  segment: 'key-account',
};

/** given these events, when this command: the events decided, or the rejection. */
const given = (events: EventMessage[], command: CustomerCommand) =>
  customerDecider.decide(command, events.map(asDecodedEvent).reduce(customerDecider.evolve, customerDecider.initialState));

describe('a customer record', () => {
  it('is registered once with its numbers', () => {
    const decided = given([], register) as EventMessage[];
    expect(decided).toHaveLength(1);
    expect(decided[0]).toMatchObject({ $typeName: 'switchboard.customers.v1.CustomerRegistered', customerId: 'c-1', tier: CustomerTier.GOLD });
    expect(given(decided, register)).toEqual({ rejected: { code: 'already-registered', message: 'customer c-1 is already registered' } });
  });

  it('captured during a call, is linked to that call', () => {
    const decided = given([], { ...register, capturedOnCall: { callId: 'call-7', callingNumber: '+8675512345678', by: 'li-na' } }) as EventMessage[];
    expect(decided.map((e) => e.$typeName)).toEqual(['switchboard.customers.v1.CustomerRegistered', 'switchboard.customers.v1.CallLinkedToCustomer']);
    expect(decided[1]).toMatchObject({ customerId: 'c-1', callId: 'call-7', linkedBy: 'li-na' });
  });

  it('belongs to the site named at registration, or is national', () => {
    expect(given([], { ...register, siteId: 'shenzhen' })).toMatchObject([{ siteId: 'shenzhen' }]);
    expect(given([], register)).toMatchObject([{ siteId: '' }]);
  });

  it('moves to another site with its whole profile, and a move to the same site is no event', () => {
    const history = given([], { ...register, siteId: 'shenzhen' }) as EventMessage[];
    expect(given(history, { type: 'ChangeProfile', siteId: 'shanghai' })).toMatchObject([
      { $typeName: 'switchboard.customers.v1.CustomerProfileChanged', siteId: 'shanghai', name: 'Shenzhen Fast Freight', region: '0755' },
    ]);
    expect(given(history, { type: 'ChangeProfile', siteId: 'shenzhen' })).toEqual([]);
    // A change of the name keeps the site.
    expect(given(history, { type: 'ChangeProfile', name: 'SZ Fast Freight' })).toMatchObject([{ name: 'SZ Fast Freight', siteId: 'shenzhen' }]);
    const moved = [...history, ...(given(history, { type: 'ChangeProfile', siteId: '' }) as EventMessage[])];
    expect(moved.map(asDecodedEvent).reduce(customerDecider.evolve, customerDecider.initialState)).toMatchObject({ status: 'registered', siteId: '' });
  });

  it('refuses a phone number that is not E.164, saying which', () => {
    expect(given([], { ...register, phoneNumbers: ['0755-1234'] })).toEqual({
      rejected: { code: 'invalid', message: 'phone number "0755-1234" is not in E.164 form (like +8613812345678)' },
    });
  });

  it('moves to platinum with the previous tier recorded, and a change to the same tier is no event', () => {
    const history = given([], register) as EventMessage[];
    expect(given(history, { type: 'ChangeTier', tier: CustomerTier.PLATINUM })).toMatchObject([
      { $typeName: 'switchboard.customers.v1.CustomerTierChanged', tier: CustomerTier.PLATINUM, previousTier: CustomerTier.GOLD },
    ]);
    expect(given(history, { type: 'ChangeTier', tier: CustomerTier.GOLD })).toEqual([]);
  });

  it('cannot change the tier of a customer nobody registered', () => {
    expect(given([], { type: 'ChangeTier', tier: CustomerTier.GOLD })).toMatchObject({ rejected: { code: 'not-found' } });
  });

  it('keeps at least one number', () => {
    const history = given([], register) as EventMessage[];
    expect(given(history, { type: 'RemovePhoneNumber', phoneNumber: '+8675512345678' })).toMatchObject({ rejected: { code: 'conflict' } });
    const two = [...history, ...(given(history, { type: 'AddPhoneNumber', phoneNumber: '+8613800000001' }) as EventMessage[])];
    expect(given(two, { type: 'RemovePhoneNumber', phoneNumber: '+8675512345678' })).toMatchObject([{ phoneNumber: '+8675512345678' }]);
  });

  describe('merged into a survivor', () => {
    const history = given([], register) as EventMessage[];

    it('hands its numbers over, and then points to the survivor for every command', () => {
      const merged = given(history, { type: 'MergeInto', survivorId: 'c-2', by: 'supervisor-wang' }) as EventMessage[];
      expect(merged).toMatchObject([{ $typeName: 'switchboard.customers.v1.CustomerMerged', survivorId: 'c-2', phoneNumbers: ['+8675512345678'] }]);
      const after = [...history, ...merged];
      expect(given(after, { type: 'ChangeTier', tier: CustomerTier.PLATINUM })).toMatchObject({ rejected: { code: 'merged', survivorId: 'c-2' } });
      expect(given(after, { type: 'MergeInto', survivorId: 'c-3', by: 'x' })).toMatchObject({ rejected: { code: 'merged', survivorId: 'c-2' } });
    });

    it('keeps the site it had, so who may see it still knows', () => {
      const atSite = given([], { ...register, siteId: 'shanghai' }) as EventMessage[];
      const after = [...atSite, ...(given(atSite, { type: 'MergeInto', survivorId: 'c-2', by: 'x' }) as EventMessage[])];
      expect(after.map(asDecodedEvent).reduce(customerDecider.evolve, customerDecider.initialState)).toMatchObject({ status: 'merged', siteId: 'shanghai' });
    });

    it('is never merged into itself', () => {
      expect(given(history, { type: 'MergeInto', survivorId: 'c-1', by: 'x' })).toMatchObject({ rejected: { code: 'conflict' } });
    });

    it('the survivor takes over only the numbers it does not have', () => {
      expect(given(history, { type: 'TakeOverNumbers', phoneNumbers: ['+8675512345678', '+8613900000002'] })).toMatchObject([
        { $typeName: 'switchboard.customers.v1.CustomerPhoneNumberAdded', phoneNumber: '+8613900000002' },
      ]);
    });
  });
});
