// The catalog of event messages: every event schema, its registry, and the schema_version this build writes and reads.
import { createRegistry, type DescMessage, type MessageShape, type Registry } from '@bufbuild/protobuf';
// customers
import {
  CallLinkedToCustomerSchema,
  CustomerMergedSchema,
  CustomerPhoneNumberAddedSchema,
  CustomerPhoneNumberRemovedSchema,
  CustomerPreferredAgentChangedSchema,
  CustomerProfileChangedSchema,
  CustomerRegisteredSchema,
  CustomerTierChangedSchema,
} from './generated/switchboard/customers/v1/events_pb.ts';
import {
  ComplaintCallbackMadeSchema,
  ComplaintClosedSchema,
  ComplaintEscalatedSchema,
  ComplaintNoteAddedSchema,
  ComplaintOpenedSchema,
  ComplaintReassignedSchema,
  ComplaintResolvedSchema,
} from './generated/switchboard/customers/v1/complaint_events_pb.ts';
export * from './generated/switchboard/customers/v1/complaint_events_pb.ts';
// end customers
import { AgentStateChangedSchema, SiteRegisteredSchema } from './generated/switchboard/routing/v1/events_pb.ts';
// telephony
import {
  AgentRequestedSchema,
  CallAnsweredByAgentSchema,
  CallArrivedSchema,
  CallbackRequestedSchema,
  CallEndedSchema,
  CallHeldSchema,
  CallNotAnsweredByAgentSchema,
  CallResumedSchema,
  CallTransferredSchema,
  DigitsCollectedSchema,
  IvrStepEnteredSchema,
  RecordingReadySchema,
  SelfServiceCompletedSchema,
  SurveyAnsweredSchema,
  SurveyNotAnsweredSchema,
  SurveyOfferedSchema,
  SwitchCommandRefusedSchema,
} from './generated/switchboard/telephony/v1/events_pb.ts';
// routing: dial plan
import { DialPlanPublishedSchema, SiteConfiguredSchema } from './generated/switchboard/routing/v1/dial_plan_events_pb.ts';
export * from './generated/switchboard/routing/v1/dial_plan_pb.ts';
export * from './generated/switchboard/routing/v1/dial_plan_events_pb.ts';
// end routing: dial plan
// routing: ACD
import {
  AgentRegisteredSchema,
  CallAbandonedSchema,
  CallbackOfferedSchema,
  CallbackScheduledSchema,
  CallCompletedSchema,
  CallOfferedSchema,
  CallOverflowedSchema,
  CallQueuedSchema,
  CallRequeuedSchema,
  OfferAcceptedSchema,
  OfferNotAnsweredSchema,
  PreferredAgentTimedOutSchema,
  QueueDefinedSchema,
} from './generated/switchboard/routing/v1/events_pb.ts';
// end routing: ACD
// console
import { CallHandedOverSchema, PersonCreatedSchema, PersonLockedSchema, PersonUnlockedSchema, WrapUpRecordedSchema } from './generated/switchboard/console/v1/events_pb.ts';
export * from './generated/switchboard/console/v1/events_pb.ts';
// end console
// reporting
import { WallboardAlertClearedSchema, WallboardAlertRaisedSchema } from './generated/switchboard/reporting/v1/events_pb.ts';
export * from './generated/switchboard/reporting/v1/events_pb.ts';
// end reporting

/** Every event message. Add a new event here (a test fails if a message of an events.proto is missing). */
export const eventSchemas = [
  // customers
  CustomerRegisteredSchema,
  CustomerTierChangedSchema,
  CustomerPhoneNumberAddedSchema,
  CustomerProfileChangedSchema,
  CustomerPreferredAgentChangedSchema,
  CustomerPhoneNumberRemovedSchema,
  CustomerMergedSchema,
  CallLinkedToCustomerSchema,
  ComplaintOpenedSchema,
  ComplaintReassignedSchema,
  ComplaintNoteAddedSchema,
  ComplaintResolvedSchema,
  ComplaintCallbackMadeSchema,
  ComplaintClosedSchema,
  ComplaintEscalatedSchema,
  // end customers
  // telephony
  CallArrivedSchema,
  IvrStepEnteredSchema,
  DigitsCollectedSchema,
  SelfServiceCompletedSchema,
  AgentRequestedSchema,
  CallbackRequestedSchema,
  CallAnsweredByAgentSchema,
  CallHeldSchema,
  CallResumedSchema,
  CallTransferredSchema,
  CallEndedSchema,
  RecordingReadySchema,
  CallNotAnsweredByAgentSchema,
  SwitchCommandRefusedSchema,
  SurveyOfferedSchema,
  SurveyAnsweredSchema,
  SurveyNotAnsweredSchema,
  SiteRegisteredSchema,
  AgentStateChangedSchema,
  // routing: dial plan
  SiteConfiguredSchema,
  DialPlanPublishedSchema,
  // routing: ACD
  QueueDefinedSchema,
  AgentRegisteredSchema,
  CallQueuedSchema,
  CallOfferedSchema,
  CallbackOfferedSchema,
  OfferAcceptedSchema,
  OfferNotAnsweredSchema,
  CallRequeuedSchema,
  PreferredAgentTimedOutSchema,
  CallOverflowedSchema,
  CallAbandonedSchema,
  CallbackScheduledSchema,
  CallCompletedSchema,
  // end routing: ACD
  // console
  PersonCreatedSchema,
  PersonLockedSchema,
  PersonUnlockedSchema,
  WrapUpRecordedSchema,
  CallHandedOverSchema,
  // end console
  // reporting
  WallboardAlertRaisedSchema,
  WallboardAlertClearedSchema,
  // end reporting
] as const;

/**
 * schema_version of an event type when it is not 1. Bump it when the meaning of an event changes in a
 * wire-compatible way (and teach consumers the older versions); incompatible changes get a new package (v2).
 */
const schemaVersionOverrides: Readonly<Record<string, number>> = {};

export type EventSchema = (typeof eventSchemas)[number];
/** Any event message, e.g. CustomerRegistered. */
export type EventMessage = MessageShape<EventSchema>;
/** Fully-qualified event type names, e.g. "switchboard.customers.v1.CustomerRegistered". */
export type EventTypeName = EventMessage['$typeName'];
type ShortName<T extends string> = T extends `${string}.${infer Rest}` ? ShortName<Rest> : T;
/** Short event type names, e.g. "CustomerRegistered". */
export type EventType = ShortName<EventTypeName>;

/** A decoded event, discriminated by `type`: `switch (event.type) { case 'CallArrived': event.message.callId }`. */
export type DecodedEvent = EventMessage extends infer M
  ? M extends EventMessage
    ? { readonly type: ShortName<M['$typeName']>; readonly typeName: M['$typeName']; readonly message: M }
    : never
  : never;

export interface EventTypeInfo {
  readonly schema: DescMessage;
  /** Short name, e.g. "CustomerRegistered". */
  readonly type: string;
  /** Fully-qualified name, e.g. "switchboard.customers.v1.CustomerRegistered". */
  readonly typeName: string;
  /** The schema_version this build writes; it reads 1 up to this one. */
  readonly schemaVersion: number;
}

const catalog: ReadonlyMap<string, EventTypeInfo> = new Map(
  eventSchemas.map((schema): [string, EventTypeInfo] => [
    schema.typeName,
    { schema, type: schema.name, typeName: schema.typeName, schemaVersion: schemaVersionOverrides[schema.typeName] ?? 1 },
  ]),
);

/** protobuf-es registry of every event message (for toJson/fromJson, Any, and lookups by type name). */
export const eventRegistry: Registry = createRegistry(...eventSchemas);

/** The catalog entry of an event type, by schema or fully-qualified name; undefined when it is not an event. */
export function eventTypeInfo(schemaOrTypeName: DescMessage | string): EventTypeInfo | undefined {
  return catalog.get(typeof schemaOrTypeName === 'string' ? schemaOrTypeName : schemaOrTypeName.typeName);
}

/** Every known event type. */
export function eventTypes(): readonly EventTypeInfo[] {
  return [...catalog.values()];
}

/** An event message as a DecodedEvent, its type read off the message itself. */
export function asDecodedEvent(message: EventMessage): DecodedEvent {
  const info = catalog.get(message.$typeName);
  if (!info) throw new TypeError(`${message.$typeName} is not an event type`);
  return { type: info.type, typeName: info.typeName, message } as DecodedEvent;
}
