// Flow validation: a flow that would strand or spin a caller is refused, naming the node.
import { describe, expect, it } from 'vitest';
import { expressFlow } from '../../../test/fixtures/flows.ts';
import type { IvrFlow, IvrNode } from './flow.ts';
import { validateFlow } from './validate.ts';

const withNodes = (nodes: Record<string, IvrNode>, start = 'greeting'): IvrFlow => ({ language: 'zh-CN', open: { start, nodes } });

describe('saving an IVR flow', () => {
  it('accepts the national number flow', () => {
    expect(validateFlow(expressFlow())).toEqual([]);
  });

  it('refuses a menu option pointing to a missing node', () => {
    const flow = withNodes({ greeting: { kind: 'menu', say: 'Press 1.', options: { '1': 'pickup', '3': 'nowhere' }, fallback: 'pickup' }, pickup: { kind: 'queue', queue: 'dispatch', businessType: 'pickup' } });
    expect(validateFlow(flow)).toEqual([{ path: 'open/nodes/greeting/options/3', message: "node 'greeting' options 3 points to 'nowhere', which does not exist" }]);
  });

  it('refuses a node nobody can reach', () => {
    const flow = withNodes({ greeting: { kind: 'hangup', say: 'Bye.' }, orphan: { kind: 'hangup' } });
    expect(validateFlow(flow)).toEqual([{ path: 'open/nodes/orphan', message: "node 'orphan' cannot be reached from the start node 'greeting'" }]);
  });

  it('refuses a loop the caller is never asked anything in', () => {
    const flow = withNodes({ greeting: { kind: 'play', say: 'Hello.', next: 'again' }, again: { kind: 'play', say: 'Hello again.', next: 'greeting' } });
    expect(validateFlow(flow)).toEqual([{ path: 'open/nodes/greeting', message: "nodes 'greeting' → 'again' → 'greeting' form a loop with no input step: the caller would never be asked anything" }]);
  });

  it('accepts a loop through a menu', () => {
    const flow = withNodes({ greeting: { kind: 'play', say: 'Hello.', next: 'menu' }, menu: { kind: 'menu', options: { '9': 'greeting' } } });
    expect(validateFlow(flow)).toEqual([]);
  });

  it('refuses a self-service step whose URL is not http(s)', () => {
    const flow = withNodes({ greeting: { kind: 'self-service', service: 'balance', url: 'ftp://billing/{{account}}', say: '{{answer.balance}}', failureSay: 'Sorry.' } });
    expect(validateFlow(flow)).toEqual([{ path: 'open/nodes/greeting/url', message: "node 'greeting' calls 'ftp://billing/{{account}}', which is not an http(s) URL" }]);
  });

  it('needs a closed flow and a real time zone when there are opening hours', () => {
    const flow: IvrFlow = { ...withNodes({ greeting: { kind: 'hangup' } }), schedule: { timeZone: 'Mars/Olympus', openingHours: [{ days: ['mon'], opens: '18:00', closes: '08:00' }], holidays: [] } };
    expect(validateFlow(flow).map((p) => p.path)).toEqual(['closed', 'schedule/timeZone', 'schedule/openingHours/0']);
  });
});
