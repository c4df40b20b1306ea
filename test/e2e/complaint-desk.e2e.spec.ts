// The desk's customer work, end to end in a real browser: during a known caller's call the agent opens a complaint
// from the card, finds it in the tickets panel, adds a note, is refused a close before the customer was told (the
// customers service's message on the page), moves it to another department with a reason, records the result and
// the call-back, closes it; then she searches a customer by name and opens their card. Routing, telephony, customers
// and the console run as their own processes.
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { ADMIN_PASSWORD, report, send, startDeskServices, withDeskText, type DeskServices } from './desk-switch.ts';

const NATIONAL = '+8695105555';
const CALLER = '+8675588881111';
const AGENT_PASSWORD = 'li-na-desk-password-2026';
const shots = resolve(import.meta.dirname, '../../.test-data');
/** A page's round trip through the console to the customers service; slow on a busy machine. */
const ROUND_TRIP = { timeout: 10_000 };

const desks = new Map<string, Page>();
let browser: Browser | undefined;
let services: DeskServices | undefined;
afterAll(async () => {
  await browser?.close();
  await services?.stop();
});

describe('complaints on the agent desk', () => {
  it('Li Na opens a complaint from the caller’s card, works it through the tickets panel (moved to operations on the way) to closed, finds a customer by name, and opens one for another site’s caller on her desk', async () => {
    await aComplaintAroundTheLoop().catch((error: unknown) => withDeskText(desks, error));
  }, 90_000);
});

async function aComplaintAroundTheLoop() {
  services = await startDeskServices();
  const { routing, telephony, console: consoleApp, customers } = services;

  // Shenzhen's customers: the caller (a key account of the site) and a national one; and a customer of Shanghai with an
  // open complaint, whom Li Na (Shenzhen only) must find neither in her search nor in her tickets.
  const registered = await Promise.all([
    send('POST', `${customers.url}/customers`, { name: 'Shenzhen Fast Freight', kind: 'key-account', tier: 'platinum', phoneNumbers: [CALLER], siteId: 'shenzhen' }),
    send('POST', `${customers.url}/customers`, { name: 'Shenzhen Harbour Logistics', kind: 'company', tier: 'gold', phoneNumbers: ['+8675566661111'] }),
    send('POST', `${customers.url}/customers`, { name: 'Shenzhen Road Shanghai Office', kind: 'company', tier: 'normal', phoneNumbers: ['+862155550000'], siteId: 'shanghai' }),
  ]);
  expect(registered.map((r) => r.status)).toEqual([201, 201, 201]);
  const shanghaiTicket = await send('POST', `${customers.url}/complaints`, { customerId: registered[2]!.body['customerId'], category: 'billing', description: 'Invoice counted twice' });
  expect(shanghaiTicket.status).toBe(201);

  expect((await send('PUT', `${routing.url}/acd/sites/shenzhen`, { name: 'Shenzhen center', city: 'Shenzhen', timezone: 'Asia/Shanghai' })).status).toBe(200);
  expect((await send('PUT', `${routing.url}/acd/sites/shenzhen/queues/general`, { name: 'General', requiredSkills: [{ skill: 'general', minLevel: 1 }], wrapUpMs: 60_000 })).status).toBe(200);
  expect((await send('PUT', `${routing.url}/acd/sites/shenzhen/agents/li-na`, { name: 'Li Na', skills: [{ skill: 'general', level: 5 }] })).status).toBe(200);
  const flow = { language: 'zh-CN', open: { start: 'to-agent', nodes: { 'to-agent': { kind: 'queue', queue: 'general', businessType: 'general' } } } };
  expect((await send('PUT', `${telephony.url}/ivr-flows/${encodeURIComponent(NATIONAL)}`, flow)).status).toBe(200);
  const admin = await send('POST', `${consoleApp.url}/sign-in`, { login: 'admin', password: ADMIN_PASSWORD });
  const created = await send('POST', `${consoleApp.url}/people`, { login: 'li.na', name: 'Li Na', role: 'agent', sites: ['shenzhen'], agentId: 'li-na', password: AGENT_PASSWORD }, { authorization: `Bearer ${admin.body['accessToken'] as string}` });
  expect(created.status).toBe(201);

  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox'] });
  const page = await browser.newPage({ viewport: { width: 1440, height: 1400 } });
  desks.set('li-na', page);
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  mkdirSync(shots, { recursive: true });

  await page.goto(`${consoleApp.url}/sign-in?next=%2Fdesk`);
  await page.fill('#login', 'li.na');
  await page.fill('#password', AGENT_PASSWORD);
  await page.click('button[type=submit]');
  await page.waitForURL(/\/desk$/);
  await expect.poll(() => page.textContent('#link'), ROUND_TRIP).toBe('live');
  // Her tickets hold only her sites' customers: Shanghai's complaint is not among them.
  await expect.poll(() => page.isVisible('#tickets-empty'), ROUND_TRIP).toBe(true);
  expect(await page.locator('#tickets li').count()).toBe(0);
  await page.click('#log-in');
  await expect.poll(() => page.textContent('#agent-state'), ROUND_TRIP).toBe('not-ready');
  await page.click('#ready');
  await expect.poll(() => page.textContent('#agent-state'), ROUND_TRIP).toBe('ready');

  // The known caller rings; Li Na answers with the card on screen.
  expect((await report(telephony.url, { kind: 'call-arrived', switchCallRef: 'pbx-0101', callingNumber: CALLER, dialledNumber: NATIONAL, siteId: 'shenzhen' })).status).toBe(200);
  await expect.poll(() => page.textContent('#call-state'), { timeout: 15_000 }).toBe('offered');
  await expect.poll(() => page.textContent('[data-card="name"]'), { timeout: 10_000 }).toBe('Shenzhen Fast Freight');
  expect(await page.textContent('[data-card="complaints"]')).toBe('No open complaint.');
  const callId = /^Call (\S+)/.exec((await page.textContent('#call-meta')) ?? '')?.[1];
  expect(callId).toBeTruthy();
  await page.click('#answer');
  await expect.poll(() => page.textContent('#call-state'), { timeout: 10_000 }).toBe('connected');

  // A complaint from the card: a category of the customers service's list and what happened.
  await page.click('#open-complaint');
  const categories = await page.locator('#complaint-category option').evaluateAll((options) => options.map((o) => (o as unknown as { value: string }).value));
  expect(categories).toEqual(['', 'delivery-delay', 'damaged-goods', 'lost-shipment', 'pickup-missed', 'staff-conduct', 'billing', 'other']);
  await page.selectOption('#complaint-category', 'damaged-goods');
  await page.fill('#complaint-description', 'Waybill SF1234567: the pallet arrived crushed; the customer wants the goods replaced.');
  await page.screenshot({ path: resolve(shots, 'complaint-desk-opening.png') });
  await page.click('#submit-complaint');
  // The card lists it among the open complaints, and the tickets panel has it.
  await expect.poll(() => page.textContent('[data-card="complaints"]'), { timeout: 10_000 }).toBe('Open complaints:damaged-goods · open');
  const ticketId = await page.getAttribute('[data-card="complaints"] [data-ticket-id]', 'data-ticket-id');
  expect(ticketId).toMatch(/^[0-9a-f-]{36}$/);
  const row = page.locator(`#tickets [data-ticket-id="${ticketId}"]`);
  await expect.poll(() => row.textContent(), ROUND_TRIP).toContain('Shenzhen Fast Freight');
  expect(await row.textContent()).toContain('damaged-goods');
  expect(await page.locator('#tickets li').count()).toBe(1);
  // Linked to the customer and to the call, as the customers service has it.
  const stored = await send('GET', `${customers.url}/complaints/${ticketId}`);
  expect(stored.body).toMatchObject({ customerId: registered[0]!.body['customerId'], callId, category: 'damaged-goods', department: 'claims', status: 'open' });

  // From the tickets panel: the ticket with its history.
  await row.click();
  await expect.poll(() => page.textContent('#ticket-head'), ROUND_TRIP).toBe('damaged-goods · Shenzhen Fast Freight');
  expect(await page.textContent('#ticket-status')).toBe('open');
  expect(await page.textContent('#ticket-description')).toContain('the pallet arrived crushed');
  expect(await page.textContent('#ticket-history')).toContain(`Opened by you: damaged-goods for claims during call ${callId}`);

  await page.fill('#ticket-note-text', 'Photos of the pallet received by WeChat.');
  await page.click('#add-note');
  await expect.poll(() => page.textContent('#ticket-history [data-history="ComplaintNoteAdded"]'), ROUND_TRIP).toBe('Note by you: Photos of the pallet received by WeChat.');

  // A close before the customer was told: the customers service refuses it, and the page says why.
  await page.click('#close-ticket');
  await expect.poll(() => page.textContent('#ticket-error'), ROUND_TRIP).toContain('Closing the ticket: customers: the customer has not been told the result: claims must record a result');
  expect(await page.textContent('#ticket-status')).toBe('open');
  await page.screenshot({ path: resolve(shots, 'complaint-desk-close-refused.png') });

  // The driver broke it: Li Na moves the ticket to operations, saying why; it keeps the due time claims had.
  await page.click('#ticket-reassign-box summary');
  expect(await page.locator('#reassign-department option').allTextContents()).toEqual(['Choose a department', 'operations', 'dispatch', 'quality', 'finance', 'customer-service']);
  await page.selectOption('#reassign-department', 'operations');
  await page.fill('#reassign-reason', 'The driver dropped the pallet while loading: operations answers for it.');
  await page.screenshot({ path: resolve(shots, 'complaint-desk-reassigning.png') });
  await page.click('#reassign');
  await expect.poll(() => page.textContent('#ticket-history [data-history="ComplaintReassigned"]'), ROUND_TRIP).toBe(
    'Moved from claims to operations by you: The driver dropped the pallet while loading: operations answers for it.',
  );
  expect(await page.textContent('#ticket-meta')).toMatch(/^operations answers · /);
  await expect.poll(() => row.textContent(), ROUND_TRIP).toContain('operations · due');
  expect(await page.isVisible('#reassign-reason')).toBe(false);
  expect((await send('GET', `${customers.url}/complaints/${ticketId}`)).body).toMatchObject({ department: 'operations', dueAt: stored.body['dueAt'] });

  // Claims' answer, then the call-back that tells the customer, then the close.
  await page.fill('#ticket-result-text', 'Claims replaces the goods; a new pallet ships tomorrow.');
  await page.click('#record-result');
  await expect.poll(() => page.textContent('#ticket-status'), ROUND_TRIP).toBe('awaiting-callback');
  expect(await page.textContent('#ticket-error')).toBe('');
  expect(await page.isVisible('#ticket-result')).toBe(false);
  await page.selectOption('#callback-outcome', 'customer-informed');
  await page.fill('#callback-note', 'Told them on this call; they accept the replacement.');
  await page.click('#record-callback');
  await expect.poll(() => page.textContent('#ticket-status'), ROUND_TRIP).toBe('customer-informed');
  expect(await page.textContent('#ticket-history [data-history="ComplaintCallbackMade"]')).toBe('Call-back by you: the customer was told the result — Told them on this call; they accept the replacement.');
  await page.click('#close-ticket');
  await expect.poll(() => page.textContent('#ticket-status'), ROUND_TRIP).toBe('closed');
  expect(await page.textContent('#ticket-history')).toContain('Closed by you');
  expect(await page.isVisible('#close-ticket')).toBe(false);
  // The caller's card no longer lists it.
  await expect.poll(() => page.textContent('#customer-card [data-card="complaints"]'), ROUND_TRIP).toBe('No open complaint.');
  // Gone from the tickets not closed; there under "Closed".
  await expect.poll(() => page.locator('#tickets li').count(), ROUND_TRIP).toBe(0);
  await page.selectOption('#ticket-filter', 'closed');
  await expect.poll(() => page.locator(`#tickets [data-ticket-id="${ticketId}"]`).count(), ROUND_TRIP).toBe(1);
  expect((await send('GET', `${customers.url}/complaints/${ticketId}`)).body).toMatchObject({ status: 'closed' });
  await page.screenshot({ path: resolve(shots, 'complaint-desk-closed.png') });

  // The customer search: by the start of a name, only the customers of her site and national ones; a result opens the card.
  await page.fill('#search-q', 'shenzhen');
  await page.click('#search-go');
  await expect.poll(() => page.locator('#search-results li').allTextContents(), ROUND_TRIP).toEqual([
    'Shenzhen Fast Freight · platinum · +8675588881111',
    'Shenzhen Harbour Logistics · gold · +8675566661111',
  ]);
  await page.click('#search-results button:has-text("Shenzhen Harbour Logistics")');
  await expect.poll(() => page.textContent('#found-card [data-card="name"]'), ROUND_TRIP).toBe('Shenzhen Harbour Logistics');
  expect(await page.textContent('#found-card [data-card="tier"]')).toBe('gold · company · national');
  expect(await page.locator('#found-card form, #found-card #open-complaint').count()).toBe(0);
  // The caller's own card still shows the caller, the closed complaint gone from it once read again.
  await page.click('#search-results button:has-text("Shenzhen Fast Freight")');
  await expect.poll(() => page.textContent('#found-card [data-card="name"]'), ROUND_TRIP).toBe('Shenzhen Fast Freight');
  expect(await page.textContent('#found-card [data-card="complaints"]')).toBe('No open complaint.');
  expect(await page.textContent('#customer-card [data-card="name"]')).toBe('Shenzhen Fast Freight');
  await page.screenshot({ path: resolve(shots, 'complaint-desk-search.png') });

  // A caller of another site's region reaches Li Na (as an overflowed call would): the card of the call on her desk
  // pops, and her complaint for that caller is opened in her name although the customer is Shanghai's.
  await page.click('#hangup');
  await expect.poll(() => page.isVisible('#wrap-up'), ROUND_TRIP).toBe(true);
  await page.selectOption('#disposition', 'complaint-opened');
  await page.click('#finish-wrap-up');
  await expect.poll(() => page.textContent('#agent-state'), ROUND_TRIP).toBe('ready');
  expect((await report(telephony.url, { kind: 'call-arrived', switchCallRef: 'pbx-0102', callingNumber: '+862155550000', dialledNumber: NATIONAL, siteId: 'shenzhen' })).status).toBe(200);
  await expect.poll(() => page.textContent('#customer-card [data-card="name"]'), { timeout: 15_000 }).toBe('Shenzhen Road Shanghai Office');
  expect(await page.textContent('#customer-card [data-card="tier"]')).toContain('site shanghai');
  const otherCallId = /^Call (\S+)/.exec((await page.textContent('#call-meta')) ?? '')?.[1];
  await page.click('#answer');
  await expect.poll(() => page.textContent('#call-state'), ROUND_TRIP).toBe('connected');
  await page.click('#open-complaint');
  await page.selectOption('#complaint-category', 'delivery-delay');
  await page.fill('#complaint-description', 'Shipment to the Pudong office two days late.');
  await page.click('#submit-complaint');
  await expect.poll(() => page.textContent('#customer-card [data-card="complaints"]'), ROUND_TRIP).toContain('delivery-delay · open');
  const shanghaiTickets = await send('GET', `${customers.url}/complaints?customerId=${registered[2]!.body['customerId'] as string}`);
  expect(shanghaiTickets.body['tickets']).toEqual(
    expect.arrayContaining([expect.objectContaining({ category: 'delivery-delay', callId: otherCallId, openedBy: expect.stringMatching(/^(?!service:)/) })]),
  );
  // Still not hers to list: the ticket belongs to Shanghai.
  await page.selectOption('#ticket-filter', 'active');
  await expect.poll(() => page.isVisible('#tickets-empty'), ROUND_TRIP).toBe(true);
  expect(await page.locator('#tickets li').count()).toBe(0);

  expect(await page.textContent('#error')).toBe('');
  expect(pageErrors).toEqual([]);
}
