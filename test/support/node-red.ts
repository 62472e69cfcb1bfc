/**
 * The Node-RED runtime under test: the dev dependency (4.1.x) by default, Node-RED 5.0 when
 * NODE_RED_RUNTIME=node-red-5 (installed under that npm alias). Node suites import the helper
 * from here so every node is proven on both, and so everything their flows emitted reaches the
 * secret scan (emissions.ts). Probes of a node under test: probe.ts.
 */
import { createRequire } from "node:module";
import { dirname } from "node:path";
import helper from "node-red-node-test-helper";
import { recordAdminAnswers, recordEmissions } from "./emissions";

export const runtimeName = process.env.NODE_RED_RUNTIME || "node-red";
helper.init(require.resolve(runtimeName));

// Settings as a user who logs at debug level has them: the config nodes then pass the clients'
// debug lines to their node (debugLogging), so those lines join the secret scan too.
const settings = helper.settings.bind(helper);
helper.settings = (userSettings: Record<string, unknown>) =>
  settings({ logging: { console: { level: "debug", metrics: false, audit: false } }, ...userSettings });
helper.settings({});

// The admin routes' answers (test connection, device lists) join the transcript the secret scans read.
const request = helper.request.bind(helper);
helper.request = () => {
  const app = (helper as unknown as { _httpAdmin?: { response: { json(body: unknown): unknown } } })._httpAdmin;
  if (app) recordAdminAnswers(app);
  return request();
};

// What the flow's nodes emitted joins the transcript just before every unload (the helper's spies go with it).
const unload = helper.unload.bind(helper);
helper.unload = () => {
  recordEmissions(helper);
  return unload();
};

export { helper };

/** A module of the runtime under test, e.g. a core node ("@node-red/nodes/core/...") or a context store. */
export function runtimeModule(path: string): unknown {
  const resolved = require.resolve(path, { paths: [dirname(require.resolve(`${runtimeName}/package.json`))] });
  return createRequire(resolved)(resolved) as unknown;
}
