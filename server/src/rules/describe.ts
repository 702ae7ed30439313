import type { WorkspaceIndex } from '../index/workspaceIndex';
import { UriPath } from '../index/uriPath';
import type { KubeObject, ServicePort, EndpointPort, Located } from '../model/types';

/** `Service "prod/db"`: how messages name an object, with its effective namespace. */
export function describe(index: WorkspaceIndex, object: KubeObject): string {
  return `${object.kind} "${index.namespaceOf(object)}/${object.name?.value ?? '(unnamed)'}"`;
}

/** Where `object` is, seen from the file `fromUri`: "this file" or a relative path. */
export function whereIs(object: { uri: string }, fromUri: string): string {
  if (object.uri === fromUri) return 'this file';
  return UriPath.relative(UriPath.dirname(UriPath.of(fromUri)), UriPath.of(object.uri));
}

/** `Service "prod/db" (db.yaml)`: an object and its file, seen from `fromUri`. */
export function describeAt(index: WorkspaceIndex, object: KubeObject, fromUri: string): string {
  return `${describe(index, object)} (${whereIs(object, fromUri)})`;
}

/** `"http"` for a named port, `8080` for an unnamed one, `(unnamed)` when neither is written. */
export function describePort(port: ServicePort | EndpointPort): string {
  if (port.name) return `"${port.name.value}"`;
  return port.port ? String(port.port.value) : '(unnamed)';
}

/** The scalar a port finding is anchored on: its name, else its number, else the whole item. */
export function anchorOfPort(port: ServicePort | EndpointPort): Located<unknown> | { range: ServicePort['range'] } {
  return port.name ?? port.port ?? { range: port.range };
}

/** Levenshtein distance, bounded: anything above `limit` returns `limit + 1`. */
export function editDistance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost);
      rowMin = Math.min(rowMin, current[j]);
    }
    if (rowMin > limit) return limit + 1;
    previous = current;
  }
  return Math.min(previous[b.length], limit + 1);
}

/** `1 pod`, `3 pods`. */
export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
