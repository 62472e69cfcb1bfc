// Public face of the HOBOlink emulator (legacy Onset V3 under /ws, LI-COR Cloud v1 under /v1).
// An independent model of the clouds: nothing here imports from src/hobo, src/tuya or src/core.
// emulator.ts builds it; server.ts is the HTTP pipeline, routes.ts the endpoints, admin.ts the
// /_emulator/ controls, archive.ts the stations' data as the services see it.
export { HoboEmulator } from "./emulator";
export type { HoboEmulatorOptions, HoboEmulatorDescription } from "./options";
export type { HoboEmulatorStats, HoboEmulatorQuery } from "./stats";
export type { HoboEmulatorFaults } from "./admin";
export type { HoboEmulatorChannel, HoboEmulatorScaling, HoboEmulatorStation, HoboEmulatorGap, HoboEmulatorReplacedSensor, Quantity } from "./stations";
export { defaultStations, extraWeatherStations, DEAD_VALUE } from "./stations";
export type { HoboFault } from "./faults";
export { ERROR_DESCRIPTIONS } from "./validate";
