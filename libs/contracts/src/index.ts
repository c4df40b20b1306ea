// Public entry of @switchboard/contracts: the generated event schemas, the event catalog, envelope encoding and headers.
export * from './generated/switchboard/envelope/v1/envelope_pb.ts';
export * from './generated/switchboard/customers/v1/events_pb.ts';
export * from './generated/switchboard/telephony/v1/events_pb.ts';
export * from './generated/switchboard/routing/v1/events_pb.ts';
export * from './events.ts';
export * from './envelope.ts';
export * from './headers.ts';
// Re-exported so a consumer can catch what decodeEnvelope throws: the same class as the event bus's.
export { UnprocessableMessage } from '@switchboard/eventbus';
