import { portsScrapedBy, servicesMonitoredBy } from '../index/selection';
import type { WorkspaceIndex } from '../index/workspaceIndex';
import type { Located, Service, ServiceMonitor } from '../model/types';
import { describe, describeAt, editDistance, plural } from './describe';
import { closestNames, TYPO_DISTANCE } from './nearMisses';
import type { Fix, Rule } from './types';
import { Finding } from './types';
import { replaceScalar } from './yamlText';

/** How many of the selected Services a message names, and how many port names a typo away it suggests. */
const MAX_LISTED = 3;

/**
 * Rule: servicemonitor-port-unknown
 *
 * A prometheus-operator ServiceMonitor (monitoring.coreos.com) scrapes, for each of its
 * `endpoints` that gives a `port`, only the endpoints of the Services it selects whose port has
 * that name: the operator writes a `keep` relabeling on `__meta_kubernetes_endpoint_port_name`
 * (or `__meta_kubernetes_endpointslice_port_name`) with the port as its regular expression
 * (prometheus-operator, pkg/prometheus/promcfg.go, generateServiceMonitorConfig: "Filter targets
 * based on correct port for the endpoint"). That name is the Service port's: the endpoints
 * controller copies it into the Endpoints and EndpointSlices it writes, and hand-written ones must
 * give it too (port-mismatch checks that). A port no selected Service names leaves the endpoint
 * with no target, silently: Prometheus shows no target, no error, and the metrics are missing. A
 * Service port without a name cannot be scraped by name at all.
 *
 * Judged only when the ServiceMonitor selects at least one Service of the workspace (its
 * `selector` over the Services' labels, in the namespaces of its `namespaceSelector`): one that
 * selects none most often monitors what a chart installs. A port given as a regular expression
 * is matched as Prometheus matches it, anchored. Port names of the selected Services a typo away
 * are suggested, with a fix that writes the name.
 */
export const servicemonitorPortUnknown: Rule = {
  code: 'servicemonitor-port-unknown',
  defaultSeverity: 'warning',
  description:
    "A ServiceMonitor's endpoint scrapes a port by a name that none of the Services it selects gives a port.",

  check(index) {
    return unknownPorts(index).map(({ monitor, port, services }) => {
      const unnamed = services.some((service) => service.ports.some((servicePort) => !servicePort.name?.value))
        ? ' A port without a name cannot be scraped by name: name it in the Service (and in hand-written Endpoints).'
        : '';
      const suggestions = namesNear(port.value, services).map((name) => `"${name}"`);
      const hint = suggestions.length > 0 ? ` Did you mean ${suggestions.join(' or ')}?` : '';
      return Finding.of(
        this,
        monitor.uri,
        port.range,
        `${describe(index, monitor)} scrapes port "${port.value}", ${whichSelected(index, monitor, services)}, so Prometheus finds no target for ` +
          `this endpoint: it keeps only the endpoints whose port has that name.${hint}${unnamed}`,
        {
          related: services.slice(0, MAX_LISTED).map((service) => ({
            uri: service.uri,
            range: service.name!.range,
            message: describe(index, service),
          })),
        },
      );
    });
  },

  fixes(finding, index) {
    const unknown = unknownPorts(index).find(
      ({ monitor, port }) => monitor.uri === finding.uri && port.range.start === finding.range.start,
    );
    const text = unknown && index.file(unknown.monitor.uri)?.text;
    if (!unknown || text === undefined) return [];
    const fixes = namesNear(unknown.port.value, unknown.services).map((name): Fix => ({
      title: `Scrape port "${name}" instead`,
      changes: [{ kind: 'edit', uri: finding.uri, ...replaceScalar(text, unknown.port, name) }],
    }));
    if (fixes.length === 1) fixes[0].isPreferred = true;
    return fixes;
  },
};

type UnknownPort = { monitor: ServiceMonitor; port: Located<string>; services: readonly Service[] };

/** Each endpoint port of a ServiceMonitor that none of the Services it selects (named ones: the index lists no other) has a port of. */
function unknownPorts(index: WorkspaceIndex): UnknownPort[] {
  const unknown: UnknownPort[] = [];
  for (const monitor of index.serviceMonitors()) {
    if (monitor.endpointPorts.length === 0) continue;
    const services = servicesMonitoredBy(index, monitor);
    if (!services || services.length === 0) continue;
    for (const port of monitor.endpointPorts)
      if (portsScrapedBy(services, port.value)?.length === 0) unknown.push({ monitor, port, services });
  }
  return unknown;
}

/** The port names of the Services a typo from `port`, closest first. */
function namesNear(port: string, services: readonly Service[]): string[] {
  const distances = new Map<string, number>();
  for (const service of services)
    for (const { name } of service.ports) {
      if (!name?.value) continue;
      const distance = editDistance(port, name.value, TYPO_DISTANCE);
      if (distance <= TYPO_DISTANCE) distances.set(name.value, distance);
    }
  return closestNames(distances, MAX_LISTED);
}

/** How the message names the selected Services, none of which has the port, with their ports. */
function whichSelected(index: WorkspaceIndex, monitor: ServiceMonitor, services: readonly Service[]): string {
  const [first] = services;
  if (services.length === 1)
    return `which ${describeAt(index, first, monitor.uri)}, the Service it selects, has no port of (its ports: ${portNamesOf(first)})`;
  const listed = services
    .slice(0, MAX_LISTED)
    .map((service) => `${describeAt(index, service, monitor.uri)}: ${portNamesOf(service)}`)
    .join('; ');
  const more = services.length > MAX_LISTED ? ` and ${plural(services.length - MAX_LISTED, 'other')}` : '';
  return `which none of the ${services.length} Services it selects has a port of (${listed}${more})`;
}

/** `"http", "metrics"`, `8080 (no name)` for a port without one, or `no ports`. */
function portNamesOf(service: Service): string {
  if (service.ports.length === 0) return 'no ports';
  return service.ports
    .map(({ name, port }) => (name?.value ? `"${name.value}"` : `${port?.value ?? '?'} (no name)`))
    .join(', ');
}
