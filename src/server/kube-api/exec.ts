// The pods/exec subresource as the API server serves it to websocket clients (client-node's Exec,
// kubectl exec): an HTTP upgrade to the channel protocol, v5.channel.k8s.io or v4.channel.k8s.io,
// in which every message is a binary frame whose first byte names the channel (1 stdout, 2 stderr,
// 3 the command's outcome as a Status, JSON). What runs the command is the caller's (the kubelet's
// part); this module is the protocol only. Stdin and terminal resizing are not offered: the
// command runs to its end and its whole output is sent, then the Status, then the close.
import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';

/** What ran: the command's exit code and output. */
export interface ExecOutcome {
  exitCode: number;
  stdout?: string;
  stderr?: string;
}

/**
 * Runs `command` in `container` of a pod (the pod exists and names the container). A failure it
 * throws (a container that is not running, say) ends the exec as a command that could not run:
 * exit code 126, the message on stderr.
 */
export type PodExecHandler = (
  namespace: string,
  pod: string,
  container: string,
  command: string[],
) => Promise<ExecOutcome>;

/** The channel protocols served, best first: both carry the outcome as a Status on channel 3. */
const PROTOCOLS = ['v5.channel.k8s.io', 'v4.channel.k8s.io'];
const WEBSOCKET_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
const STDOUT = 1;
const STDERR = 2;
const STATUS = 3;
const OPCODE_BINARY = 0x2;
const OPCODE_CLOSE = 0x8;

/** The sub-protocol to answer with, or undefined when the client offers none of ours. */
export function execProtocol(req: IncomingMessage): string | undefined {
  const offered = String(req.headers['sec-websocket-protocol'] ?? '')
    .split(',')
    .map((p) => p.trim());
  return PROTOCOLS.find((p) => offered.includes(p));
}

/** One unmasked (server to client) frame. */
function frame(opcode: number, payload: Buffer): Buffer {
  const len = payload.length;
  const head =
    len < 126
      ? Buffer.from([0x80 | opcode, len])
      : len < 65536
        ? Buffer.from([0x80 | opcode, 126, len >> 8, len & 0xff])
        : Buffer.concat([Buffer.from([0x80 | opcode, 127]), bigLength(len)]);
  return Buffer.concat([head, payload]);
}

function bigLength(len: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigUInt64BE(BigInt(len));
  return b;
}

function channel(n: number, data: string | Buffer): Buffer {
  return frame(OPCODE_BINARY, Buffer.concat([Buffer.from([n]), Buffer.from(data)]));
}

/** The Status the API server sends on channel 3: Success, or the command's non-zero exit code. */
export function execStatus(command: string[], exitCode: number): Record<string, unknown> {
  if (exitCode === 0) return { metadata: {}, status: 'Success' };
  return {
    metadata: {},
    status: 'Failure',
    message: `command terminated with non-zero exit code: error executing command [${command.join(' ')}], exit code ${exitCode}`,
    reason: 'NonZeroExitCode',
    details: { causes: [{ reason: 'ExitCode', message: String(exitCode) }] },
  };
}

/**
 * Completes the upgrade on `socket`, runs the command and streams its outcome. Anything the
 * client sends (a close, stdin it was not offered) is read and dropped.
 */
export async function serveExec(
  req: IncomingMessage,
  socket: Duplex,
  protocol: string,
  run: () => Promise<ExecOutcome>,
  command: string[],
): Promise<void> {
  const accept = createHash('sha1')
    .update(`${String(req.headers['sec-websocket-key'] ?? '')}${WEBSOCKET_GUID}`)
    .digest('base64');
  socket.on('error', () => undefined);
  socket.on('data', () => undefined);
  socket.write(
    [
      'HTTP/1.1 101 Switching Protocols',
      'Upgrade: websocket',
      'Connection: Upgrade',
      `Sec-WebSocket-Accept: ${accept}`,
      `Sec-WebSocket-Protocol: ${protocol}`,
      '',
      '',
    ].join('\r\n'),
  );
  let outcome: ExecOutcome;
  try {
    outcome = await run();
  } catch (err) {
    outcome = { exitCode: 126, stderr: `${(err as Error).message}\n` };
  }
  if (outcome.stdout) socket.write(channel(STDOUT, outcome.stdout));
  if (outcome.stderr) socket.write(channel(STDERR, outcome.stderr));
  socket.write(channel(STATUS, JSON.stringify(execStatus(command, outcome.exitCode))));
  // Close code 1000, normal closure.
  socket.end(frame(OPCODE_CLOSE, Buffer.from([0x03, 0xe8])));
}
