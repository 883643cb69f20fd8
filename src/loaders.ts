import DataLoader from 'dataloader';

/** One part of a loader key: loaders compare keys by these, never by a stringified object. */
export type KeyPart = string | number | boolean | null;

/** A cache key from typed parts: the same parts in the same order give the same key. */
export function keyOf(...parts: KeyPart[]): string {
  return JSON.stringify(parts);
}

/** A request for one record under some shared arguments (the group). */
export interface GroupedKey<Group> {
  group: Group;
  id: string;
}

export interface GroupedLoaderOptions<Group, Value> {
  /** Identifies a group by its typed properties: equal keys share one statement. */
  groupKey: (group: Group) => string;
  /** Loads the records of one group; records it leaves out get `missing`. */
  load: (group: Group, ids: string[]) => Promise<Map<string, Value>>;
  missing: Value;
}

/**
 * A loader whose keys share arguments (a page size, a metric and window, …): one batch runs one
 * statement per distinct group, whatever the number of records, so nested fields cost a constant
 * number of statements per request. Groups are compared by `groupKey`, so a renamed property of
 * `Group` fails to compile instead of silently missing.
 */
export function groupedLoader<Group, Value>({ groupKey, load, missing }: GroupedLoaderOptions<Group, Value>) {
  return new DataLoader<GroupedKey<Group>, Value, string>(
    async (keys) => {
      const groups = new Map<string, { group: Group; ids: Set<string> }>();
      for (const key of keys) {
        const k = groupKey(key.group);
        const found = groups.get(k);
        if (found) found.ids.add(key.id);
        else groups.set(k, { group: key.group, ids: new Set([key.id]) });
      }
      const results = new Map<string, Map<string, Value>>();
      await Promise.all([...groups].map(async ([k, { group, ids }]) => results.set(k, await load(group, [...ids]))));
      return keys.map((key) => results.get(groupKey(key.group))?.get(key.id) ?? missing);
    },
    { cacheKeyFn: (key) => `${groupKey(key.group)}\u0000${key.id}` },
  );
}

/** A grouped loader whose group is a plain string (an object kind): the group is its own key. */
export function loaderPerKind<Kind extends string, Value>(
  load: (kind: Kind, ids: string[]) => Promise<Map<string, Value>>,
  missing: Value,
) {
  return groupedLoader<Kind, Value>({ groupKey: (kind) => kind, load, missing });
}

/** A loader whose keys are typed values compared by `keyFn`. */
export function keyedLoader<Key, Value>(keyFn: (key: Key) => string, load: (keys: readonly Key[]) => Promise<Value[]>) {
  return new DataLoader<Key, Value, string>(load, { cacheKeyFn: keyFn });
}
