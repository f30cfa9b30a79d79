/** Stories of the sample site that the browser tests act on. */
import { loadSample } from './harness';

const sample = loadSample();
const poField = sample.fields.find((f) => f.name === 'Product Owner')?.id ?? '';
const teamTypes = new Set(sample.issueTypes.filter((t) => t.hierarchyLevel === 0).map((t) => t.id));
const active = new Set(sample.users.filter((u) => u.active).map((u) => u.accountId));
const admins = new Set(sample.admins);

/** A story in progress with one active, non-admin PO and no acceptance yet, and someone else. */
export function pickStory() {
  for (const i of sample.issues) {
    const po = i.fields[poField];
    if (!teamTypes.has(i.fields.issuetype) || i.fields.status.category !== 'indeterminate') continue;
    if (i.properties?.['popm.acceptance'] || !Array.isArray(po) || po.length !== 1) continue;
    const owner = String(po[0]);
    if (!active.has(owner) || admins.has(owner)) continue;
    const other = sample.users.find((u) => u.active && u.accountId !== owner && !admins.has(u.accountId));
    if (other)
      return {
        key: i.key,
        owner,
        ownerName: sample.users.find((u) => u.accountId === owner)?.displayName ?? owner,
        other: other.accountId,
      };
  }
  throw new Error('the sample site has no in-progress story with a single active PO');
}
