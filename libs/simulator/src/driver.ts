// Plays the switch and the agents against the real services: callers through the IVR, offers rung and answered, holds, transfers, hang-ups, wrap-ups and breaks.
import { setTimeout as sleepFor } from 'node:timers/promises';
import { sampleNetwork, type SampleNetwork } from './network.ts';
import { Platform, type AccessTokenSource, type PlatformUrls } from './platform.ts';
import { seededRandom } from './random.ts';
import { setUpNetwork, type SetupReport } from './setup.ts';
import { startSwitchServer, type ControlAnswer, type ControlCommand, type SwitchServer } from './switch-server.ts';
import { Tally, type Outcome, type TallySnapshot } from './tally.ts';
import { trafficModel, type CallPlan, type SurveyAnswer, type TrafficModel, type TrafficOptions } from './traffic.ts';

export interface SimulationOptions extends TrafficOptions {
  readonly urls: PlatformUrls;
  /** The switch's shared secret with telephony. */
  readonly secret: string;
  /** The token shown to routing's, telephony's and customers' APIs (a service token signed with AUTH_TOKEN_SECRET). */
  readonly accessToken?: AccessTokenSource;
  readonly sites: number;
  readonly agentsPerSite: number;
  /** How long calls arrive; Infinity: until stop(). */
  readonly durationMs: number;
  /** After the last arrival, how long calls in progress may take to finish before the rest is cut off. */
  readonly drainMs?: number;
  /** Port of the switch's control endpoint (0: any free one). */
  readonly switchPort?: number;
  readonly switchHost?: string;
  readonly progressEveryMs?: number;
  readonly onProgress?: (progress: Progress) => void;
  readonly log?: (line: string) => void;
  /** The switch rang an agent for a call that asked for one `waitedMs` before (each ring, re-rings included). */
  readonly onRing?: (callId: string, agentId: string, waitedMs: number) => void;
}

export interface Progress {
  readonly elapsedMs: number;
  readonly tally: TallySnapshot;
}

export interface SimulationResult extends Progress {
  readonly setup: SetupReport;
}

export interface Simulation {
  readonly switchServer: SwitchServer;
  readonly network: SampleNetwork;
  readonly setup: SetupReport;
  /** Resolves when the run (arrivals, then the drain) is over. */
  readonly done: Promise<SimulationResult>;
  /** Ends arrivals now and drains. */
  stop(): void;
  snapshot(): TallySnapshot;
}

type Stage = 'ivr' | 'waiting' | 'ringing' | 'talking' | 'gone';

interface LiveCall {
  readonly plan: CallPlan;
  readonly callId: string;
  stage: Stage;
  agentId: string | undefined;
  offeredSiteId: string | undefined;
  waitingSince: number;
  patienceEndsAt: number;
  patience: NodeJS.Timeout | undefined;
  transferred: boolean;
  /** Commands the call's next step waits for, by kind. */
  readonly waiters: Map<string, (command: ControlCommand) => void>;
}

const COMMAND_WAIT_MS = 15_000;
const TRANSFER_QUEUE = 'complaints';
/** How long a caller takes over the survey's prompt before a key (or hanging up), at speed 1. */
const SURVEY_MS = 6_000;
/** The keys of the switch's survey prompt (docs/switch-interface.md). */
const surveyKeys: Record<SurveyAnswer, string> = { satisfied: '1', neutral: '2', dissatisfied: '3' };

/** Starts the switch's server, sets the network up, and runs the traffic. */
export async function startSimulation(options: SimulationOptions): Promise<Simulation> {
  const log = options.log ?? (() => undefined);
  const network = sampleNetwork({ sites: options.sites, agentsPerSite: options.agentsPerSite }, seededRandom(options.seed));
  const model: TrafficModel = trafficModel(network, options);
  const platform = new Platform(options.urls, options.secret, options.accessToken);
  const tally = new Tally();
  const calls = new Map<string, LiveCall>();
  const callbacks = new Map<string, CallPlan>();
  const ourAgents = new Set(network.agents.map((a) => a.agentId));
  const arrivalsStop = new AbortController();
  const cutOff = new AbortController();
  const tasks = new Set<Promise<unknown>>();
  const track = (task: Promise<unknown>) => {
    const t = task.catch((error: unknown) => log(`simulator: ${error instanceof Error ? error.message : String(error)}`)).finally(() => tasks.delete(t));
    tasks.add(t);
  };
  /** Sleeps, cut short when the run is cut off (talks end, waits end). */
  const sleep = (ms: number) => sleepFor(ms, undefined, { signal: cutOff.signal }).catch(() => undefined);

  const settle = (key: string, outcome: Outcome) => tally.settle(key, outcome);

  // The switch: telephony's commands.
  const onCommand = (command: ControlCommand): ControlAnswer => {
    tally.counts.commands++;
    if (command.kind === 'dial') {
      if (!ourAgents.has(command.agentId)) return { ok: false, status: 404, reason: `no phone for agent ${command.agentId} at this switch`, code: 'agent-unreachable' };
      track(dialBack(command));
      return { ok: true };
    }
    const call = calls.get(command.callId);
    if (call === undefined) return { ok: false, status: 404, reason: `no call ${command.switchCallRef} at this switch`, code: 'call-not-found' };
    if (call.stage === 'gone') return { ok: false, status: 409, reason: 'the caller already hung up' };
    if (command.kind === 'bridge') {
      if (!ourAgents.has(command.agentId)) return { ok: false, status: 404, reason: `no phone for agent ${command.agentId} at this switch`, code: 'agent-unreachable' };
      if (command.ring === false) {
        call.waiters.get('bridge')?.(command);
        return { ok: true };
      }
      // The hand-over to a queue answers the caller's last IVR step, and routing's bridge can come before that
      // answer is read: the caller waits from now, as a switch puts a caller in line on the platform's word.
      if (call.stage === 'ivr') startWaiting(call);
      if (call.stage !== 'waiting') return { ok: false, status: 409, reason: `the call is ${call.stage}, not waiting for an agent` };
      track(ring(call, command.agentId, command.siteId ?? ''));
      return { ok: true };
    }
    const waiter = call.waiters.get(command.kind);
    if (waiter === undefined) return { ok: false, status: 409, reason: `nobody at the switch asked to ${command.kind} the call` };
    waiter(command);
    return { ok: true };
  };

  const switchServer = await startSwitchServer({ secret: options.secret, port: options.switchPort ?? 0, ...(options.switchHost ? { host: options.switchHost } : {}), onCommand });

  /** Calls the desk's API and waits for the command it sends the switch. */
  async function deskAction(call: LiveCall, action: 'hold' | 'resume' | 'transfer' | 'hangup', agentId: string, extra: Record<string, unknown> = {}): Promise<boolean> {
    const arrived = new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), COMMAND_WAIT_MS);
      call.waiters.set(action, () => {
        clearTimeout(timer);
        call.waiters.delete(action);
        resolve(true);
      });
    });
    const answer = await platform.desk(call.callId, action, { agentId, ...extra });
    if (answer.status !== 202) {
      call.waiters.delete(action);
      tally.violation(`${action} of call ${call.callId} by ${agentId} refused: HTTP ${answer.status} ${String(answer.body['detail'] ?? '')}`);
      return false;
    }
    if (!(await arrived)) {
      tally.violation(`the ${action} command for call ${call.callId} never reached the switch`);
      return false;
    }
    return true;
  }

  function startPatience(call: LiveCall): void {
    clearTimeout(call.patience);
    call.patience = setTimeout(() => track(hangUpWaiting(call, 'abandoned')), Math.max(0, call.patienceEndsAt - Date.now()));
  }

  async function hangUpWaiting(call: LiveCall, outcome: Outcome): Promise<void> {
    if (call.stage !== 'waiting' && call.stage !== 'ringing') return;
    if (call.stage === 'ringing' && call.agentId) {
      tally.release(call.callId, call.agentId);
      afterOffer(call.agentId);
    }
    call.stage = 'gone';
    clearTimeout(call.patience);
    tally.waitingNow--;
    settle(call.callId, outcome);
    await platform.report(call.plan.switchCallRef, { kind: 'ended', by: 'caller' });
  }

  /** The switch rings the agent's phone: answered after a delay, or rung out. */
  async function ring(call: LiveCall, agentId: string, siteId: string): Promise<void> {
    tally.engage(call.callId, agentId, Date.now() - call.waitingSince);
    options.onRing?.(call.callId, agentId, Date.now() - call.waitingSince);
    call.stage = 'ringing';
    call.agentId = agentId;
    call.offeredSiteId = siteId;
    const { answers, delayMs } = model.agent(agentId).nextOffer();
    await sleep(delayMs);
    if (call.stage !== 'ringing' || call.agentId !== agentId) return;
    if (!answers || cutOff.signal.aborted) {
      tally.counts.noAnswers++;
      tally.release(call.callId, agentId);
      call.stage = 'waiting';
      call.agentId = undefined;
      await platform.report(call.plan.switchCallRef, { kind: 'agent-no-answer', agentId });
      afterOffer(agentId);
      return;
    }
    const answered = await platform.report(call.plan.switchCallRef, { kind: 'answered', agentId });
    if (call.stage !== 'ringing') {
      // The caller hung up while the answer was on its way: whichever the platform heard first, the agent wraps up.
      if (answered.status === 200) track(afterCall(agentId));
      return;
    }
    if (answered.status !== 200) {
      tally.violation(`the answer of call ${call.callId} by ${agentId} was refused: HTTP ${answered.status} ${String(answered.body['detail'] ?? '')}`);
      tally.release(call.callId, agentId);
      call.stage = 'gone';
      tally.waitingNow--;
      settle(call.callId, 'failed');
      return;
    }
    clearTimeout(call.patience);
    call.stage = 'talking';
    tally.waitingNow--;
    tally.talkingNow++;
    tally.answered(call.callId);
    await talk(call, agentId);
  }

  async function talk(call: LiveCall, agentId: string): Promise<void> {
    const { plan } = call;
    let talked = 0;
    if (plan.hold !== undefined && !call.transferred) {
      await sleep(plan.hold.afterMs);
      talked = plan.hold.afterMs;
      if (!cutOff.signal.aborted && (await deskAction(call, 'hold', agentId))) {
        await platform.report(plan.switchCallRef, { kind: 'held' });
        tally.counts.holds++;
        await sleep(plan.hold.forMs);
        if (await deskAction(call, 'resume', agentId)) await platform.report(plan.switchCallRef, { kind: 'resumed' });
      }
    }
    await sleep(Math.max(0, plan.talkMs - talked));
    tally.talkingNow--;
    tally.release(call.callId, agentId);
    if (plan.transfer && !call.transferred && !cutOff.signal.aborted) {
      const target = `queue:${TRANSFER_QUEUE}`;
      if (await deskAction(call, 'transfer', agentId, { target })) {
        call.transferred = true;
        tally.counts.transfers++;
        await platform.report(plan.switchCallRef, { kind: 'transferred', target });
        call.stage = 'waiting';
        call.agentId = undefined;
        call.waitingSince = Date.now();
        call.patienceEndsAt = Date.now() + plan.patienceMs;
        tally.waitingNow++;
        startPatience(call);
        track(afterCall(agentId));
        return;
      }
    }
    await deskAction(call, 'hangup', agentId);
    call.stage = 'gone';
    await platform.report(plan.switchCallRef, { kind: 'ended', by: 'agent' });
    settle(call.callId, tally.wasAnswered(call.callId) && call.offeredSiteId !== undefined && call.offeredSiteId !== plan.caller.homeSiteId ? 'overflowed-then-answered' : 'answered');
    track(afterCall(agentId));
    track(survey(call));
  }

  /** The switch's post-call survey, once the agent hung up: offered, then the caller's key or none. */
  async function survey(call: LiveCall): Promise<void> {
    const { plan } = call;
    if (plan.survey === 'none' || cutOff.signal.aborted) return;
    const offered = await platform.report(plan.switchCallRef, { kind: 'survey-offered' });
    if (offered.status !== 200) return tally.violation(`the survey of call ${call.callId} was refused: HTTP ${offered.status} ${String(offered.body['detail'] ?? '')}`);
    tally.counts.surveysOffered++;
    await sleep(Math.round(SURVEY_MS / model.speed));
    const answer = plan.survey === 'no-answer' ? { kind: 'survey-no-answer' } : { kind: 'survey-answered', key: surveyKeys[plan.survey] };
    const answered = await platform.report(plan.switchCallRef, answer);
    if (answered.status !== 200) return tally.violation(`the survey answer of call ${call.callId} was refused: HTTP ${answered.status} ${String(answered.body['detail'] ?? '')}`);
    if (plan.survey !== 'no-answer') tally.counts.surveysAnswered++;
  }

  /** A callback's turn: the agent dials the caller back (through routing's desk API: the caller's first call has ended). */
  async function dialBack(command: ControlCommand): Promise<void> {
    const plan = callbacks.get(command.callId);
    const siteId = command.siteId ?? '';
    tally.engage(command.callId, command.agentId);
    await sleep(model.agent(command.agentId).nextOffer().delayMs);
    const accepted = await platform.acd('POST', `/sites/${siteId}/calls/${command.callId}/accept`, { agentId: command.agentId });
    if (accepted.status !== 200) tally.violation(`accepting callback ${command.callId} for ${command.agentId}: HTTP ${accepted.status} ${String(accepted.body['detail'] ?? '')}`);
    const reached = plan?.callbackReached ?? false;
    await sleep(reached ? (plan?.talkMs ?? 1000) : model.agent(command.agentId).nextOffer().delayMs);
    await platform.acd('POST', `/sites/${siteId}/calls/${command.callId}/callback-outcome`, { outcome: reached ? 'reached' : 'not-reached' });
    tally.release(command.callId, command.agentId);
    if (plan !== undefined) settle(command.callId, reached ? 'callback-reached' : 'callback-not-reached');
    await afterCall(command.agentId);
  }

  /** Wrap-up, maybe a break, then ready again. */
  async function afterCall(agentId: string): Promise<void> {
    const agent = network.agents.find((a) => a.agentId === agentId);
    if (agent === undefined) return;
    const path = `/sites/${agent.siteId}/agents/${agentId}`;
    const { wrapUpMs, breakMs } = model.agent(agentId).afterCall();
    await sleep(wrapUpMs);
    if (breakMs !== undefined && !cutOff.signal.aborted) {
      // Refused when the ACD's own wrap-up timer already made the agent ready and offered a call: the break waits.
      if ((await platform.acd('POST', `${path}/state`, { state: 'not-ready', reason: 'break' })).status === 200) {
        await sleep(breakMs);
        await platform.acd('POST', `${path}/state`, { state: 'ready' });
        return;
      }
    }
    await platform.acd('POST', `${path}/wrap-up-done`);
  }

  /** After a ring-out the ACD may have set the agent not ready (too many in a row): they come back after a moment. */
  function afterOffer(agentId: string): void {
    const agent = network.agents.find((a) => a.agentId === agentId);
    if (agent === undefined) return;
    track(
      (async () => {
        await sleep(model.agent(agentId).afterCall().wrapUpMs);
        const desk = await platform.acd('GET', `/sites/${agent.siteId}/agents/${agentId}`);
        if (desk.body['state'] === 'not-ready' && desk.body['reason'] === 'no-answer') await platform.acd('POST', `/sites/${agent.siteId}/agents/${agentId}/state`, { state: 'ready' });
      })(),
    );
  }

  /** The caller's way through the IVR, then the wait for an agent. */
  async function placeCall(plan: CallPlan): Promise<void> {
    tally.arrived();
    const key = plan.switchCallRef;
    let answer = await platform.report(plan.switchCallRef, { kind: 'call-arrived', callingNumber: plan.caller.number, dialledNumber: network.nationalNumber }).catch(() => undefined);
    if (answer?.status !== 200) return settle(key, 'failed');
    const callId = answer.body['callId'] as string;
    const call: LiveCall = { plan, callId, stage: 'ivr', agentId: undefined, offeredSiteId: undefined, waitingSince: 0, patienceEndsAt: 0, patience: undefined, transferred: false, waiters: new Map() };
    calls.set(callId, call);
    for (let collects = 0; ; ) {
      const instructions = (answer.body['instructions'] as { action: string }[] | undefined) ?? [];
      const actions = instructions.map((i) => i.action);
      if (actions.includes('bridge')) break;
      if (actions.includes('hangup') || actions.includes('transfer')) {
        call.stage = 'gone';
        await platform.report(plan.switchCallRef, { kind: 'ended', by: 'caller' });
        if (plan.intent === 'callback' && collects === 2) {
          callbacks.set(callId, plan);
          return settle(callId, 'callback-pending');
        }
        return settle(callId, 'released-by-ivr');
      }
      const digits = actions.includes('collect') ? digitsFor(plan, collects++) : undefined;
      if (digits === undefined) {
        // Done in the IVR: the waybill was read back (or the IVR asked nothing more of a caller who wanted nothing more).
        call.stage = 'gone';
        await platform.report(plan.switchCallRef, { kind: 'ended', by: 'caller' });
        return settle(callId, plan.intent === 'self-service' && collects === 3 ? 'self-served' : 'released-by-ivr');
      }
      await sleep(Math.round(400 / model.speed));
      answer = await platform.report(plan.switchCallRef, { kind: 'digits-entered', digits });
      if (answer.status !== 200) {
        call.stage = 'gone';
        tally.violation(`digits of call ${callId} refused: HTTP ${answer.status}`);
        return settle(callId, 'failed');
      }
    }
    // Rung already if the bridge came before the hand-over's answer was read (onCommand).
    if (call.stage === 'ivr') startWaiting(call);
  }

  /** The caller is in line for an agent: waiting from now, as patient as the plan says. */
  function startWaiting(call: LiveCall): void {
    call.stage = 'waiting';
    call.waitingSince = Date.now();
    call.patienceEndsAt = Date.now() + call.plan.patienceMs;
    tally.waitingNow++;
    if (cutOff.signal.aborted) {
      track(hangUpWaiting(call, 'cut-off'));
      return;
    }
    startPatience(call);
  }

  async function arrivals(startedAt: number): Promise<void> {
    for (;;) {
      const plan = model.nextCall();
      if (plan.atMs > options.durationMs) return;
      const wait = startedAt + plan.atMs - Date.now();
      if (wait > 0) await sleepFor(wait, undefined, { signal: arrivalsStop.signal }).catch(() => undefined);
      if (arrivalsStop.signal.aborted) return;
      track(placeCall(plan));
    }
  }

  const setup = await setUpNetwork(platform, network, {
    trackingUrl: switchServer.trackingUrl,
    overflowAfterMs: Math.round(30_000 / model.speed),
    population: model.population(),
    log,
  });
  log(`simulator: switch at ${switchServer.controlUrl}; ${network.sites.length} sites, ${network.agents.length} agents ready${setup.created.length ? `; created ${setup.created.join(', ')}` : ''}`);

  const startedAt = Date.now();
  const elapsed = () => Date.now() - startedAt;
  const progressTimer = setInterval(() => options.onProgress?.({ elapsedMs: elapsed(), tally: tally.snapshot() }), options.progressEveryMs ?? 5_000);
  const done = (async (): Promise<SimulationResult> => {
    await arrivals(startedAt);
    // Drain: calls in progress finish, then whoever is still waiting is cut off.
    const drainUntil = Date.now() + (options.drainMs ?? 60_000);
    while (Date.now() < drainUntil && [...calls.values()].some((c) => c.stage !== 'gone')) await sleepFor(200);
    cutOff.abort();
    for (const call of calls.values()) if (call.stage === 'waiting' || call.stage === 'ringing') track(hangUpWaiting(call, 'cut-off'));
    const settleUntil = Date.now() + 20_000;
    while (tasks.size > 0 && Date.now() < settleUntil) await Promise.race([Promise.allSettled([...tasks]), sleepFor(500)]);
    clearInterval(progressTimer);
    await switchServer.close();
    return { elapsedMs: elapsed(), tally: tally.snapshot(), setup };
  })();
  return { switchServer, network, setup, done, stop: () => arrivalsStop.abort(), snapshot: () => tally.snapshot() };
}

/** What the caller keys at the n-th input the IVR asks for, by what they came for; undefined: they hang up. */
export function digitsFor(plan: CallPlan, n: number): string | undefined {
  if (n === 0) return plan.intent === 'self-service' ? '2' : plan.intent === 'pickup' ? '1' : '0';
  if (n === 1 && plan.intent === 'self-service') return `${plan.waybill}#`;
  if (n === 1 && plan.intent === 'agent') return '';
  if (n === 1 && plan.intent === 'callback') return '1';
  return undefined;
}

