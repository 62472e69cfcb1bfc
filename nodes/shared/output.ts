/**
 * Output messages for the data nodes (tuya-status, tuya-log, hobo-data): the payload in the
 * chosen format, the incoming msg reused (its _msgid, topic and user properties flow through),
 * and msg.parts when results stream out one page or window at a time, so a Join node can
 * reassemble them.
 */
import type { NodeMessage, NodeMessageInFlow } from "node-red";
import {
  formatTime,
  isTimeFormat,
  recordsWithTime,
  toInfluxPoints,
  toReadingMessages,
  DEFAULT_TIME_FORMAT,
  type OutputFormat,
  type ReadingRecord,
  type TimeFormat,
} from "../../src/core/records";

export interface FormatOptions {
  format: OutputFormat;
  /** InfluxDB measurement name (default: the source, "tuya" or "hobolink"). */
  measurement?: string;
  /** msg.topic for whole-payload formats. */
  topic?: string;
  /** How records (and msg.record) carry their time: ISO text (default), epoch ms or Date. */
  timeAs?: TimeFormat;
}

/** The node's "time as" setting; older flows without one get the default (ISO text). */
export function timeSetting(value: unknown): TimeFormat {
  return isTimeFormat(value) ? value : DEFAULT_TIME_FORMAT;
}

/** The messages for one batch of results: one message, or one per reading for format "messages". */
export function formatMessages(base: NodeMessageInFlow, raw: unknown, records: ReadingRecord[], options: FormatOptions): NodeMessage[] {
  const topic = options.topic ?? base.topic;
  switch (options.format) {
    case "raw":
      return [{ ...base, topic, payload: raw }];
    case "records":
      return [{ ...base, topic, payload: recordsWithTime(records, options.timeAs) }];
    case "influx":
      return [{ ...base, topic, payload: toInfluxPoints(records, options.measurement) }];
    case "messages":
      return toReadingMessages(records).map((m) => ({
        ...base,
        topic: m.topic,
        payload: m.payload,
        timestamp: m.timestamp,
        params: m.params,
        record: { ...m.record, time: formatTime(m.record.time, options.timeAs ?? DEFAULT_TIME_FORMAT) },
      }));
  }
}

export interface Parts {
  id: string;
  index: number;
  count?: number;
  type: "array";
  len: 1;
}

/** Marks a streamed message as part index of a sequence; the last part also carries count. */
export function withParts(msg: NodeMessage, id: string, index: number, last: boolean): NodeMessage {
  const parts: Parts = { id, index, type: "array", len: 1 };
  if (last) parts.count = index + 1;
  return { ...msg, parts };
}
