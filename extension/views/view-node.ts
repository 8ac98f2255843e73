/**
 * The pure shape every vmscope tree view renders: models build ViewNodes from
 * protocol payloads (testable without VS Code), and one generic provider
 * (node-tree-provider.ts) turns them into TreeItems.
 */
export interface ViewNodeCommand {
  command: string;
  title: string;
  arguments?: unknown[];
}

export interface ViewNode {
  /** Stable across refreshes (VS Code keeps expansion and selection by id). */
  id: string;
  label: string;
  description?: string;
  tooltip?: string;
  /** `viewItem` in package.json menus. */
  contextValue?: string;
  /** Codicon name, e.g. "symbol-field". */
  icon?: string;
  /** Children known now … */
  children?: ViewNode[];
  /** … or fetched when the node is expanded (one request per expansion). */
  load?: () => Promise<ViewNode[]>;
  /** Start expanded rather than collapsed (only for nodes with children). */
  expanded?: boolean;
  /** Run when the item is selected. */
  command?: ViewNodeCommand;
  /** The payload the node was built from, for commands on the item. */
  data?: unknown;
}

export function hasChildren(node: ViewNode): boolean {
  return node.load !== undefined || (node.children !== undefined && node.children.length > 0);
}

/** A leaf that only says something (no data, an error, a hint). */
export function messageNode(id: string, label: string, tooltip?: string): ViewNode {
  return { id, label, tooltip, contextValue: "message", icon: "info" };
}
