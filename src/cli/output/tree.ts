// The node tree of `argo get`: which nodes appear, in what order, under which parent, and the rows
// (tab-separated, before alignment) that represent them. The rules follow the Go CLI:
//  - Steps and DAG nodes are boundaries: every node whose boundaryID names them hangs under them;
//  - StepGroup and Retry nodes own the nodes listed in their `children` instead; StepGroups are never
//    printed (their children are drawn with a fork), a Retry with a single attempt is replaced by it;
//  - Pod, Skipped, Suspend, HTTP and Plugin nodes are leaves; other types (TaskGroup, Container) are
//    not drawn at all;
//  - siblings are ordered by start time, then by the index in "name(3:item)" or by display name;
//  - omitted nodes, and nodes the --status / --node-field-selector filter rejects, are not printed
//    (their children still are, drawn in their place).
import { isActiveSuspendNode, nodeTypeFacts } from '../../model/node-types.js';
import type { NodePhase, NodeStatus, Workflow } from '../../model/workflow.js';
import { type FieldTerm, nodeMatchesSelector } from '../../workflow/node-field-selector.js';
import { nodeId } from '../../workflow/node-id.js';
import { FG, type Palette } from './colors.js';
import { humanizeShortDuration, timeMs } from '../../workflow/humanize.js';
import { resourcesDurationText } from './go-strings.js';

export type TreeOutput = '' | 'wide' | 'short';

export interface TreeOptions {
  output: TreeOutput;
  palette: Palette;
  noUtf8: boolean;
  /** Nodes the filter rejects are hidden; an empty list shows every node. */
  selector: readonly FieldTerm[];
  now: Date;
  podName: (node: NodeStatus) => string;
}

interface RenderNode {
  id: string;
  children: RenderNode[];
  /** What it is ordered by among its siblings, once worked out. */
  key?: SortKey;
  /** How its children compare when they start at once: all by loop index, all by name, or a mix. */
  tieBreak?: 'index' | 'name' | 'mixed';
}

/** The loop index in a node name such as "hello(2:foo)", or -1. */
export function indexFromNodeName(name: string): number {
  const start = name.indexOf('(');
  const end = name.indexOf(':');
  if (start < 0 || end < 0 || end < start + 1) return -1;
  const digits = name.slice(start + 1, end);
  return /^[+-]?\d+$/.test(digits) ? Number.parseInt(digits, 10) : -1;
}

function byteLess(a: string, b: string): boolean {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8')) < 0;
}

/** What siblings are ordered by, worked out once per node: a workflow may have thousands of siblings. */
interface SortKey {
  start: number;
  name: string;
  index: number;
}

function sortKey(nodes: Record<string, NodeStatus>, item: RenderNode): SortKey {
  if (!item.key) {
    const name = nodes[item.id].displayName ?? '';
    item.key = { start: timeMs(nodes[item.id].startedAt), name, index: indexFromNodeName(name) };
  }
  return item.key;
}

/** Whether a sibling keyed `a` goes before one keyed `b`: by start time, then by loop index or name. */
function goesBefore(a: SortKey, b: SortKey): boolean {
  if (a.start !== b.start) return a.start < b.start;
  return a.index >= 0 && b.index >= 0 ? a.index < b.index : byteLess(a.name, b.name);
}

/**
 * Inserts before the first sibling that starts later (or at once, with a lower index or name), as
 * Go's CLI does. While every child of `parent` breaks ties the same way (all by index, or all by
 * name), that order is a total one, the children are sorted, and bisection finds the same place:
 * a step of a thousand-item loop no longer compares each child with all those before it. A mix of
 * the two need not be transitive, so there Go's scan from the start is the only faithful way.
 */
function insertSorted(nodes: Record<string, NodeStatus>, parent: RenderNode, item: RenderNode): void {
  const key = sortKey(nodes, item);
  const siblings = parent.children;
  const tieBreak = key.index >= 0 ? 'index' : 'name';
  parent.tieBreak = siblings.length === 0 || parent.tieBreak === tieBreak ? tieBreak : 'mixed';
  let index = 0;
  if (parent.tieBreak === 'mixed') {
    while (index < siblings.length && !goesBefore(key, sortKey(nodes, siblings[index]))) index++;
  } else {
    let end = siblings.length;
    while (index < end) {
      const mid = (index + end) >>> 1;
      if (goesBefore(key, sortKey(nodes, siblings[mid]))) end = mid;
      else index = mid + 1;
    }
  }
  siblings.splice(index, 0, item);
}

/** The roots of the node forest, keyed by node id. */
export function buildRenderTrees(nodes: Record<string, NodeStatus>): Map<string, RenderNode> {
  const roots = new Map<string, RenderNode>();
  const boundaries = new Map<string, RenderNode>();
  const waitingForBoundary = new Map<string, RenderNode[]>();
  const parents = new Map<string, RenderNode>();
  const parentOfChild = new Map<string, RenderNode>();

  // Keys, not entries: no array per node to build and take apart (see TreePrinter.render).
  const ids = Object.keys(nodes);
  // First pass: StepGroup and Retry nodes, so their children know where they belong.
  for (const id of ids) {
    const node = nodes[id];
    if (!node.type) {
      throw new Error(`node ${id} has no type: cannot print workflows created with Argo <= 2.0`);
    }
    if (nodeTypeFacts(node.type).tree === 'parent') {
      const parent: RenderNode = { id, children: [] };
      parents.set(id, parent);
      for (const child of node.children ?? []) parentOfChild.set(child, parent);
    }
  }

  // Returns whether the node has no parent and so starts a tree.
  const attach = (item: RenderNode, boundaryID: string | undefined): boolean => {
    const parent = parentOfChild.get(item.id);
    if (parent) {
      insertSorted(nodes, parent, item);
      return false;
    }
    if (!boundaryID) return true;
    const boundary = boundaries.get(boundaryID);
    if (boundary) insertSorted(nodes, boundary, item);
    else waitingForBoundary.set(boundaryID, [...(waitingForBoundary.get(boundaryID) ?? []), item]);
    return false;
  };

  for (const id of ids) {
    const node = nodes[id];
    const role = nodeTypeFacts(node.type).tree;
    if (role === 'boundary') {
      const boundary: RenderNode = { id, children: [] };
      boundaries.set(id, boundary);
      if (attach(boundary, node.boundaryID)) roots.set(id, boundary);
      for (const waiting of waitingForBoundary.get(id) ?? []) insertSorted(nodes, boundary, waiting);
    } else if (role === 'parent') {
      const parent = parents.get(id)!;
      if (attach(parent, node.boundaryID)) roots.set(id, parent);
    } else if (role === 'leaf') {
      const leaf: RenderNode = { id, children: [] };
      if (attach(leaf, node.boundaryID)) roots.set(id, leaf);
    }
  }
  return roots;
}

// Connectors: [first of several, middle, last, only child] and the continuation under each.
interface Glyphs {
  first: string;
  middle: string;
  last: string;
  only: string;
  bar: string;
  blank: string;
}

const UTF8_GLYPHS: Glyphs = { first: '┬─', middle: '├─', last: '└─', only: '──', bar: '│ ', blank: '  ' };
const ASCII_GLYPHS: Glyphs = { first: '+-', middle: '|-', last: '`-', only: '--', bar: '| ', blank: '  ' };

const PHASE_ICONS: Record<string, [string, string, number]> = {
  Pending: ['◷', 'Pending', FG.yellow],
  Running: ['●', 'Running', FG.cyan],
  Succeeded: ['✔', 'Succeeded', FG.green],
  Skipped: ['○', 'Skipped', FG.default],
  Failed: ['✖', 'Failed', FG.red],
  Error: ['⚠', 'Error', FG.red],
};

/** The status mark before a node's name; phases without one (Omitted) get an empty mark. */
export function phaseIcon(phase: NodePhase | undefined, palette: Palette, noUtf8: boolean): string {
  const icon = phase ? PHASE_ICONS[phase] : undefined;
  if (!icon) return '';
  return palette.format(noUtf8 ? icon[1] : icon[0], icon[2]);
}

export function suspendIcon(palette: Palette, noUtf8: boolean): string {
  return palette.format(noUtf8 ? 'Suspend' : 'ǁ', FG.cyan);
}

class TreePrinter {
  readonly rows: string[] = [];
  private readonly glyphs: Glyphs;

  constructor(
    private readonly nodes: Record<string, NodeStatus>,
    private readonly options: TreeOptions,
  ) {
    this.glyphs = options.noUtf8 ? ASCII_GLYPHS : UTF8_GLYPHS;
  }

  /** Whether the node's own line is left out, and whether its children are then drawn as a fork. */
  private filter(node: NodeStatus): 'shown' | 'hidden' | 'fork' {
    if (node.type === 'Retry' && (node.children ?? []).length === 1) return 'hidden';
    if (node.type === 'StepGroup') return 'fork';
    if (node.type === 'Skipped' && node.phase === 'Omitted') return 'hidden';
    const { selector } = this.options;
    if (selector.length > 0 && !nodeMatchesSelector(selector, node)) return 'hidden';
    return 'shown';
  }

  // Plain loops and no destructuring here and in row(): this runs once per node of a workflow that
  // may have thousands, in V8's interpreter (a command is over before it optimises anything), where
  // a callback or an array pattern per node is a measurable part of a large `argo get`.
  render(item: RenderNode, nodePrefix: string, childPrefix: string): void {
    const node = this.nodes[item.id];
    const shown = this.filter(node);
    const hidden = shown !== 'shown';
    const fork = shown === 'fork';
    if (!hidden) this.rows.push(this.row(node, nodePrefix));
    const children = item.children;
    const last = children.length - 1;
    for (let i = 0; i <= last; i++)
      this.renderChild(children[i], nodePrefix, childPrefix, hidden, i, last, fork);
  }

  private renderChild(
    child: RenderNode,
    nodePrefix: string,
    childPrefix: string,
    parentHidden: boolean,
    index: number,
    last: number,
    fork: boolean,
  ): void {
    const g = this.glyphs;
    let part = '';
    let sub = '';
    if (parentHidden && fork) {
      part = last === 0 ? g.only : index === 0 ? g.first : index === last ? g.last : g.middle;
      sub = last === 0 || (index === last && index !== 0) ? g.blank : g.bar;
    } else if (!parentHidden) {
      part = index === last ? g.last : g.middle;
      sub = index === last ? g.blank : g.bar;
    }
    // A hidden parent's first child takes the parent's place on its line.
    const ownPrefix = parentHidden && index === 0 ? nodePrefix + part : childPrefix + part;
    this.render(child, ownPrefix, childPrefix + sub);
  }

  private row(node: NodeStatus, prefix: string): string {
    const { palette, noUtf8, output } = this.options;
    const icon = isActiveSuspendNode(node)
      ? suspendIcon(palette, noUtf8)
      : phaseIcon(node.phase, palette, noUtf8);
    const name = `${icon} ${node.displayName ?? ''}`;
    const template = node.templateRef
      ? `${node.templateRef.name ?? ''}/${node.templateRef.template ?? ''}`
      : (node.templateName ?? '');
    const isPod = node.type === 'Pod';
    const podName = isPod ? this.options.podName(node) : '';
    const duration = isPod ? humanizeShortDuration(node.startedAt, node.finishedAt, this.options.now) : '';
    const message = node.message ?? '';
    const hostNode = isPod ? (node.hostNodeName ?? '') : '';
    let cells: string[];
    if (output === 'wide') {
      const artifacts = (node.outputs?.artifacts ?? []).map((a) => a.name).join(',');
      cells = [
        name,
        template,
        podName,
        duration,
        artifacts,
        message,
        resourcesDurationText(node.resourcesDuration),
        hostNode,
      ];
    } else if (output === 'short') {
      cells = [name, template, podName, duration, message, hostNode];
    } else {
      // The trailing empty cell makes MESSAGE a padded column, as upstream's format string does.
      cells = [name, template, podName, duration, message, ''];
    }
    return prefix + cells.join('\t');
  }
}

/** The header row of the node table. */
export function treeHeader(output: TreeOutput, palette: Palette): string {
  const step = palette.plain('STEP');
  if (output === 'wide')
    return `${step}\tTEMPLATE\tPODNAME\tDURATION\tARTIFACTS\tMESSAGE\tRESOURCESDURATION\tNODENAME`;
  if (output === 'short') return `${step}\tTEMPLATE\tPODNAME\tDURATION\tMESSAGE\tNODENAME`;
  return `${step}\tTEMPLATE\tPODNAME\tDURATION\tMESSAGE`;
}

/**
 * The rows of the node table (tab-separated, unaligned): the workflow's tree, then, after a separator
 * row, the tree of its exit handler.
 */
export function treeRows(wf: Workflow, options: TreeOptions): string[] {
  const nodes = wf.status?.nodes ?? {};
  const name = wf.metadata.name ?? '';
  const roots = buildRenderTrees(nodes);
  const main = roots.get(name);
  if (!main) throw new Error('failed to get the entrypoint node');
  const printer = new TreePrinter(nodes, options);
  printer.render(main, ' ', ' ');
  const onExit = roots.get(nodeId(name, `${name}.onExit`));
  if (onExit) {
    printer.rows.push('\t\t\t\t\t');
    printer.render(onExit, ' ', ' ');
  }
  return printer.rows;
}
