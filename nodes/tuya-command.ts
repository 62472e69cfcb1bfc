/**
 * tuya-command: sends data-point commands to one or many devices. Commands come from the dialog's
 * rows or from the message ([{code, value}], {code: value} or {commands: [...]}), are checked
 * against every device's functions (type, range, enum) before any is sent, and each device gets
 * its own result. A command is never repeated after an ambiguous failure: the client retries a
 * write only when the server provably did not execute it, and this node never retries.
 */
import type { Node, NodeAPI, NodeDef, NodeMessageInFlow } from "node-red";
import { InputError, isAbortError } from "../src/core/errors";
import { CommandPartlyFailedError } from "../src/core/error-details";
import { commandOutcome, normalizeCommands, validateCommands, withCommandOutcome, type CommandOutcome, type TuyaCommand, type TuyaDevices } from "../src/tuya";
import { mapLimit } from "../src/core";
import { errorDetails, evaluate, handleInput } from "./shared/input";
import { inputError, localized, translator, type Translate } from "./shared/i18n";
import { Status } from "./shared/status";
import { attachConfig, deviceLabel, readDevices, type DeviceRef } from "./tuya-common";
import { migrate } from "./shared/migrate";

interface TuyaCommandDef extends NodeDef {
  tuya?: string;
  devices?: string;
  devicesType?: string;
  /** Where the commands come from: "rows" (the dialog's rows) or a typed input (msg, flow, global, env, json). */
  commands?: string;
  commandsType?: string;
  /** The dialog's rows: [{code, value}] with typed values. */
  rows?: unknown;
  /** Check the commands against each device's specification before sending (default true). */
  validate?: boolean;
}

/** One device's part of msg.payload. */
interface DeviceResult {
  id: string;
  name?: string;
  success: boolean;
  error?: Record<string, unknown> & { message: string; outcome: CommandOutcome };
}

// The client's limiter bounds the rate; this bounds how many devices wait on it at once.
const SEND_CONCURRENCY = 4;

/** "switch_1=true" for one command, "3 commands" for more: what the status shows. */
function summary(commands: TuyaCommand[], t: Translate): string {
  const [first] = commands;
  return commands.length === 1 ? `${first.code}=${JSON.stringify(first.value)}` : t("tuya-command.status.commands", { count: commands.length });
}

function named(ref: DeviceRef): string {
  return ref.name ? `${ref.name} (${ref.id})` : ref.id;
}

export = function (RED: NodeAPI): void {
  function TuyaCommand(this: Node, def: TuyaCommandDef): void {
    RED.nodes.createNode(this, def);
    def = migrate("tuya-command", def);
    const t = translator(RED);
    const status = new Status(this, t);
    const attached = attachConfig(RED, this, def.tuya, status);
    const { commandsType, commands: commandsValue } = def;
    const source =
      commandsType === "rows" ? t("tuya-command.source.rows") : commandsType === "json" ? t("tuya-command.source.json") : `${commandsType}.${commandsValue}`;

    const readCommands = async (msg: NodeMessageInFlow): Promise<TuyaCommand[]> => {
      let raw = commandsType === "rows" ? def.rows : await evaluate(RED, this, msg, commandsType, commandsValue);
      // Text from env or a string property may hold the JSON of either shape.
      if (typeof raw === "string" && /^\s*[[{]/.test(raw)) {
        try {
          raw = JSON.parse(raw) as unknown;
        } catch {
          throw inputError("tuya-command.errors.badJson", { source });
        }
      }
      try {
        return normalizeCommands(raw);
      } catch (err) {
        throw err instanceof InputError ? new InputError(`${source}: ${err.message}`) : err;
      }
    };

    /** Checks the commands against every device before any is sent: one error lists each device's problems. */
    const validateAll = async (devices: TuyaDevices, refs: DeviceRef[], commands: TuyaCommand[], signal: AbortSignal): Promise<void> => {
      const { specs: byId, failed } = await devices.specifications(
        refs.map((r) => r.id),
        { signal },
      );
      const problems = refs.flatMap((ref) => {
        // Without a specification there is nothing to check against: say so rather than "unknown code".
        const reason = failed.get(ref.id);
        if (reason !== undefined) return [t("tuya-command.errors.noSpec", { device: named(ref), reason })];
        try {
          validateCommands(commands, byId.get(ref.id)?.functions ?? []);
          return [];
        } catch (err) {
          return [`${named(ref)}: ${err instanceof Error ? err.message : String(err)}`];
        }
      });
      if (problems.length) throw new InputError(t("tuya-command.errors.nothingSent", { problems: problems.join("; ") }));
    };

    const sendOne = async (
      devices: TuyaDevices,
      ref: DeviceRef,
      commands: TuyaCommand[],
      signal: AbortSignal,
    ): Promise<{ result: DeviceResult; err?: Error }> => {
      const base = ref.name ? { id: ref.id, name: ref.name } : { id: ref.id };
      try {
        // Validated above against the specification (or unchecked by choice); validate:false spares the client a functions lookup.
        if (await devices.sendCommands(ref.id, commands, { signal, validate: false })) return { result: { ...base, success: true } };
        const err = new Error(t("tuya-command.errors.notAccepted"));
        return { result: { ...base, success: false, error: { ...errorDetails(err), message: err.message, outcome: "not executed" } }, err };
      } catch (caught) {
        if (signal.aborted && isAbortError(caught)) throw caught;
        const err = localized(withCommandOutcome(caught), t);
        return { result: { ...base, success: false, error: { ...errorDetails(err), message: err.message, outcome: commandOutcome(caught) } }, err };
      }
    };

    handleInput(this, status, async ({ msg, send, signal }) => {
      const devices = attached.require().devices;
      const refs = await readDevices(RED, this, msg, def.devicesType, def.devices);
      const commands = await readCommands(msg);
      const target = refs.length === 1 ? deviceLabel(refs[0]) : t("common.count.device", { count: refs.length });
      if (refs.length === 1) msg.topic = target;
      if (def.validate !== false) {
        status.progress(t("tuya-command.status.checking", { commands: summary(commands, t) }));
        await validateAll(devices, refs, commands, signal);
      }
      status.requesting(`${summary(commands, t)} → ${target}`);
      const sent = await mapLimit(refs, SEND_CONCURRENCY, (ref) => sendOne(devices, ref, commands, signal));
      const m = msg as NodeMessageInFlow & { commands?: TuyaCommand[] };
      const results = (m.payload = sent.map((s) => s.result));
      m.commands = commands;
      const failed = sent.flatMap((s, i) => (s.err ? [{ ref: refs[i], err: s.err }] : []));
      if (failed.length === 0) {
        send(msg);
        status.success(t("tuya-command.status.sent", { target }));
        return;
      }
      // One device: its own error (code, hint, request id reach msg.errorDetails). Several: one typed error with each device's result.
      if (refs.length === 1) throw failed[0].err;
      const list = failed.map((f) => `${named(f.ref)}: ${f.err.message}`).join("; ");
      throw CommandPartlyFailedError.fromPayload(
        t("tuya-command.errors.someFailed", { failed: failed.length, count: refs.length, ok: refs.length - failed.length, list }),
        results,
      );
    });
  }

  RED.nodes.registerType("tuya-command", TuyaCommand);
};
