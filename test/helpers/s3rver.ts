// A real S3 server process (s3rver) on a loopback port with one bucket, for tests of S3 artifacts.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);

export interface S3Server {
  /** host:port */
  endpoint: string;
  bucket: string;
  /** s3rver's fixed credentials. */
  accessKey: string;
  secretKey: string;
  stop(): void;
}

export async function startS3rver(dataDir: string, bucket = 'artifacts'): Promise<S3Server> {
  const bin = path.join(path.dirname(require.resolve('s3rver/package.json')), 'bin', 's3rver.js');
  const proc = spawn(
    process.execPath,
    [bin, '-d', dataDir, '-a', '127.0.0.1', '-p', '0', '--configure-bucket', bucket],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const endpoint = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`s3rver did not start: ${out}`)), 15_000);
    const onData = (c: Buffer) => {
      out += c.toString();
      const m = /127\.0\.0\.1:(\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(`127.0.0.1:${m[1]}`);
      }
    };
    proc.stdout!.on('data', onData);
    proc.stderr!.on('data', onData);
    proc.on('exit', (code) => reject(new Error(`s3rver exited ${code}: ${out}`)));
  });
  return { endpoint, bucket, accessKey: 'S3RVER', secretKey: 'S3RVER', stop: () => proc.kill() };
}
