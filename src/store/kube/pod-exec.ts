// The pods/exec subresource: a command run in a container of a pod, over the websocket channel
// protocol the API server speaks (client-node's Exec; stdout and stderr arrive on channels 1 and
// 2, the command's outcome as a Status on channel 3). The controller signals containers with it.
import { Writable } from 'node:stream';
import { Exec, type KubeConfig, type V1Status } from '@kubernetes/client-node';

/** Upstream gives up on an exec that never answers after two minutes (an old API server bug). */
const EXEC_TIMEOUT_MS = 120_000;

export interface ExecResult {
  stdout: string;
  stderr: string;
}

/** Collects what a stream of the exec writes. */
function collector(): { stream: Writable; text: () => string } {
  const chunks: Buffer[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      chunks.push(chunk);
      done();
    },
  });
  return { stream, text: () => Buffer.concat(chunks).toString('utf8') };
}

/**
 * Runs `command` in `container` of the pod and resolves with its output once it succeeded;
 * rejects with the API server's or the command's failure (a non-zero exit is the Status message).
 */
export async function execInContainer(
  kubeConfig: KubeConfig,
  namespace: string,
  pod: string,
  container: string,
  command: string[],
  timeoutMs = EXEC_TIMEOUT_MS,
): Promise<ExecResult> {
  const out = collector();
  const err = collector();
  let settle!: (status: V1Status | Error) => void;
  const outcome = new Promise<V1Status | Error>((resolve) => (settle = resolve));
  const socket = await new Exec(kubeConfig).exec(
    namespace,
    pod,
    container,
    command,
    out.stream,
    err.stream,
    null,
    false,
    (status) => settle(status),
  );
  socket.on('close', () => settle(new Error('the exec stream closed without a status')));
  const timer = setTimeout(() => settle(new Error(`no answer within ${timeoutMs / 1000}s`)), timeoutMs);
  const result = await outcome.finally(() => {
    clearTimeout(timer);
    socket.close();
  });
  if (result instanceof Error) throw result;
  if (result.status !== 'Success')
    throw new Error(result.message ?? `exec failed: ${JSON.stringify(result)}`);
  return { stdout: out.text(), stderr: err.text() };
}
