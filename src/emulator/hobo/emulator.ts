// The HOBOlink emulator object: builds the model (stations, tokens, limits, faults, stats) from
// its options, starts and stops the HTTP server, and answers the questions tests ask of it.
import { createServer, type Server } from "node:http";
import type { HoboEmulatorFaults } from "./admin";
import { HoboArchive } from "./archive";
import { TokenStore, type LegacyCredentials } from "./auth";
import { FaultPlan } from "./faults";
import { DEFAULT_CLIENT_ID, DEFAULT_LICOR_TOKEN, DEFAULT_SECRET, DEFAULT_USER_ID, type HoboEmulatorDescription, type HoboEmulatorOptions } from "./options";
import { SlidingWindowLimiter } from "./ratelimit";
import { Replier } from "./reply";
import { HoboRoutes } from "./routes";
import { HoboGateway } from "./server";
import { createStats, type HoboEmulatorStats } from "./stats";
import { closeServer, listen } from "../listen";

export class HoboEmulator {
  readonly legacy: LegacyCredentials;
  readonly licor: { token: string };
  readonly loggers: { serial: string; name: string; kind: string }[];
  readonly faults: HoboEmulatorFaults;
  readonly stats: HoboEmulatorStats = createStats();

  private readonly archive: HoboArchive;
  private readonly tokens: TokenStore;
  private readonly gateway: HoboGateway;
  private readonly host: string;
  private readonly port: number;
  private server: Server | undefined;
  private baseUrl = "";

  constructor(options: HoboEmulatorOptions = {}) {
    const clock = options.now ?? Date.now;
    this.host = options.host ?? "127.0.0.1";
    this.port = options.port ?? 0;
    this.legacy = {
      clientId: options.clientId ?? DEFAULT_CLIENT_ID,
      clientSecret: options.clientSecret ?? DEFAULT_SECRET,
      userId: options.userId ?? DEFAULT_USER_ID,
    };
    this.licor = { token: options.licorToken ?? DEFAULT_LICOR_TOKEN };
    const uploadLagSec = options.uploadLagSec ?? 0;
    this.archive = new HoboArchive({
      now: clock,
      stations: options.stations,
      extraStations: options.extraStations,
      uploadLagSec,
      maxResults: options.maxResults ?? 100000,
      unowned: options.unownedLoggers ?? "empty",
    });
    this.loggers = this.archive.loggers;
    const tokens = (this.tokens = new TokenStore(options.tokenLifetimeSec ?? 600, options.revokeOnNewToken ?? false, clock));
    const lr = options.legacyRateLimit ?? { requests: 30, windowMs: 60000 };
    const vr = options.licorRateLimit ?? { requests: 60, windowMs: 60000 };
    const rateClock = options.rateClock ?? Date.now;
    const legacyLimiter = new SlidingWindowLimiter(lr.requests, lr.windowMs, rateClock);
    const licorLimiter = new SlidingWindowLimiter(vr.requests, vr.windowMs, rateClock);

    const plan = new FaultPlan();
    const archive = this.archive;
    this.faults = {
      failNext: (count, fault) => plan.failNext(count, fault),
      setLatency: (ms) => plan.setLatency(ms),
      expireTokens: () => tokens.expireAll(),
      revokeTokens: () => tokens.revokeAll(),
      setUploadLag: (sec) => {
        if (!Number.isFinite(sec) || sec < 0) throw new Error("setUploadLag: sec must be a non-negative number");
        archive.uploadLagSec = sec;
      },
      clear: () => {
        plan.clear();
        archive.uploadLagSec = uploadLagSec;
      },
    };

    const reply = new Replier(this.stats, options.sendRetryAfter ?? false);
    const routes = new HoboRoutes({
      legacy: this.legacy,
      licor: this.licor,
      tokens,
      legacyLimiter,
      licorLimiter,
      archive,
      reply,
      stats: this.stats,
      strictFormat: options.strictFormat ?? false,
    });
    this.gateway = new HoboGateway({
      stats: this.stats,
      reply,
      plan,
      routes,
      tokens,
      licorLimiter,
      maxConcurrent: options.maxConcurrent ?? 75,
      running: () => this.server !== undefined,
      admin: { stats: this.stats, faults: this.faults, pendingFaults: () => plan.pending, latencyMs: () => plan.latencyMs, describe: () => this.describe() },
    });
  }

  /** Base URL once started ("" before). */
  get url(): string {
    return this.baseUrl;
  }

  async start(): Promise<string> {
    if (this.server) return this.baseUrl;
    const server = createServer(this.gateway.listener);
    server.keepAliveTimeout = 5000;
    const addr = await listen(server, this.port, this.host);
    this.server = server;
    const host = addr.family === "IPv6" ? `[${addr.address}]` : addr.address;
    this.baseUrl = `http://${host}:${addr.port}`;
    return this.baseUrl;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    this.gateway.releaseAll();
    await closeServer(server);
    this.baseUrl = "";
  }

  /** Rows the data endpoints return for one logger in [start, end] (inclusive), before any cap. */
  expectedRows(loggerSerial: string, startUtc: string, endUtc: string): number {
    return this.archive.expectedRows(loggerSerial, startUtc, endUtc);
  }

  /** Every legacy access token handed out (for tests that prove no token leaks). */
  issuedTokens(): string[] {
    return this.tokens.issued();
  }

  describe(): HoboEmulatorDescription {
    return { url: this.baseUrl, legacy: { ...this.legacy }, licor: { ...this.licor }, loggers: this.loggers.map((l) => ({ ...l })) };
  }
}
