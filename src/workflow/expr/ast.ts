// Syntax tree of the expr-lang subset. `pos` is the 0-based source offset used in errors.

export type Node =
  | { type: 'nil'; pos: number }
  | { type: 'bool'; value: boolean; pos: number }
  | { type: 'int'; value: bigint; pos: number }
  | { type: 'float'; value: number; pos: number }
  | { type: 'string'; value: string; pos: number }
  | { type: 'ident'; name: string; pos: number }
  /** `#`, `#index`, `#acc` or the implicit element of `.field` inside a predicate. */
  | { type: 'pointer'; name: string; pos: number }
  | { type: 'member'; object: Node; property: Node; optional: boolean; pos: number }
  /** Bounds an optional chain: a nil met by `?.` anywhere inside makes the whole chain nil. */
  | { type: 'chain'; node: Node; pos: number }
  | { type: 'slice'; object: Node; from?: Node; to?: Node; pos: number }
  | { type: 'call'; callee: Node; args: Node[]; pos: number }
  | { type: 'builtin'; name: string; args: Node[]; pos: number }
  | { type: 'predicate'; body: Node; pos: number }
  | { type: 'unary'; op: string; operand: Node; pos: number }
  | { type: 'binary'; op: string; left: Node; right: Node; pos: number }
  | { type: 'conditional'; cond: Node; then: Node; else: Node; pos: number }
  | { type: 'array'; items: Node[]; pos: number }
  | { type: 'map'; entries: Array<[Node, Node]>; pos: number }
  | { type: 'sequence'; nodes: Node[]; pos: number }
  | { type: 'let'; name: string; value: Node; body: Node; pos: number };

export type NodeOf<T extends Node['type']> = Extract<Node, { type: T }>;

/** Visits every node, children before parents (the order expr-lang's ast.Walk uses). */
export function walk(node: Node, visit: (n: Node) => void): void {
  switch (node.type) {
    case 'member':
      walk(node.object, visit);
      walk(node.property, visit);
      break;
    case 'chain':
      walk(node.node, visit);
      break;
    case 'slice':
      walk(node.object, visit);
      if (node.from) walk(node.from, visit);
      if (node.to) walk(node.to, visit);
      break;
    case 'call':
      walk(node.callee, visit);
      node.args.forEach((a) => walk(a, visit));
      break;
    case 'builtin':
      node.args.forEach((a) => walk(a, visit));
      break;
    case 'predicate':
      walk(node.body, visit);
      break;
    case 'unary':
      walk(node.operand, visit);
      break;
    case 'binary':
      walk(node.left, visit);
      walk(node.right, visit);
      break;
    case 'conditional':
      walk(node.cond, visit);
      walk(node.then, visit);
      walk(node.else, visit);
      break;
    case 'array':
      node.items.forEach((a) => walk(a, visit));
      break;
    case 'map':
      node.entries.forEach(([k, v]) => {
        walk(k, visit);
        walk(v, visit);
      });
      break;
    case 'sequence':
      node.nodes.forEach((a) => walk(a, visit));
      break;
    case 'let':
      walk(node.value, visit);
      walk(node.body, visit);
      break;
  }
  visit(node);
}
