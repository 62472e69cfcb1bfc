// Starting and stopping an emulator's server, the same for every emulated service.
import type { AddressInfo, Server } from "node:net";

/** Listens on host:port (0: a free port) and resolves with the address, or rejects with the listen error (a port in use). */
export async function listen(server: Server, port: number, host: string): Promise<AddressInfo> {
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  return server.address() as AddressInfo;
}

/** Closes the server and every connection it holds (keep-alive sockets included), resolving once it is closed. */
export async function closeServer(server: Server & { closeAllConnections(): void }): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeAllConnections();
  await closed;
}
