// What the admin API, the agents' desks, telephony and the clock ask of a site's ACD; `at` is epoch milliseconds.
import type { CustomerTier } from '@switchboard/contracts';
import type { OverflowStep, SkillRequirement } from './state.ts';

export type AcdCommand =
  | {
      readonly type: 'RegisterSite';
      readonly siteId: string;
      readonly name: string;
      readonly city: string;
      readonly timezone: string;
      readonly isHeadquarters: boolean;
      /** Consecutive no-answers before the agent is set not ready; default 2. */
      readonly noAnswerLimit?: number;
    }
  | {
      readonly type: 'DefineQueue';
      readonly queueId: string;
      readonly name: string;
      readonly requiredSkills: readonly SkillRequirement[];
      /** 0: the call never overflows by waiting. */
      readonly overflowThresholdMs: number;
      readonly overflowChain: readonly OverflowStep[];
      readonly wrapUpMs: number;
    }
  | { readonly type: 'RegisterAgent'; readonly agentId: string; readonly name: string; readonly skills: readonly { readonly skill: string; readonly level: number }[] }
  | { readonly type: 'LogIn'; readonly agentId: string; readonly at: number }
  | { readonly type: 'GoReady'; readonly agentId: string; readonly at: number }
  | { readonly type: 'GoNotReady'; readonly agentId: string; readonly reason: string; readonly at: number }
  | { readonly type: 'LogOut'; readonly agentId: string; readonly at: number }
  | {
      readonly type: 'QueueCall';
      readonly callId: string;
      readonly queueId: string;
      readonly tier: CustomerTier;
      /** 0–99, from the business type. */
      readonly urgency: number;
      readonly preferredAgentId?: string;
      /** How long only the preferred agent may take the call. */
      readonly preferredTimeoutMs?: number;
      /** When the caller first reached a queue, for a call overflowed from elsewhere. */
      readonly arrivedAt?: number;
      readonly overflowPath?: readonly string[];
      /** The caller asks to be called back on this number (and hangs up): queued as a callback, so a free agent is offered the dial-back. */
      readonly callbackNumber?: string;
      readonly at: number;
    }
  | { readonly type: 'AcceptOffer'; readonly callId: string; readonly agentId: string; readonly at: number }
  | { readonly type: 'RecordNoAnswer'; readonly callId: string; readonly agentId: string; readonly at: number }
  | { readonly type: 'AbandonCall'; readonly callId: string; readonly at: number }
  | { readonly type: 'ScheduleCallback'; readonly callId: string; readonly callbackNumber: string; readonly at: number }
  | { readonly type: 'EndCall'; readonly callId: string; readonly callbackOutcome?: 'reached' | 'not-reached'; readonly at: number }
  | { readonly type: 'FinishWrapUp'; readonly agentId: string; readonly at: number }
  /** The clock: wrap-ups end, named-agent waits time out, calls overflow. */
  | { readonly type: 'Tick'; readonly at: number };

export type AcdRejection =
  | { readonly code: 'unknown-site'; readonly message: string }
  | { readonly code: 'unknown-queue'; readonly message: string }
  | { readonly code: 'unknown-agent'; readonly message: string }
  | { readonly code: 'unknown-call'; readonly message: string }
  | { readonly code: 'duplicate-call'; readonly message: string }
  | { readonly code: 'wrong-state'; readonly message: string }
  | { readonly code: 'invalid'; readonly message: string };
