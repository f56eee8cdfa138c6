// What an image runs when the container names no command: its ENTRYPOINT and CMD. Images are not
// pulled on the host, so this table stands in for the image configs of the images Argo's examples
// and tests use. An unknown image behaves like a shell image.

export interface ImageDefaults {
  entrypoint?: string[];
  cmd?: string[];
  /**
   * Docker-entrypoint scripts (node, curl) put their program in front of the arguments when the
   * first one looks like an option rather than a command.
   */
  prependWhenOption?: string;
  /**
   * The image's sh is busybox ash, which has bash-like extensions ($RANDOM, arrays of words)
   * that the host's sh (often dash) lacks; bash stands in for it.
   */
  ashShell?: boolean;
}

const SHELL: ImageDefaults = { cmd: ['sh'], ashShell: true };

/** Keyed by repository without registry or tag; `repo:tag` entries win over `repo`. */
const TABLE: Record<string, ImageDefaults> = {
  busybox: SHELL,
  alpine: { cmd: ['/bin/sh'], ashShell: true },
  debian: { cmd: ['bash'] },
  ubuntu: { cmd: ['bash'] },
  centos: { cmd: ['/bin/bash'] },
  fedora: { cmd: ['/bin/bash'] },
  golang: { cmd: ['bash'] },
  python: { cmd: ['python3'] },
  node: { cmd: ['node'], prependWhenOption: 'node' },
  // Upstream's functional tests run `sh -c '[[ ... ]]'` in argosay v2: its sh is not a plain POSIX one.
  'argoproj/argosay:v2': { entrypoint: ['/argosay'], ashShell: true },
  'argoproj/argosay:v1': { entrypoint: ['cowsay'], cmd: ['hello argo'] },
  'argoproj/argosay': { entrypoint: ['/argosay'], ashShell: true },
  'docker/whalesay': { cmd: ['/bin/bash'] },
  'curlimages/curl': { cmd: ['curl'], prependWhenOption: 'curl' },
  'stedolan/jq': { entrypoint: ['jq'] },
  'alpine/git': { entrypoint: ['git'] },
  'mesosphere/aws-cli': { entrypoint: ['aws'] },
  'argoproj/argoexec': { entrypoint: ['argoexec'] },
  nginx: { cmd: ['nginx', '-g', 'daemon off;'] },
  influxdb: { cmd: ['influxd'] },
  docker: SHELL,
};

/** `quay.io/argoproj/argosay:v2@sha256:…` -> { repo: 'argoproj/argosay', tag: 'v2' }. */
export function parseImage(image: string): { repo: string; tag: string } {
  let rest = image.trim().replace(/@.*$/, '');
  const firstSlash = rest.indexOf('/');
  if (firstSlash > 0) {
    const host = rest.slice(0, firstSlash);
    // A first component with a dot, a port or `localhost` is a registry, as in Docker's reference grammar.
    if (host.includes('.') || host.includes(':') || host === 'localhost') rest = rest.slice(firstSlash + 1);
  }
  const colon = rest.lastIndexOf(':');
  const tag = colon > rest.lastIndexOf('/') ? rest.slice(colon + 1) : 'latest';
  let repo = colon > rest.lastIndexOf('/') ? rest.slice(0, colon) : rest;
  if (repo.startsWith('library/')) repo = repo.slice('library/'.length);
  return { repo, tag };
}

export function imageDefaults(image: string | undefined): ImageDefaults {
  return knownImageDefaults(image) ?? SHELL;
}

/** The table's entry for an image, or undefined when the image is not in it. */
export function knownImageDefaults(image: string | undefined): ImageDefaults | undefined {
  if (!image) return undefined;
  const { repo, tag } = parseImage(image);
  return TABLE[`${repo}:${tag}`] ?? TABLE[repo];
}
