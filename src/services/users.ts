/** The owner picker's search, as the user (Jira decides whom they may see). */
import type { OwnerView } from '../shared/contract';
import { Invocation } from './cache';
import type { AppDeps } from '../platform/deps';
import { userApi } from './site';
import { ownerView } from '../scale/views';

export async function searchUsers(deps: AppDeps, accountId: string, query: string): Promise<OwnerView[]> {
  if (query.trim() === '') return [];
  const users = await userApi(deps, accountId).searchUsers(query, 20);
  // The next step is usually setOwner with one of them: it shows their name without asking Jira.
  await new Invocation(deps).rememberPicked(accountId, users);
  return users.map(ownerView);
}
