/**
 * A config node whose credentials are still empty (an example just imported, a config created
 * and not filled in) is not an error to alarm about: its users show a neutral grey ring "not
 * configured" from deploy on, and a message that reaches them still ends in one done(err) that
 * says what to fill in (for Catch nodes and the Debug sidebar), without turning them red.
 */
import { InputError } from "../../src/core/errors";

/** An InputError (its name stays "InputError" for Catch flows) that the status shows in grey. */
export class NotConfiguredError extends InputError {}

/** True unless building the client options fails for want of credentials (other mistakes surface on use). */
export function hasCredentials(build: () => unknown): boolean {
  try {
    build();
    return true;
  } catch (err) {
    return !(err instanceof NotConfiguredError);
  }
}
