// Extracted mechanically from the Go type declarations of Argo Workflows v4.1.2 (pkg/apis/workflow/v1alpha1),
// k8s.io/api v0.35.4 and k8s.io/apimachinery v0.35.4; re-extract when the target versions change.
//
// For each struct the Go CLI marshals: its JSON fields in declaration order (embedded structs
// flattened where Go's encoding/json promotes them), each as `name type [flags]`, joined by ';'.
// Types: s string, b bool, i integer, f float, time metav1.Time, mtime metav1.MicroTime,
// dur metav1.Duration, q resource.Quantity, ios IntOrString, bytes []byte, raw JSON passed through,
// @Name a struct below; prefixes * pointer, [] slice, {} map with string keys.
// Flags: 1 omitempty, 2 omitzero, 3 both.
export const GO_STRUCTS: Readonly<Record<string, string>> = {
  Workflow: 'kind s 1;apiVersion s 1;metadata @ObjectMeta;spec @WorkflowSpec;status @WorkflowStatus 1',
  WorkflowTemplate: 'kind s 1;apiVersion s 1;metadata @ObjectMeta;spec @WorkflowSpec',
  ClusterWorkflowTemplate: 'kind s 1;apiVersion s 1;metadata @ObjectMeta;spec @WorkflowSpec',
  CronWorkflow:
    'kind s 1;apiVersion s 1;metadata @ObjectMeta;spec @CronWorkflowSpec;status @CronWorkflowStatus 1',
  WorkflowEventBinding: 'kind s 1;apiVersion s 1;metadata @ObjectMeta;spec @WorkflowEventBindingSpec',
  WorkflowTaskResult:
    'kind s 1;apiVersion s 1;metadata @ObjectMeta;phase s 1;message s 1;outputs *@Outputs 1;progress s 1',
  ObjectMeta:
    'name s 1;generateName s 1;namespace s 1;selfLink s 1;uid s 1;resourceVersion s 1;generation i 1;creationTimestamp time 3;deletionTimestamp *time 1;deletionGracePeriodSeconds *i 1;labels {}s 1;annotations {}s 1;ownerReferences []@OwnerReference 1;finalizers []s 1;managedFields []@ManagedFieldsEntry 1',
  WorkflowSpec:
    'templates []@Template 1;entrypoint s 1;arguments @Arguments 1;serviceAccountName s 1;automountServiceAccountToken *b 1;executor *@ExecutorConfig 1;volumes []@Volume 1;volumeClaimTemplates []@PersistentVolumeClaim 1;parallelism *i 1;artifactRepositoryRef *@ArtifactRepositoryRef 1;suspend *b 1;nodeSelector {}s 1;affinity *@Affinity 1;tolerations []@Toleration 1;imagePullSecrets []@LocalObjectReference 1;hostNetwork *b 1;dnsPolicy *s 1;dnsConfig *@PodDNSConfig 1;onExit s 1;ttlStrategy *@TTLStrategy 1;activeDeadlineSeconds *i 1;priority *i 1;schedulerName s 1;podGC *@PodGC 1;podPriorityClassName s 1;hostAliases []@HostAlias 1;securityContext *@PodSecurityContext 1;podSpecPatch s 1;podDisruptionBudget *@PodDisruptionBudgetSpec 1;metrics *@Metrics 1;shutdown s 1;workflowTemplateRef *@WorkflowTemplateRef 1;synchronization *@Synchronization 1;volumeClaimGC *@VolumeClaimGC 1;retryStrategy *@RetryStrategy 1;podMetadata *@Metadata 1;templateDefaults *@Template 1;archiveLogs *b 1;hooks {}@LifecycleHook 1;workflowMetadata *@WorkflowMetadata 1;artifactGC *@WorkflowLevelArtifactGC 1;executorPlugins []@ExecutorPlugin 1;podResources *@ResourceRequirements 1;resourceClaims []@PodResourceClaim 1',
  WorkflowStatus:
    'phase s 1;startedAt time 1;finishedAt time 1;estimatedDuration i 1;progress s 1;message s 1;compressedNodes s 1;nodes {}@NodeStatus 1;offloadNodeStatusVersion s 1;storedTemplates {}@Template 1;persistentVolumeClaims []@Volume 1;outputs *@Outputs 1;conditions []@Condition 1;resourcesDuration {}i 1;storedWorkflowTemplateSpec *@WorkflowSpec 1;synchronization *@SynchronizationStatus 1;artifactRepositoryRef *@ArtifactRepositoryRefStatus 1;artifactGCStatus *@ArtGCStatus 1;taskResultsCompletionStatus {}b 1',
  CronWorkflowSpec:
    'workflowSpec @WorkflowSpec;concurrencyPolicy s 1;suspend b 1;startingDeadlineSeconds *i 1;successfulJobsHistoryLimit *i 1;failedJobsHistoryLimit *i 1;timezone s 1;workflowMetadata *@ObjectMeta 1;stopStrategy *@StopStrategy 1;schedules []s;when s 1',
  CronWorkflowStatus:
    'active []@ObjectReference;lastScheduledTime *time;conditions []@Condition;succeeded i;failed i;phase s',
  WorkflowEventBindingSpec: 'event @Event;submit *@Submit 1',
  Outputs: 'parameters []@Parameter 1;artifacts []@Artifact 1;result *s 1;exitCode *s 1',
  OwnerReference: 'apiVersion s;kind s;name s;uid s;controller *b 1;blockOwnerDeletion *b 1',
  ManagedFieldsEntry:
    'manager s 1;operation s 1;apiVersion s 1;time *time 1;fieldsType s 1;fieldsV1 *raw 1;subresource s 1',
  Template:
    'name s 1;inputs @Inputs 1;outputs @Outputs 1;nodeSelector {}s 1;affinity *@Affinity 1;metadata @Metadata 1;daemon *b 1;steps [][]@WorkflowStep 1;container *@Container 1;containerSet *@ContainerSetTemplate 1;script *@ScriptTemplate 1;resource *@ResourceTemplate 1;dag *@DAGTemplate 1;suspend *@SuspendTemplate 1;data *@Data 1;http *@HTTP 1;plugin *raw 1;volumes []@Volume 1;initContainers []@UserContainer 1;sidecars []@UserContainer 1;archiveLocation *@ArtifactLocation 1;activeDeadlineSeconds *ios 1;retryStrategy *@RetryStrategy 1;parallelism *i 1;failFast *b 1;tolerations []@Toleration 1;schedulerName s 1;priorityClassName s 1;serviceAccountName s 1;automountServiceAccountToken *b 1;executor *@ExecutorConfig 1;hostAliases []@HostAlias 1;securityContext *@PodSecurityContext 1;podSpecPatch s 1;metrics *@Metrics 1;synchronization *@Synchronization 1;memoize *@Memoize 1;timeout s 1;annotations {}s 1;pendingTimeout s 1;podResources *@ResourceRequirements 1;resourceClaims []@PodResourceClaim 1',
  Arguments: 'parameters []@Parameter 1;artifacts []@Artifact 1',
  ExecutorConfig: 'serviceAccountName s 1',
  Volume:
    'name s;hostPath *@HostPathVolumeSource 1;emptyDir *@EmptyDirVolumeSource 1;gcePersistentDisk *@GCEPersistentDiskVolumeSource 1;awsElasticBlockStore *@AWSElasticBlockStoreVolumeSource 1;gitRepo *@GitRepoVolumeSource 1;secret *@SecretVolumeSource 1;nfs *@NFSVolumeSource 1;iscsi *@ISCSIVolumeSource 1;glusterfs *@GlusterfsVolumeSource 1;persistentVolumeClaim *@PersistentVolumeClaimVolumeSource 1;rbd *@RBDVolumeSource 1;flexVolume *@FlexVolumeSource 1;cinder *@CinderVolumeSource 1;cephfs *@CephFSVolumeSource 1;flocker *@FlockerVolumeSource 1;downwardAPI *@DownwardAPIVolumeSource 1;fc *@FCVolumeSource 1;azureFile *@AzureFileVolumeSource 1;configMap *@ConfigMapVolumeSource 1;vsphereVolume *@VsphereVirtualDiskVolumeSource 1;quobyte *@QuobyteVolumeSource 1;azureDisk *@AzureDiskVolumeSource 1;photonPersistentDisk *@PhotonPersistentDiskVolumeSource 1;projected *@ProjectedVolumeSource 1;portworxVolume *@PortworxVolumeSource 1;scaleIO *@ScaleIOVolumeSource 1;storageos *@StorageOSVolumeSource 1;csi *@CSIVolumeSource 1;ephemeral *@EphemeralVolumeSource 1;image *@ImageVolumeSource 1',
  PersistentVolumeClaim:
    'kind s 1;apiVersion s 1;metadata @ObjectMeta 1;spec @PersistentVolumeClaimSpec 1;status @PersistentVolumeClaimStatus 1',
  ArtifactRepositoryRef: 'configMap s 1;key s 1',
  Affinity: 'nodeAffinity *@NodeAffinity 1;podAffinity *@PodAffinity 1;podAntiAffinity *@PodAntiAffinity 1',
  Toleration: 'key s 1;operator s 1;value s 1;effect s 1;tolerationSeconds *i 1',
  LocalObjectReference: 'name s 1',
  PodDNSConfig: 'nameservers []s 1;searches []s 1;options []@PodDNSConfigOption 1',
  TTLStrategy: 'secondsAfterCompletion *i 1;secondsAfterSuccess *i 1;secondsAfterFailure *i 1',
  PodGC: 'strategy s 1;labelSelector *@LabelSelector 1;deleteDelayDuration s 1',
  HostAlias: 'ip s;hostnames []s 1',
  PodSecurityContext:
    'seLinuxOptions *@SELinuxOptions 1;windowsOptions *@WindowsSecurityContextOptions 1;runAsUser *i 1;runAsGroup *i 1;runAsNonRoot *b 1;supplementalGroups []i 1;supplementalGroupsPolicy *s 1;fsGroup *i 1;sysctls []@Sysctl 1;fsGroupChangePolicy *s 1;seccompProfile *@SeccompProfile 1;appArmorProfile *@AppArmorProfile 1;seLinuxChangePolicy *s 1',
  PodDisruptionBudgetSpec:
    'minAvailable *ios 1;selector *@LabelSelector 1;maxUnavailable *ios 1;unhealthyPodEvictionPolicy *s 1',
  Metrics: 'prometheus []*@Prometheus',
  WorkflowTemplateRef: 'name s 1;clusterScope b 1',
  Synchronization: 'semaphores []*@SemaphoreRef 1;mutexes []*@Mutex 1',
  VolumeClaimGC: 'strategy s 1',
  RetryStrategy: 'limit *ios 1;retryPolicy s 1;backoff *@Backoff 1;affinity *@RetryAffinity 1;expression s 1',
  Metadata: 'annotations {}s 1;labels {}s 1',
  LifecycleHook: 'template s 1;arguments @Arguments 1;templateRef *@TemplateRef 1;expression s 1',
  WorkflowMetadata: 'labels {}s 1;annotations {}s 1;labelsFrom {}@LabelValueFrom 1',
  WorkflowLevelArtifactGC:
    'strategy s 1;podMetadata *@Metadata 1;serviceAccountName s 1;forceFinalizerRemoval b 1;podSpecPatch s 1',
  ExecutorPlugin: 'metadata @ObjectMeta;spec @ExecutorPluginSpec',
  ResourceRequirements: 'limits {}q 1;requests {}q 1;claims []@ResourceClaim 1',
  PodResourceClaim: 'name s;resourceClaimName *s 1;resourceClaimTemplateName *s 1',
  NodeStatus:
    'id s;name s;displayName s 1;type s;templateName s 1;templateRef *@TemplateRef 1;templateScope s 1;phase s 1;boundaryID s 1;message s 1;startedAt time 1;finishedAt time 1;estimatedDuration i 1;progress s 1;resourcesDuration {}i 1;podIP s 1;daemoned *b 1;nodeFlag *@NodeFlag 1;inputs *@Inputs 1;outputs *@Outputs 1;children []s 1;outboundNodes []s 1;hostNodeName s 1;memoizationStatus *@MemoizationStatus 1;synchronizationStatus *@NodeSynchronizationStatus 1;taskResultSynced *b 1;failedPodRestarts i 1;restartingPodUID s 1',
  Condition: 'type s 1;status s 1;message s 1',
  SynchronizationStatus: 'semaphore *@SemaphoreStatus 1;mutex *@MutexStatus 1',
  ArtifactRepositoryRefStatus:
    'configMap s 1;key s 1;namespace s 1;default b 1;artifactRepository *@ArtifactRepository 1',
  ArtGCStatus: 'strategiesProcessed {}b 1;podsRecouped {}b 1;notSpecified b 1',
  StopStrategy: 'expression s',
  ObjectReference: 'kind s 1;namespace s 1;name s 1;uid s 1;apiVersion s 1;resourceVersion s 1;fieldPath s 1',
  Event: 'selector s',
  Submit: 'workflowTemplateRef @WorkflowTemplateRef;metadata @ObjectMeta 1;arguments *@Arguments 1',
  Parameter:
    'name s;default *s 1;value *s 1;valueFrom *@ValueFrom 1;globalName s 1;enum []s 1;description *s 1',
  Artifact:
    'name s;path s 1;mode *i 1;from s 1;archiveLogs *b 1;s3 *@S3Artifact 1;git *@GitArtifact 1;http *@HTTPArtifact 1;artifactory *@ArtifactoryArtifact 1;hdfs *@HDFSArtifact 1;raw *@RawArtifact 1;oss *@OSSArtifact 1;gcs *@GCSArtifact 1;azure *@AzureArtifact 1;plugin *@PluginArtifact 1;globalName s 1;archive *@ArchiveStrategy 1;optional b 1;subPath s 1;recurseMode b 1;fromExpression s 1;artifactGC *@ArtifactGC 1;deleted b 1',
  Inputs: 'parameters []@Parameter 1;artifacts []@Artifact 1',
  WorkflowStep:
    'name s 1;template s 1;inline *@Template 1;arguments @Arguments 1;templateRef *@TemplateRef 1;withItems []raw 1;withParam s 1;withSequence *@Sequence 1;when s 1;continueOn *@ContinueOn 1;onExit s 1;hooks {}@LifecycleHook 1',
  Container:
    'name s;image s 1;command []s 1;args []s 1;workingDir s 1;ports []@ContainerPort 1;envFrom []@EnvFromSource 1;env []@EnvVar 1;resources @ResourceRequirements 1;resizePolicy []@ContainerResizePolicy 1;restartPolicy *s 1;restartPolicyRules []@ContainerRestartRule 1;volumeMounts []@VolumeMount 1;volumeDevices []@VolumeDevice 1;livenessProbe *@Probe 1;readinessProbe *@Probe 1;startupProbe *@Probe 1;lifecycle *@Lifecycle 1;terminationMessagePath s 1;terminationMessagePolicy s 1;imagePullPolicy s 1;securityContext *@SecurityContext 1;stdin b 1;stdinOnce b 1;tty b 1',
  ContainerSetTemplate:
    'containers []@ContainerNode;volumeMounts []@VolumeMount 1;retryStrategy *@ContainerSetRetryStrategy 1',
  ScriptTemplate:
    'name s;image s 1;command []s 1;args []s 1;workingDir s 1;ports []@ContainerPort 1;envFrom []@EnvFromSource 1;env []@EnvVar 1;resources @ResourceRequirements 1;resizePolicy []@ContainerResizePolicy 1;restartPolicy *s 1;restartPolicyRules []@ContainerRestartRule 1;volumeMounts []@VolumeMount 1;volumeDevices []@VolumeDevice 1;livenessProbe *@Probe 1;readinessProbe *@Probe 1;startupProbe *@Probe 1;lifecycle *@Lifecycle 1;terminationMessagePath s 1;terminationMessagePolicy s 1;imagePullPolicy s 1;securityContext *@SecurityContext 1;stdin b 1;stdinOnce b 1;tty b 1;source s',
  ResourceTemplate:
    'action s;mergeStrategy s 1;manifest s 1;manifestFrom *@ManifestFrom 1;setOwnerReference b 1;successCondition s 1;failureCondition s 1;flags []s 1',
  DAGTemplate: 'target s 1;tasks []@DAGTask;failFast *b 1',
  SuspendTemplate: 'duration s 1',
  Data: 'source @DataSource;transformation []@TransformationStep',
  HTTP: 'method s 1;url s;headers []@wf_HTTPHeader 1;timeoutSeconds *i 1;successCondition s 1;body s 1;bodyFrom *@HTTPBodySource 1;insecureSkipVerify b 1',
  UserContainer:
    'name s;image s 1;command []s 1;args []s 1;workingDir s 1;ports []@ContainerPort 1;envFrom []@EnvFromSource 1;env []@EnvVar 1;resources @ResourceRequirements 1;resizePolicy []@ContainerResizePolicy 1;restartPolicy *s 1;restartPolicyRules []@ContainerRestartRule 1;volumeMounts []@VolumeMount 1;volumeDevices []@VolumeDevice 1;livenessProbe *@Probe 1;readinessProbe *@Probe 1;startupProbe *@Probe 1;lifecycle *@Lifecycle 1;terminationMessagePath s 1;terminationMessagePolicy s 1;imagePullPolicy s 1;securityContext *@SecurityContext 1;stdin b 1;stdinOnce b 1;tty b 1;mirrorVolumeMounts *b 1',
  ArtifactLocation:
    'archiveLogs *b 1;s3 *@S3Artifact 1;git *@GitArtifact 1;http *@HTTPArtifact 1;artifactory *@ArtifactoryArtifact 1;hdfs *@HDFSArtifact 1;raw *@RawArtifact 1;oss *@OSSArtifact 1;gcs *@GCSArtifact 1;azure *@AzureArtifact 1;plugin *@PluginArtifact 1',
  Memoize: 'key s;cache *@Cache;maxAge s',
  HostPathVolumeSource: 'path s;type *s 1',
  EmptyDirVolumeSource: 'medium s 1;sizeLimit *q 1',
  GCEPersistentDiskVolumeSource: 'pdName s;fsType s 1;partition i 1;readOnly b 1',
  AWSElasticBlockStoreVolumeSource: 'volumeID s;fsType s 1;partition i 1;readOnly b 1',
  GitRepoVolumeSource: 'repository s;revision s 1;directory s 1',
  SecretVolumeSource: 'secretName s 1;items []@KeyToPath 1;defaultMode *i 1;optional *b 1',
  NFSVolumeSource: 'server s;path s;readOnly b 1',
  ISCSIVolumeSource:
    'targetPortal s;iqn s;lun i;iscsiInterface s 1;fsType s 1;readOnly b 1;portals []s 1;chapAuthDiscovery b 1;chapAuthSession b 1;secretRef *@LocalObjectReference 1;initiatorName *s 1',
  GlusterfsVolumeSource: 'endpoints s;path s;readOnly b 1',
  PersistentVolumeClaimVolumeSource: 'claimName s;readOnly b 1',
  RBDVolumeSource:
    'monitors []s;image s;fsType s 1;pool s 1;user s 1;keyring s 1;secretRef *@LocalObjectReference 1;readOnly b 1',
  FlexVolumeSource: 'driver s;fsType s 1;secretRef *@LocalObjectReference 1;readOnly b 1;options {}s 1',
  CinderVolumeSource: 'volumeID s;fsType s 1;readOnly b 1;secretRef *@LocalObjectReference 1',
  CephFSVolumeSource:
    'monitors []s;path s 1;user s 1;secretFile s 1;secretRef *@LocalObjectReference 1;readOnly b 1',
  FlockerVolumeSource: 'datasetName s 1;datasetUUID s 1',
  DownwardAPIVolumeSource: 'items []@DownwardAPIVolumeFile 1;defaultMode *i 1',
  FCVolumeSource: 'targetWWNs []s 1;lun *i 1;fsType s 1;readOnly b 1;wwids []s 1',
  AzureFileVolumeSource: 'secretName s;shareName s;readOnly b 1',
  ConfigMapVolumeSource: 'name s 1;items []@KeyToPath 1;defaultMode *i 1;optional *b 1',
  VsphereVirtualDiskVolumeSource: 'volumePath s;fsType s 1;storagePolicyName s 1;storagePolicyID s 1',
  QuobyteVolumeSource: 'registry s;volume s;readOnly b 1;user s 1;group s 1;tenant s 1',
  AzureDiskVolumeSource: 'diskName s;diskURI s;cachingMode *s 1;fsType *s 1;readOnly *b 1;kind *s 1',
  PhotonPersistentDiskVolumeSource: 'pdID s;fsType s 1',
  ProjectedVolumeSource: 'sources []@VolumeProjection;defaultMode *i 1',
  PortworxVolumeSource: 'volumeID s;fsType s 1;readOnly b 1',
  ScaleIOVolumeSource:
    'gateway s;system s;secretRef *@LocalObjectReference;sslEnabled b 1;protectionDomain s 1;storagePool s 1;storageMode s 1;volumeName s 1;fsType s 1;readOnly b 1',
  StorageOSVolumeSource:
    'volumeName s 1;volumeNamespace s 1;fsType s 1;readOnly b 1;secretRef *@LocalObjectReference 1',
  CSIVolumeSource:
    'driver s;readOnly *b 1;fsType *s 1;volumeAttributes {}s 1;nodePublishSecretRef *@LocalObjectReference 1',
  EphemeralVolumeSource: 'volumeClaimTemplate *@PersistentVolumeClaimTemplate 1',
  ImageVolumeSource: 'reference s 1;pullPolicy s 1',
  PersistentVolumeClaimSpec:
    'accessModes []s 1;selector *@LabelSelector 1;resources @VolumeResourceRequirements 1;volumeName s 1;storageClassName *s 1;volumeMode *s 1;dataSource *@TypedLocalObjectReference 1;dataSourceRef *@TypedObjectReference 1;volumeAttributesClassName *s 1',
  PersistentVolumeClaimStatus:
    'phase s 1;accessModes []s 1;capacity {}q 1;conditions []@PersistentVolumeClaimCondition 1;allocatedResources {}q 1;allocatedResourceStatuses {}s 1;currentVolumeAttributesClassName *s 1;modifyVolumeStatus *@ModifyVolumeStatus 1',
  NodeAffinity:
    'requiredDuringSchedulingIgnoredDuringExecution *@NodeSelector 1;preferredDuringSchedulingIgnoredDuringExecution []@PreferredSchedulingTerm 1',
  PodAffinity:
    'requiredDuringSchedulingIgnoredDuringExecution []@PodAffinityTerm 1;preferredDuringSchedulingIgnoredDuringExecution []@WeightedPodAffinityTerm 1',
  PodAntiAffinity:
    'requiredDuringSchedulingIgnoredDuringExecution []@PodAffinityTerm 1;preferredDuringSchedulingIgnoredDuringExecution []@WeightedPodAffinityTerm 1',
  PodDNSConfigOption: 'name s 1;value *s 1',
  LabelSelector: 'matchLabels {}s 1;matchExpressions []@LabelSelectorRequirement 1',
  SELinuxOptions: 'user s 1;role s 1;type s 1;level s 1',
  WindowsSecurityContextOptions:
    'gmsaCredentialSpecName *s 1;gmsaCredentialSpec *s 1;runAsUserName *s 1;hostProcess *b 1',
  Sysctl: 'name s;value s',
  SeccompProfile: 'type s;localhostProfile *s 1',
  AppArmorProfile: 'type s;localhostProfile *s 1',
  Prometheus:
    'name s;labels []*@MetricLabel 1;help s;when s 1;gauge *@Gauge 1;histogram *@Histogram 1;counter *@Counter 1',
  SemaphoreRef: 'configMapKeyRef *@ConfigMapKeySelector 1;namespace s 1;database *@SyncDatabaseRef 1',
  Mutex: 'name s 1;namespace s 1;database b 1',
  Backoff: 'duration s 1;factor *ios 1;maxDuration s 1;cap s 1',
  RetryAffinity: 'nodeAntiAffinity *@RetryNodeAntiAffinity 1',
  TemplateRef: 'name s 1;template s 1;clusterScope b 1',
  LabelValueFrom: 'expression s',
  ExecutorPluginSpec: 'sidecar @ExecutorPluginSidecar',
  ResourceClaim: 'name s;request s 1',
  NodeFlag: 'hooked b 1;retried b 1',
  MemoizationStatus: 'hit b;key s;cacheName s',
  NodeSynchronizationStatus: 'waiting s 1',
  SemaphoreStatus: 'holding []@SemaphoreHolding 1;waiting []@SemaphoreHolding 1',
  MutexStatus: 'holding []@MutexHolding 1;waiting []@MutexHolding 1',
  ArtifactRepository:
    'archiveLogs *b 1;s3 *@S3ArtifactRepository 1;artifactory *@ArtifactoryArtifactRepository 1;hdfs *@HDFSArtifactRepository 1;oss *@OSSArtifactRepository 1;gcs *@GCSArtifactRepository 1;azure *@AzureArtifactRepository 1;plugin *@PluginArtifactRepository 1',
  ValueFrom:
    'path s 1;jsonPath s 1;jqFilter s 1;event s 1;parameter s 1;supplied *@SuppliedValueFrom 1;configMapKeyRef *@ConfigMapKeySelector 1;default *s 1;expression s 1',
  S3Artifact:
    'endpoint s 1;bucket s 1;region s 1;insecure *b 1;accessKeySecret *@SecretKeySelector 1;secretKeySecret *@SecretKeySelector 1;sessionTokenSecret *@SecretKeySelector 1;roleARN s 1;useSDKCreds b 1;createBucketIfNotPresent *@CreateS3BucketOptions 1;encryptionOptions *@S3EncryptionOptions 1;caSecret *@SecretKeySelector 1;addressingStyle s 1;key s 1',
  GitArtifact:
    'repo s;revision s 1;depth *i 1;fetch []s 1;usernameSecret *@SecretKeySelector 1;passwordSecret *@SecretKeySelector 1;sshPrivateKeySecret *@SecretKeySelector 1;insecureIgnoreHostKey b 1;disableSubmodules b 1;singleBranch b 1;branch s 1;insecureSkipTLS b 1',
  HTTPArtifact: 'url s;headers []@Header 1;auth *@HTTPAuth 1;saveStreamViaFile b 1',
  ArtifactoryArtifact: 'url s;usernameSecret *@SecretKeySelector 1;passwordSecret *@SecretKeySelector 1',
  HDFSArtifact:
    'krbCCacheSecret *@SecretKeySelector 1;krbKeytabSecret *@SecretKeySelector 1;krbUsername s 1;krbRealm s 1;krbConfigConfigMap *@ConfigMapKeySelector 1;krbServicePrincipalName s 1;addresses []s 1;hdfsUser s 1;dataTransferProtection s 1;path s;force b 1',
  RawArtifact: 'data s',
  OSSArtifact:
    'endpoint s 1;bucket s 1;accessKeySecret *@SecretKeySelector 1;secretKeySecret *@SecretKeySelector 1;createBucketIfNotPresent b 1;securityToken s 1;lifecycleRule *@OSSLifecycleRule 1;useSDKCreds b 1;key s',
  GCSArtifact: 'bucket s 1;serviceAccountKeySecret *@SecretKeySelector 1;key s',
  AzureArtifact: 'endpoint s;container s;accountKeySecret *@SecretKeySelector 1;useSDKCreds b 1;blob s',
  PluginArtifact: 'name s 1;configuration s 1;connectionTimeoutSeconds i 1;key s',
  ArchiveStrategy: 'tar *@TarStrategy 1;none *@NoneStrategy 1;zip *@ZipStrategy 1',
  ArtifactGC: 'strategy s 1;podMetadata *@Metadata 1;serviceAccountName s 1',
  Sequence: 'count *ios 1;start *ios 1;end *ios 1;format s 1',
  ContinueOn: 'error b 1;failed b 1',
  ContainerPort: 'name s 1;hostPort i 1;containerPort i;protocol s 1;hostIP s 1',
  EnvFromSource: 'prefix s 1;configMapRef *@ConfigMapEnvSource 1;secretRef *@SecretEnvSource 1',
  EnvVar: 'name s;value s 1;valueFrom *@EnvVarSource 1',
  ContainerResizePolicy: 'resourceName s;restartPolicy s',
  ContainerRestartRule: 'action s 1;exitCodes *@ContainerRestartRuleOnExitCodes 1',
  VolumeMount:
    'name s;readOnly b 1;recursiveReadOnly *s 1;mountPath s;subPath s 1;mountPropagation *s 1;subPathExpr s 1',
  VolumeDevice: 'name s;devicePath s',
  Probe:
    'exec *@ExecAction 1;httpGet *@HTTPGetAction 1;tcpSocket *@TCPSocketAction 1;grpc *@GRPCAction 1;initialDelaySeconds i 1;timeoutSeconds i 1;periodSeconds i 1;successThreshold i 1;failureThreshold i 1;terminationGracePeriodSeconds *i 1',
  Lifecycle: 'postStart *@LifecycleHandler 1;preStop *@LifecycleHandler 1;stopSignal *s 1',
  SecurityContext:
    'capabilities *@Capabilities 1;privileged *b 1;seLinuxOptions *@SELinuxOptions 1;windowsOptions *@WindowsSecurityContextOptions 1;runAsUser *i 1;runAsGroup *i 1;runAsNonRoot *b 1;readOnlyRootFilesystem *b 1;allowPrivilegeEscalation *b 1;procMount *s 1;seccompProfile *@SeccompProfile 1;appArmorProfile *@AppArmorProfile 1',
  ContainerNode:
    'name s;image s 1;command []s 1;args []s 1;workingDir s 1;ports []@ContainerPort 1;envFrom []@EnvFromSource 1;env []@EnvVar 1;resources @ResourceRequirements 1;resizePolicy []@ContainerResizePolicy 1;restartPolicy *s 1;restartPolicyRules []@ContainerRestartRule 1;volumeMounts []@VolumeMount 1;volumeDevices []@VolumeDevice 1;livenessProbe *@Probe 1;readinessProbe *@Probe 1;startupProbe *@Probe 1;lifecycle *@Lifecycle 1;terminationMessagePath s 1;terminationMessagePolicy s 1;imagePullPolicy s 1;securityContext *@SecurityContext 1;stdin b 1;stdinOnce b 1;tty b 1;dependencies []s 1',
  ContainerSetRetryStrategy: 'duration s 1;retries *ios',
  ManifestFrom: 'artifact *@Artifact',
  DAGTask:
    'name s;template s 1;inline *@Template 1;arguments @Arguments 1;templateRef *@TemplateRef 1;dependencies []s 1;withItems []raw 1;withParam s 1;withSequence *@Sequence 1;when s 1;continueOn *@ContinueOn 1;onExit s 1;depends s 1;hooks {}@LifecycleHook 1',
  DataSource: 'artifactPaths *@ArtifactPaths 1',
  TransformationStep: 'expression s',
  wf_HTTPHeader: 'name s;value s 1;valueFrom *@HTTPHeaderSource 1',
  HTTPBodySource: 'bytes bytes 1',
  Cache: 'configMap *@LocalObjectReference',
  KeyToPath: 'key s;path s;mode *i 1',
  DownwardAPIVolumeFile:
    'path s;fieldRef *@ObjectFieldSelector 1;resourceFieldRef *@ResourceFieldSelector 1;mode *i 1',
  VolumeProjection:
    'secret *@SecretProjection 1;downwardAPI *@DownwardAPIProjection 1;configMap *@ConfigMapProjection 1;serviceAccountToken *@ServiceAccountTokenProjection 1;clusterTrustBundle *@ClusterTrustBundleProjection 1;podCertificate *@PodCertificateProjection 1',
  PersistentVolumeClaimTemplate: 'metadata @ObjectMeta 1;spec @PersistentVolumeClaimSpec',
  VolumeResourceRequirements: 'limits {}q 1;requests {}q 1',
  TypedLocalObjectReference: 'apiGroup *s;kind s;name s',
  TypedObjectReference: 'apiGroup *s;kind s;name s;namespace *s 1',
  PersistentVolumeClaimCondition:
    'type s;status s;lastProbeTime time 1;lastTransitionTime time 1;reason s 1;message s 1',
  ModifyVolumeStatus: 'targetVolumeAttributesClassName s 1;status s',
  NodeSelector: 'nodeSelectorTerms []@NodeSelectorTerm',
  PreferredSchedulingTerm: 'weight i;preference @NodeSelectorTerm',
  PodAffinityTerm:
    'labelSelector *@LabelSelector 1;namespaces []s 1;topologyKey s;namespaceSelector *@LabelSelector 1;matchLabelKeys []s 1;mismatchLabelKeys []s 1',
  WeightedPodAffinityTerm: 'weight i;podAffinityTerm @PodAffinityTerm',
  LabelSelectorRequirement: 'key s;operator s;values []s 1',
  MetricLabel: 'key s;value s',
  Gauge: 'value s;realtime *b;operation s 1',
  Histogram: 'value s;buckets []raw',
  Counter: 'value s',
  ConfigMapKeySelector: 'name s 1;key s;optional *b 1',
  SyncDatabaseRef: 'key s',
  RetryNodeAntiAffinity: '',
  ExecutorPluginSidecar: 'automountServiceAccountToken b 1;container @Container',
  SemaphoreHolding: 'semaphore s 1;holders []s 1',
  MutexHolding: 'mutex s 1;holder s 1',
  S3ArtifactRepository:
    'endpoint s 1;bucket s 1;region s 1;insecure *b 1;accessKeySecret *@SecretKeySelector 1;secretKeySecret *@SecretKeySelector 1;sessionTokenSecret *@SecretKeySelector 1;roleARN s 1;useSDKCreds b 1;createBucketIfNotPresent *@CreateS3BucketOptions 1;encryptionOptions *@S3EncryptionOptions 1;caSecret *@SecretKeySelector 1;addressingStyle s 1;keyFormat s 1;keyPrefix s 1',
  ArtifactoryArtifactRepository:
    'usernameSecret *@SecretKeySelector 1;passwordSecret *@SecretKeySelector 1;repoURL s 1;keyFormat s 1',
  HDFSArtifactRepository:
    'krbCCacheSecret *@SecretKeySelector 1;krbKeytabSecret *@SecretKeySelector 1;krbUsername s 1;krbRealm s 1;krbConfigConfigMap *@ConfigMapKeySelector 1;krbServicePrincipalName s 1;addresses []s 1;hdfsUser s 1;dataTransferProtection s 1;pathFormat s 1;force b 1',
  OSSArtifactRepository:
    'endpoint s 1;bucket s 1;accessKeySecret *@SecretKeySelector 1;secretKeySecret *@SecretKeySelector 1;createBucketIfNotPresent b 1;securityToken s 1;lifecycleRule *@OSSLifecycleRule 1;useSDKCreds b 1;keyFormat s 1',
  GCSArtifactRepository: 'bucket s 1;serviceAccountKeySecret *@SecretKeySelector 1;keyFormat s 1',
  AzureArtifactRepository:
    'endpoint s;container s;accountKeySecret *@SecretKeySelector 1;useSDKCreds b 1;blobNameFormat s 1',
  PluginArtifactRepository: 'name s;keyFormat s 1;configuration s',
  SuppliedValueFrom: '',
  SecretKeySelector: 'name s 1;key s;optional *b 1',
  CreateS3BucketOptions: 'objectLocking b 1',
  S3EncryptionOptions:
    'kmsKeyId s 1;kmsEncryptionContext s 1;enableEncryption b 1;serverSideCustomerKeySecret *@SecretKeySelector 1',
  Header: 'name s;value s',
  HTTPAuth: 'clientCert @ClientCertAuth 1;oauth2 @OAuth2Auth 1;basicAuth @BasicAuth 1',
  OSSLifecycleRule: 'markInfrequentAccessAfterDays i 1;markDeletionAfterDays i 1',
  TarStrategy: 'compressionLevel *i 1',
  NoneStrategy: '',
  ZipStrategy: '',
  ConfigMapEnvSource: 'name s 1;optional *b 1',
  SecretEnvSource: 'name s 1;optional *b 1',
  EnvVarSource:
    'fieldRef *@ObjectFieldSelector 1;resourceFieldRef *@ResourceFieldSelector 1;configMapKeyRef *@ConfigMapKeySelector 1;secretKeyRef *@SecretKeySelector 1;fileKeyRef *@FileKeySelector 1',
  ContainerRestartRuleOnExitCodes: 'operator s 1;values []i 1',
  ExecAction: 'command []s 1',
  HTTPGetAction: 'path s 1;port ios;host s 1;scheme s 1;httpHeaders []@core_HTTPHeader 1',
  TCPSocketAction: 'port ios;host s 1',
  GRPCAction: 'port i;service *s',
  LifecycleHandler:
    'exec *@ExecAction 1;httpGet *@HTTPGetAction 1;tcpSocket *@TCPSocketAction 1;sleep *@SleepAction 1',
  Capabilities: 'add []s 1;drop []s 1',
  ArtifactPaths:
    'name s;path s 1;mode *i 1;from s 1;archiveLogs *b 1;s3 *@S3Artifact 1;git *@GitArtifact 1;http *@HTTPArtifact 1;artifactory *@ArtifactoryArtifact 1;hdfs *@HDFSArtifact 1;raw *@RawArtifact 1;oss *@OSSArtifact 1;gcs *@GCSArtifact 1;azure *@AzureArtifact 1;plugin *@PluginArtifact 1;globalName s 1;archive *@ArchiveStrategy 1;optional b 1;subPath s 1;recurseMode b 1;fromExpression s 1;artifactGC *@ArtifactGC 1;deleted b 1',
  HTTPHeaderSource: 'secretKeyRef *@SecretKeySelector 1',
  ObjectFieldSelector: 'apiVersion s 1;fieldPath s',
  ResourceFieldSelector: 'containerName s 1;resource s;divisor q 1',
  SecretProjection: 'name s 1;items []@KeyToPath 1;optional *b 1',
  DownwardAPIProjection: 'items []@DownwardAPIVolumeFile 1',
  ConfigMapProjection: 'name s 1;items []@KeyToPath 1;optional *b 1',
  ServiceAccountTokenProjection: 'audience s 1;expirationSeconds *i 1;path s',
  ClusterTrustBundleProjection:
    'name *s 1;signerName *s 1;labelSelector *@LabelSelector 1;optional *b 1;path s',
  PodCertificateProjection:
    'signerName s 1;keyType s 1;maxExpirationSeconds *i 1;credentialBundlePath s 1;keyPath s 1;certificateChainPath s 1;userAnnotations {}s 1',
  NodeSelectorTerm: 'matchExpressions []@NodeSelectorRequirement 1;matchFields []@NodeSelectorRequirement 1',
  ClientCertAuth: 'clientCertSecret *@SecretKeySelector 1;clientKeySecret *@SecretKeySelector 1',
  OAuth2Auth:
    'clientIDSecret *@SecretKeySelector 1;clientSecretSecret *@SecretKeySelector 1;tokenURLSecret *@SecretKeySelector 1;scopes []s 1;endpointParams []@OAuth2EndpointParam 1',
  BasicAuth: 'usernameSecret *@SecretKeySelector 1;passwordSecret *@SecretKeySelector 1',
  FileKeySelector: 'volumeName s;path s;key s;optional *b 1',
  core_HTTPHeader: 'name s;value s',
  SleepAction: 'seconds i',
  NodeSelectorRequirement: 'key s;operator s;values []s 1',
  OAuth2EndpointParam: 'key s;value s 1',
};
