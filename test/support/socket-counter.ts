/**
 * A TCP relay in front of an emulator that counts the sockets clients hold open to it, so a test
 * can prove that close() (or a redeploy) leaves no keep-alive connection behind.
 */
import net, { type AddressInfo } from "node:net";

export interface SocketCounter {
  /** Base URL of the relay (http://127.0.0.1:<port>). */
  url: string;
  /** Client sockets open right now. */
  open(): number;
  /** Client sockets ever accepted. */
  total(): number;
  /** Resolves once no client socket is open (sockets close asynchronously after destroy()). */
  settled(): Promise<number>;
  stop(): Promise<void>;
}

export async function countSockets(targetUrl: string): Promise<SocketCounter> {
  const target = new URL(targetUrl);
  const live = new Set<net.Socket>();
  let total = 0;
  const server = net.createServer((client) => {
    total += 1;
    live.add(client);
    const upstream = net.connect(Number(target.port), target.hostname);
    client.pipe(upstream).pipe(client);
    const end = () => {
      live.delete(client);
      client.destroy();
      upstream.destroy();
    };
    client.on("close", end).on("error", end);
    upstream.on("close", end).on("error", end);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    open: () => live.size,
    total: () => total,
    async settled() {
      // Closing is an event-loop matter, not a clock one: a few turns are enough, and bounded.
      for (let i = 0; i < 50 && live.size > 0; i++) await new Promise((r) => setImmediate(r));
      return live.size;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        for (const s of live) s.destroy();
        server.close(() => resolve());
      }),
  };
}
