// From container spec to argv, as a container runtime does it.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { builtinsDir, CommandError, expandVars, resolveCommand } from '../../../src/executor/host/command.js';
import { imageDefaults, parseImage } from '../../../src/executor/host/image-defaults.js';

const env = { PATH: `${builtinsDir()}:${process.env.PATH}`, NAME: 'world', EMPTY: '' };

describe('Kubernetes $(VAR) expansion', () => {
  it.each([
    ['hello $(NAME)', 'hello world'],
    ['$(NAME)$(NAME)', 'worldworld'],
    ['[$(EMPTY)]', '[]'],
    ['$(UNDEFINED) stays', '$(UNDEFINED) stays'],
    ['$$(NAME) is escaped', '$(NAME) is escaped'],
    ['shell $$ and $$$$', 'shell $ and $$'],
    ['$HOME is not ours', '$HOME is not ours'],
    ['unclosed $(NAME', 'unclosed $(NAME'],
    ['trailing $', 'trailing $'],
  ])('%s', (input, expected) => expect(expandVars(input, env)).toBe(expected));
});

describe('image references', () => {
  it.each([
    ['busybox', 'busybox', 'latest'],
    ['docker.io/library/alpine:3.23', 'alpine', '3.23'],
    ['quay.io/argoproj/argosay:v2@sha256:abc', 'argoproj/argosay', 'v2'],
    ['localhost:5000/team/tool', 'team/tool', 'latest'],
    ['python:alpine3.23', 'python', 'alpine3.23'],
  ])('%s', (image, repo, tag) => expect(parseImage(image)).toEqual({ repo, tag }));

  it('knows the entrypoints of the test images', () => {
    expect(imageDefaults('argoproj/argosay:v2').entrypoint).toEqual(['/argosay']);
    expect(imageDefaults('python:3.12').cmd).toEqual(['python3']);
    expect(imageDefaults('some/unknown:1').cmd).toEqual(['sh']);
  });
});

describe('resolveCommand', () => {
  it('uses command and args, with $(VAR) expanded and the program found in PATH', () => {
    const argv = resolveCommand({
      container: { image: 'debian', command: ['sh', '-c'], args: ['echo $(NAME)'] },
      env,
    });
    expect(path.basename(argv[0])).toBe('sh');
    expect(path.isAbsolute(argv[0])).toBe(true);
    expect(argv.slice(1)).toEqual(['-c', 'echo world']);
  });

  it('runs sh of busybox, alpine and argosay images with bash, which has $RANDOM and [[ like their sh', () => {
    for (const image of ['alpine:3.23', 'busybox', 'argoproj/argosay:v2']) {
      const argv = resolveCommand({
        container: { image, command: ['sh', '-c'], args: ['echo $RANDOM'] },
        env,
      });
      expect(path.basename(argv[0])).toBe('bash');
    }
    // Images whose sh is a plain POSIX one keep the host's.
    const ubuntu = resolveCommand({ container: { image: 'ubuntu', command: ['sh', '-c', 'true'] }, env });
    expect(path.basename(ubuntu[0])).toBe('sh');
  });

  it("puts the image's entrypoint before args, and its cmd in place of missing args", () => {
    expect(
      resolveCommand({ container: { image: 'argoproj/argosay:v2', args: ['echo', 'hi'] }, env }),
    ).toEqual([path.join(builtinsDir(), 'argosay'), 'echo', 'hi']);
    const whalesay = resolveCommand({ container: { image: 'argoproj/argosay:v1' }, env });
    expect(whalesay).toEqual([path.join(builtinsDir(), 'cowsay'), 'hello argo']);
  });

  it('puts the program in front of option-only args for docker-entrypoint images', () => {
    // With nothing in PATH, the error names the program that was put in front of the args.
    expect(() =>
      resolveCommand({
        container: { image: 'curlimages/curl', args: ['-s', 'http://x'] },
        env: { PATH: '/nonexistent' },
      }),
    ).toThrow('exec: "curl": executable file not found');
  });

  it('replaces the staged script path, or appends the script when the controller did not', () => {
    const container = { image: 'python', command: ['python'], args: ['/argo/staging/script'] };
    const aliases = { python: '/usr/bin/python3' };
    expect(resolveCommand({ container, env, script: { path: '/tmp/s', append: true }, aliases })).toEqual([
      '/usr/bin/python3',
      '/tmp/s',
    ]);
    expect(
      resolveCommand({
        container: { image: 'python', command: ['python'] },
        env,
        script: { path: '/x', append: true },
        aliases,
      }),
    ).toEqual(['/usr/bin/python3', '/x']);
  });

  it('fails as the emissary does when the program is not in PATH', () => {
    expect(() => resolveCommand({ container: { image: 'alpine', command: ['nope-xyz'] }, env })).toThrow(
      new CommandError('failed to find name in PATH: exec: "nope-xyz": executable file not found in $PATH'),
    );
  });
});
