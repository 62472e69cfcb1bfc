/**
 * The Node-RED runtime under test: the dev dependency (4.1.x) by default, Node-RED 5.0 when
 * NODE_RED_RUNTIME=node-red-5 (installed under that npm alias). Node suites import the helper
 * from here so every node is proven on both.
 */
import helper from "node-red-node-test-helper";

export const runtimeName = process.env.NODE_RED_RUNTIME || "node-red";
helper.init(require.resolve(runtimeName));

export { helper };
