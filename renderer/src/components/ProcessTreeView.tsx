import type { ProcessNodeData, ProcessTreeData } from '../../../contract/schemas/investigate';
import { processKey } from '../lib/routes';
import { EntityLink } from './Link';
import { formatTime } from './Status';

const isFocus = (node: ProcessNodeData, focus: ProcessTreeData['focus']) =>
  node.processId === focus.processId && !!node.creationTime && node.creationTime.slice(0, 19) === focus.creationTime.slice(0, 19);

function Node({ node, tree, depth }: { node: ProcessNodeData; tree: ProcessTreeData; depth: number }) {
  const focus = isFocus(node, tree.focus);
  const name = node.fileName ?? 'unknown process';
  const canOpen = node.processId !== null && !!node.creationTime;
  return (
    <li role="treeitem" aria-expanded={node.children.length > 0 ? true : undefined} aria-level={depth} aria-current={focus ? 'true' : undefined} className={focus ? 'pt-node pt-focus' : 'pt-node'} data-testid="process-node" data-file={name}>
      <div className="pt-line">
        {canOpen ? (
          <EntityLink entity={{ type: 'process', key: processKey(tree.deviceId, node.processId!, node.creationTime!) }} label={`${name} (${node.processId})`} />
        ) : (
          <span>{`${name}${node.processId !== null ? ` (${node.processId})` : ''}`}</span>
        )}
        {node.sha1 ? <EntityLink entity={{ type: 'file', key: node.sha1 }} label="file" /> : null}
        {node.accountName ? <span className="pt-account">{node.accountName}</span> : null}
        {node.timestamp ? <span className="pt-time">{formatTime(node.timestamp)}</span> : null}
        {node.moreChildren && canOpen ? <span className="pt-more">(open to expand)</span> : null}
      </div>
      {node.commandLine ? <code className="pt-cmd">{node.commandLine}</code> : null}
      {node.children.length > 0 ? (
        <ul role="group">
          {node.children.map((child, i) => (
            <Node key={`${child.processId}-${child.creationTime}-${i}`} node={child} tree={tree} depth={depth + 1} />
          ))}
        </ul>
      ) : null}
    </li>
  );
}

/** Ancestors above, the process highlighted, its children below; every process opens its own tree. */
export function ProcessTreeView({ tree, label }: { tree: ProcessTreeData; label: string }) {
  return (
    <ul role="tree" aria-label={label} className="process-tree" data-testid="process-tree">
      <Node node={tree.root} tree={tree} depth={1} />
    </ul>
  );
}
