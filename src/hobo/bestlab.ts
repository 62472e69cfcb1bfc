/**
 * bestlab_platform's HoboAPI, on top of the client: the same constructor (client id, secret,
 * user id, endpoint), getData/get/post and tokenInfo. Differences, on purpose: the token is
 * fetched on first use instead of in the constructor (a constructor cannot wait); getData accepts
 * a single number and trims the list; it fetches every window under the row cap and answers with
 * max_results false instead of returning a cut answer; errors are the core ApiError (statusCode and
 * responseText as bestlab's ResponseError); the secret is never logged.
 */
import type { ClientLogger } from "../core/client";
import { HoboClientImpl } from "./client";
import type { HoboTokenInfo } from "./token-info";
import type { HoboClientOptions, HoboRow } from "./types";

export interface HoboGetDataResult {
  observation_list: HoboRow[];
  message: string;
  max_results: boolean;
}

/** bestlab's logger prints warnings to the console and keeps debug quiet unless asked. */
const consoleLogger: ClientLogger = { debug: () => undefined, warn: (msg) => console.warn(`[hobo] ${msg}`) };

export class HoboApi {
  private readonly client: HoboClientImpl;
  private readonly logger: ClientLogger;

  constructor(clientId: string, clientSecret: string, userId: string | number, endpoint?: string, options: Partial<HoboClientOptions> = {}) {
    this.logger = options.logger ?? consoleLogger;
    this.client = new HoboClientImpl({
      ...options,
      flavour: options.flavour ?? "legacy",
      clientId,
      clientSecret,
      userId,
      baseUrl: endpoint ?? options.baseUrl,
      logger: this.logger,
    });
  }

  /** The legacy token last fetched (undefined until the first call). */
  get tokenInfo(): HoboTokenInfo | undefined {
    return this.client.tokenInfo;
  }

  /** The client underneath, for windows() and state events. */
  get hoboClient(): HoboClientImpl {
    return this.client;
  }

  async getData(loggers: unknown, start: unknown, end: unknown, opts: { warnOnEmptyData?: boolean } = {}): Promise<HoboGetDataResult> {
    const { rows } = await this.client.fetchAll({ loggers, start, end });
    const result: HoboGetDataResult = { observation_list: rows, message: `OK: Found: ${rows.length} results.`, max_results: false };
    if (opts.warnOnEmptyData && rows.length === 0) {
      this.logger.warn(`The data seems to be empty. Response: ${JSON.stringify(result)}, t = ${Math.floor(Date.now() / 1000)}`);
    }
    return result;
  }

  /** GET endpoint + path with the token; the decoded JSON body. */
  get(path: string, params?: Record<string, string>): Promise<unknown> {
    return this.client.raw("GET", path, { params });
  }

  /** POST endpoint + path with a form body and the token; the decoded JSON body. */
  post(path: string, body?: Record<string, string>): Promise<unknown> {
    return this.client.raw("POST", path, { form: body ?? {} });
  }

  close(): Promise<void> {
    return this.client.close();
  }
}
