/** Tuya's message service (realtime events): endpoints, secrets, frames, one event shape, the consumer. */
export { mqPassword, mqKey, decryptData, encryptionOf, type MqEncryption } from "./crypto";
export { MQ_ENVIRONMENTS, resolveMqEndpoint, consumerUrl, type MqEnvironment, type ConsumerUrlOptions } from "./endpoints";
export { parseFrame, parseEnvelope, type MqFrame, type MqEnvelope } from "./frames";
export { normaliseEvent, contentKey, UnknownProtocolError, type TuyaEvent, type TuyaEventType, type TuyaEventStatus } from "./normalise";
export { RecentKeys } from "./dedupe";
export { eventToRecords } from "./records";
export {
  TuyaEventConsumer,
  refusalOf,
  type TuyaEventConsumerOptions,
  type ConsumerState,
  type ConsumerStats,
  type Undecodable,
  type RefusalKind,
} from "./consumer";
export { SharedConsumer } from "./shared";
export { applyFilter, polledStatusEvent, listSetting, type EventFilter } from "./filter";
