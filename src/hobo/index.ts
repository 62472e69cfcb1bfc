/** The HOBOlink client: LI-COR Cloud v1 and legacy Onset V3, windowing, records, and a bestlab-compatible face. */
export type {
  HoboClient,
  HoboClientOptions,
  HoboClientState,
  HoboDataAnswer,
  HoboFetchAllResult,
  HoboFlavour,
  HoboLogger,
  HoboQuery,
  HoboRetryOptions,
  HoboRow,
  HoboWindow,
} from "./types";
export { createHoboClient, HoboClientImpl, type RawRequestOptions } from "./client";
export { normalizeLoggers, groupLoggers, MAX_LOGGERS_PER_REQUEST } from "./loggers";
export { rowsToRecords, type HoboUnitSystem, type RowsToRecordsOptions } from "./records";
export { HOBO_DATA_TYPES, dataTypeName } from "./data-types";
export { hoboErrorHint, hoboHintCodes } from "./errors";
export { DEFAULT_BASE_URL, DEFAULT_REQUESTS_PER_MINUTE, DEFAULT_ROW_CAP, MAX_CONCURRENT } from "./options";
export { compareRows, sortUnique } from "./dedupe";
export { RowBlock } from "./row-block";
export { HoboTokenInfo, DEFAULT_TOKEN_LIFETIME_SEC } from "./token-info";
export { HoboApi, type HoboGetDataResult } from "./bestlab";
export { harvestHobo, hoboSource, hoboRowKey, readHoboMarks, SHARED_START_MS, type HoboHarvestOptions } from "./incremental";
