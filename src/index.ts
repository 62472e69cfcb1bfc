/**
 * The library face of the pack: the clients and the shared helpers, usable from function nodes
 * (via functionExternalModules) and scripts, with no Node-RED needed.
 */
export * from "./core";
export * from "./tuya";
export * from "./hobo";
export * from "./egauge";
