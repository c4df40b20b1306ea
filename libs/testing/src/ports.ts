// A free TCP port on the loopback interface, never one this process was handed before: the OS may give the
// same ephemeral port to two asks in a row (it is free again once the probe closes), and two services of one
// system started on the same port make the second exit while the first answers its requests (a benchmark
// once sent routing's setup to the customers service and got "no route for PUT /sites/…").
import { createServer } from 'node:net';

const handedOut = new Set<number>();

function probe(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolvePort(address.port) : reject(new Error('no port'))));
    });
  });
}

export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const port = await probe();
    if (handedOut.has(port)) continue;
    handedOut.add(port);
    return port;
  }
  throw new Error('no free port that was not handed out already');
}
