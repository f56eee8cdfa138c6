// Where the tests find upstream's API and CLI contract data (test/fixtures/upstream, see its README).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The absolute path of a file under test/fixtures/upstream, e.g. `api/swagger.json`. */
export function upstreamFixture(relative: string): string {
  return fileURLToPath(new URL(`../fixtures/upstream/${relative}`, import.meta.url));
}

/** A JSON file under test/fixtures/upstream, parsed. */
export function readUpstreamJson<T>(relative: string): T {
  return JSON.parse(readFileSync(upstreamFixture(relative), 'utf8')) as T;
}
