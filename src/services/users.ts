/** The owner picker's search, as the user (Jira decides whom they may see). */
import type { OwnerView } from '../shared/contract';
import type { AppDeps } from './deps';
import { userApi } from './site';
import { ownerView } from './views';

export async function searchUsers(deps: AppDeps, accountId: string, query: string): Promise<OwnerView[]> {
  if (query.trim() === '') return [];
  const users = await userApi(deps, accountId).searchUsers(query, 20);
  return users.map(ownerView);
}
