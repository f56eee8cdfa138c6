// What output collection needs to know about the main container's files once it has exited.
// The host runtime answers from the container's private file system (ContainerFs); argoexec's
// wait container answers from what the emissary saved under /var/run/argo and from /mainctrfs.

export interface MainFiles {
  /** Where a path the main container wrote can be read now. */
  hostPathOf(containerPath: string): string;
  /** Whether the path is on a volume mount (upstream reads those through /mainctrfs). */
  onVolume(containerPath: string): boolean;
  /** Whether a file made for the container was never written (so it does not count as output). */
  untouched(containerPath: string): boolean;
  /** Where a relative path the container wrote in its default working directory ended up, if known. */
  readonly defaultWorkDirHost?: string;
}
