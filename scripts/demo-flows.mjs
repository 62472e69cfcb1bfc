// The demo workspace, built from the example flows: each example becomes a tab, its node ids are
// prefixed so examples cannot collide, and every config node is pointed at the local emulators
// with the emulators' demo credentials (stored as credentials, never in the flow).
// Used by `npm start` (scripts/demo.mjs) and by the browser tests.

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
  return undefined;
}

function remap(value, ids) {
  if (typeof value === "string") return ids.get(value) ?? value;
  if (Array.isArray(value)) return value.map((v) => remap(v, ids));
  if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, remap(v, ids)]));
  return value;
}

/**
 * @param examples [{file, flow}] parsed example files (arrays of nodes)
 * @param info the emulators' description (the JSON line of `npm run emulator`)
 * @returns {{flows: object[], credentials: Record<string, object>}}
 */
export function buildDemoFlows(examples, info) {
  const flows = [];
  const credentials = {};
  examples.forEach(({ file, flow }, index) => {
    const prefix = `ex${index + 1}-`;
    const ids = new Map(flow.map((n) => [n.id, `${prefix}${n.id}`]));
    let tab = flow.find((n) => n.type === "tab");
    const nodes = flow.filter((n) => n.type !== "global-config").map((n) => remap(n, ids));
    if (!tab) {
      tab = { id: `${prefix}tab`, type: "tab", label: file.replace(/\.json$/, "") };
      nodes.unshift(tab);
      for (const n of nodes) if (n !== tab && n.x !== undefined) n.z = tab.id;
    }
    for (const node of nodes) {
      const config = configForEmulators(node, info);
      if (!config) continue;
      Object.assign(node, config.props);
      credentials[node.id] = config.credentials;
    }
    flows.push(...nodes);
  });
  return { flows, credentials };
}
