/**
 * The generic tree view behind every vmscope view: renders ViewNodes, loads
 * lazy children when a node is expanded, asks the adapter only while the
 * view is visible (a hidden view just remembers that it is stale), and
 * coalesces refreshes to at most one per 250 ms.
 */
import * as vscode from "vscode";
import { RefreshThrottle } from "./refresh-throttle";
import type { VmscopeSessions } from "./session-events";
import { hasChildren, messageNode, type ViewNode } from "./view-node";

export type RootLoader = (session: vscode.DebugSession) => Promise<ViewNode[]>;

export class NodeTreeView implements vscode.TreeDataProvider<ViewNode>, vscode.Disposable {
  readonly view: vscode.TreeView<ViewNode>;
  private readonly changed = new vscode.EventEmitter<ViewNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly parents = new Map<string, ViewNode | undefined>();
  private readonly throttle = new RefreshThrottle(() => this.changed.fire(undefined));
  private stale = false;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    readonly viewId: string,
    private readonly sessions: VmscopeSessions,
    private readonly loadRoots: RootLoader,
    private readonly idleText = "Start a vmscope debug session to see this view.",
  ) {
    this.view = vscode.window.createTreeView(viewId, { treeDataProvider: this, showCollapseAll: true });
    this.disposables.push(
      this.view,
      this.changed,
      this.view.onDidChangeVisibility(({ visible }) => {
        if (visible && this.stale) this.refresh(true);
      }),
    );
  }

  get visible(): boolean {
    return this.view.visible;
  }

  /** Re-asks the adapter: now when `immediate` (a stop), else throttled (running). */
  refresh(immediate = false): void {
    if (!this.view.visible) {
      this.stale = true;
      return;
    }
    this.stale = false;
    if (immediate) this.throttle.flush();
    else this.throttle.request();
  }

  getTreeItem(node: ViewNode): vscode.TreeItem {
    const state = hasChildren(node)
      ? node.expanded
        ? vscode.TreeItemCollapsibleState.Expanded
        : vscode.TreeItemCollapsibleState.Collapsed
      : vscode.TreeItemCollapsibleState.None;
    const item = new vscode.TreeItem(node.label, state);
    item.id = node.id;
    item.description = node.description;
    item.tooltip = node.tooltip;
    item.contextValue = node.contextValue;
    if (node.icon) item.iconPath = new vscode.ThemeIcon(node.icon);
    if (node.command) item.command = node.command;
    return item;
  }

  async getChildren(node?: ViewNode): Promise<ViewNode[]> {
    let children: ViewNode[];
    if (!node) {
      const session = this.sessions.active;
      if (!session) children = [messageNode(`${this.viewId}/idle`, this.idleText)];
      else children = await this.guarded(`${this.viewId}/error`, () => this.loadRoots(session));
    } else if (node.children) {
      children = node.children;
    } else if (node.load) {
      const load = node.load;
      children = await this.guarded(`${node.id}/error`, load);
    } else {
      children = [];
    }
    for (const child of children) this.parents.set(child.id, node);
    return children;
  }

  getParent(node: ViewNode): ViewNode | undefined {
    return this.parents.get(node.id);
  }

  /**
   * Walks down from the top level, one matcher per level, loading lazy
   * children as it goes; the node it ends on can be revealed.
   */
  async findPath(matchers: ReadonlyArray<(node: ViewNode) => boolean>): Promise<ViewNode | undefined> {
    let node: ViewNode | undefined;
    for (const matches of matchers) {
      const next: ViewNode | undefined = (await this.getChildren(node)).find(matches);
      if (!next) return undefined;
      node = next;
    }
    return node;
  }

  async reveal(node: ViewNode): Promise<void> {
    await this.view.reveal(node, { select: true, focus: true, expand: false });
  }

  private async guarded(id: string, load: () => Promise<ViewNode[]>): Promise<ViewNode[]> {
    try {
      return await load();
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      return [{ ...messageNode(id, message, message), icon: "error" }];
    }
  }

  dispose(): void {
    this.throttle.cancel();
    for (const d of this.disposables) d.dispose();
  }
}
