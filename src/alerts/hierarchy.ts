/**
 * The owner's place in the Clari hierarchy (role nodes linked by parent ids), for scope filters
 * ("West region only") and routing ("a manager receives their team's changes"). Built once per run
 * from the current user versions; cycles and missing parents end the climb.
 */
import type { OwnerPlace } from './rules.js';

export interface HierarchyUser {
  readonly userId: string;
  readonly email: string;
  readonly hierarchyId: string | null;
  readonly hierarchyName: string | null;
  readonly parentHierarchyId: string | null;
}

/** `managerLevels`: how many managers up the chain receive an owner's alerts (1 = the direct manager). */
export function hierarchyIndex(
  users: readonly HierarchyUser[],
  managerLevels = 1,
): (userId: string) => OwnerPlace | undefined {
  const byUser = new Map(users.map((u) => [u.userId, u]));
  const byNode = new Map<string, HierarchyUser>();
  for (const u of users) if (u.hierarchyId && !byNode.has(u.hierarchyId)) byNode.set(u.hierarchyId, u);
  const cache = new Map<string, OwnerPlace>();
  return (userId) => {
    const cached = cache.get(userId);
    if (cached) return cached;
    const user = byUser.get(userId);
    if (!user) return undefined;
    const nodes: string[] = [];
    const managerEmails: string[] = [];
    const seen = new Set<string>();
    for (let current: HierarchyUser | undefined = user, depth = 0; current && depth < 50; depth++) {
      if (current.hierarchyId) {
        if (seen.has(current.hierarchyId)) break;
        seen.add(current.hierarchyId);
        nodes.push(current.hierarchyId);
      }
      if (current.hierarchyName) nodes.push(current.hierarchyName);
      if (depth > 0 && depth <= managerLevels && current.email) managerEmails.push(current.email);
      current = current.parentHierarchyId ? byNode.get(current.parentHierarchyId) : undefined;
    }
    const place = { nodes, managerEmails };
    cache.set(userId, place);
    return place;
  };
}
