import { Dealer, Pull, Push } from 'zeromq';

/**
 * How a worker reaches its master. From Locust 0.10 on: one DEALER to the master's ROUTER,
 * routed by the worker's id. Locust 0.9: a PUSH to the master's PULL on the port, and a PULL
 * from the master's PUSH on the port + 1, with no identity at all.
 */
export type Transport = 'dealer' | 'push-pull';

export interface SocketEndpoint {
  host: string;
  port: number;
  nodeId: string;
}

/** The sockets of one connection attempt, whatever the transport. */
export interface SocketSet {
  send(message: Uint8Array): Promise<void>;
  receive(): AsyncIterable<Buffer[]>;
  /** Connect/disconnect events of the socket that talks to the master. */
  onEvent(type: 'connect' | 'disconnect', listener: () => void): void;
  connect(): void;
  close(lingerMs: number): void;
  readonly address: string;
}

/** Master messages are a few KB; anything far larger is hostile or broken. libzmq drops the
 *  connection on such a message, which the worker treats like any other disconnect. */
const MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

function tcp(host: string, port: number): string {
  return `tcp://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

/** The master's address as a log line shows it. */
export function describeAddress(transport: Transport, host: string, port: number): string {
  return transport === 'dealer' ? tcp(host, port) : `${tcp(host, port)} (+${port + 1})`;
}

export function openSockets(transport: Transport, { host, port, nodeId }: SocketEndpoint): SocketSet {
  const common = { linger: 0, tcpKeepalive: 1, tcpKeepaliveIdle: 30, ipv6: host.includes(':'), maxMessageSize: MAX_MESSAGE_BYTES };
  if (transport === 'dealer') {
    const dealer = new Dealer({ ...common, routingId: nodeId });
    const address = tcp(host, port);
    return {
      address: describeAddress(transport, host, port),
      send: (message) => dealer.send(message),
      receive: () => dealer,
      onEvent: (type, listener) => dealer.events.on(type, listener),
      connect: () => dealer.connect(address),
      close: (lingerMs) => closeSocket(dealer, lingerMs),
    };
  }
  const push = new Push(common);
  const pull = new Pull(common);
  return {
    address: describeAddress(transport, host, port),
    send: (message) => push.send(message),
    receive: () => pull,
    onEvent: (type, listener) => push.events.on(type, listener),
    connect: () => {
      push.connect(tcp(host, port));
      pull.connect(tcp(host, port + 1));
    },
    close: (lingerMs) => {
      closeSocket(push, lingerMs);
      closeSocket(pull, 0);
    },
  };
}

/** Closing a socket also closes its event observer (closing that first throws ENOTSOCK). */
function closeSocket(socket: Dealer | Push | Pull, lingerMs: number): void {
  try {
    socket.linger = lingerMs;
    socket.close();
  } catch {
    // Already closed.
  }
}
