/** Shared machinery of both clients. */
export * from "./errors";
export * from "./redact";
export * from "./http";
export * from "./token-cache";
export * from "./retry";
export * from "./rate-limit";
export * from "./time";
export * from "./records";
export * from "./signals";
export * from "./client";
export * from "./util";
export * from "./transport-rule";
export * from "./marks";
export * from "./harvest";
export * from "./device-secrets";
export * from "./secret-history";
export * from "./rules";
