// Types for scripts/demo-flows.mjs (used from the TypeScript browser tests).
export interface EmulatorInfo {
  tuya: { url: string; accessId: string; accessSecret: string; devices: { id: string; name: string; category: string }[] };
  hobo: { url: string; legacy: { clientId: string; clientSecret: string; userId: string }; licor: { token: string }; loggers: { serial: string; name: string; kind: string }[] };
}
export function configForEmulators(node: Record<string, unknown>, info: EmulatorInfo): { props: Record<string, unknown>; credentials: Record<string, string> } | undefined;
export function buildDemoFlows(examples: { file: string; flow: Record<string, unknown>[] }[], info: EmulatorInfo): { flows: Record<string, unknown>[]; credentials: Record<string, Record<string, string>> };
