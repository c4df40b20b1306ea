// The checks a flow passes before it is saved: every step reachable, every link to a real node, no loop without input.
import { inputKinds, type IvrFlow, type IvrGraph, type IvrNode } from './flow.ts';
import { isKnownTimezone } from '@switchboard/calendar';
import { minutesOf } from './schedule.ts';
import { fill } from './template.ts';

export interface FlowProblem {
  /** Where, e.g. "open/nodes/main-menu/options/3". */
  readonly path: string;
  readonly message: string;
}

/** The nodes a node leads to, with the name of the field that links them. */
function links(node: IvrNode): { readonly field: string; readonly target: string; readonly automatic: boolean }[] {
  const out: { field: string; target: string; automatic: boolean }[] = [];
  const add = (field: string, target: string | undefined, automatic: boolean) => {
    if (target !== undefined) out.push({ field, target, automatic });
  };
  switch (node.kind) {
    case 'play':
      add('next', node.next, true);
      break;
    case 'menu':
      for (const [key, target] of Object.entries(node.options)) add(`options/${key}`, target, false);
      add('fallback', node.fallback, false);
      break;
    case 'collect':
      add('next', node.next, false);
      add('fallback', node.fallback, false);
      break;
    case 'self-service':
      add('next', node.next, true);
      add('onFailure', node.onFailure, true);
      break;
    case 'callback-offer':
      add('next', node.next, false);
      break;
    case 'queue':
    case 'transfer':
    case 'hangup':
      break;
    default: {
      const never: never = node;
      throw new Error(`unknown node ${JSON.stringify(never)}`);
    }
  }
  return out;
}

function isHttpUrl(template: string): boolean {
  try {
    const url = new URL(fill(template, () => 'x'));
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

function checkGraph(branch: string, graph: IvrGraph): FlowProblem[] {
  const problems: FlowProblem[] = [];
  const at = (id: string, rest = '') => `${branch}/nodes/${id}${rest}`;
  if (graph.nodes[graph.start] === undefined) {
    problems.push({ path: `${branch}/start`, message: `the start node '${graph.start}' does not exist` });
    return problems;
  }
  for (const [id, node] of Object.entries(graph.nodes)) {
    for (const link of links(node)) {
      if (graph.nodes[link.target] === undefined) {
        problems.push({ path: at(id, `/${link.field}`), message: `node '${id}' ${link.field.replace('/', ' ')} points to '${link.target}', which does not exist` });
      }
    }
    if (node.kind === 'self-service' && !isHttpUrl(node.url)) {
      problems.push({ path: at(id, '/url'), message: `node '${id}' calls '${node.url}', which is not an http(s) URL` });
    }
    if (node.kind === 'collect' && node.minDigits > node.maxDigits) {
      problems.push({ path: at(id, '/minDigits'), message: `node '${id}' asks for at least ${node.minDigits} digits but at most ${node.maxDigits}` });
    }
    if (node.kind === 'callback-offer' && node.key.length !== 1) {
      problems.push({ path: at(id, '/key'), message: `node '${id}' must offer the callback on a single key` });
    }
  }
  const reachable = new Set<string>();
  const visit = (id: string) => {
    const node = graph.nodes[id];
    if (node === undefined || reachable.has(id)) return;
    reachable.add(id);
    for (const link of links(node)) visit(link.target);
  };
  visit(graph.start);
  for (const id of Object.keys(graph.nodes)) {
    if (!reachable.has(id)) problems.push({ path: at(id), message: `node '${id}' cannot be reached from the start node '${graph.start}'` });
  }
  const loop = loopWithoutInput(graph);
  if (loop !== undefined) {
    problems.push({ path: at(loop[0] ?? graph.start), message: `nodes ${loop.map((n) => `'${n}'`).join(' → ')} form a loop with no input step: the caller would never be asked anything` });
  }
  return problems;
}

/** A cycle along the links the IVR follows without waiting for the caller, as the node ids around it. */
function loopWithoutInput(graph: IvrGraph): string[] | undefined {
  const state = new Map<string, 'visiting' | 'done'>();
  const path: string[] = [];
  const walk = (id: string): string[] | undefined => {
    const node = graph.nodes[id];
    if (node === undefined || inputKinds.has(node.kind)) return undefined;
    if (state.get(id) === 'visiting') return [...path.slice(path.indexOf(id)), id];
    if (state.get(id) === 'done') return undefined;
    state.set(id, 'visiting');
    path.push(id);
    for (const link of links(node)) {
      if (!link.automatic) continue;
      const found = walk(link.target);
      if (found) return found;
    }
    path.pop();
    state.set(id, 'done');
    return undefined;
  };
  for (const id of Object.keys(graph.nodes)) {
    const found = walk(id);
    if (found) return found;
  }
  return undefined;
}

/** Every problem of a flow; empty when it can be saved. */
export function validateFlow(flow: IvrFlow): FlowProblem[] {
  const problems = [...checkGraph('open', flow.open)];
  if (flow.closed !== undefined) problems.push(...checkGraph('closed', flow.closed));
  const schedule = flow.schedule;
  if (schedule !== undefined) {
    if (flow.closed === undefined) problems.push({ path: 'closed', message: 'a flow with a schedule needs a closed flow for the hours it is closed' });
    if (!isKnownTimezone(schedule.timeZone)) problems.push({ path: 'schedule/timeZone', message: `'${schedule.timeZone}' is not a known IANA time zone (like Asia/Shanghai)` });
    schedule.openingHours.forEach((hours, i) => {
      if (minutesOf(hours.opens) >= minutesOf(hours.closes)) {
        problems.push({ path: `schedule/openingHours/${i}`, message: `opening hours ${i + 1} open at ${hours.opens} but close at ${hours.closes}` });
      }
    });
  }
  return problems;
}
