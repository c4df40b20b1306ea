// Opening hours and holidays, read in the schedule's zone: Beijing time, not the server's.
import { describe, expect, it } from 'vitest';
import { expressFlow } from '../../../test/fixtures/flows.ts';
import { chooseBranch } from './schedule.ts';

describe('choosing the open or the closed flow', () => {
  const flow = expressFlow();

  it('is open at 11:00 Beijing time (03:00 UTC) and closed at 21:30 (13:30 UTC)', () => {
    expect(chooseBranch(flow, new Date('2026-11-23T03:00:00Z'))).toBe('open');
    expect(chooseBranch(flow, new Date('2026-11-23T13:30:00Z'))).toBe('closed');
  });

  it('closes at 20:00 sharp and opens at 08:00 sharp', () => {
    expect(chooseBranch(flow, new Date('2026-11-23T12:00:00Z'))).toBe('closed');
    expect(chooseBranch(flow, new Date('2026-11-23T00:00:00Z'))).toBe('open');
  });

  it('is closed all day on a holiday', () => {
    expect(chooseBranch(flow, new Date('2026-10-01T03:00:00Z'))).toBe('closed');
  });

  it('is always open without a schedule', () => {
    const { schedule: _none, ...always } = flow;
    expect(chooseBranch(always, new Date('2026-10-01T20:00:00Z'))).toBe('open');
  });
});
