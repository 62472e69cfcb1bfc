/** Tuya Cloud OpenAPI client: regions, signing, the connection, the device API and records. */
export { TUYA_REGIONS, resolveTuyaEndpoint, tuyaRegionList, type TuyaRegion, type TuyaRegionEntry } from "./regions";
export { signRequest, isTokenPath, type SignInput, type SignedRequest, type TuyaQueryValue } from "./sign";
export { tuyaErrorHint, tuyaHintCodes, TOKEN_CODES, CLOCK_CODE, TRANSIENT_CODES } from "./errors";
export { TuyaCallCounter, endpointTemplate, type TuyaBudgetUse, type TuyaCallSnapshot } from "./counter";
export {
  TuyaOpenApi,
  TUYA_API_FAMILIES,
  type TuyaApiFamily,
  type TuyaOpenApiOptions,
  type TuyaResponse,
  type TuyaClientState,
  type TuyaRequest,
  type TuyaMethod,
  type TuyaRetryOptions,
  type TuyaLogger,
  type RequestOptions,
} from "./openapi";
export { specValues, type TuyaDataPoint, type TuyaFunction, type TuyaLogEntry, type TuyaSpec } from "./model";
export { normalizeCommands, validateCommands, type TuyaCommand } from "./commands";
export { LOG_RETENTION_MS, MAX_LOG_PAGE_SIZE, sliceWindow, type TuyaLogQuery, type TuyaLogPage, type TuyaLogResult } from "./logs";
export { TuyaDevices, MAX_BATCH_IDS, type TuyaDevicesOptions, type TuyaFunctionSet, type TuyaSpecification, type SendCommandOptions } from "./devices";
export { SpecificationCache, SPEC_TTL_MS, type SpecLookup } from "./spec-cache";
export { TuyaDeviceManager, type TuyaDeviceSet, type TuyaCommandOutcome } from "./manager";
export { parseEventTypes, parseLogCodes, TUYA_EVENT_TYPES } from "./log-query";
export { harvestTuyaLogs, tuyaLogSource, tuyaEntryKey, type TuyaHarvestOptions } from "./harvest";
export { statusToRecords, logsToRecords, type TuyaRecordOptions } from "./records";
export {
  TuyaEventConsumer,
  eventToRecords,
  normaliseEvent,
  mqPassword,
  resolveMqEndpoint,
  MQ_ENVIRONMENTS,
  SharedConsumer,
  applyFilter,
  polledStatusEvent,
  listSetting,
  type EventFilter,
  type Undecodable,
  type TuyaEventConsumerOptions,
  type ConsumerState,
  type TuyaEvent,
  type TuyaEventType,
  type MqEnvironment,
} from "./events";
export { commandFailure, commandFailureText, commandOutcome, withCommandOutcome, type CommandFailure, type CommandOutcome } from "./outcome";
export { onlyChanged, type LastValues } from "./changes";
