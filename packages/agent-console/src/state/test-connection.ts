import { Connection, type SocketLike } from '../transport/connection.js';
import { setConnection } from './app.js';

export type Ack = (err: Error | null, res: unknown) => void;

/** Installs a connection whose acknowledgements the test gives by hand; returns the requests made on it. */
export function fakeConnection() {
  const acks: { event: string; payload: unknown; ack: Ack }[] = [];
  const socket: SocketLike = {
    connected: true,
    timeout: () => ({ emit: (event: string, payload: unknown, ack: Ack) => acks.push({ event, payload, ack }) }),
    emit: () => {},
    on: () => {},
    connect: () => {},
    disconnect: () => {},
  };
  setConnection(new Connection(socket));
  return acks;
}
