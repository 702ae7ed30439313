import {
  containerPortProtocolOf,
  containerPortsFor,
  podCountOf,
  monitorsSelecting,
  podsSelectedOf,
  referenceOf,
  referencesTo,
  selectorText,
  servicesMonitoredBy,
  servicesReferencedBy,
  servicesSelecting,
  workloadsSelectedBy,
} from '../index/selection';
import type { WorkspaceIndex } from '../index/workspaceIndex';
import type { LineIndex } from '../model/lineIndex';
import { ServiceSemantics, portNameOf, protocolOf } from '../model/semantics';
import type {
  Backend,
  ContainerPort,
  EndpointPort,
  KubeObject,
  Service,
  ServiceMonitor,
  ServicePort,
  SourceRange,
  Workload,
} from '../model/types';
import { isRouter } from '../model/types';
import { rules } from '../rules';
import { refusalOf } from '../rules/refusals';
import { plural, whereIs } from '../rules/describe';
import type { Finding } from '../rules/types';
import {
  addressesOf,
  isWorkload,
  monitoredPortsOf,
  portsOf,
  referencePortsOf,
  servicePortsFor,
  servicesOfTarget,
} from './links';
import { type SourceLocation, type Target, targetAt, touches } from './locate';

/** A hover: markdown and the span it is about. */
export type HoverCard = { markdown: string; range: SourceRange };

/** How hovers turn offsets into the line numbers of their file links. */
export type LinesOf = (uri: string) => LineIndex;

/** How many addresses a card lists before it says how many more there are. */
const MAX_ADDRESSES = 8;

/**
 * The hover at `offset`: a `kubectl describe`-like card on the name of a Service or
 * backend, what a selector, port or address links to, and for a span a diagnostic
 * flags, which check flagged it and why.
 */
export function hoverAt(
  index: WorkspaceIndex,
  uri: string,
  offset: number,
  findings: readonly Finding[],
  linesOf: LinesOf,
): HoverCard | undefined {
  const target = targetAt(index, uri, offset);
  const card = target && new Card(index, uri, linesOf);
  const body = card && target ? describeTarget(index, card, target) : undefined;
  const flagged = findings.filter((finding) => finding.uri === uri && touches(finding.range, offset));
  if (body === undefined && flagged.length === 0) return undefined;
  const explanations = flagged.map((finding) => {
    const rule = rules.find((candidate) => candidate.code === finding.code);
    return `**${finding.code}** (${finding.severity}): ${rule?.description ?? finding.message}`;
  });
  return {
    markdown: [body, ...explanations].filter(Boolean).join('\n\n'),
    range: body !== undefined ? target!.range : flagged[0].range,
  };
}

function describeTarget(index: WorkspaceIndex, card: Card, target: Target): string | undefined {
  switch (target.type) {
    case 'name':
      if (target.object.kind === 'Service') return serviceCard(index, card, target.object);
      if (target.object.kind === 'Endpoints' || target.object.kind === 'EndpointSlice') {
        return backendCard(index, card, target.object);
      }
      if (isWorkload(target.object)) return workloadCard(index, card, target.object);
      return undefined;
    case 'serviceLabel':
      return backendCard(index, card, target.object);
    case 'serviceReference': {
      const services = servicesOfTarget(index, target);
      if (services.length === 0) return noServiceNamed(target.reference.name.value);
      return services.map((service) => serviceCard(index, card, service)).join('\n\n---\n\n');
    }
    case 'referencePort':
      return referencePortLine(index, card, target);
    case 'monitorPort':
      return monitorPortLine(index, card, target);
    case 'selector':
      return selectorCard(index, card, target.object);
    case 'servicePort':
      return target.field === 'targetPort' ? targetPortCard(index, card, target.object, target.port) : undefined;
    case 'endpointPort':
      return endpointPortLine(index, target.object, target.port);
    case 'containerPort':
      return containerPortCard(index, card, target.object, target.port);
    case 'address': {
      const ports = target.ports.map(describeEndpointPort).join(', ');
      return (
        `Address \`${target.address.value}\` (${target.ready ? 'ready' : 'not ready'}) of ${card.link(target.object)}` +
        (ports ? `, on ports ${ports}` : ', on no port')
      );
    }
    default:
      return undefined;
  }
}

/** The card of a Service: type, selector, ports and what it routes to. */
function serviceCard(index: WorkspaceIndex, card: Card, service: Service): string {
  const lines = [`**Service \`${card.key(service)}\`** · ${typeOf(service)}`];
  if (ServiceSemantics.isExternalName(service)) {
    lines.push(`ExternalName → \`${service.externalName?.value ?? '(none)'}\`: a DNS alias, with no endpoints.`);
  } else if (service.selector) {
    lines.push(`Selector \`${selectorText(service.selector.labels)}\``);
  } else {
    lines.push('No selector (manual Endpoints)');
  }
  if (service.ports.length > 0)
    lines.push('**Ports**\n' + service.ports.map((port) => `- ${describeServicePort(port)}`).join('\n'));
  const routers = [...new Set(referencesTo(index, service).map(({ object }) => object))].filter(isRouter);
  if (routers.length > 0)
    lines.push('**Routed from**\n' + routers.map((router) => `- ${card.link(router)}`).join('\n'));
  const monitors = monitorsSelecting(index, service);
  if (monitors.length > 0)
    lines.push(
      '**Scraped by**\n' + monitors.map((monitor) => `- ${card.link(monitor)}: ${scrapedPorts(monitor)}`).join('\n'),
    );
  if (ServiceSemantics.isExternalName(service)) return lines.join('\n\n');
  const backends = index.backendsOf(service);
  if (backends.length > 0) {
    lines.push(
      '**Backends**\n' + backends.map((backend) => `- ${card.link(backend)}: ${describeAddresses(backend)}`).join('\n'),
    );
  }
  if (service.selector) {
    lines.push(selectedWorkloads(index, card, service));
  } else if (backends.length === 0) {
    lines.push('No Endpoints or EndpointSlice in the workspace: the Service has no backends.');
  }
  return lines.join('\n\n');
}

/** `` ports `metrics`, `web` ``: the ports a ServiceMonitor's endpoints name. */
function scrapedPorts(monitor: ServiceMonitor): string {
  const ports = monitor.endpointPorts.map((port) => `\`${port.value}\``);
  return ports.length > 0 ? `${ports.length === 1 ? 'port' : 'ports'} ${ports.join(', ')}` : 'every port';
}

/** The card of an Endpoints or EndpointSlice: its Service and which Service port each of its ports serves. */
function backendCard(index: WorkspaceIndex, card: Card, backend: Backend): string {
  const services = index.servicesOf(backend);
  const serviceName = backend.kind === 'Endpoints' ? backend.name?.value : backend.serviceName?.value;
  const head = `**${backend.kind} \`${card.key(backend)}\`**`;
  const owner =
    services.length > 0
      ? `Serves ${services.map((service) => card.link(service)).join(', ')}`
      : serviceName
        ? `No Service "${index.namespaceOf(backend)}/${serviceName}" in the workspace: nothing routes here.`
        : 'Names no Service.';
  const lines = [head, owner];
  const ports = portsOf(backend);
  if (ports.length > 0) {
    lines.push('**Ports**\n' + ports.map((port) => `- ${endpointPortLine(index, backend, port)}`).join('\n'));
  }
  lines.push(`Addresses: ${describeAddresses(backend)}`);
  return lines.join('\n\n');
}

function workloadCard(index: WorkspaceIndex, card: Card, workload: Workload): string {
  const services = servicesSelecting(index, workload).map((service) => card.link(service));
  const pods = podCountOf(workload);
  const refusal = refusalOf(index, workload);
  return (
    `**${workload.kind} \`${card.key(workload)}\`**${pods === undefined ? '' : ` · ${plural(pods, 'pod')}`}\n\n` +
    (refusal ? `Refused by the API server, so it makes no pods: ${refusal.reason}\n\n` : '') +
    (services.length > 0 ? `Selected by ${services.join(', ')}` : 'Selected by no Service of the workspace.')
  );
}

function selectorCard(index: WorkspaceIndex, card: Card, service: Service): string {
  return `Selector \`${selectorText(service.selector!.labels)}\` of ${card.link(service)}\n\n${selectedWorkloads(index, card, service)}`;
}

function selectedWorkloads(index: WorkspaceIndex, card: Card, service: Service): string {
  const workloads = workloadsSelectedBy(index, service);
  if (workloads.length === 0) {
    return index.workloadsIn(index.namespaceOf(service)).length === 0
      ? 'No workload of this namespace in the workspace to select.'
      : 'Selects no workload of the workspace.';
  }
  const items = workloads.map((workload) => {
    const replicas = podCountOf(workload);
    const selected = podsSelectedOf(service, workload);
    const pods =
      replicas === undefined
        ? ''
        : ` · ${selected === replicas ? plural(replicas, 'replica') : `${selected} of ${plural(replicas, 'replica')}`}`;
    const refused = refusalOf(index, workload) !== undefined;
    return `- ${card.link(workload)}${pods}${refused ? ' · refused by the API server' : ''}`;
  });
  return `**Selects**\n${items.join('\n')}`;
}

function targetPortCard(index: WorkspaceIndex, card: Card, service: Service, port: ServicePort): string {
  const reached = containerPortsFor(index, service, port);
  const head = `targetPort \`${port.targetPort!.value}\``;
  if (reached.length === 0) return `${head} matches no container port of the selected workloads.`;
  const items = reached.map(
    ({ workload, port: containerPort, location }) =>
      `- ${card.linkTo(location, `${describeContainerPort(containerPort)} of ${workload.kind} \`${card.key(workload)}\``)}`,
  );
  return `${head} reaches\n${items.join('\n')}`;
}

/** Which Service ports reach a container port, through the Services that select its workload. */
function containerPortCard(index: WorkspaceIndex, card: Card, workload: Workload, port: ContainerPort): string {
  const reaching = servicesSelecting(index, workload).flatMap((service) =>
    service.ports
      .filter((servicePort) => containerPortsFor(index, service, servicePort).some((reached) => reached.port === port))
      .map((servicePort) => `- port ${describeServicePort(servicePort)} of ${card.link(service)}`),
  );
  const head = `Container port ${describeContainerPort(port)} of ${workload.kind} \`${card.key(workload)}\``;
  return reaching.length > 0 ? `${head}, reached by\n${reaching.join('\n')}` : `${head}: no Service port targets it.`;
}

function describeContainerPort(port: ContainerPort): string {
  const name = port.name ? `\`${port.name.value}\` ` : '';
  return `${name}${port.containerPort?.value ?? '?'} (${containerPortProtocolOf(port)})`;
}

function endpointPortLine(index: WorkspaceIndex, backend: Backend, port: EndpointPort): string {
  const served = servicePortsFor(index, backend, port);
  const own = describeEndpointPort(port);
  if (served.length > 0) {
    return `${own} → Service port ${served.map(({ port: servicePort }) => describeServicePort(servicePort)).join(', ')}`;
  }
  const services = index.servicesOf(backend);
  if (services.length === 0) return `${own} → no Service`;
  const available = services.flatMap((service) => service.ports.map(describeServicePort)).join('; ') || 'none';
  return `${own} → no Service port of that name and protocol (kube-proxy pairs ports by both; the Service has ${available})`;
}

function noServiceNamed(name: string): string {
  return `No Service "${name}" in this namespace of the workspace.`;
}

/** The Service port an Ingress or route backend routes to, or the ports its Service has instead. */
function referencePortLine(index: WorkspaceIndex, card: Card, target: Target & { type: 'referencePort' }): string {
  const services = servicesReferencedBy(index, referenceOf(target.object, target.backend));
  if (services.length === 0) return noServiceNamed(target.backend.serviceName.value);
  const reached = referencePortsOf(index, target);
  if (reached.length > 0) {
    return reached
      .map(({ service, port }) => `Port ${describeServicePort(port)} of ${card.link(service)}`)
      .join('\n\n');
  }
  const ports = services[0].ports.map(describeServicePort).join(', ') || 'none';
  return `No port \`${target.backend.port!.value}\` on ${card.link(services[0])}, whose ports are ${ports}`;
}

/** The Service ports a ServiceMonitor's endpoint scrapes, or the Services it selects and their ports instead. */
function monitorPortLine(
  index: WorkspaceIndex,
  card: Card,
  target: Target & { type: 'monitorPort' },
): string | undefined {
  const scraped = monitoredPortsOf(index, target);
  if (!scraped) return undefined;
  if (scraped.length > 0)
    return scraped
      .map(({ service, port }) => `Port ${describeServicePort(port)} of ${card.link(service)}`)
      .join('\n\n');
  const services = servicesMonitoredBy(index, target.object) ?? [];
  if (services.length === 0) return 'No Service of the workspace is selected by this ServiceMonitor.';
  const listed = services
    .map((service) => `${card.link(service)}: ${service.ports.map(describeServicePort).join(', ') || 'no ports'}`)
    .join('\n\n');
  return `No port \`${target.port.value}\` on the Services this ServiceMonitor selects:\n\n${listed}`;
}

/** `` `http` 80 → `http` (TCP) ``: a Service port as a card lists it. */
function describeServicePort(port: ServicePort): string {
  const name = port.name ? `\`${port.name.value}\` ` : '';
  const target = port.targetPort
    ? ` → ${typeof port.targetPort.value === 'string' ? `\`${port.targetPort.value}\`` : port.targetPort.value}`
    : '';
  return `${name}${port.port?.value ?? '?'}${target} (${protocolOf(port)})`;
}

function describeEndpointPort(port: EndpointPort): string {
  const name = portNameOf(port);
  return `${name ? `\`${name}\` ` : ''}${port.port?.value ?? '?'} (${protocolOf(port)})`;
}

/** `` `10.0.0.1:2379`, `10.0.0.2:2379` (not ready) ``: a backend's addresses, with the port when it has one. */
function describeAddresses(backend: Backend): string {
  const items = addressesOf(backend).map(({ ip, ready, ports }) => {
    const single = ports.length === 1 && ports[0].port ? `:${ports[0].port.value}` : '';
    return `\`${ip.value}${single}\`${ready ? '' : ' (not ready)'}`;
  });
  if (items.length === 0) return 'none';
  const shown = items.slice(0, MAX_ADDRESSES).join(', ');
  return items.length > MAX_ADDRESSES ? `${shown}, … (${items.length - MAX_ADDRESSES} more)` : shown;
}

function typeOf(service: Service): string {
  const type = service.type?.value ?? 'ClusterIP';
  return service.clusterIP?.value === 'None' ? `${type} (headless)` : type;
}

/** Names objects and links to where they are written, seen from the hovered file. */
class Card {
  constructor(
    private readonly index: WorkspaceIndex,
    private readonly fromUri: string,
    private readonly linesOf: LinesOf,
  ) {}

  /** `namespace/name`. */
  key(object: KubeObject): string {
    return `${this.index.namespaceOf(object)}/${object.name?.value ?? '(unnamed)'}`;
  }

  /** `` Deployment `default/web` ([web.yaml:14](file:///…#L14)) ``. */
  link(object: KubeObject): string {
    return this.linkTo(
      { uri: object.uri, range: (object.name ?? object).range },
      `${object.kind} \`${this.key(object)}\``,
    );
  }

  linkTo(location: SourceLocation, label: string): string {
    const line = this.linesOf(location.uri).positionAt(location.range.start).line + 1;
    const where = location.uri === this.fromUri ? `line ${line}` : `${whereIs(location, this.fromUri)}:${line}`;
    return `${label} ([${where}](${location.uri}#L${line}))`;
  }
}
