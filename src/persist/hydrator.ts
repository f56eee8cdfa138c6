// Where a workflow's nodes are, as upstream's hydrator keeps them: inline in status.nodes, gzipped
// in status.compressedNodes, or in the offload table with status.offloadNodeStatusVersion naming
// the row. Writers dehydrate just before the store write; readers hydrate what they read.
//
// Upstream's decision, per write: a workflow larger than MAX_WORKFLOW_SIZE (as JSON, 1 MiB by
// default) has its nodes compressed; one still too large has them offloaded, or every one does
// with ALWAYS_OFFLOAD_NODE_STATUS=true. Offloading needs `persistence.nodeStatusOffLoad`; without
// it upstream fails the workflow, whereas the stores here take a large workflow as it is, so a
// hydrator without an offload table leaves the nodes inline (and still reads compressed ones).
import type { Workflow } from '../model/workflow.js';
import { compressNodes, decompressNodes, type Nodes } from './compressed-nodes.js';
import { DatabaseUnreachableError } from './database-reachability.js';
import type { NodeOffloadStore } from './node-offload.js';

/** upstream's MAX_WORKFLOW_SIZE default. */
export const DEFAULT_MAX_WORKFLOW_SIZE = 1024 * 1024;
/** upstream's message when a workflow's nodes are offloaded and there is no table to read them from. */
export const OFFLOAD_DISABLED = 'Workflow has offloaded nodes, but offloading has been disabled';

export function isHydrated(wf: Workflow): boolean {
  return !wf.status?.compressedNodes && !wf.status?.offloadNodeStatusVersion;
}

const jsonSize = (wf: Workflow): number => Buffer.byteLength(JSON.stringify(wf));

/** How many versions of nodes `shared` hydration keeps: a few per workflow being watched. */
const SHARED_VERSIONS = 64;

export class WorkflowHydrator {
  /**
   * Recently read nodes, oldest first: offloaded ones by uid and version, compressed ones by uid
   * and resourceVersion (neither's nodes ever change).
   */
  private readonly sharedNodes = new Map<string, Promise<Nodes>>();

  constructor(
    /** The offload table; undefined: none is configured. */
    private readonly offload: NodeOffloadStore | undefined,
    /** Whether writes may offload (`persistence.nodeStatusOffLoad`); reads use the table either way. */
    private readonly offloadWrites: boolean,
    private readonly settings: { maxWorkflowSize: number; alwaysOffload: boolean } = {
      maxWorkflowSize: DEFAULT_MAX_WORKFLOW_SIZE,
      alwaysOffload: false,
    },
  ) {}

  /** Whether dehydrate can change anything: callers skip it (and its size check) when not. */
  get writes(): boolean {
    return this.offloadWrites && this.offload !== undefined;
  }

  /**
   * The workflow with its nodes inline: `wf` itself when they are, else a copy (status copied,
   * the rest shared) without compressedNodes and offloadNodeStatusVersion, as upstream's readers
   * show it. `keepVersion` leaves the version in the copy, for a controller whose later passes
   * and garbage collection must know which row the store points at. `shared`: offloaded nodes
   * are read (compressed ones decompressed) once for every reader of the same version (each
   * watcher of a workflow gets the same event), and the copies share them, so those readers
   * must not change them.
   */
  async hydrate(wf: Workflow, opts: { keepVersion?: boolean; shared?: boolean } = {}): Promise<Workflow> {
    const s = wf.status;
    if (!s || isHydrated(wf)) return wf;
    if (s.nodes && opts.keepVersion && !s.compressedNodes) return wf;
    const status = { ...s };
    if (status.nodes) {
      // A controller's copy, hydrated already: only the bookkeeping goes.
    } else if (status.offloadNodeStatusVersion) {
      if (!this.offload) throw new Error(OFFLOAD_DISABLED);
      const uid = wf.metadata.uid ?? '';
      const version = status.offloadNodeStatusVersion;
      const offload = this.offload;
      status.nodes = await (opts.shared
        ? this.sharedRead(`offloaded/${uid}/${version}`, () => offload.get(uid, version))
        : offload.get(uid, version));
    } else if (status.compressedNodes) {
      const compressed = status.compressedNodes;
      // A resourceVersion names one stored state of the workflow, so its compressed nodes never change.
      const rv = wf.metadata.resourceVersion;
      status.nodes =
        opts.shared && rv
          ? await this.sharedRead(`compressed/${wf.metadata.uid ?? ''}/${rv}`, async () =>
              decompressNodes(compressed),
            )
          : decompressNodes(compressed);
    }
    delete status.compressedNodes;
    if (!opts.keepVersion) delete status.offloadNodeStatusVersion;
    return { ...wf, status };
  }

  /** The nodes `key` names, read by `readNodes` once for all the readers that ask while it is kept. */
  private sharedRead(key: string, readNodes: () => Promise<Nodes>): Promise<Nodes> {
    let read = this.sharedNodes.get(key);
    if (read) {
      // Used again: the newest, so the least recently used go first.
      this.sharedNodes.delete(key);
    } else {
      read = readNodes();
      // A failed read is not kept: the next reader asks again.
      const failed = read;
      void failed.catch(() => {
        if (this.sharedNodes.get(key) === failed) this.sharedNodes.delete(key);
      });
    }
    this.sharedNodes.set(key, read);
    if (this.sharedNodes.size > SHARED_VERSIONS)
      this.sharedNodes.delete(this.sharedNodes.keys().next().value as string);
    return read;
  }

  /**
   * The workflow as it is to be stored: `wf` itself when its nodes stay inline, else a copy
   * (status copied) whose nodes are compressed or offloaded, by upstream's decision.
   */
  async dehydrate(wf: Workflow): Promise<Workflow> {
    const status = wf.status;
    const nodes = status?.nodes;
    if (!nodes) return wf;
    // Nodes in hand are the truth: a version or compressed copy beside them is stale.
    const { offloadNodeStatusVersion: _v, compressedNodes: _c, ...rest } = status;
    const inline: Workflow = isHydrated(wf) ? wf : { ...wf, status: rest };
    if (!this.writes) return inline;
    const { nodes: _n, ...withoutNodes } = rest;
    if (!this.settings.alwaysOffload) {
      if (jsonSize(inline) <= this.settings.maxWorkflowSize) return inline;
      const compressed: Workflow = {
        ...wf,
        status: { ...withoutNodes, compressedNodes: compressNodes(nodes) },
      };
      if (jsonSize(compressed) <= this.settings.maxWorkflowSize) return compressed;
    }
    let version: string;
    try {
      version = await this.offload!.save(wf.metadata.uid ?? '', wf.metadata.namespace ?? '', nodes);
    } catch (err) {
      // Upstream fails the workflow; here its nodes stay inline until the table can be reached
      // again (the store takes a large workflow), and the next write offloads them.
      if (err instanceof DatabaseUnreachableError) return inline;
      throw err;
    }
    return { ...wf, status: { ...withoutNodes, offloadNodeStatusVersion: version } };
  }
}

/**
 * What a writer keeps in memory after storing `stored` (as dehydrate made it): the stored object
 * with `nodes` put back and the version kept, as `hydrate(..., { keepVersion: true })` gives it.
 */
export function withNodes(stored: Workflow, nodes: Nodes | undefined): Workflow {
  if (isHydrated(stored) || !stored.status) return stored;
  const { compressedNodes: _c, ...status } = stored.status;
  return { ...stored, status: { ...status, nodes } };
}
