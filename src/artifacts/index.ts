// Artifact repositories (the embedded local directory and S3-compatible stores), archives, the
// artifact location rules Argo uses, and fetching raw, http and git inputs.
export * from './location.js';
export * from './repository.js';
export { LocalDirectoryRepository, pathExists } from './local.js';
export { S3Repository, type S3Settings } from './s3.js';
export * from './archive.js';
export * from './config.js';
export * from './open.js';
export * from './fetch.js';
export * from './reader.js';
