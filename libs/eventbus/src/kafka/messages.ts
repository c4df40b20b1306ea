// Translation between the port's messages and kafkajs' records (keys, values, headers, offsets).
import type { IHeaders, KafkaMessage, Message } from 'kafkajs';
import type { BusMessage, Headers, OutgoingMessage } from '../port.ts';

/** Wraps the bytes without copying; kafkajs wants Buffers. */
const asBuffer = (bytes: Uint8Array): Buffer => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

/** A plain Uint8Array view (no copy): callers compare values with Uint8Arrays, which a Buffer is not equal to. */
const asBytes = (buffer: Buffer | null): Uint8Array =>
  buffer ? new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength) : new Uint8Array(0);

export function toKafkaMessage(message: OutgoingMessage): Message {
  return {
    key: message.key,
    value: asBuffer(message.value),
    ...(message.headers ? { headers: { ...message.headers } } : {}),
  };
}

const headerText = (value: Buffer | string): string => (typeof value === 'string' ? value : value.toString('utf8'));

/** Kafka allows a header key more than once; like Java's `lastHeader`, the last value wins. */
function toHeaders(headers: IHeaders | undefined): Headers {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value === undefined) continue;
    const last = Array.isArray(value) ? value.at(-1) : value;
    if (last !== undefined) result[name] = headerText(last);
  }
  return result;
}

export function toBusMessage(topic: string, partition: number, record: KafkaMessage): BusMessage {
  return {
    topic,
    partition,
    offset: record.offset,
    key: record.key ? record.key.toString('utf8') : '',
    value: asBytes(record.value),
    headers: toHeaders(record.headers),
    timestamp: new Date(Number(record.timestamp)),
  };
}

/** The offset to commit after handling `offset`: Kafka commits the next offset to read. */
export const nextOffset = (offset: string): string => (BigInt(offset) + 1n).toString();
