// Account facts that several generators share: SIDs, domains and the well-known
// system accounts, so the same person has the same SID on every row.
import { streamKey } from '../prng';
import { DOMAIN } from './directory';
import type { MachineProfile } from './types';

const DOMAIN_SID = 'S-1-5-21-3623811015-3361044348-30300820';

export function sidOf(accountName: string): string {
  if (accountName === 'system') return 'S-1-5-18';
  if (accountName === 'local service') return 'S-1-5-19';
  if (accountName === 'network service') return 'S-1-5-20';
  return `${DOMAIN_SID}-${1100 + (streamKey(7, accountName) % 9000)}`;
}

export function domainOf(accountName: string, profile: MachineProfile): string {
  if (accountName === 'system' || accountName === 'local service' || accountName === 'network service') return 'nt authority';
  if (profile.role === 'linux') return profile.shortName;
  return DOMAIN;
}
