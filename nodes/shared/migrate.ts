/**
 * Config versions. Every node type's config carries `version` (the editor gives a new node the
 * current one: `version` in the defaults of nodes/<type>.html), and migrate(type, config) turns
 * an older config into the current shape before the node reads it: one step per version, then
 * every property still absent takes the editor's default. A config without `version` is
 * version 0, the shape of the first wave (flows deployed, exported or hand-written before
 * versions), where an absent property meant whatever the runtime then fell back to; the 0 -> 1
 * steps say so explicitly where that differs from today's editor default. The node then reads
 * one shape and keeps no fallbacks for older flows of its own.
 *
 * The editor does not migrate: Node-RED applies no defaults to a node loaded from a flow, and
 * saving a dialog writes only the properties that have an input (`version` has none), so an old
 * node edited in the editor stays version 0 and is migrated here at every deploy. Each step
 * therefore keeps what a current dialog wrote as it is (steps are idempotent on current-shape
 * properties), and this runtime migrate is the one source of truth.
 *
 * The steps are pure functions of plain objects (no Node-RED import), in one file per platform:
 * migrate-tuya.ts, migrate-hobo.ts, migrate-egauge.ts. Current versions are listed there.
 */
import { egaugeMigrations } from "./migrate-egauge";
import { hoboMigrations } from "./migrate-hobo";
import { tuyaMigrations } from "./migrate-tuya";
import { fill, type Config, type Migration } from "./migration";

export { fill, type Config, type Migration, type Step } from "./migration";

export const MIGRATIONS = { ...tuyaMigrations, ...hoboMigrations, ...egaugeMigrations } satisfies Record<string, Migration>;

export type MigratedType = keyof typeof MIGRATIONS;

/** The version a config says it has: a whole number >= 0, else 0 (absent: the first wave). */
export function versionOf(config: object): number {
  const v = Number((config as Config).version ?? 0);
  return Number.isInteger(v) && v > 0 ? v : 0;
}

/**
 * The config in the current shape of its type (a copy; the given one is not changed). A config
 * of a later version than this pack knows (a flow from a newer release) keeps its version and
 * its properties; only absent ones take the defaults.
 */
export function migrate<C extends object>(type: MigratedType, config: C): C {
  const m: Migration = MIGRATIONS[type];
  const from = versionOf(config);
  let out: Config = { ...(config as Config) };
  for (let v = from; v < m.version; v++) out = m.steps[v](out);
  out = fill(out, m.defaults);
  out.version = Math.max(from, m.version);
  return out as C;
}
