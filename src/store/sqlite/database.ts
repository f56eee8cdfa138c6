// better-sqlite3, loaded when a database is first opened (not at import: commands that never open
// one do not load the native module), with its native addon named rather than searched for.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';

let loaded: { Database: typeof BetterSqlite3; addon: string | undefined } | undefined;

/**
 * Opens a database file. The addon is where better-sqlite3's install puts it (build/Release);
 * named, better-sqlite3 need not find it through the `bindings` package, whose search (file
 * lookups in a dozen places and a stack trace) every command that opens the store paid for.
 * Where it is not there, that search runs as before.
 */
export function openDatabase(file: string, options: BetterSqlite3.Options = {}): BetterSqlite3.Database {
  if (!loaded) {
    const require = createRequire(import.meta.url);
    const addon = path.join(
      path.dirname(require.resolve('better-sqlite3')),
      '../build/Release/better_sqlite3.node',
    );
    loaded = {
      Database: require('better-sqlite3') as typeof BetterSqlite3,
      addon: existsSync(addon) ? addon : undefined,
    };
  }
  return new loaded.Database(file, loaded.addon ? { nativeBinding: loaded.addon, ...options } : options);
}
