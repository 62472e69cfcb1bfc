/** eGauge meters: the JSON WebAPI client (digest login, registers, rates, history, totals) with a legacy XML fallback. */
export { EgaugeClient, PERIODS } from "./client";
export type { EgaugeClientOptions, ReadOptions, HistoryOptions, Period, PeriodTotal, EgaugeInfo } from "./client";
export type { EgaugeConnectionOptions } from "./transport";
export { digestHash } from "./auth";
export { TYPE_CODES, typeInfo, counterDelta, RESOLUTIONS } from "./types";
export type { EgaugeRegister, Resolution, TypeInfo } from "./types";
export type { EgaugeReading } from "./readings";
export type { HistoryPage } from "./history";
export { egaugeRecords } from "./records";
export { harvestEgauge, egaugeSource } from "./harvest";
