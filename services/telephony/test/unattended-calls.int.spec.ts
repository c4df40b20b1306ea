// Calls the switch went away with: a caller left in the IVR by a switch that stopped reporting is ended by
// telephony (by system) and hung up at the switch; a call in a queue, or one still moving, is left alone.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CallEndedBy } from '@switchboard/contracts';
import { eventually } from '@switchboard/testing';
import { signSwitchRequest } from '../src/adapters/http/signature.ts';
import { callIdOf } from '../src/application/call-ids.ts';
import type { SwitchControl } from '../src/application/ports.ts';
import type { SwitchCommand } from '../src/domain/switch-control/commands.ts';
import { expressFlow, NATIONAL_NUMBER } from './fixtures/flows.ts';
import { asService } from './fixtures/people.ts';
import { startTelephony, SWITCH_SECRET, type RunningTelephony } from './fixtures/service.ts';

const SECRET = SWITCH_SECRET;
const OPEN_HOURS = '2026-11-23T03:00:00Z'; // 11:00 in Beijing, a Monday
const commands: SwitchCommand[] = [];
const switchControl: SwitchControl = {
  async send(command) {
    commands.push(command);
    return { kind: 'accepted' };
  },
};

let service: RunningTelephony;
let sequence = 0;

beforeAll(async () => {
  // Swept every 250 ms.
  service = await startTelephony({ SWITCH_CONTROL_URL: 'http://switch.test/control', TELEPHONY_UNATTENDED_CALL_TIMEOUT_SECONDS: '1' }, { switchControl });
  const saved = await fetch(`${service.url}/ivr-flows/${encodeURIComponent(NATIONAL_NUMBER)}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json', ...(await asService()) },
    body: JSON.stringify(expressFlow()),
  });
  expect(saved.status).toBe(200);
});

afterAll(async () => {
  await service?.close();
});

async function report(body: Record<string, unknown>) {
  const raw = JSON.stringify({ switchEventId: `ev-${++sequence}-${Date.now()}`, at: OPEN_HOURS, ...body });
  const timestamp = String(Math.floor(Date.now() / 1000));
  const response = await fetch(`${service.url}/switch/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-switchboard-signature': signSwitchRequest(SECRET, timestamp, raw), 'x-switchboard-timestamp': timestamp },
    body: raw,
  });
  return response.status;
}

const newCall = () => `sip-unattended-${++sequence}-${Date.now()}@switch.test`;
const arrive = (switchCallRef: string) => report({ kind: 'call-arrived', switchCallRef, callingNumber: '+8613812345678', dialledNumber: NATIONAL_NUMBER });
const press = (switchCallRef: string, digits: string) => report({ kind: 'digits-entered', switchCallRef, digits });
const events = async (switchCallRef: string) => (await service.context.store.load(`call-${callIdOf(switchCallRef)}`)).map((e) => e.event);
const endOf = async (switchCallRef: string) => {
  const ended = (await events(switchCallRef)).find((e) => e.type === 'CallEnded');
  return ended?.type === 'CallEnded' ? ended.message.endedBy : undefined;
};
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('calls the switch went away with', () => {
  it('ends a caller left at the IVR menu by system, hangs the call up at the switch, and refuses a late report', async () => {
    const ref = newCall();
    expect(await arrive(ref)).toBe(200);
    await eventually('the call ended by system', async () => (await endOf(ref)) === CallEndedBy.SYSTEM, 10_000);
    await eventually('the hang-up sent to the switch', () => commands.some((c) => c.kind === 'hangup' && c.switchCallRef === ref), 10_000);
    expect(await press(ref, '2')).toBe(409);
  }, 20_000);

  it('leaves a caller waiting in a queue, and one still moving through the IVR until it falls silent', async () => {
    const queued = newCall();
    const moving = newCall();
    expect(await arrive(queued)).toBe(200);
    expect(await arrive(moving)).toBe(200);
    // The first presses 1 (pickup, a queue); the second 2 (a waybill), 800 ms on, before the 1 s timeout.
    expect(await press(queued, '1')).toBe(200);
    await sleep(800);
    expect(await press(moving, '2')).toBe(200);
    // 1.3 s after arrival, 0.5 s after its last report: silent for less than the timeout since it last moved.
    await sleep(500);
    expect(await endOf(moving)).toBeUndefined();
    // Then it falls silent, and is ended; the queued caller is not, however long it waits.
    await eventually('the silent caller ended', async () => (await endOf(moving)) === CallEndedBy.SYSTEM, 10_000);
    await sleep(1_500);
    expect(await endOf(queued)).toBeUndefined();
    expect((await events(queued)).map((e) => e.type)).toContain('AgentRequested');
    expect(commands.some((c) => c.switchCallRef === queued)).toBe(false);
  }, 30_000);
});
