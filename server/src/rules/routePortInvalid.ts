import { referenceOf, routerBackends, servicesReferencedBy } from '../index/selection';
import type { WorkspaceIndex } from '../index/workspaceIndex';
import { FieldError, isValidPortName, isValidPortNum } from '../model/k8sValidation';
import { isTraefikRouter, type Router, type ServiceBackendRef, type SourceRange } from '../model/types';
import { describe, leftOutByTraefik } from './describe';
import type { Fix, Rule } from './types';
import { Finding } from './types';
import { insertEntryAfter } from './yamlText';

/** How many of the Service's ports the fixes offer. */
const MAX_FIXES = 3;

/**
 * Rule: route-port-invalid
 *
 * What the API server refuses of the Service port an Ingress or Gateway API route backend names:
 * - a networking.k8s.io/v1 Ingress backend needs exactly one of `service.port.number` and
 *   `service.port.name` (a zero number or an empty name counts as none), the number a port
 *   number, the name an IANA_SVC_NAME (pkg/apis/networking/validation validateIngressBackend:
 *   "port name or number is required", "cannot set both port name & port number");
 * - a route's backendRef to a Service needs a `port` (the CRD's rule on BackendObjectReference,
 *   "Must have port for Service reference"), from 1 to 65535 (its schema).
 * The v1beta1 form (`servicePort`), which API servers no longer serve since Kubernetes 1.22, is left alone.
 * A service of a Traefik route, TraefikService or Middleware needs a port too, a number or a name,
 * which its CRD does not require: the API server takes it, and Traefik refuses a service without
 * one, or with 0 or "" ("ingressRoute service port not defined", getServicePort of its Kubernetes
 * CRD provider), and leaves it (a Middleware's, the middleware) out.
 *
 * Fixes: for a missing port, write one of the Service's ports (preferred when it has one).
 */
export const routePortInvalid: Rule = {
  code: 'route-port-invalid',
  defaultSeverity: 'error',
  description:
    "An Ingress or Gateway API route backend's Service port is missing or malformed, so the API server refuses it; a Traefik route's service names no port, so Traefik leaves it out.",
  dependsOn: ['key'],

  check(index) {
    return problemsOf(index).map(({ router, range, message }) =>
      Finding.of(
        this,
        router.uri,
        range,
        isTraefikRouter(router)
          ? `${describe(index, router)}: ${message}, so Traefik leaves ${leftOutByTraefik(router)} out of its configuration ("ingressRoute service port not defined").`
          : `${message}. The API server refuses ${describe(index, router)}.`,
      ),
    );
  },

  fixes(finding, index) {
    const problem = problemsOf(index).find(
      ({ router, range }) => router.uri === finding.uri && range.start === finding.range.start,
    );
    const text = index.file(finding.uri)?.text;
    if (!problem?.missing || text === undefined) return [];
    const { router, backend } = problem;
    const service = servicesReferencedBy(index, referenceOf(router, backend))[0];
    const numbers = (service?.ports ?? []).flatMap((port) => (port.port ? [port.port.value] : []));
    const ingress = router.kind === 'Ingress';
    return numbers.slice(0, MAX_FIXES).flatMap((number): Fix[] => {
      const edit = insertEntryAfter(
        text,
        backend.range,
        backend.serviceName,
        'port',
        ingress ? `{number: ${number}}` : String(number),
      );
      if (!edit) return [];
      return [
        {
          title: `Add port ${number} of Service "${backend.serviceName.value}"`,
          ...(numbers.length === 1 && { isPreferred: true }),
          changes: [{ kind: 'edit', uri: finding.uri, ...edit }],
        },
      ];
    });
  },
};

type Problem = { router: Router; backend: ServiceBackendRef; range: SourceRange; message: string; missing?: true };

function problemsOf(index: WorkspaceIndex): Problem[] {
  return routerBackends(index).flatMap(({ router, backend }) => backendProblems(router, backend));
}

function backendProblems(router: Router, backend: ServiceBackendRef): Problem[] {
  const { path, port, portKeyCount } = backend;
  const problem = (range: SourceRange, message: string, missing?: true): Problem[] => [
    { router, backend, range, message, ...(missing && { missing }) },
  ];
  if (router.kind === 'Ingress') {
    // The v1 form (`service.port`) only.
    if (router.apiVersion !== 'networking.k8s.io/v1') return [];
    if (portKeyCount === 0) {
      // A `port` mapping without its keys is no missing key: no fix adds a second `port`.
      const message = FieldError.required(path, 'port name or number is required');
      return backend.portKeyRange
        ? problem(backend.portKeyRange, message)
        : problem(backend.serviceName.range, message, true);
    }
    if (portKeyCount === 2)
      return problem(backend.portKeyRange!, FieldError.invalid(path, '', 'cannot set both port name & port number'));
    if (typeof port?.value === 'string')
      return isValidPortName(port.value).flatMap((detail) =>
        problem(port.range, FieldError.invalid(`${path}.service.port.name`, port.value, detail)),
      );
    if (typeof port?.value === 'number')
      return isValidPortNum(port.value).flatMap((detail) =>
        problem(port.range, FieldError.invalid(`${path}.service.port.number`, port.value, detail)),
      );
    return [];
  }
  if (isTraefikRouter(router))
    return portKeyCount === 0
      ? problem(
          backend.portKeyRange ?? backend.serviceName.range,
          `${path} names Service "${backend.serviceName.value}" without a port`,
          backend.portKeyRange ? undefined : true,
        )
      : [];
  if (portKeyCount === 0)
    return problem(
      backend.serviceName.range,
      FieldError.invalid(path, 'object', 'Must have port for Service reference'),
      true,
    );
  if (typeof port?.value === 'number' && (port.value < 1 || port.value > 65535)) {
    const bound = port.value < 1 ? 'greater than or equal to 1' : 'less than or equal to 65535';
    return problem(
      port.range,
      FieldError.invalid(`${path}.port`, port.value, `${path}.port in body should be ${bound}`),
    );
  }
  return [];
}
