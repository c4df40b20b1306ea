// Call control sent back to the switch in the answer to each of its webhooks, in the order to carry out.

export type Prompt =
  | { readonly action: 'say'; readonly text: string; readonly language: string }
  | { readonly action: 'play'; readonly audio: string };

export type Instruction =
  | Prompt
  /** Collect keys while the prompts play (a caller who knows the menu may press at once). */
  | {
      readonly action: 'collect';
      readonly minDigits: number;
      readonly maxDigits: number;
      readonly timeoutSeconds: number;
      readonly finishOnKey?: string;
      readonly prompts: Prompt[];
    }
  /** Connect the caller to `queue:<name>` (routing picks the agent) or `agent:<id>`. */
  | { readonly action: 'bridge'; readonly target: string }
  | { readonly action: 'transfer'; readonly target: string }
  | { readonly action: 'hangup' };

export type InstructionAction = Instruction['action'];
