// Public face of the HOBOlink emulator (legacy Onset V3 under /ws, LI-COR Cloud v1 under /v1).
// An independent model of the clouds: nothing here imports from src/hobo, src/tuya or src/core.
export { HoboEmulator } from "./server";
export type { HoboEmulatorOptions, HoboEmulatorStats, HoboEmulatorQuery, HoboEmulatorFaults, HoboEmulatorDescription } from "./server";
export type { HoboEmulatorChannel, HoboEmulatorScaling, HoboEmulatorStation, HoboEmulatorGap, HoboEmulatorReplacedSensor, Quantity } from "./stations";
export { defaultStations, extraWeatherStations, DEAD_VALUE } from "./stations";
export type { HoboFault } from "./faults";
export { ERROR_DESCRIPTIONS } from "./validate";
