// The fields of every type a Workflow, WorkflowTemplate, ClusterWorkflowTemplate or CronWorkflow can
// contain, with the Go type each field decodes into. Strict decoding (`argo lint`/`submit --strict`)
// rejects any other field; type mismatches are fatal decoding errors. Written as data so drift from
// the API is a reviewable diff (test/unit/workflow/validate-fields.test.ts compares it with
// api/schema.json when that file is present).
//
// Each entry maps a type name to its fields, `name:type` separated by spaces. `...Other` inlines
// the fields of an embedded struct. Types:
//   s b i32 i64 u64 f64   string, bool and Go numbers
//   anystr   Argo's AnyString: numbers and booleans are accepted and kept as their text
//   ios      IntOrString       qty   resource.Quantity   time   metav1.Time (RFC 3339)
//   bytes    []byte (base64)   any   untyped JSON        item  a withItems entry (any JSON)
//   amount   a JSON number kept as written               plugin  an object with exactly one key
//   psteps   one parallel step group (a list of WorkflowStep decoded leniently, see decode.ts)
//   []T      list of T         {}T   map of string to T  Name  another type of this table
// `type=GoName` names a Go defined type for error messages (e.g. `s=v1alpha1.RetryPolicy`).
// Argo types are plain names (Go package v1alpha1); Kubernetes types carry their API group.

export const FIELD_TABLE: Record<string, string> = {
  // --- argoproj.io/v1alpha1: the resources ---
  Workflow: 'apiVersion:s kind:s metadata:meta.ObjectMeta spec:WorkflowSpec status:WorkflowStatus',
  WorkflowTemplate: 'apiVersion:s kind:s metadata:meta.ObjectMeta spec:WorkflowSpec',
  ClusterWorkflowTemplate: 'apiVersion:s kind:s metadata:meta.ObjectMeta spec:WorkflowSpec',
  CronWorkflow:
    'apiVersion:s kind:s metadata:meta.ObjectMeta spec:CronWorkflowSpec status:CronWorkflowStatus',
  CronWorkflowSpec:
    'workflowSpec:WorkflowSpec concurrencyPolicy:s=v1alpha1.ConcurrencyPolicy suspend:b startingDeadlineSeconds:i64 ' +
    'successfulJobsHistoryLimit:i32 failedJobsHistoryLimit:i32 timezone:s workflowMetadata:meta.ObjectMeta ' +
    'stopStrategy:StopStrategy schedules:[]s when:s',
  CronWorkflowStatus:
    'active:[]core.ObjectReference lastScheduledTime:time conditions:[]Condition succeeded:i64 failed:i64 ' +
    'phase:s=v1alpha1.CronWorkflowPhase',
  StopStrategy: 'expression:s',
  Condition: 'type:s=v1alpha1.ConditionType status:s=v1.ConditionStatus message:s',

  WorkflowSpec:
    'templates:[]Template entrypoint:s arguments:Arguments serviceAccountName:s automountServiceAccountToken:b ' +
    'executor:ExecutorConfig volumes:[]core.Volume volumeClaimTemplates:[]core.PersistentVolumeClaim ' +
    'parallelism:i64 artifactRepositoryRef:ArtifactRepositoryRef suspend:b nodeSelector:{}s ' +
    'affinity:core.Affinity tolerations:[]core.Toleration imagePullSecrets:[]core.LocalObjectReference ' +
    'hostNetwork:b dnsPolicy:s=v1.DNSPolicy dnsConfig:core.PodDNSConfig onExit:s ttlStrategy:TTLStrategy ' +
    'activeDeadlineSeconds:i64 priority:i32 schedulerName:s podGC:PodGC podPriorityClassName:s ' +
    'hostAliases:[]core.HostAlias securityContext:core.PodSecurityContext podSpecPatch:s ' +
    'podDisruptionBudget:policy.PodDisruptionBudgetSpec metrics:Metrics shutdown:s=v1alpha1.ShutdownStrategy ' +
    'workflowTemplateRef:WorkflowTemplateRef synchronization:Synchronization volumeClaimGC:VolumeClaimGC ' +
    'retryStrategy:RetryStrategy podMetadata:Metadata templateDefaults:Template archiveLogs:b ' +
    'hooks:{}LifecycleHook workflowMetadata:WorkflowMetadata artifactGC:WorkflowLevelArtifactGC ' +
    'executorPlugins:[]ExecutorPlugin podResources:core.ResourceRequirements resourceClaims:[]core.PodResourceClaim',
  WorkflowTemplateRef: 'name:s clusterScope:b',
  TTLStrategy: 'secondsAfterCompletion:i32 secondsAfterSuccess:i32 secondsAfterFailure:i32',
  PodGC: 'strategy:s=v1alpha1.PodGCStrategy labelSelector:meta.LabelSelector deleteDelayDuration:s',
  VolumeClaimGC: 'strategy:s=v1alpha1.VolumeClaimGCStrategy',
  WorkflowMetadata: 'labels:{}s annotations:{}s labelsFrom:{}LabelValueFrom',
  LabelValueFrom: 'expression:s',
  ArtifactRepositoryRef: 'configMap:s key:s',
  ExecutorConfig: 'serviceAccountName:s',
  ExecutorPlugin: 'metadata:meta.ObjectMeta spec:ExecutorPluginSpec',
  ExecutorPluginSpec: 'sidecar:ExecutorPluginSidecar',
  ExecutorPluginSidecar: 'automountServiceAccountToken:b container:core.Container',
  ArtifactGC: 'strategy:s=v1alpha1.ArtifactGCStrategy podMetadata:Metadata serviceAccountName:s',
  WorkflowLevelArtifactGC: '...ArtifactGC forceFinalizerRemoval:b podSpecPatch:s',
  Metadata: 'annotations:{}s labels:{}s',

  // --- templates ---
  Template:
    'name:s inputs:Inputs outputs:Outputs nodeSelector:{}s affinity:core.Affinity metadata:Metadata daemon:b ' +
    'steps:[]psteps container:core.Container containerSet:ContainerSetTemplate script:ScriptTemplate ' +
    'resource:ResourceTemplate dag:DAGTemplate suspend:SuspendTemplate data:Data http:HTTP plugin:plugin ' +
    'volumes:[]core.Volume initContainers:[]UserContainer sidecars:[]UserContainer ' +
    'archiveLocation:ArtifactLocation activeDeadlineSeconds:ios retryStrategy:RetryStrategy parallelism:i64 ' +
    'failFast:b tolerations:[]core.Toleration schedulerName:s priorityClassName:s serviceAccountName:s ' +
    'automountServiceAccountToken:b executor:ExecutorConfig hostAliases:[]core.HostAlias ' +
    'securityContext:core.PodSecurityContext podSpecPatch:s metrics:Metrics synchronization:Synchronization ' +
    'memoize:Memoize timeout:s annotations:{}s pendingTimeout:s podResources:core.ResourceRequirements ' +
    'resourceClaims:[]core.PodResourceClaim',
  Inputs: 'parameters:[]Parameter artifacts:[]Artifact',
  Outputs: 'parameters:[]Parameter artifacts:[]Artifact result:s exitCode:s',
  Arguments: 'parameters:[]Parameter artifacts:[]Artifact',
  Parameter:
    'name:s default:anystr value:anystr valueFrom:ValueFrom globalName:s enum:[]anystr description:anystr',
  ValueFrom:
    'path:s jsonPath:s jqFilter:s event:s parameter:s supplied:SuppliedValueFrom ' +
    'configMapKeyRef:core.ConfigMapKeySelector default:anystr expression:s',
  SuppliedValueFrom: '',
  WorkflowStep:
    'name:s template:s inline:Template arguments:Arguments templateRef:TemplateRef withItems:[]item ' +
    'withParam:s withSequence:Sequence when:s continueOn:ContinueOn onExit:s hooks:{}LifecycleHook',
  DAGTemplate: 'target:s tasks:[]DAGTask failFast:b',
  DAGTask:
    'name:s template:s inline:Template arguments:Arguments templateRef:TemplateRef dependencies:[]s ' +
    'withItems:[]item withParam:s withSequence:Sequence when:s continueOn:ContinueOn onExit:s depends:s ' +
    'hooks:{}LifecycleHook',
  TemplateRef: 'name:s template:s clusterScope:b',
  Sequence: 'count:ios start:ios end:ios format:s',
  ContinueOn: 'error:b failed:b',
  LifecycleHook: 'template:s arguments:Arguments templateRef:TemplateRef expression:s',
  ScriptTemplate: '...core.Container source:s',
  UserContainer: '...core.Container mirrorVolumeMounts:b',
  ContainerSetTemplate:
    'containers:[]ContainerNode volumeMounts:[]core.VolumeMount retryStrategy:ContainerSetRetryStrategy',
  ContainerNode: '...core.Container dependencies:[]s',
  ContainerSetRetryStrategy: 'duration:s retries:ios',
  ResourceTemplate:
    'action:s mergeStrategy:s manifest:s manifestFrom:ManifestFrom setOwnerReference:b successCondition:s ' +
    'failureCondition:s flags:[]s',
  ManifestFrom: 'artifact:Artifact',
  SuspendTemplate: 'duration:s',
  Data: 'source:DataSource transformation:[]TransformationStep',
  DataSource: 'artifactPaths:ArtifactPaths',
  ArtifactPaths: '...Artifact',
  TransformationStep: 'expression:s',
  HTTP:
    'method:s url:s headers:[]HTTPHeader timeoutSeconds:i64 successCondition:s body:s bodyFrom:HTTPBodySource ' +
    'insecureSkipVerify:b',
  HTTPHeader: 'name:s value:s valueFrom:HTTPHeaderSource',
  HTTPHeaderSource: 'secretKeyRef:core.SecretKeySelector',
  HTTPBodySource: 'bytes:bytes',
  RetryStrategy:
    'limit:ios retryPolicy:s=v1alpha1.RetryPolicy backoff:Backoff affinity:RetryAffinity expression:s',
  Backoff: 'duration:s factor:ios maxDuration:s cap:s',
  RetryAffinity: 'nodeAntiAffinity:RetryNodeAntiAffinity',
  RetryNodeAntiAffinity: '',
  Memoize: 'key:s cache:Cache maxAge:s',
  Cache: 'configMap:core.LocalObjectReference',
  Synchronization: 'semaphores:[]SemaphoreRef mutexes:[]Mutex',
  SemaphoreRef: 'configMapKeyRef:core.ConfigMapKeySelector namespace:s database:SyncDatabaseRef',
  SyncDatabaseRef: 'key:s',
  Mutex: 'name:s namespace:s database:b',
  Metrics: 'prometheus:[]Prometheus',
  Prometheus: 'name:s labels:[]MetricLabel help:s when:s gauge:Gauge histogram:Histogram counter:Counter',
  MetricLabel: 'key:s value:s',
  Gauge: 'value:s realtime:b operation:s=v1alpha1.GaugeOperation',
  Histogram: 'value:s buckets:[]amount',
  Counter: 'value:s',

  // --- artifacts ---
  Artifact:
    'name:s path:s mode:i32 from:s ...ArtifactLocation globalName:s archive:ArchiveStrategy optional:b ' +
    'subPath:s recurseMode:b fromExpression:s artifactGC:ArtifactGC deleted:b',
  ArtifactLocation:
    'archiveLogs:b s3:S3Artifact git:GitArtifact http:HTTPArtifact artifactory:ArtifactoryArtifact ' +
    'hdfs:HDFSArtifact raw:RawArtifact oss:OSSArtifact gcs:GCSArtifact azure:AzureArtifact plugin:PluginArtifact',
  ArchiveStrategy: 'tar:TarStrategy none:NoneStrategy zip:ZipStrategy',
  TarStrategy: 'compressionLevel:i32',
  NoneStrategy: '',
  ZipStrategy: '',
  S3Artifact:
    'endpoint:s bucket:s region:s insecure:b accessKeySecret:core.SecretKeySelector ' +
    'secretKeySecret:core.SecretKeySelector sessionTokenSecret:core.SecretKeySelector roleARN:s useSDKCreds:b ' +
    'createBucketIfNotPresent:CreateS3BucketOptions encryptionOptions:S3EncryptionOptions ' +
    'caSecret:core.SecretKeySelector addressingStyle:s key:s',
  CreateS3BucketOptions: 'objectLocking:b',
  S3EncryptionOptions:
    'kmsKeyId:s kmsEncryptionContext:s enableEncryption:b serverSideCustomerKeySecret:core.SecretKeySelector',
  GitArtifact:
    'repo:s revision:s depth:u64 fetch:[]s usernameSecret:core.SecretKeySelector ' +
    'passwordSecret:core.SecretKeySelector sshPrivateKeySecret:core.SecretKeySelector insecureIgnoreHostKey:b ' +
    'disableSubmodules:b singleBranch:b branch:s insecureSkipTLS:b',
  HTTPArtifact: 'headers:[]Header url:s auth:HTTPAuth saveStreamViaFile:b',
  Header: 'name:s value:s',
  HTTPAuth: 'clientCert:ClientCertAuth oauth2:OAuth2Auth basicAuth:BasicAuth',
  ClientCertAuth: 'clientCertSecret:core.SecretKeySelector clientKeySecret:core.SecretKeySelector',
  OAuth2Auth:
    'clientIDSecret:core.SecretKeySelector clientSecretSecret:core.SecretKeySelector ' +
    'tokenURLSecret:core.SecretKeySelector scopes:[]s endpointParams:[]OAuth2EndpointParam',
  OAuth2EndpointParam: 'key:s value:s',
  BasicAuth: 'usernameSecret:core.SecretKeySelector passwordSecret:core.SecretKeySelector',
  ArtifactoryArtifact: 'url:s usernameSecret:core.SecretKeySelector passwordSecret:core.SecretKeySelector',
  HDFSArtifact:
    'krbCCacheSecret:core.SecretKeySelector krbKeytabSecret:core.SecretKeySelector krbUsername:s krbRealm:s ' +
    'krbConfigConfigMap:core.ConfigMapKeySelector krbServicePrincipalName:s addresses:[]s hdfsUser:s ' +
    'dataTransferProtection:s path:s force:b',
  RawArtifact: 'data:s',
  OSSArtifact:
    'endpoint:s bucket:s accessKeySecret:core.SecretKeySelector secretKeySecret:core.SecretKeySelector ' +
    'createBucketIfNotPresent:b securityToken:s lifecycleRule:OSSLifecycleRule useSDKCreds:b key:s',
  OSSLifecycleRule: 'markInfrequentAccessAfterDays:i32 markDeletionAfterDays:i32',
  GCSArtifact: 'bucket:s serviceAccountKeySecret:core.SecretKeySelector key:s',
  AzureArtifact: 'endpoint:s container:s accountKeySecret:core.SecretKeySelector useSDKCreds:b blob:s',
  PluginArtifact: 'name:s=v1alpha1.ArtifactPluginName configuration:s connectionTimeoutSeconds:i32 key:s',

  // --- status (present when a resource read back from a cluster is linted or resubmitted) ---
  WorkflowStatus:
    'phase:s=v1alpha1.WorkflowPhase startedAt:time finishedAt:time estimatedDuration:i64=v1alpha1.EstimatedDuration ' +
    'progress:s=v1alpha1.Progress message:s compressedNodes:s nodes:{}NodeStatus offloadNodeStatusVersion:s ' +
    'storedTemplates:{}Template persistentVolumeClaims:[]core.Volume outputs:Outputs conditions:[]Condition ' +
    'resourcesDuration:{}i64=v1alpha1.ResourceDuration storedWorkflowTemplateSpec:WorkflowSpec ' +
    'synchronization:SynchronizationStatus artifactRepositoryRef:ArtifactRepositoryRefStatus ' +
    'artifactGCStatus:ArtGCStatus taskResultsCompletionStatus:{}b',
  NodeStatus:
    'id:s name:s displayName:s type:s=v1alpha1.NodeType templateName:s templateRef:TemplateRef templateScope:s ' +
    'phase:s=v1alpha1.NodePhase boundaryID:s message:s startedAt:time finishedAt:time ' +
    'estimatedDuration:i64=v1alpha1.EstimatedDuration progress:s=v1alpha1.Progress ' +
    'resourcesDuration:{}i64=v1alpha1.ResourceDuration podIP:s daemoned:b nodeFlag:NodeFlag inputs:Inputs ' +
    'outputs:Outputs children:[]s outboundNodes:[]s hostNodeName:s memoizationStatus:MemoizationStatus ' +
    'synchronizationStatus:NodeSynchronizationStatus taskResultSynced:b failedPodRestarts:i32 restartingPodUID:s',
  NodeFlag: 'hooked:b retried:b',
  MemoizationStatus: 'hit:b key:s cacheName:s',
  NodeSynchronizationStatus: 'waiting:s',
  SynchronizationStatus: 'semaphore:SemaphoreStatus mutex:MutexStatus',
  SemaphoreStatus: 'holding:[]SemaphoreHolding waiting:[]SemaphoreHolding',
  SemaphoreHolding: 'semaphore:s holders:[]s',
  MutexStatus: 'holding:[]MutexHolding waiting:[]MutexHolding',
  MutexHolding: 'mutex:s holder:s',
  ArtifactRepositoryRefStatus:
    '...ArtifactRepositoryRef namespace:s default:b artifactRepository:ArtifactRepository',
  ArtifactRepository:
    'archiveLogs:b s3:S3ArtifactRepository artifactory:ArtifactoryArtifactRepository ' +
    'hdfs:HDFSArtifactRepository oss:OSSArtifactRepository gcs:GCSArtifactRepository ' +
    'azure:AzureArtifactRepository plugin:PluginArtifactRepository',
  S3ArtifactRepository:
    'endpoint:s bucket:s region:s insecure:b accessKeySecret:core.SecretKeySelector ' +
    'secretKeySecret:core.SecretKeySelector sessionTokenSecret:core.SecretKeySelector roleARN:s useSDKCreds:b ' +
    'createBucketIfNotPresent:CreateS3BucketOptions encryptionOptions:S3EncryptionOptions ' +
    'caSecret:core.SecretKeySelector addressingStyle:s keyFormat:s keyPrefix:s',
  ArtifactoryArtifactRepository:
    'usernameSecret:core.SecretKeySelector passwordSecret:core.SecretKeySelector repoURL:s keyFormat:s',
  HDFSArtifactRepository:
    'krbCCacheSecret:core.SecretKeySelector krbKeytabSecret:core.SecretKeySelector krbUsername:s krbRealm:s ' +
    'krbConfigConfigMap:core.ConfigMapKeySelector krbServicePrincipalName:s addresses:[]s hdfsUser:s ' +
    'dataTransferProtection:s pathFormat:s force:b',
  OSSArtifactRepository:
    'endpoint:s bucket:s accessKeySecret:core.SecretKeySelector secretKeySecret:core.SecretKeySelector ' +
    'createBucketIfNotPresent:b securityToken:s lifecycleRule:OSSLifecycleRule useSDKCreds:b keyFormat:s',
  GCSArtifactRepository: 'bucket:s serviceAccountKeySecret:core.SecretKeySelector keyFormat:s',
  AzureArtifactRepository:
    'endpoint:s container:s accountKeySecret:core.SecretKeySelector useSDKCreds:b blobNameFormat:s',
  PluginArtifactRepository: 'name:s=v1alpha1.ArtifactPluginName configuration:s keyFormat:s',
  ArtGCStatus: 'strategiesProcessed:{}b podsRecouped:{}b notSpecified:b',

  // --- k8s.io/apimachinery meta/v1 ---
  'meta.ObjectMeta':
    'name:s generateName:s namespace:s selfLink:s uid:s resourceVersion:s generation:i64 creationTimestamp:time ' +
    'deletionTimestamp:time deletionGracePeriodSeconds:i64 labels:{}s annotations:{}s ' +
    'ownerReferences:[]meta.OwnerReference finalizers:[]s managedFields:[]meta.ManagedFieldsEntry',
  'meta.OwnerReference': 'apiVersion:s kind:s name:s uid:s controller:b blockOwnerDeletion:b',
  'meta.ManagedFieldsEntry':
    'manager:s operation:s apiVersion:s time:time fieldsType:s fieldsV1:any subresource:s',
  'meta.LabelSelector': 'matchLabels:{}s matchExpressions:[]meta.LabelSelectorRequirement',
  'meta.LabelSelectorRequirement': 'key:s operator:s values:[]s',

  // --- k8s.io/api policy/v1 ---
  'policy.PodDisruptionBudgetSpec':
    'minAvailable:ios selector:meta.LabelSelector maxUnavailable:ios unhealthyPodEvictionPolicy:s',

  // --- k8s.io/api core/v1: containers ---
  'core.Container':
    'name:s image:s command:[]s args:[]s workingDir:s ports:[]core.ContainerPort envFrom:[]core.EnvFromSource ' +
    'env:[]core.EnvVar resources:core.ResourceRequirements resizePolicy:[]core.ContainerResizePolicy ' +
    'restartPolicy:s restartPolicyRules:[]core.ContainerRestartRule volumeMounts:[]core.VolumeMount ' +
    'volumeDevices:[]core.VolumeDevice livenessProbe:core.Probe readinessProbe:core.Probe ' +
    'startupProbe:core.Probe lifecycle:core.Lifecycle terminationMessagePath:s terminationMessagePolicy:s ' +
    'imagePullPolicy:s=v1.PullPolicy securityContext:core.SecurityContext stdin:b stdinOnce:b tty:b',
  'core.ContainerPort': 'name:s hostPort:i32 containerPort:i32 protocol:s=v1.Protocol hostIP:s',
  'core.ContainerResizePolicy': 'resourceName:s restartPolicy:s',
  'core.ContainerRestartRule': 'action:s exitCodes:core.ContainerRestartRuleOnExitCodes',
  'core.ContainerRestartRuleOnExitCodes': 'operator:s values:[]i32',
  'core.EnvVar': 'name:s value:s valueFrom:core.EnvVarSource',
  'core.EnvVarSource':
    'fieldRef:core.ObjectFieldSelector resourceFieldRef:core.ResourceFieldSelector ' +
    'configMapKeyRef:core.ConfigMapKeySelector secretKeyRef:core.SecretKeySelector fileKeyRef:core.FileKeySelector',
  'core.ObjectFieldSelector': 'apiVersion:s fieldPath:s',
  'core.ResourceFieldSelector': 'containerName:s resource:s divisor:qty',
  'core.ConfigMapKeySelector': 'name:s key:s optional:b',
  'core.SecretKeySelector': 'name:s key:s optional:b',
  'core.FileKeySelector': 'volumeName:s path:s key:s optional:b',
  'core.EnvFromSource': 'prefix:s configMapRef:core.ConfigMapEnvSource secretRef:core.SecretEnvSource',
  'core.ConfigMapEnvSource': 'name:s optional:b',
  'core.SecretEnvSource': 'name:s optional:b',
  'core.ResourceRequirements': 'limits:{}qty requests:{}qty claims:[]core.ResourceClaim',
  'core.ResourceClaim': 'name:s request:s',
  'core.VolumeMount':
    'name:s readOnly:b recursiveReadOnly:s mountPath:s subPath:s mountPropagation:s subPathExpr:s',
  'core.VolumeDevice': 'name:s devicePath:s',
  'core.Probe':
    'exec:core.ExecAction httpGet:core.HTTPGetAction tcpSocket:core.TCPSocketAction grpc:core.GRPCAction ' +
    'initialDelaySeconds:i32 timeoutSeconds:i32 periodSeconds:i32 successThreshold:i32 failureThreshold:i32 ' +
    'terminationGracePeriodSeconds:i64',
  'core.ExecAction': 'command:[]s',
  'core.HTTPGetAction': 'path:s port:ios host:s scheme:s httpHeaders:[]core.HTTPHeader',
  'core.HTTPHeader': 'name:s value:s',
  'core.TCPSocketAction': 'port:ios host:s',
  'core.GRPCAction': 'port:i32 service:s',
  'core.SleepAction': 'seconds:i64',
  'core.Lifecycle': 'postStart:core.LifecycleHandler preStop:core.LifecycleHandler stopSignal:s',
  'core.LifecycleHandler':
    'exec:core.ExecAction httpGet:core.HTTPGetAction tcpSocket:core.TCPSocketAction sleep:core.SleepAction',
  'core.SecurityContext':
    'capabilities:core.Capabilities privileged:b seLinuxOptions:core.SELinuxOptions ' +
    'windowsOptions:core.WindowsSecurityContextOptions runAsUser:i64 runAsGroup:i64 runAsNonRoot:b ' +
    'readOnlyRootFilesystem:b allowPrivilegeEscalation:b procMount:s seccompProfile:core.SeccompProfile ' +
    'appArmorProfile:core.AppArmorProfile',
  'core.Capabilities': 'add:[]s drop:[]s',
  'core.SELinuxOptions': 'user:s role:s type:s level:s',
  'core.WindowsSecurityContextOptions':
    'gmsaCredentialSpecName:s gmsaCredentialSpec:s runAsUserName:s hostProcess:b',
  'core.SeccompProfile': 'type:s localhostProfile:s',
  'core.AppArmorProfile': 'type:s localhostProfile:s',

  // --- core/v1: pod-level settings ---
  'core.PodSecurityContext':
    'seLinuxOptions:core.SELinuxOptions windowsOptions:core.WindowsSecurityContextOptions runAsUser:i64 ' +
    'runAsGroup:i64 runAsNonRoot:b supplementalGroups:[]i64 supplementalGroupsPolicy:s fsGroup:i64 ' +
    'sysctls:[]core.Sysctl fsGroupChangePolicy:s seccompProfile:core.SeccompProfile ' +
    'appArmorProfile:core.AppArmorProfile seLinuxChangePolicy:s',
  'core.Sysctl': 'name:s value:s',
  'core.Toleration': 'key:s operator:s value:s effect:s tolerationSeconds:i64',
  'core.HostAlias': 'ip:s hostnames:[]s',
  'core.LocalObjectReference': 'name:s',
  'core.ObjectReference': 'kind:s namespace:s name:s uid:s apiVersion:s resourceVersion:s fieldPath:s',
  'core.PodDNSConfig': 'nameservers:[]s searches:[]s options:[]core.PodDNSConfigOption',
  'core.PodDNSConfigOption': 'name:s value:s',
  'core.PodResourceClaim': 'name:s resourceClaimName:s resourceClaimTemplateName:s',
  'core.Affinity':
    'nodeAffinity:core.NodeAffinity podAffinity:core.PodAffinity podAntiAffinity:core.PodAntiAffinity',
  'core.NodeAffinity':
    'requiredDuringSchedulingIgnoredDuringExecution:core.NodeSelector ' +
    'preferredDuringSchedulingIgnoredDuringExecution:[]core.PreferredSchedulingTerm',
  'core.NodeSelector': 'nodeSelectorTerms:[]core.NodeSelectorTerm',
  'core.NodeSelectorTerm':
    'matchExpressions:[]core.NodeSelectorRequirement matchFields:[]core.NodeSelectorRequirement',
  'core.NodeSelectorRequirement': 'key:s operator:s values:[]s',
  'core.PreferredSchedulingTerm': 'weight:i32 preference:core.NodeSelectorTerm',
  'core.PodAffinity':
    'requiredDuringSchedulingIgnoredDuringExecution:[]core.PodAffinityTerm ' +
    'preferredDuringSchedulingIgnoredDuringExecution:[]core.WeightedPodAffinityTerm',
  'core.PodAntiAffinity':
    'requiredDuringSchedulingIgnoredDuringExecution:[]core.PodAffinityTerm ' +
    'preferredDuringSchedulingIgnoredDuringExecution:[]core.WeightedPodAffinityTerm',
  'core.PodAffinityTerm':
    'labelSelector:meta.LabelSelector namespaces:[]s topologyKey:s namespaceSelector:meta.LabelSelector ' +
    'matchLabelKeys:[]s mismatchLabelKeys:[]s',
  'core.WeightedPodAffinityTerm': 'weight:i32 podAffinityTerm:core.PodAffinityTerm',

  // --- core/v1: volumes and claims ---
  'core.Volume':
    'name:s hostPath:core.HostPathVolumeSource emptyDir:core.EmptyDirVolumeSource ' +
    'gcePersistentDisk:core.GCEPersistentDiskVolumeSource awsElasticBlockStore:core.AWSElasticBlockStoreVolumeSource ' +
    'gitRepo:core.GitRepoVolumeSource secret:core.SecretVolumeSource nfs:core.NFSVolumeSource ' +
    'iscsi:core.ISCSIVolumeSource glusterfs:core.GlusterfsVolumeSource ' +
    'persistentVolumeClaim:core.PersistentVolumeClaimVolumeSource rbd:core.RBDVolumeSource ' +
    'flexVolume:core.FlexVolumeSource cinder:core.CinderVolumeSource cephfs:core.CephFSVolumeSource ' +
    'flocker:core.FlockerVolumeSource downwardAPI:core.DownwardAPIVolumeSource fc:core.FCVolumeSource ' +
    'azureFile:core.AzureFileVolumeSource configMap:core.ConfigMapVolumeSource ' +
    'vsphereVolume:core.VsphereVirtualDiskVolumeSource quobyte:core.QuobyteVolumeSource ' +
    'azureDisk:core.AzureDiskVolumeSource photonPersistentDisk:core.PhotonPersistentDiskVolumeSource ' +
    'projected:core.ProjectedVolumeSource portworxVolume:core.PortworxVolumeSource ' +
    'scaleIO:core.ScaleIOVolumeSource storageos:core.StorageOSVolumeSource csi:core.CSIVolumeSource ' +
    'ephemeral:core.EphemeralVolumeSource image:core.ImageVolumeSource',
  'core.HostPathVolumeSource': 'path:s type:s',
  'core.EmptyDirVolumeSource': 'medium:s sizeLimit:qty',
  'core.GCEPersistentDiskVolumeSource': 'pdName:s fsType:s partition:i32 readOnly:b',
  'core.AWSElasticBlockStoreVolumeSource': 'volumeID:s fsType:s partition:i32 readOnly:b',
  'core.GitRepoVolumeSource': 'repository:s revision:s directory:s',
  'core.SecretVolumeSource': 'secretName:s items:[]core.KeyToPath defaultMode:i32 optional:b',
  'core.KeyToPath': 'key:s path:s mode:i32',
  'core.NFSVolumeSource': 'server:s path:s readOnly:b',
  'core.ISCSIVolumeSource':
    'targetPortal:s iqn:s lun:i32 iscsiInterface:s fsType:s readOnly:b portals:[]s chapAuthDiscovery:b ' +
    'chapAuthSession:b secretRef:core.LocalObjectReference initiatorName:s',
  'core.GlusterfsVolumeSource': 'endpoints:s path:s readOnly:b',
  'core.PersistentVolumeClaimVolumeSource': 'claimName:s readOnly:b',
  'core.RBDVolumeSource':
    'monitors:[]s image:s fsType:s pool:s user:s keyring:s secretRef:core.LocalObjectReference readOnly:b',
  'core.FlexVolumeSource': 'driver:s fsType:s secretRef:core.LocalObjectReference readOnly:b options:{}s',
  'core.CinderVolumeSource': 'volumeID:s fsType:s readOnly:b secretRef:core.LocalObjectReference',
  'core.CephFSVolumeSource':
    'monitors:[]s path:s user:s secretFile:s secretRef:core.LocalObjectReference readOnly:b',
  'core.FlockerVolumeSource': 'datasetName:s datasetUUID:s',
  'core.DownwardAPIVolumeSource': 'items:[]core.DownwardAPIVolumeFile defaultMode:i32',
  'core.DownwardAPIVolumeFile':
    'path:s fieldRef:core.ObjectFieldSelector resourceFieldRef:core.ResourceFieldSelector mode:i32',
  'core.FCVolumeSource': 'targetWWNs:[]s lun:i32 fsType:s readOnly:b wwids:[]s',
  'core.AzureFileVolumeSource': 'secretName:s shareName:s readOnly:b',
  'core.ConfigMapVolumeSource': 'name:s items:[]core.KeyToPath defaultMode:i32 optional:b',
  'core.VsphereVirtualDiskVolumeSource': 'volumePath:s fsType:s storagePolicyName:s storagePolicyID:s',
  'core.QuobyteVolumeSource': 'registry:s volume:s readOnly:b user:s group:s tenant:s',
  'core.AzureDiskVolumeSource': 'diskName:s diskURI:s cachingMode:s fsType:s readOnly:b kind:s',
  'core.PhotonPersistentDiskVolumeSource': 'pdID:s fsType:s',
  'core.ProjectedVolumeSource': 'sources:[]core.VolumeProjection defaultMode:i32',
  'core.VolumeProjection':
    'secret:core.SecretProjection downwardAPI:core.DownwardAPIProjection configMap:core.ConfigMapProjection ' +
    'serviceAccountToken:core.ServiceAccountTokenProjection clusterTrustBundle:core.ClusterTrustBundleProjection ' +
    'podCertificate:core.PodCertificateProjection',
  'core.SecretProjection': 'name:s items:[]core.KeyToPath optional:b',
  'core.DownwardAPIProjection': 'items:[]core.DownwardAPIVolumeFile',
  'core.ConfigMapProjection': 'name:s items:[]core.KeyToPath optional:b',
  'core.ServiceAccountTokenProjection': 'audience:s expirationSeconds:i64 path:s',
  'core.ClusterTrustBundleProjection':
    'name:s signerName:s labelSelector:meta.LabelSelector optional:b path:s',
  'core.PodCertificateProjection':
    'signerName:s keyType:s maxExpirationSeconds:i32 credentialBundlePath:s keyPath:s certificateChainPath:s ' +
    'userAnnotations:{}s',
  'core.PortworxVolumeSource': 'volumeID:s fsType:s readOnly:b',
  'core.ScaleIOVolumeSource':
    'gateway:s system:s secretRef:core.LocalObjectReference sslEnabled:b protectionDomain:s storagePool:s ' +
    'storageMode:s volumeName:s fsType:s readOnly:b',
  'core.StorageOSVolumeSource':
    'volumeName:s volumeNamespace:s fsType:s readOnly:b secretRef:core.LocalObjectReference',
  'core.CSIVolumeSource':
    'driver:s readOnly:b fsType:s volumeAttributes:{}s nodePublishSecretRef:core.LocalObjectReference',
  'core.EphemeralVolumeSource': 'volumeClaimTemplate:core.PersistentVolumeClaimTemplate',
  'core.ImageVolumeSource': 'reference:s pullPolicy:s',
  'core.PersistentVolumeClaimTemplate': 'metadata:meta.ObjectMeta spec:core.PersistentVolumeClaimSpec',
  'core.PersistentVolumeClaim':
    'kind:s apiVersion:s metadata:meta.ObjectMeta spec:core.PersistentVolumeClaimSpec ' +
    'status:core.PersistentVolumeClaimStatus',
  'core.PersistentVolumeClaimSpec':
    'accessModes:[]s selector:meta.LabelSelector resources:core.VolumeResourceRequirements volumeName:s ' +
    'storageClassName:s volumeMode:s dataSource:core.TypedLocalObjectReference ' +
    'dataSourceRef:core.TypedObjectReference volumeAttributesClassName:s',
  'core.VolumeResourceRequirements': 'limits:{}qty requests:{}qty',
  'core.TypedLocalObjectReference': 'apiGroup:s kind:s name:s',
  'core.TypedObjectReference': 'apiGroup:s kind:s name:s namespace:s',
  'core.PersistentVolumeClaimStatus':
    'phase:s accessModes:[]s capacity:{}qty conditions:[]core.PersistentVolumeClaimCondition ' +
    'allocatedResources:{}qty allocatedResourceStatuses:{}s currentVolumeAttributesClassName:s ' +
    'modifyVolumeStatus:core.ModifyVolumeStatus',
  'core.PersistentVolumeClaimCondition':
    'type:s status:s lastProbeTime:time lastTransitionTime:time reason:s message:s',
  'core.ModifyVolumeStatus': 'targetVolumeAttributesClassName:s status:s',
};

/** The resource kinds whose manifests are decoded against the table. */
export const RESOURCE_KINDS = [
  'Workflow',
  'WorkflowTemplate',
  'ClusterWorkflowTemplate',
  'CronWorkflow',
] as const;
export type ResourceKind = (typeof RESOURCE_KINDS)[number];

export type TypeExpr =
  | { kind: 'scalar'; scalar: ScalarKind; goName: string }
  | { kind: 'list'; of: TypeExpr }
  | { kind: 'map'; of: TypeExpr }
  | { kind: 'struct'; name: string };

export type ScalarKind =
  | 's'
  | 'b'
  | 'i32'
  | 'i64'
  | 'u64'
  | 'f64'
  | 'anystr'
  | 'ios'
  | 'qty'
  | 'time'
  | 'bytes'
  | 'any'
  | 'item'
  | 'amount'
  | 'plugin'
  | 'psteps';

const SCALAR_GO_NAMES: Record<ScalarKind, string> = {
  s: 'string',
  b: 'bool',
  i32: 'int32',
  i64: 'int64',
  u64: 'uint64',
  f64: 'float64',
  anystr: 'v1alpha1.AnyString',
  ios: 'intstr.IntOrString',
  qty: 'resource.Quantity',
  time: 'v1.Time',
  bytes: '[]uint8',
  any: 'interface {}',
  item: 'v1alpha1.Item',
  amount: 'v1alpha1.Amount',
  plugin: 'v1alpha1.Plugin',
  psteps: 'v1alpha1.ParallelSteps',
};

export interface StructDef {
  /** Table name, e.g. `Template` or `core.Container`. */
  name: string;
  /** Go's name for the type in messages, e.g. `v1alpha1.Template`. */
  goName: string;
  /** Bare struct name as Go's decoder reports it (`Template`). */
  structName: string;
  fields: Map<string, TypeExpr>;
}

export function parseTypeExpr(text: string): TypeExpr {
  if (text.startsWith('[]')) return { kind: 'list', of: parseTypeExpr(text.slice(2)) };
  if (text.startsWith('{}')) return { kind: 'map', of: parseTypeExpr(text.slice(2)) };
  const [base, goOverride] = text.split('=');
  if (base in SCALAR_GO_NAMES) {
    const scalar = base as ScalarKind;
    return { kind: 'scalar', scalar, goName: goOverride ?? SCALAR_GO_NAMES[scalar] };
  }
  return { kind: 'struct', name: base };
}

export function goTypeName(t: TypeExpr): string {
  switch (t.kind) {
    case 'scalar':
      return t.goName;
    case 'list':
      return `[]${goTypeName(t.of)}`;
    case 'map':
      return `map[string]${goTypeName(t.of)}`;
    case 'struct':
      return structGoName(t.name);
  }
}

function structGoName(name: string): string {
  const dot = name.indexOf('.');
  return dot < 0 ? `v1alpha1.${name}` : `v1.${name.slice(dot + 1)}`;
}

/** Field specs of a table entry with embedded structs expanded, in declaration order. */
export function expandFields(name: string, seen: Set<string> = new Set()): [string, string][] {
  const spec = FIELD_TABLE[name];
  if (spec === undefined) throw new Error(`field table has no type ${name}`);
  if (seen.has(name)) throw new Error(`field table embeds ${name} in itself`);
  seen.add(name);
  const out: [string, string][] = [];
  for (const part of spec.split(/\s+/).filter(Boolean)) {
    if (part.startsWith('...')) out.push(...expandFields(part.slice(3), new Set(seen)));
    else {
      const colon = part.indexOf(':');
      out.push([part.slice(0, colon), part.slice(colon + 1)]);
    }
  }
  return out;
}

const structCache = new Map<string, StructDef>();

export function structDef(name: string): StructDef {
  let def = structCache.get(name);
  if (!def) {
    const fields = new Map<string, TypeExpr>();
    for (const [field, type] of expandFields(name)) fields.set(field, parseTypeExpr(type));
    const goName = structGoName(name);
    def = { name, goName, structName: goName.slice(goName.indexOf('.') + 1), fields };
    structCache.set(name, def);
  }
  return def;
}

/** The field names a WorkflowStep may carry; steps reject others even without --strict. */
export const WORKFLOW_STEP_FIELDS: ReadonlySet<string> = new Set(
  expandFields('WorkflowStep').map(([f]) => f),
);
