#!/usr/bin/env node
// Launcher: keep this file tiny so `argo --help` and `argo version` start fast.
import('../dist/cli/main.js')
  .then((m) => m.main(process.argv))
  .catch((err) => {
    process.stderr.write(`${err && err.message ? err.message : String(err)}\n`);
    process.exit(1);
  });
