// The agent desk, end to end in a real browser: an agent signs in, goes ready, a call to the national number is offered
// on her page with why it came to her, she answers, ends it and wraps up with a disposition. Routing, telephony and the
// console run as their own processes; this test plays the switch (signed webhooks in, signed call control out).
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { eventually } from '@switchboard/testing';
import { ADMIN_PASSWORD, report, send, startDeskServices, withDeskText, type DeskServices } from './desk-switch.ts';

const NATIONAL = '+8695105555';
const CALLER = '+8675588880000';
const STRANGER = '+8675566660000';
const AGENT_PASSWORD = 'li-na-desk-password-2026';
const shots = resolve(import.meta.dirname, '../../.test-data');

/** The desks open in the browser, by agent: a failure shows what each page said. */
const desks = new Map<string, Page>();
let browser: Browser | undefined;
let services: DeskServices | undefined;
afterAll(async () => {
  await browser?.close();
  await services?.stop();
});

describe('the agent desk in a browser', () => {
  it('shows Li Na the offer with why it came to her; she answers, ends the call and wraps up; a transfer carries her notes and form to Wang Wei', async () => {
    await aDayAtTheDesk().catch((error: unknown) => withDeskText(desks, error));
  }, 150_000);
});

async function aDayAtTheDesk() {
  services = await startDeskServices();
  const { routing, telephony, console: consoleApp, customers, fakeSwitch } = services;
  // The caller is a known key account: the desk pops their card.
  expect((await send('POST', `${customers.url}/customers`, { name: 'Shenzhen Fast Freight', kind: 'key-account', tier: 'platinum', phoneNumbers: [CALLER] })).status).toBe(201);

  // Shenzhen's ACD: the general queue (a minute of wrap-up) and Li Na; the number's IVR hands callers to the queue.
  expect((await send('PUT', `${routing.url}/acd/sites/shenzhen`, { name: 'Shenzhen center', city: 'Shenzhen', timezone: 'Asia/Shanghai' })).status).toBe(200);
  expect((await send('PUT', `${routing.url}/acd/sites/shenzhen/queues/general`, { name: 'General', requiredSkills: [{ skill: 'general', minLevel: 1 }], wrapUpMs: 60_000 })).status).toBe(200);
  expect((await send('PUT', `${routing.url}/acd/sites/shenzhen/agents/li-na`, { name: 'Li Na', skills: [{ skill: 'general', level: 5 }] })).status).toBe(200);
  expect((await send('PUT', `${routing.url}/acd/sites/shenzhen/agents/wang-wei`, { name: 'Wang Wei', skills: [{ skill: 'general', level: 5 }] })).status).toBe(200);
  const flow = { language: 'zh-CN', open: { start: 'to-agent', nodes: { 'to-agent': { kind: 'queue', queue: 'general', businessType: 'general' } } } };
  expect((await send('PUT', `${telephony.url}/ivr-flows/${encodeURIComponent(NATIONAL)}`, flow)).status).toBe(200);

  // The admin gives Li Na a sign-in.
  const admin = await send('POST', `${consoleApp.url}/sign-in`, { login: 'admin', password: ADMIN_PASSWORD });
  const created = await send('POST', `${consoleApp.url}/people`, { login: 'li.na', name: 'Li Na', role: 'agent', sites: ['shenzhen'], agentId: 'li-na', password: AGENT_PASSWORD }, { authorization: `Bearer ${admin.body['accessToken'] as string}` });
  expect(created.status).toBe(201);
  const colleague = await send('POST', `${consoleApp.url}/people`, { login: 'wang.wei', name: 'Wang Wei', role: 'agent', sites: ['shenzhen'], agentId: 'wang-wei', password: 'wang-wei-password-01' }, { authorization: `Bearer ${admin.body['accessToken'] as string}` });
  expect(colleague.status).toBe(201);

  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox'] });
  const page = await browser.newPage({ viewport: { width: 1360, height: 860 } });
  desks.set('li-na', page);
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  const cardRequests: string[] = [];
  page.on('request', (request) => void (request.url().includes('/desk/api/customer-card') && cardRequests.push(request.url())));

  // A wrong password first: a plain message, and still on the sign-in page.
  await page.goto(`${consoleApp.url}/desk`);
  await page.waitForURL(/\/sign-in\?next=%2Fdesk$/);
  await page.fill('#login', 'li.na');
  await page.fill('#password', 'not-my-password');
  await page.click('button[type=submit]');
  await expect.poll(() => page.textContent('#error')).toContain('the login or the password is not right');

  await page.fill('#password', AGENT_PASSWORD);
  await page.click('button[type=submit]');
  await page.waitForURL(/\/desk$/);
  await expect.poll(() => page.textContent('#link')).toBe('live');
  await expect.poll(() => page.textContent('#who')).toBe('Li Na · agent li-na');

  // Logged in, an agent is not ready until she says so.
  await page.click('#log-in');
  await expect.poll(() => page.textContent('#agent-state')).toBe('not-ready');
  expect(await page.textContent('#agent-reason')).toBe('logged-in');
  await page.click('#ready');
  await expect.poll(() => page.textContent('#agent-state')).toBe('ready');

  // Her colleague has his desk open too (logged in, not ready): Li Na's call must not reach his page.
  const other = await (await browser.newContext()).newPage();
  desks.set('wang-wei', other);
  await other.goto(`${consoleApp.url}/sign-in`);
  await other.fill('#login', 'wang.wei');
  await other.fill('#password', 'wang-wei-password-01');
  await other.click('button[type=submit]');
  await other.waitForURL(/\/desk$/);
  await expect.poll(() => other.textContent('#link')).toBe('live');
  await other.click('#log-in');
  await expect.poll(() => other.textContent('#agent-state')).toBe('not-ready');

  // A caller dials the national number at the Shenzhen switch; the IVR asks for an agent; routing offers it to Li Na.
  const arrived = await report(telephony.url, { kind: 'call-arrived', switchCallRef: 'pbx-0001', callingNumber: CALLER, dialledNumber: NATIONAL, siteId: 'shenzhen' });
  expect(arrived.status).toBe(200);
  await expect.poll(() => page.textContent('#call-state'), { timeout: 15_000 }).toBe('offered');
  await expect.poll(() => page.textContent('#calling-number')).toBe(CALLER);
  expect(await page.textContent('#why-text')).toContain('the only ready agent with the skills');
  expect(await page.textContent('#call-meta')).toContain('queue general');
  expect(await page.getAttribute('#customer-card', 'data-calling-number')).toBe(CALLER);
  // The screen pop: the caller's card from the customers service, pushed by the console right behind the offer
  // (the page did not have to ask for it).
  await expect.poll(() => page.textContent('[data-card="name"]'), { timeout: 10_000 }).toBe('Shenzhen Fast Freight');
  expect(await page.textContent('[data-card="tier"]')).toContain('platinum');
  expect(cardRequests).toEqual([]);
  mkdirSync(shots, { recursive: true });
  await page.screenshot({ path: resolve(shots, 'agent-desk-offer.png') });
  expect(await other.isVisible('#offer')).toBe(false);
  expect(await other.textContent('#log')).not.toContain('Call offered');

  await page.click('#answer');
  await expect.poll(() => page.textContent('#call-state'), { timeout: 10_000 }).toBe('connected');
  await eventually('routing has Li Na on the call', async () => (await send('GET', `${routing.url}/acd/sites/shenzhen/agents/li-na`)).body['state'] === 'on-call');

  await page.click('#hold');
  await expect.poll(() => page.textContent('#call-state')).toBe('on-hold');
  await page.click('#resume');
  await expect.poll(() => page.textContent('#call-state')).toBe('connected');

  await page.click('#hangup');
  await expect.poll(() => page.textContent('#call-state'), { timeout: 10_000 }).toBe('ended');
  await expect.poll(() => page.isVisible('#wrap-up')).toBe(true);
  await expect.poll(() => page.textContent('#agent-state'), { timeout: 10_000 }).toBe('wrap-up');

  await page.selectOption('#disposition', 'waybill-tracked');
  await page.fill('#notes', 'Waybill SF1234567 is out for delivery; told the caller it arrives before 18:00.');
  await page.screenshot({ path: resolve(shots, 'agent-desk-wrap-up.png') });
  await page.click('#finish-wrap-up');
  await expect.poll(() => page.textContent('#agent-state'), { timeout: 10_000 }).toBe('ready');
  expect(await page.isVisible('#no-call')).toBe(true);
  expect(await page.textContent('#customer-card')).toBe('No caller yet.');
  expect(await page.textContent('#error')).toBe('');
  expect(await page.textContent('#log')).toContain('Wrap-up recorded: waybill-tracked');
  await page.screenshot({ path: resolve(shots, 'agent-desk-ready-again.png') });

  // Transfer with context: a new caller; Li Na starts capturing them and types notes, then transfers the call to
  // Wang Wei, whose desk opens with exactly what she had: the caller's card, her notes and her half-filled form.
  const arrivedAgain = await report(telephony.url, { kind: 'call-arrived', switchCallRef: 'pbx-0002', callingNumber: STRANGER, dialledNumber: NATIONAL, siteId: 'shenzhen' });
  expect(arrivedAgain.status).toBe(200);
  await expect.poll(() => page.textContent('#calling-number'), { timeout: 15_000 }).toBe(STRANGER);
  await page.click('#answer');
  await expect.poll(() => page.textContent('#call-state'), { timeout: 10_000 }).toBe('connected');
  await expect.poll(() => page.isVisible('[data-card="new-caller"]'), { timeout: 10_000 }).toBe(true);
  await page.fill('[data-handover="capture-name"]', 'Chen Jie');
  const notes = 'Parcel SF7654321 arrived damaged; the caller wants compensation. Photos sent by WeChat.';
  await page.fill('#call-notes', notes);
  await other.click('#ready');
  await expect.poll(() => other.textContent('#agent-state')).toBe('ready');
  await page.fill('#transfer-target', 'agent:wang-wei');
  await page.click('#transfer');
  await expect.poll(() => page.textContent('#call-state'), { timeout: 10_000 }).toBe('transferred');

  await expect.poll(() => other.textContent('#calling-number'), { timeout: 15_000 }).toBe(STRANGER);
  await expect.poll(() => other.isVisible('#handover'), { timeout: 10_000 }).toBe(true);
  expect(await other.textContent('#handover-from')).toBe('Handed over by Li Na (li-na) to agent:wang-wei');
  expect(await other.textContent('#handover-notes')).toBe(notes);
  expect(await other.inputValue('#call-notes')).toBe(notes);
  await expect.poll(() => other.isVisible('[data-handover="capture-name"]'), { timeout: 10_000 }).toBe(true);
  expect(await other.inputValue('[data-handover="capture-name"]')).toBe('Chen Jie');
  expect(await other.getAttribute('#customer-card', 'data-calling-number')).toBe(STRANGER);
  await other.screenshot({ path: resolve(shots, 'agent-desk-handover-received.png') });
  await other.click('#answer');
  await expect.poll(() => other.textContent('#call-state'), { timeout: 10_000 }).toBe('connected');

  // Li Na still wraps up the call she transferred.
  await expect.poll(() => page.isVisible('#wrap-up'), { timeout: 10_000 }).toBe(true);
  expect(await page.inputValue('#notes')).toBe(notes);
  await page.selectOption('#disposition', 'transferred');
  await page.click('#finish-wrap-up');
  await expect.poll(() => page.textContent('#log')).toContain('Wrap-up recorded: transferred');

  expect(fakeSwitch.commands).toEqual(expect.arrayContaining(['bridge', 'hold', 'resume', 'hangup', 'transfer']));
  expect(pageErrors).toEqual([]);
}
