// Files of this package that its code reads or runs (the CLI launcher, build-info.json, the
// stand-ins in images/bin), found from the package's folder. The library's modules (tsc's
// dist/<folder>/<module>.js) and the CLI's bundle (dist/bundle/<chunk>.js) sit at different depths
// under it, so no module can name those files relative to itself: this one is the only place that
// knows the way up, and the bundle build tells it its own.
import { fileURLToPath } from 'node:url';

/** Set by scripts/bundle.mjs to the way from a bundle chunk up to the package's folder. */
declare const ARGO_TS_BUNDLE_PACKAGE_ROOT: string | undefined;

const ROOT = new URL(
  typeof ARGO_TS_BUNDLE_PACKAGE_ROOT === 'string' ? ARGO_TS_BUNDLE_PACKAGE_ROOT : '../',
  import.meta.url,
);

/** The path of a file of the package, given relative to its folder (`bin/argo.js`). */
export function packageFile(relative: string): string {
  return fileURLToPath(new URL(relative, ROOT));
}

/** The CLI's launcher, which other processes of ours (a detached controller, argoexec) run. */
export const CLI_LAUNCHER = packageFile('bin/argo.js');
