import {
  containerPortsFor,
  numberInQuotes,
  referenceOf,
  routerBackends,
  servicePortsNamedBy,
  servicesReferencedBy,
} from '../index/selection';
import type { WorkspaceIndex } from '../index/workspaceIndex';
import { ServiceSemantics, targetPortOf } from '../model/semantics';
import {
  isTraefikRouter,
  type Located,
  type Router,
  type Service,
  type ServiceBackendRef,
  type ServicePort,
  type Workload,
} from '../model/types';
import { describe, describeAt, describePort, editDistance, leftOutByTraefik } from './describe';
import { TYPO_DISTANCE } from './nearMisses';
import type { Fix, Rule } from './types';
import { Finding } from './types';
import { replaceScalar, replaceWithNumber } from './yamlText';

/** How many of the Service's ports the fixes offer, the likeliest first. */
const MAX_FIXES = 3;

/**
 * Rule: route-port-unknown
 *
 * An Ingress backend names its Service's port by number (`service.port.number`, the Service
 * port's `port`) or by name (`service.port.name`; `servicePort` of extensions/v1beta1, either)
 * (networking.k8s.io/v1 ServiceBackendPort); a Gateway API route's backendRef by number (`port`:
 * "the service port number, not the target port", BackendObjectReference); a Traefik service by
 * number or by name (`port`, matched against the Service port's `port` or `name`: getServicePort
 * of Traefik's Kubernetes CRD provider). The API server does not look at the Service
 * (pkg/apis/networking/validation validateIngressBackend checks the port's form only; a route's
 * CRD, that a Service reference has a port). The controller does, and finds no port to send to:
 * ingress-nginx logs that the Service has no such port and answers 503, Traefik drops the route
 * (or, for its own objects, the service: "service port not found"), a Gateway has no destination
 * for the backendRef. ingress-nginx also takes a Service port's `targetPort` (its serviceEndpoints compares the backend port with
 * the port, the targetPort and the name): that is said, since other controllers do not. A number
 * that a port's named targetPort stands for in the pods it selects (`targetPort: http`, the
 * containerPort 8080 named `http`) is the same mix-up, which no controller routes.
 * Judged only when the backend's Service is in the workspace (`service-reference-missing` tells
 * when it is not) with every port's number read, and is no ExternalName Service (whose ports
 * ingress-nginx takes from the backend when it has none, and Traefik a number it does not have).
 *
 * Fixes: write one of the Service's ports, by name when the backend names one and the port has a
 * name, else by number.
 */
export const routePortUnknown: Rule = {
  code: 'route-port-unknown',
  defaultSeverity: 'warning',
  description:
    "An Ingress, Gateway API route or Traefik route backend names a port its Service does not have, so traffic can't reach it.",
  dependsOn: ['key', 'referencedServices'],

  check(index) {
    return unknownPorts(index).map(({ router, backend, port, service }) => {
      const written = typeof port.value === 'string' ? `"${port.value}"` : String(port.value);
      const ports = service.ports.map(describeServicePort).join(', ');
      const target = portsTargeting(index, service, port.value)[0];
      const ingress = router.kind === 'Ingress';
      const { noPort, notThePods } = portWording(router, backend);
      const unquoted = portGivenInQuotes(router, port, service);
      const consequence = unquoted
        ? `: Traefik reads ${written}, in quotes, as a port's name, not as port ${describeServicePort(unquoted)}, so ${noPort}`
        : !target
          ? `, so ${noPort}`
          : target.namedIn
            ? `: ${written} is the containerPort "${targetPortOf(target.servicePort)!.value}" of ` +
              `${describeAt(index, target.namedIn, router.uri)}, where its port ${describeServicePort(target.servicePort)} ` +
              `sends traffic. ${notThePods}${noPort}`
            : `: ${written} is the targetPort of its port ${describeServicePort(target.servicePort)}. ` +
              (ingress
                ? "ingress-nginx routes there all the same, but an Ingress names the Service's port, and other Ingress controllers find no port to route to."
                : notThePods + noPort);
      return Finding.of(
        this,
        router.uri,
        port.range,
        `${describe(index, router)} ${backend.mirror ? 'mirrors requests' : 'routes'} to port ${written} of ` +
          `${describeAt(index, service, router.uri)}, which has no such port ` +
          `(${ports ? `its ports: ${ports}` : 'it has no ports'})${consequence}`,
        { related: [{ uri: service.uri, range: service.name!.range, message: describe(index, service) }] },
      );
    });
  },

  fixes(finding, index) {
    const unknown = unknownPorts(index).find(
      ({ router, port }) => router.uri === finding.uri && port.range.start === finding.range.start,
    );
    const text = unknown && index.file(unknown.router.uri)?.text;
    if (!unknown || text === undefined) return [];
    const { router, port, service } = unknown;
    const unquoted = portGivenInQuotes(router, port, service);
    const targeting = unquoted
      ? [unquoted]
      : portsTargeting(index, service, port.value).map((target) => target.servicePort);
    const candidates = likeliestPorts(service, port.value, targeting);
    return candidates.slice(0, MAX_FIXES).map((candidate, rank): Fix => {
      const byName = !unquoted && typeof port.value === 'string' && candidate.name !== undefined;
      const changes = byName
        ? [{ kind: 'edit' as const, uri: finding.uri, ...replaceScalar(text, port, candidate.name!.value) }]
        : numberEdits(text, finding.uri, port, candidate.port!.value);
      const preferred = rank === 0 && (candidates.length === 1 || isClearlyMeant(port.value, candidates, targeting));
      return {
        title: `Route to port ${describeServicePort(candidate)} of the Service`,
        ...(preferred && { isPreferred: true }),
        changes,
      };
    });
  },
};

/** What follows from the router's controller finding no port, and how the message says that a backend names the Service's port. */
function portWording(router: Router, backend: ServiceBackendRef): { noPort: string; notThePods: string } {
  if (router.kind === 'Ingress')
    return {
      noPort: "the Ingress controller finds no port to route to and answers this backend's requests with 503.",
      notThePods: "An Ingress names the Service's port, not the pods', so ",
    };
  if (isTraefikRouter(router))
    return {
      noPort: `Traefik finds no port to send to ("service port not found") and leaves ${leftOutByTraefik(router)} out of its configuration.`,
      notThePods: "A Traefik service names the Service's port, not the pods', so ",
    };
  return {
    noPort: backend.mirror
      ? 'the Gateway has no port to mirror the requests to.'
      : 'the Gateway has no port to send the requests of this backendRef to.',
    notThePods: "A backendRef names the Service's port, not the pods' (Gateway API), so ",
  };
}

type UnknownPort = { router: Router; backend: ServiceBackendRef; port: Located<number | string>; service: Service };

/** The Ingress and route backends whose port is none of their Service's, where that Service is known. */
function unknownPorts(index: WorkspaceIndex): UnknownPort[] {
  return routerBackends(index).flatMap(({ router, backend }): UnknownPort[] => {
    const port = backend.port;
    // Zero is no port: the API server refuses the backend ("port name or number is required").
    if (!port || port.value === 0 || port.value === '') return [];
    const services = servicesReferencedBy(index, referenceOf(router, backend));
    const known = services.length > 0 && services.every(judged);
    if (!known || services.some((service) => servicePortsNamedBy(service, router, port).length > 0)) return [];
    return [{ router, backend, port, service: services[0] }];
  });
}

/**
 * The Service port whose number a Traefik route gives as digits in quotes (`port: "443"`): Traefik's
 * port is an IntOrString, and a string names a port by its name (getServicePort), so it misses.
 */
function portGivenInQuotes(router: Router, port: Located<number | string>, service: Service): ServicePort | undefined {
  const number = isTraefikRouter(router) ? numberInQuotes(port.value) : undefined;
  return number === undefined ? undefined : service.ports.find((candidate) => candidate.port?.value === number);
}

/** Whether the Service's ports are all known: not an ExternalName Service, and each port's number read. */
function judged(service: Service): boolean {
  return !ServiceSemantics.isExternalName(service) && service.ports.every((port) => port.port !== undefined);
}

/**
 * A Service port that sends traffic to the pods' port `port`: by its targetPort as written (the
 * API server defaults it to the port), or, for a number, by a targetPort name that a container
 * port of that number carries, in the first workload it selects that has one (`namedIn`).
 */
type Targeting = { servicePort: ServicePort; namedIn?: Workload };

/** The Service's ports that send traffic to the pods' port `port` (see `Targeting`), in the Service's order. */
function portsTargeting(index: WorkspaceIndex, service: Service, port: number | string): Targeting[] {
  return service.ports.flatMap((servicePort): Targeting[] => {
    const target = targetPortOf(servicePort)?.value;
    if (target === port) return [{ servicePort }];
    if (typeof target !== 'string' || typeof port !== 'number') return [];
    const reached = containerPortsFor(index, service, servicePort).find(
      (candidate) => candidate.port.containerPort?.value === port,
    );
    return reached ? [{ servicePort, namedIn: reached.workload }] : [];
  });
}

/** The Service's ports, those that target the pods' port the backend gives first, then names nearest to the one it gives. */
function likeliestPorts(service: Service, port: number | string, targeting: ServicePort[]): ServicePort[] {
  const distance = (candidate: ServicePort) =>
    typeof port === 'string' && candidate.name ? editDistance(port, candidate.name.value, 64) : 65;
  const rest = service.ports.filter((candidate) => !targeting.includes(candidate));
  return [...targeting, ...rest.sort((a, b) => distance(a) - distance(b))];
}

/** Whether the first of `candidates` is the port the backend meant: the one that targets it, or the one name a typo away. */
function isClearlyMeant(port: number | string, candidates: ServicePort[], targeting: ServicePort[]): boolean {
  if (targeting.length === 1) return true;
  if (typeof port !== 'string') return false;
  const near = candidates.filter(
    (candidate) => candidate.name && editDistance(port, candidate.name.value, TYPO_DISTANCE) <= TYPO_DISTANCE,
  );
  return near.length === 1 && near[0] === candidates[0];
}

/**
 * The edits that make a backend name port `number`: the value, and in networking.k8s.io/v1 the
 * key too when it was `name` (`port: {name: web}` becomes `port: {number: 80}`).
 */
function numberEdits(text: string, uri: string, port: Located<number | string>, number: number): Fix['changes'] {
  const key = port.keyRange;
  const value = { kind: 'edit' as const, uri, ...replaceWithNumber(text, port, number) };
  if (key && /^(name|"name"|'name')$/.test(text.slice(key.start, key.end)))
    return [{ kind: 'edit', uri, range: key, newText: 'number' }, value];
  return [value];
}

/** `80 ("http")`, or `80` for an unnamed port. */
function describeServicePort(port: ServicePort): string {
  const number = port.port?.value ?? '?';
  return port.name ? `${number} (${describePort(port)})` : String(number);
}
