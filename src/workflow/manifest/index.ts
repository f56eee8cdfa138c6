export { ManifestError, ManifestLimitError, isResourceKind, parseManifests } from './parse.js';
export type { ParseOptions, ParsedManifest } from './parse.js';
export { ManifestReadError, readManifestFiles, readManifests } from './read.js';
export type { Around, ManifestSource, ReadOptions } from './read.js';
