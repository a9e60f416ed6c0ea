/**
 * Which version of an encounter is shown (DESIGN.md §1): a completed encounter is never changed; a correction is a
 * new document that `amends` it. The shown version is the newest amendment (by creation time, then id, so every
 * device and the platform pick the same one), or the original when there is none. This is the one place the rule
 * is written: lists, views, the timeline, the work list, search summaries, prints and reports all call it.
 */
export interface Versioned {
  id: string;
  amends: string;
  createdAt: number;
}

export interface Versions<T extends Versioned> {
  /** The original document, which every amendment points at. */
  root: T;
  /** What readers show: the newest amendment, or the root. */
  shown: T;
  /** Amendments, newest first. */
  amendments: T[];
}

/** Newest first: later creation time, then the greater id (ids are UUIDv7, so also time-ordered). */
export function newestFirst(a: Versioned, b: Versioned): number {
  return b.createdAt - a.createdAt || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);
}

/** Groups documents into their versions; amendments whose original is not among `docs` are left out. */
export function latestVersions<T extends Versioned>(docs: Iterable<T>): Versions<T>[] {
  const roots = new Map<string, T>();
  const amendments = new Map<string, T[]>();
  for (const d of docs) {
    if (!d.amends) roots.set(d.id, d);
    else {
      const list = amendments.get(d.amends) ?? [];
      list.push(d);
      amendments.set(d.amends, list);
    }
  }
  const out: Versions<T>[] = [];
  for (const [id, root] of roots) {
    const list = (amendments.get(id) ?? []).sort(newestFirst);
    out.push({ root, shown: list[0] ?? root, amendments: list });
  }
  return out;
}

/** The versions of one original, given it and (any superset of) its amendments. */
export function versionsOf<T extends Versioned>(root: T, docs: Iterable<T>): Versions<T> {
  const amendments = [...docs].filter((d) => d.amends === root.id).sort(newestFirst);
  return { root, shown: amendments[0] ?? root, amendments };
}
