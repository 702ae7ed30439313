import { podsSelectedOf, workloadsSelectedBy } from '../index/selection';
import type { WorkspaceIndex } from '../index/workspaceIndex';
import { ServiceSemantics } from '../model/semantics';
import type { Backend, Service, SourceRange, Workload } from '../model/types';
import { plural } from '../rules/describe';
import { addressesOf, backendAnchor, nameLocation } from './links';
import type { SourceLocation } from './locate';

/** A line above a Service (`range` is its mapping) saying what it routes to; clicking it lists `locations`. */
export type ServiceLens = { range: SourceRange; title: string; locations: SourceLocation[] };

/**
 * One lens per named Service of the file: "2 endpoints · 1 slice" for hand-written
 * backends (endpoints counts addresses), "selects 3 pods (deployment/web)" for a
 * selector, "no backends" when neither gives it any.
 */
export function serviceLenses(index: WorkspaceIndex, uri: string): ServiceLens[] {
  return (index.file(uri)?.objects ?? [])
    .filter((object): object is Service => object.kind === 'Service' && object.name !== undefined)
    .map((service) => ({ range: service.range, ...lensOf(index, service) }));
}

function lensOf(index: WorkspaceIndex, service: Service): Omit<ServiceLens, 'range'> {
  if (ServiceSemantics.isExternalName(service)) {
    return { title: `ExternalName → ${service.externalName?.value ?? '(none)'}`, locations: [] };
  }
  const backends = index.backendsOf(service);
  const parts: string[] = [];
  const locations: SourceLocation[] = [];
  if (service.selector) {
    const workloads = workloadsSelectedBy(index, service);
    parts.push(workloads.length > 0 ? selectsText(service, workloads) : 'selects no workload in the workspace');
    locations.push(...workloads.map(nameLocation));
  }
  if (backends.length > 0) {
    parts.push(backendsText(backends));
    locations.push(...backends.map(backendAnchor));
  }
  return { title: parts.length > 0 ? parts.join(' · ') : 'no backends', locations };
}

/** `selects 3 pods (deployment/web)`; pods of DaemonSets and Jobs are not counted. */
function selectsText(service: Service, workloads: readonly Workload[]): string {
  const names = workloads.map((workload) => `${workload.kind.toLowerCase()}/${workload.name?.value ?? '(unnamed)'}`);
  const counts = workloads.map((workload) => podsSelectedOf(service, workload));
  if (counts.some((count) => count === undefined)) return `selects pods of ${names.join(', ')}`;
  const pods = counts.reduce((sum: number, count) => sum + count!, 0);
  return `selects ${plural(pods, 'pod')} (${names.join(', ')})`;
}

/** `3 endpoints (1 not ready) · 1 slice`: addresses of every backend, and how many of them are slices. */
function backendsText(backends: Backend[]): string {
  const addresses = backends.flatMap(addressesOf);
  const notReady = addresses.filter((address) => !address.ready).length;
  const slices = backends.filter((backend) => backend.kind === 'EndpointSlice').length;
  const endpoints = plural(addresses.length, 'endpoint') + (notReady > 0 ? ` (${notReady} not ready)` : '');
  return slices > 0 ? `${endpoints} · ${plural(slices, 'slice')}` : endpoints;
}
