// Values the Go CLI prints through their String() methods: resource durations and artifact locations.
import type { SecretKeySelector } from '../../model/meta.js';
import type { Artifact } from '../../model/template.js';
import { goDurationString } from '../../workflow/humanize.js';

// A resource duration is counted in units of these quantities (ResourceQuantityDenominator).
const DENOMINATORS: Record<string, string> = {
  memory: '100Mi',
  storage: '10Gi',
  'ephemeral-storage': '10Gi',
};

/**
 * "1m5s*(1 cpu),10s*(100Mi memory)". Go iterates the map in random order; this prints resources
 * sorted by name so the output is stable.
 */
export function resourcesDurationText(durations: Record<string, number> | undefined): string {
  return Object.keys(durations ?? {})
    .sort()
    .map((name) => `${goDurationString(durations![name])}*(${DENOMINATORS[name] ?? '1'} ${name})`)
    .join(',');
}

function optionalBool(value: boolean | undefined): string {
  return value === undefined ? 'nil' : `*${value}`;
}

function secretText(secret: SecretKeySelector | undefined): string {
  if (!secret) return 'nil';
  return (
    `&v1.SecretKeySelector{LocalObjectReference:LocalObjectReference{Name:${secret.name ?? ''},},` +
    `Key:${secret.key},Optional:${optionalBool(secret.optional)},}`
  );
}

function goSlice(values: readonly string[] | undefined): string {
  return `[${(values ?? []).join(' ')}]`;
}

/**
 * An output artifact's location as `argo get` lists it under "Output Artifacts:" (the protobuf
 * String() form). S3, Git and raw locations are reproduced field for field; the other kinds print
 * their fields in a similar `&Kind{Field:value,}` form.
 */
export function artifactLocationText(art: Artifact): string | undefined {
  if (art.s3) {
    const s3 = art.s3;
    const createBucket = s3.createBucketIfNotPresent
      ? `&CreateS3BucketOptions{ObjectLocking:${s3.createBucketIfNotPresent.objectLocking === true},}`
      : 'nil';
    const encryption = s3.encryptionOptions
      ? genericText('S3EncryptionOptions', s3.encryptionOptions)
      : 'nil';
    return (
      `&S3Artifact{S3Bucket:S3Bucket{Endpoint:${s3.endpoint ?? ''},Bucket:${s3.bucket ?? ''},` +
      `Region:${s3.region ?? ''},Insecure:${optionalBool(s3.insecure)},` +
      `AccessKeySecret:${secretText(s3.accessKeySecret)},SecretKeySecret:${secretText(s3.secretKeySecret)},` +
      `RoleARN:${s3.roleARN ?? ''},UseSDKCreds:${s3.useSDKCreds === true},` +
      `CreateBucketIfNotPresent:${createBucket},EncryptionOptions:${encryption},` +
      `CASecret:${secretText(s3.caSecret)},SessionTokenSecret:${secretText(s3.sessionTokenSecret)},` +
      `AddressingStyle:${s3.addressingStyle ?? ''},},Key:${s3.key ?? ''},}`
    );
  }
  if (art.git) {
    const git = art.git;
    return (
      `&GitArtifact{Repo:${git.repo},Revision:${git.revision ?? ''},` +
      `Depth:${git.depth === undefined ? 'nil' : `*${git.depth}`},Fetch:${goSlice(git.fetch)},` +
      `UsernameSecret:${secretText(git.usernameSecret)},PasswordSecret:${secretText(git.passwordSecret)},` +
      `SSHPrivateKeySecret:${secretText(git.sshPrivateKeySecret)},` +
      `InsecureIgnoreHostKey:${git.insecureIgnoreHostKey === true},DisableSubmodules:${git.disableSubmodules === true},` +
      `SingleBranch:${git.singleBranch === true},Branch:${git.branch ?? ''},InsecureSkipTLS:${git.insecureSkipTLS === true},}`
    );
  }
  if (art.raw) return `&RawArtifact{Data:${art.raw.data},}`;
  if (art.http) return genericText('HTTPArtifact', art.http);
  if (art.artifactory) return genericText('ArtifactoryArtifact', art.artifactory);
  if (art.hdfs) return genericText('HDFSArtifact', art.hdfs);
  if (art.oss) return genericText('OSSArtifact', art.oss);
  if (art.gcs) return genericText('GCSArtifact', art.gcs);
  if (art.azure) return genericText('AzureArtifact', art.azure);
  return undefined;
}

function genericText(kind: string, fields: object): string {
  const parts = Object.entries(fields).map(([k, v]) => {
    const name = k.charAt(0).toUpperCase() + k.slice(1);
    const text = v !== null && typeof v === 'object' ? JSON.stringify(v) : String(v);
    return `${name}:${text},`;
  });
  return `&${kind}{${parts.join('')}}`;
}
