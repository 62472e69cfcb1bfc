// A local HTTP server that only counts what reaches it: the "elsewhere" endpoint of tests that prove nothing is sent there.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

export interface Listener {
  url: string;
  /** Requests received so far. */
  hits: number;
  close(): Promise<void>;
}

export async function startListener(): Promise<Listener> {
  const state = { hits: 0 };
  const server = createServer((_req, res) => {
    state.hits += 1;
    res.writeHead(403).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    get hits() {
      return state.hits;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
