// The IVR flow admin API through HTTP: a flow is saved only when it cannot strand or spin a caller.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asService } from './fixtures/people.ts';
import { startTelephony, type RunningTelephony } from './fixtures/service.ts';

// The tests' own admin calls are another service's: the roles have their own test (auth.int.spec.ts).
const serviceHeaders = await asService();
import { expressFlow } from './fixtures/flows.ts';

let service: RunningTelephony;

beforeAll(async () => {
  service = await startTelephony();
});

afterAll(async () => {
  await service?.close();
});

const put = async (number: string, flow: unknown, site = '') => {
  const response = await fetch(`${service.url}/ivr-flows/${encodeURIComponent(number)}${site ? `?siteId=${site}` : ''}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json', ...serviceHeaders },
    body: JSON.stringify(flow),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
};
const get = async (number: string, site = '') => {
  const response = await fetch(`${service.url}/ivr-flows/${encodeURIComponent(number)}${site ? `?siteId=${site}` : ''}`, { headers: serviceHeaders });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
};

describe('IVR flows per dialled number', () => {
  it('saves a flow as a new version each time, and shows the last one', async () => {
    const first = await put('+8695105001', expressFlow());
    const second = await put('+8695105001', expressFlow());
    expect(first.status).toBe(200);
    expect(second.body['version']).toBeGreaterThan(first.body['version'] as number);
    const shown = await get('+8695105001');
    expect(shown.body).toMatchObject({ dialledNumber: '+8695105001', siteId: '', version: second.body['version'], flow: { language: 'zh-CN' } });
  });

  it('keeps a site’s own flow apart from the number’s flow', async () => {
    await put('+8695105002', expressFlow(), 'shenzhen');
    expect((await get('+8695105002', 'shenzhen')).status).toBe(200);
    expect((await get('+8695105002')).body).toMatchObject({ status: 404, code: 'ivr-flow-not-found' });
  });

  it('refuses a menu option to a missing node, naming the node', async () => {
    const flow = expressFlow();
    const menu = flow.open.nodes['main-menu'];
    const broken = { ...flow, open: { ...flow.open, nodes: { ...flow.open.nodes, 'main-menu': { ...menu, options: { '1': 'pickup-queue', '2': 'waybill', '0': 'callback-offer', '5': 'complaints' } } } } };
    const refused = await put('+8695105003', broken);
    expect(refused.status).toBe(422);
    expect(refused.body).toMatchObject({ code: 'ivr-flow-invalid', detail: "node 'main-menu' options 5 points to 'complaints', which does not exist" });
    expect((await get('+8695105003')).status).toBe(404);
  });

  it('refuses an unreachable node, a loop without input and a non-http self-service URL', async () => {
    const refused = await put('+8695105004', {
      language: 'zh-CN',
      open: {
        start: 'greeting',
        nodes: {
          greeting: { kind: 'play', say: 'Hello.', next: 'balance' },
          balance: { kind: 'self-service', service: 'balance', url: 'file:///etc/passwd', say: '{{answer.balance}}', failureSay: 'Sorry.', next: 'greeting' },
          orphan: { kind: 'hangup' },
        },
      },
    });
    expect(refused.status).toBe(422);
    expect((refused.body['errors'] as { path: string }[]).map((e) => e.path)).toEqual(['body/open/nodes/balance/url', 'body/open/nodes/orphan', 'body/open/nodes/greeting']);
    expect(refused.body['detail']).toContain("node 'balance' calls 'file:///etc/passwd', which is not an http(s) URL");
    expect(refused.body['detail']).toContain("node 'orphan' cannot be reached from the start node 'greeting'");
    expect(refused.body['detail']).toContain("nodes 'greeting' → 'balance' → 'greeting' form a loop with no input step");
  });

  it('names the field of a node that does not fit its kind', async () => {
    const refused = await put('+8695105005', { language: 'zh-CN', open: { start: 'a', nodes: { a: { kind: 'queue', queue: 'general' } } } });
    expect(refused.status).toBe(400);
    expect(refused.body['errors']).toEqual([{ path: 'body/open/nodes/a/businessType', message: "must have required property 'businessType'" }]);
    const unknownKind = await put('+8695105005', { language: 'zh-CN', open: { start: 'a', nodes: { a: { kind: 'voicemail' } } } });
    expect(unknownKind.body['errors']).toMatchObject([{ path: 'body/open/nodes/a/kind' }]);
  });
});
