import cytoscape, { type Core } from 'cytoscape';
import { useEffect, useRef, useState } from 'react';
import type { EntityRefData } from '../../../contract/schemas/investigate';
import { call } from '../api/call';
import { entityRoute } from '../lib/routes';
import { useNavigation } from '../stores/navigation';
import { EntityLink, entityTypeNames } from './Link';

type GraphNode = { entity: EntityRefData; label: string; expanded: boolean };
type GraphEdge = { from: string; to: string; relation: string };
const nodeId = (entity: EntityRefData) => `${entity.type}:${entity.key}`;

// Cytoscape adds a <style> element unless one with this id exists; the CSP forbids inline
// styles, so a placeholder takes its place and styles.css carries the one rule it wanted.
function preventInjectedStylesheet() {
  const id = '__________cytoscape_stylesheet';
  if (document.getElementById(id)) return;
  const placeholder = document.createElement('meta');
  placeholder.id = id;
  document.head.appendChild(placeholder);
}

const palette = (dark: boolean): Record<EntityRefData['type'], string> => ({
  machine: dark ? '#7aa2ff' : '#2357c6', alert: dark ? '#ff8a80' : '#b3261e', file: dark ? '#ffcc66' : '#9a6700', ip: dark ? '#5cc98a' : '#1d7a3e',
  url: dark ? '#c29bff' : '#6b3fb3', domain: dark ? '#c29bff' : '#6b3fb3', account: dark ? '#66d9e8' : '#0b7285', process: dark ? '#b0b8c1' : '#5b6570',
});

/**
 * Neighbours by relation, drawn with cytoscape on a canvas. Clicking a node expands its own
 * neighbours; double-clicking (or the list below, for the keyboard) opens its page.
 */
export function EntityGraph({ tenant, entity }: { tenant: string; entity: EntityRefData }) {
  const container = useRef<HTMLDivElement>(null);
  const cy = useRef<Core | null>(null);
  const [nodes, setNodes] = useState<Map<string, GraphNode>>(new Map());
  const [edges, setEdges] = useState<GraphEdge[]>([]);
  const [error, setError] = useState<string | null>(null);
  const navigate = useNavigation((s) => s.navigate);
  const nodesRef = useRef(nodes);
  nodesRef.current = nodes;

  const expand = async (of: EntityRefData) => {
    try {
      const graph = await call('investigate.graph', { tenant, entity: of, perRelation: 12 });
      setNodes((previous) => {
        const next = new Map(previous);
        next.set(nodeId(of), { entity: of, label: graph.center.label, expanded: true });
        for (const n of graph.neighbours) if (!next.has(nodeId(n.entity))) next.set(nodeId(n.entity), { entity: n.entity, label: n.label, expanded: false });
        return next;
      });
      setEdges((previous) => {
        const next = [...previous];
        for (const n of graph.neighbours) {
          const edge = { from: nodeId(of), to: nodeId(n.entity), relation: n.relation };
          if (!next.some((e) => (e.from === edge.from && e.to === edge.to) || (e.from === edge.to && e.to === edge.from))) next.push(edge);
        }
        return next;
      });
    } catch (failure) {
      setError(failure instanceof Error ? failure.message : String(failure));
    }
  };

  useEffect(() => {
    setNodes(new Map());
    setEdges([]);
    void expand(entity);
  }, [tenant, entity.type, entity.key]);

  useEffect(() => {
    if (!container.current) return;
    preventInjectedStylesheet();
    const dark = document.documentElement.getAttribute('data-theme') === 'dark' || (!document.documentElement.hasAttribute('data-theme') && window.matchMedia?.('(prefers-color-scheme: dark)').matches);
    const colours = palette(dark);
    const instance = cytoscape({
      container: container.current,
      style: [
        { selector: 'node', style: { label: 'data(label)', 'font-size': 10, color: dark ? '#e6e9ed' : '#14181d', 'background-color': 'data(colour)', width: 18, height: 18, 'text-valign': 'bottom', 'text-margin-y': 4 } },
        { selector: 'node[?expanded]', style: { 'border-width': 2, 'border-color': dark ? '#e6e9ed' : '#14181d' } },
        { selector: 'edge', style: { width: 1, 'line-color': dark ? '#3a434d' : '#c3cad2', label: 'data(relation)', 'font-size': 8, color: dark ? '#9aa5b1' : '#5b6570', 'curve-style': 'bezier' } },
      ],
      wheelSensitivity: 0.3,
    });
    instance.on('tap', 'node', (event) => {
      const found = nodesRef.current.get(event.target.id() as string);
      if (found && !found.expanded) void expand(found.entity);
    });
    instance.on('dbltap', 'node', (event) => {
      const found = nodesRef.current.get(event.target.id() as string);
      if (found) navigate(entityRoute(found.entity));
    });
    (instance as unknown as { colours: typeof colours }).colours = colours;
    cy.current = instance;
    return () => {
      instance.destroy();
      cy.current = null;
    };
  }, []);

  useEffect(() => {
    const instance = cy.current;
    if (!instance) return;
    const colours = (instance as unknown as { colours: Record<string, string> }).colours;
    instance.batch(() => {
      for (const n of nodes.values()) {
        const id = nodeId(n.entity);
        const existing = instance.getElementById(id);
        const label = n.label.length > 32 ? `${n.label.slice(0, 30)}…` : n.label;
        if (existing.nonempty()) existing.data({ expanded: n.expanded });
        else instance.add({ group: 'nodes', data: { id, label, colour: colours[n.entity.type], expanded: n.expanded } });
      }
      for (const e of edges) {
        const id = `${e.from}->${e.to}`;
        if (instance.getElementById(id).empty()) instance.add({ group: 'edges', data: { id, source: e.from, target: e.to, relation: e.relation } });
      }
    });
    instance.layout({ name: 'cose', animate: false, nodeDimensionsIncludeLabels: true, randomize: false }).run();
  }, [nodes, edges]);

  const list = [...nodes.values()];
  return (
    <section className="graph" aria-label="Entity graph" data-testid="entity-graph">
      {error ? <p role="alert" className="error-note">{error}</p> : null}
      <div ref={container} className="graph-canvas" role="img" aria-label={`Graph of ${list.length} entities around this ${entityTypeNames[entity.type].toLowerCase()}; the list below holds the same nodes`} />
      <p className="muted">Click a node to expand its neighbours; double-click to open it.</p>
      <ul className="graph-list" aria-label="Entities in the graph">
        {list.map((n) => (
          <li key={nodeId(n.entity)} data-testid="graph-node">
            <EntityLink entity={n.entity} label={n.label} showType />
            {n.expanded ? null : (
              <button type="button" className="link-button" onClick={() => void expand(n.entity)} aria-label={`Expand ${n.label}`}>
                expand
              </button>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
