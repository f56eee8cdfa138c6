// The CLI's direct writes to fd 1 (src/cli/stdout.ts): where fd 1 refuses a write (a full
// non-blocking pipe, EAGAIN), what is left goes through process.stdout, and so does all that follows,
// in order.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

const fsWrites: string[] = [];
let refuseAfter = Infinity;

vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  return {
    ...fs,
    // fd 1 takes `refuseAfter` bytes in all, then refuses as a full non-blocking pipe does.
    writeSync: (fd: number, buffer: Uint8Array, offset: number, length: number) => {
      if (fd !== 1) throw new Error(`unexpected write to fd ${fd}`);
      const taken = fsWrites.join('').length;
      const n = Math.min(length, refuseAfter - taken, 7);
      if (n <= 0)
        throw Object.assign(new Error('EAGAIN: resource temporarily unavailable'), { code: 'EAGAIN' });
      fsWrites.push(Buffer.from(buffer.subarray(offset, offset + n)).toString('utf8'));
      return n;
    },
  };
});

const { streamMade } = await import('../../../src/cli/closed-pipe.js');
const { out } = await import('../../../src/cli/stdout.js');

let streamed: string[] = [];
beforeEach(() => {
  fsWrites.length = 0;
  streamed = [];
  // As in the CLI before anything made process.stdout (closed-pipe.ts watches for that there).
  streamMade.stdout = false;
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    streamed.push(Buffer.from(chunk).toString('utf8'));
    return true;
  });
});
afterEach(() => {
  streamMade.stdout = true;
  vi.restoreAllMocks();
});

describe('out', () => {
  it('writes to fd 1 directly, in as many writes as it takes', async () => {
    refuseAfter = Infinity;
    await out('a line longer than one write\n');
    await out('and another\n');
    expect(fsWrites.join('')).toBe('a line longer than one write\nand another\n');
    expect(streamed).toEqual([]);
  });

  it('hands what fd 1 refuses, and all later output, to process.stdout', async () => {
    refuseAfter = 10;
    await out('0123456789abcdef\n');
    await out('next\n');
    expect(fsWrites.join('')).toBe('0123456789');
    expect(streamed.join('')).toBe('abcdef\nnext\n');
  });
});
