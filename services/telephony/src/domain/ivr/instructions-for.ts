// What the switch must do after a batch of IVR events: each event read against the flow as prompts and call control.
import type { EventMessage } from '@switchboard/contracts';
import { graphOf, type IvrBranchName, type IvrNode, type Prompted, type SavedIvrFlow } from './flow.ts';
import type { Instruction, Prompt } from './instructions.ts';
import { fill, resolver } from './template.ts';

const DEFAULT_INVALID_SAY = 'Sorry, that was not a valid entry.';

export interface IvrView {
  readonly branch: IvrBranchName;
  /** The caller's inputs before the batch (the batch's own DigitsCollected add to them). */
  readonly variables: Readonly<Record<string, string>>;
}

export function instructionsFor(saved: SavedIvrFlow, events: readonly EventMessage[], view: IvrView): Instruction[] {
  const graph = graphOf(saved.flow, view.branch);
  const language = saved.flow.language;
  const variables: Record<string, string> = { ...view.variables };
  const prompts = (node: Prompted): Prompt[] => [
    ...(node.audio !== undefined ? [{ action: 'play', audio: node.audio } as const] : []),
    ...(node.say !== undefined ? [{ action: 'say', text: fill(node.say, resolver(variables)), language } as const] : []),
  ];
  const out: Instruction[] = [];
  events.forEach((event, i) => {
    switch (event.$typeName) {
      case 'switchboard.telephony.v1.IvrStepEntered': {
        const node = graph.nodes[event.nodeId];
        if (node === undefined) out.push({ action: 'hangup' });
        else out.push(...onEntry(node, prompts(node)));
        break;
      }
      case 'switchboard.telephony.v1.DigitsCollected': {
        if (event.accepted) {
          if (event.variable !== '') variables[event.variable] = event.digits;
          break;
        }
        const node = graph.nodes[event.nodeId];
        if (node?.kind !== 'menu' && node?.kind !== 'collect') break;
        out.push({ action: 'say', text: node.invalidSay ?? DEFAULT_INVALID_SAY, language });
        // Asked again unless the attempts ran out and the batch goes on to the fallback.
        if (events[i + 1]?.$typeName !== 'switchboard.telephony.v1.IvrStepEntered') out.push(...onEntry(node, prompts(node)));
        break;
      }
      case 'switchboard.telephony.v1.SelfServiceCompleted':
        out.push({ action: 'say', text: event.spokenText, language });
        break;
      case 'switchboard.telephony.v1.AgentRequested':
        out.push({ action: 'bridge', target: `queue:${event.queue}` });
        break;
      case 'switchboard.telephony.v1.CallbackRequested': {
        const node = graph.nodes[event.nodeId];
        if (node?.kind === 'callback-offer') out.push({ action: 'say', text: fill(node.confirmSay, resolver(variables)), language });
        out.push({ action: 'hangup' });
        break;
      }
      case 'switchboard.telephony.v1.CallTransferred':
        out.push({ action: 'transfer', target: event.target });
        break;
      default:
        break;
    }
  });
  return out;
}

/** What entering a node asks of the switch. */
function onEntry(node: IvrNode, prompts: Prompt[]): Instruction[] {
  switch (node.kind) {
    case 'play':
    case 'queue':
    case 'transfer':
      return prompts;
    case 'hangup':
      return [...prompts, { action: 'hangup' }];
    case 'menu':
      return [{ action: 'collect', minDigits: 1, maxDigits: 1, timeoutSeconds: node.timeoutSeconds ?? 5, prompts }];
    case 'callback-offer':
      return [{ action: 'collect', minDigits: 1, maxDigits: 1, timeoutSeconds: node.timeoutSeconds ?? 5, prompts }];
    case 'collect':
      return [
        {
          action: 'collect',
          minDigits: node.minDigits,
          maxDigits: node.maxDigits,
          timeoutSeconds: node.timeoutSeconds ?? 10,
          ...(node.finishOnKey !== undefined ? { finishOnKey: node.finishOnKey } : {}),
          prompts,
        },
      ];
    case 'self-service':
      // Nothing to say yet: the answer comes with SelfServiceCompleted.
      return [];
    default: {
      const never: never = node;
      throw new Error(`unknown node ${JSON.stringify(never)}`);
    }
  }
}
