import { isDns1035Label } from '../model/k8sValidation';
import { UriPath } from '../index/uriPath';
import { ObjectKey, type WorkspaceIndex } from '../index/workspaceIndex';
import type { Service, SourceRange } from '../model/types';
import type { FileChange } from '../rules/types';
import { replaceScalar } from '../rules/yamlText';
import { backendAnchor, serviceLinks, servicesOfTarget } from './links';
import { type SourceLocation, targetAt } from './locate';

/**
 * Renaming a Service renames everything that names it, in one edit: its Endpoints,
 * the `kubernetes.io/service-name` label of its slices, Ingress backends and
 * StatefulSet `serviceName`s. Starting from any of those renames the Service the
 * same way. Each edit replaces one scalar (quotes kept), so every other byte stays.
 */

/** Where a rename at `offset` would apply: the name without its quotes. */
export type RenameSpan = { range: SourceRange; placeholder: string };

/** The span and current name of what can be renamed at `offset`, or why nothing can. */
export function prepareRename(index: WorkspaceIndex, uri: string, offset: number): RenameSpan | { error: string } {
  const subject = subjectAt(index, uri, offset);
  if (!subject)
    return { error: 'Only the name of a Service, or of something that names a Service, can be renamed here.' };
  const text = index.file(uri)!.text;
  const quoted = /^["']/.test(text.slice(subject.at.range.start, subject.at.range.start + 1));
  const range = quoted ? { start: subject.at.range.start + 1, end: subject.at.range.end - 1 } : subject.at.range;
  return { range, placeholder: subject.name };
}

/** The edits that rename what is at `offset` to `newName`, or why they cannot be made. */
export function renameAt(
  index: WorkspaceIndex,
  uri: string,
  offset: number,
  newName: string,
): { changes: FileChange[] } | { error: string } {
  const subject = subjectAt(index, uri, offset);
  if (!subject) return { error: 'Nothing to rename here.' };
  const [invalid] = isDns1035Label(newName);
  if (invalid) return { error: `"${newName}" is not a valid Service name: ${invalid}.` };
  for (const service of subject.services) {
    const clash = index
      .servicesWithKey(ObjectKey.of(index.namespaceOf(service), newName))
      .find((other) => other !== service && sameFolder(other.uri, service.uri));
    if (clash) {
      return {
        error: `Service "${index.namespaceOf(clash)}/${newName}" already exists in ${UriPath.basename(UriPath.of(clash.uri))}; pick another name.`,
      };
    }
  }
  if (newName === subject.name) return { changes: [] };
  const changes: FileChange[] = [];
  const seen = new Set<string>();
  for (const location of subject.locations) {
    const key = `${location.uri}#${location.range.start}`;
    const text = index.file(location.uri)?.text;
    if (seen.has(key) || text === undefined) continue;
    seen.add(key);
    changes.push({ kind: 'edit', uri: location.uri, ...replaceScalar(text, location, newName) });
  }
  return { changes };
}

type Subject = {
  /** The scalar the rename starts from. */
  at: SourceLocation;
  name: string;
  /** The Services renamed; none when the scalar names no Service of the workspace. */
  services: Service[];
  /** Every scalar to rewrite. */
  locations: SourceLocation[];
};

function subjectAt(index: WorkspaceIndex, uri: string, offset: number): Subject | undefined {
  const target = targetAt(index, uri, offset);
  if (!target) return undefined;
  const renameable =
    (target.type === 'name' && (target.object.kind === 'Service' || target.object.kind === 'Endpoints')) ||
    target.type === 'serviceLabel' ||
    target.type === 'serviceReference';
  if (!renameable) return undefined;
  const at = { uri, range: target.range };
  const name =
    target.type === 'name'
      ? target.object.name!.value
      : target.type === 'serviceLabel'
        ? target.object.serviceName!.value
        : target.reference.name.value;
  const services = servicesOfTarget(index, target);
  if (services.length === 0) {
    // A backend or reference without its Service: only itself, under its own name.
    const own = target.type === 'name' && target.object.kind === 'Endpoints' ? backendAnchor(target.object) : at;
    return { at, name, services, locations: [own] };
  }
  const locations = services.flatMap((service) => [
    { uri: service.uri, range: service.name!.range },
    ...serviceLinks(index, service)
      .filter((link) => link.role !== 'workload')
      .map((link) => link.location),
  ]);
  return { at, name: services[0].name!.value, services, locations };
}

function sameFolder(a: string, b: string): boolean {
  return UriPath.folderOf(a) === UriPath.folderOf(b);
}
