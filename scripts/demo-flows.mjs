// The demo workspace, built from the example flows: each example becomes a tab, its node ids are
// prefixed so examples cannot collide (config nodes keep their shared ids and appear once), and
// every config node is pointed at the local emulators (an influxdb config at info.influx, if given)
// with the emulators' demo credentials (stored as credentials, never in the flow).
// Used by `npm start` (scripts/demo.mjs) and by the browser tests (test/e2e).

/** Config-node settings and credentials for the emulators, per config type. */
export function configForEmulators(node, info) {
  if (node.type === "tuya-config") {
    return {
      props: { endpointMode: "custom", endpoint: info.tuya.url },
      credentials: { accessId: info.tuya.accessId, accessSecret: info.tuya.accessSecret },
    };
  }
  if (node.type === "hobo-config") {
    const legacy = node.flavour === "legacy";
    return {
      props: { endpoint: info.hobo.url },
      credentials: legacy
        ? { clientId: info.hobo.legacy.clientId, clientSecret: info.hobo.legacy.clientSecret, userId: info.hobo.legacy.userId }
        : { token: info.hobo.licor.token },
    };
  }
  if (node.type === "egauge-config") {
    return { props: { meter: info.egauge.url, tls: "verify", allowHttp: false }, credentials: { user: info.egauge.user, password: info.egauge.password } };
  }
  if (node.type === "influxdb" && info.influx) {
    return { props: { hostname: info.influx.hostname, port: info.influx.port, protocol: "http", influxdbVersion: "1.x" }, credentials: {} };
  }
  return undefined;
}

function remap(value, ids) {
  if (typeof value === "string") return ids.get(value) ?? value;
  if (Array.isArray(value)) return value.map((v) => remap(v, ids));
  if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, remap(v, ids)]));
  return value;
}

/** The node types an example uses (tabs and groups aside). */
export function exampleTypes(flow) {
  return [...new Set(flow.filter((n) => n.type !== "tab" && n.type !== "group").map((n) => n.type))];
}

/**
 * @param examples [{file, flow}] parsed example files (arrays of nodes)
 * @param info the emulators' description (the JSON line of `npm run emulator`)
 * @param options.fileDir where file nodes and sqlite databases write (their file name kept), instead of the examples' relative paths
 * @param options.knownTypes node types the running Node-RED has; examples using others are left out (listed in skipped)
 * @returns {{flows: object[], credentials: Record<string, object>, skipped: {file: string, missing: string[]}[]}}
 */
export function buildDemoFlows(examples, info, options = {}) {
  const flows = [];
  const credentials = {};
  const skipped = [];
  const seen = new Set();
  examples.forEach(({ file, flow }, index) => {
    if (options.knownTypes) {
      const missing = exampleTypes(flow).filter((t) => !options.knownTypes.has(t));
      if (missing.length) {
        skipped.push({ file, missing });
        return;
      }
    }
    const prefix = `ex${index + 1}-`;
    // Config nodes (no position) keep their ids: the examples share them, so the workspace holds
    // each once, as an import of every example into the editor does.
    const ids = new Map(flow.filter((n) => n.x !== undefined || n.type === "tab").map((n) => [n.id, `${prefix}${n.id}`]));
    let tab = flow.find((n) => n.type === "tab");
    const nodes = flow.filter((n) => n.type !== "global-config" && !(n.x === undefined && n.type !== "tab" && seen.has(n.id))).map((n) => remap(n, ids));
    for (const n of nodes) if (n.x === undefined) seen.add(n.id);
    if (!tab) {
      tab = { id: `${prefix}tab`, type: "tab", label: file.replace(/\.json$/, "") };
      nodes.unshift(tab);
      for (const n of nodes) if (n !== tab && n.x !== undefined) n.z = tab.id;
    }
    for (const node of nodes) {
      if (options.fileDir && node.type === "file" && typeof node.filename === "string" && node.filename && (node.filenameType ?? "str") === "str") {
        node.filename = `${options.fileDir.replace(/\/$/, "")}/${node.filename.split("/").pop()}`;
      }
      if (options.fileDir && node.type === "sqlitedb" && typeof node.db === "string" && node.db !== ":memory:") {
        node.db = `${options.fileDir.replace(/\/$/, "")}/${node.db.split("/").pop()}`;
      }
      const config = configForEmulators(node, info);
      if (!config) continue;
      Object.assign(node, config.props);
      credentials[node.id] = config.credentials;
    }
    flows.push(...nodes);
  });
  return { flows, credentials, skipped };
}

/** The flows with each node's credentials inline, as the editor's Deploy sends them (POST /flows). */
export function withInlineCredentials(flows, credentials) {
  return flows.map((n) => (credentials[n.id] ? { ...n, credentials: credentials[n.id] } : n));
}
