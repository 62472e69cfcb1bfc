// Public face of the eGauge meter emulator (JSON WebAPI under /api, legacy XML under /cgi-bin).
// An independent model of the meter: nothing here imports from src/egauge or src/core.
export { EgaugeEmulator } from "./server";
export type { EgaugeEmulatorOptions, EgaugeEmulatorStats, EgaugeEmulatorDescription, EgaugeFault } from "./server";
export type { EgaugeEmulatorUser } from "./auth";
export { digestHash, REALM } from "./auth";
export type { EgaugeEmulatorRegister } from "./registers";
export { defaultRegisters, QUANTA } from "./registers";
export type { DbLevel } from "./store";
export { DEFAULT_LEVELS } from "./store";
