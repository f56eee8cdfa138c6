// The controller configuration's ConfigMap name, in a module of its own: readers of the archive
// settings (`argo list` on the local backend) need the name without the artifact code's YAML parser.
export const CONTROLLER_CONFIGMAP = 'workflow-controller-configmap';
