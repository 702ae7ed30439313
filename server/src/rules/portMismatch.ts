import type { WorkspaceIndex } from '../index/workspaceIndex';
import { portNameOf, portsMatch, protocolOf, ServiceSemantics } from '../model/semantics';
import type { Backend, EndpointPort, Service, ServicePort } from '../model/types';
import { anchorOfPort, describe, describeAt, describePort, editDistance } from './describe';
import { backendPorts } from '../model/fieldPaths';
import type { Finding as FindingType, Fix, Rule } from './types';
import { Finding } from './types';
import { insertFirstEntry, replaceScalar, scalarText } from './yamlText';

/**
 * Rule: port-mismatch
 *
 * kube-proxy pairs a Service port with endpoint ports by port name and protocol
 * (pkg/proxy: ServicePortName{NamespacedName, Port: port.Name, Protocol}); the port
 * number and `targetPort` play no part. Protocols default to TCP. So every endpoint
 * port must carry the name and protocol of a Service port, a single unnamed Service
 * port pairs only with an unnamed endpoint port, and a Service port that no endpoint
 * port matches has no backends.
 *
 * Checked for hand-written Endpoints of selector-less Services, and for EndpointSlices
 * of any Service but ExternalName (kube-proxy reads every slice labelled for a Service).
 *
 * Fixes: rename the endpoint port to the Service port it was meant for, or name an
 * unnamed one.
 */
export const portMismatch: Rule = {
  code: 'port-mismatch',
  defaultSeverity: 'warning',
  description: 'An endpoint port matches no Service port by name and protocol, or a Service port has no endpoint port.',
  dependsOn: ['key'],

  check(index) {
    const findings: FindingType[] = [];
    for (const service of index.allServices()) {
      const alignment = alignPorts(index, service);
      if (!alignment) continue;
      for (const { backend, port } of alignment.strayBackendPorts) {
        findings.push(
          Finding.of(this, backend.uri, anchorOfPort(port).range, strayPortMessage(index, service, backend, port), {
            related: [{ uri: service.uri, range: service.name!.range, message: describe(index, service) }],
          }),
        );
      }
      const backendNames = alignment.backends.map((backend) => describeAt(index, backend, service.uri)).join(', ');
      for (const port of alignment.unservedServicePorts) {
        findings.push(
          Finding.of(
            this,
            service.uri,
            anchorOfPort(port).range,
            `Service port ${describePort(port)} (${protocolOf(port)}) has no port of the same name and protocol in ${backendNames}, ` +
              'so connections to it fail.',
          ),
        );
      }
    }
    return findings;
  },

  fixes(finding, index) {
    for (const service of servicesWrittenAt(index, finding)) {
      const alignment = alignPorts(index, service);
      if (!alignment) continue;
      const stray = alignment.strayBackendPorts.find(
        ({ backend, port }) => backend.uri === finding.uri && anchorOfPort(port).range.start === finding.range.start,
      );
      if (stray) return renamesFor(index, stray, alignment.unservedServicePorts);
      const unserved = alignment.unservedServicePorts.find(
        (port) => service.uri === finding.uri && anchorOfPort(port).range.start === finding.range.start,
      );
      if (unserved) return alignment.strayBackendPorts.flatMap((stray) => renamesFor(index, stray, [unserved]));
    }
    return [];
  },
};

/**
 * The Services whose port alignment may hold a finding: the Service the finding is written in,
 * or those of the backend it is written in. Looking through every Service instead cost 16 ms
 * per finding at 50k resources, 0.8 s for a code action over a 2,000-document file.
 */
function servicesWrittenAt(index: WorkspaceIndex, finding: FindingType): Service[] {
  const offset = finding.range.start;
  return (index.file(finding.uri)?.objects ?? [])
    .filter((object) => object.range.start <= offset && offset <= object.range.end)
    .flatMap((object) =>
      object.kind === 'Service'
        ? [object]
        : object.kind === 'Endpoints' || object.kind === 'EndpointSlice'
          ? index.servicesOf(object)
          : [],
    );
}

type BackendPort = { backend: Backend; port: EndpointPort };

type PortAlignment = {
  backends: Backend[];
  /** Endpoint ports no Service port matches. */
  strayBackendPorts: BackendPort[];
  /** Service ports no endpoint port matches. */
  unservedServicePorts: ServicePort[];
};

/** How a Service's ports line up with those of its backends; undefined when there is nothing to compare. */
function alignPorts(index: WorkspaceIndex, service: Service): PortAlignment | undefined {
  // A Service without ports (a headless one, typically) has nothing for kube-proxy to pair.
  if (!service.name || ServiceSemantics.isExternalName(service) || service.ports.length === 0) return undefined;
  // The endpoints controller rewrites Endpoints of selector Services, so only their slices are hand-made.
  const backends = index
    .backendsOf(service)
    .filter((backend) => backend.kind === 'EndpointSlice' || !ServiceSemantics.hasSelector(service));
  if (backends.length === 0) return undefined;
  const ports: BackendPort[] = backends.flatMap((backend) => backendPorts(backend).map((port) => ({ backend, port })));
  return {
    backends,
    strayBackendPorts: ports.filter(({ port }) => !service.ports.some((servicePort) => portsMatch(servicePort, port))),
    unservedServicePorts: service.ports.filter(
      (servicePort) => !ports.some(({ port }) => portsMatch(servicePort, port)),
    ),
  };
}

function strayPortMessage(index: WorkspaceIndex, service: Service, backend: Backend, port: EndpointPort): string {
  const owner = `${backend.kind} port ${describePort(port)}`;
  const target = describeAt(index, service, backend.uri);
  const consequence = 'kube-proxy pairs ports by name and protocol, so this port carries no traffic.';
  const sameName = service.ports.find((servicePort) => portNameOf(servicePort) === portNameOf(port));
  if (sameName) {
    return `${owner} is ${protocolOf(port)} but the port of ${target} is ${protocolOf(sameName)}: ${consequence}`;
  }
  const named = service.ports.filter((servicePort) => servicePort.name);
  if (!port.name && named.length > 0) {
    return `${owner} has no name, but ${target} names its port ${named.map(describePort).join(', ')}: ${consequence}`;
  }
  if (port.name && service.ports.length === 1 && named.length === 0) {
    return `${owner} has a name, but the only port of ${target} has none: ${consequence} Remove the name here or name the Service port.`;
  }
  const list = service.ports.map((servicePort) => `${describePort(servicePort)} ${protocolOf(servicePort)}`).join(', ');
  return `${owner} (${protocolOf(port)}) matches no port of ${target} (${list || 'none'}): ${consequence}`;
}

/** Renames of a stray endpoint port to the unserved Service ports of its protocol, nearest name first. */
function renamesFor(index: WorkspaceIndex, stray: BackendPort, unserved: ServicePort[]): Fix[] {
  const text = index.file(stray.backend.uri)?.text;
  // A name that is empty or no string cannot be replaced as a scalar, nor added again.
  if (text === undefined || (!stray.port.name && stray.port.nameKeyWritten)) return [];
  const currentName = portNameOf(stray.port);
  const targets = unserved
    .filter((servicePort) => servicePort.name && protocolOf(servicePort) === protocolOf(stray.port))
    .map((servicePort) => servicePort.name!.value)
    .sort((a, b) => editDistance(currentName, a, 64) - editDistance(currentName, b, 64));
  const fixes = targets.flatMap((name): Fix[] => {
    const edit = stray.port.name
      ? replaceScalar(text, stray.port.name, name)
      : insertFirstEntry(text, stray.port.range, 'name', scalarText(name));
    if (!edit) return [];
    return [
      {
        title: stray.port.name
          ? `Rename ${stray.backend.kind} port "${currentName}" to "${name}"`
          : `Name ${stray.backend.kind} port ${describePort(stray.port)} "${name}"`,
        changes: [{ kind: 'edit', uri: stray.backend.uri, ...edit }],
      },
    ];
  });
  if (fixes.length === 1) Object.assign(fixes[0], { isPreferred: true, safe: true });
  return fixes;
}
