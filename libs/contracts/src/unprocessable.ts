// TEMPORARY stand-in until @switchboard/eventbus exports UnprocessableMessage from its index.
export class UnprocessableMessage extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'UnprocessableMessage';
  }
}
