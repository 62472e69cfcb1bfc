// Types for scripts/demo-flows.mjs (used from the TypeScript browser tests).
export interface EmulatorInfo {
  tuya: { url: string; accessId: string; accessSecret: string; devices: { id: string; name: string; category: string }[] };
  egauge: { url: string; user: string; password: string; registers: { name: string; type: string }[] };
  hobo: {
    url: string;
    legacy: { clientId: string; clientSecret: string; userId: string };
    licor: { token: string };
    loggers: { serial: string; name: string; kind: string }[];
  };
  /** An InfluxDB 1.x write endpoint the examples' influxdb config nodes are pointed at. */
  influx?: { hostname: string; port: number };
}
type FlowNode = Record<string, unknown> & { id: string; type: string };
export function configForEmulators(
  node: Record<string, unknown>,
  info: EmulatorInfo,
): { props: Record<string, unknown>; credentials: Record<string, string> } | undefined;
export function exampleTypes(flow: FlowNode[]): string[];
export function buildDemoFlows(
  examples: { file: string; flow: FlowNode[] }[],
  info: EmulatorInfo,
  options?: { fileDir?: string; knownTypes?: Set<string> },
): { flows: FlowNode[]; credentials: Record<string, Record<string, string>>; skipped: { file: string; missing: string[] }[] };
export function withInlineCredentials(flows: FlowNode[], credentials: Record<string, Record<string, string>>): FlowNode[];
