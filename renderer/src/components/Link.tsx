import type { MouseEvent, ReactNode } from 'react';
import type { EntityRefData } from '../../../contract/schemas/investigate';
import { entityRoute, hrefOf, type Route } from '../lib/routes';
import { useNavigation } from '../stores/navigation';

/** A real link (so middle-click, copy link and the keyboard work) that navigates in-app on a plain click. */
export function Link({ to, children, className, label, testId }: { to: Route; children: ReactNode; className?: string; label?: string; testId?: string }) {
  const navigate = useNavigation((s) => s.navigate);
  const href = hrefOf(to);
  const onClick = (event: MouseEvent<HTMLAnchorElement>) => {
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigate(to);
  };
  return (
    <a href={href} onClick={onClick} className={className} aria-label={label} data-testid={testId}>
      {children}
    </a>
  );
}

export const entityTypeNames: Record<EntityRefData['type'], string> = {
  machine: 'Machine', alert: 'Alert', file: 'File', ip: 'IP address', url: 'URL', domain: 'Domain', account: 'Account', process: 'Process',
};

export function EntityLink({ entity, label, showType = false }: { entity: EntityRefData; label?: string | null; showType?: boolean }) {
  return (
    <Link to={entityRoute(entity)} className={`entity-link entity-${entity.type}`} testId={`link-${entity.type}`}>
      {showType ? <span className="entity-type">{entityTypeNames[entity.type]}</span> : null}
      {label || entity.key}
    </Link>
  );
}
