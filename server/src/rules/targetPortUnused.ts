import { portsMatch, ServiceSemantics } from '../model/semantics';
import { describe, describePort } from './describe';
import { backendPorts } from '../model/fieldPaths';
import type { Finding as FindingType, Rule } from './types';
import { Finding } from './types';

/**
 * Rule: target-port-unused
 *
 * `targetPort` tells the endpoints controller which Pod port to write into the
 * Endpoints of a Service with a selector. Without a selector nobody reads it: kube-proxy
 * forwards to the port of the Endpoints or EndpointSlice port matched by name and
 * protocol. A `targetPort` that differs from that port (or names a container port) is
 * therefore dead text that suggests traffic goes where it does not.
 */
export const targetPortUnused: Rule = {
  code: 'target-port-unused',
  defaultSeverity: 'information',
  description: "A Service without selector has a targetPort that differs from its endpoints' port; it is not used.",
  dependsOn: ['key'],

  check(index) {
    const findings: FindingType[] = [];
    for (const service of index.allServices()) {
      if (!ServiceSemantics.needsManualBackends(service)) continue;
      const backends = index.backendsOf(service);
      for (const servicePort of service.ports) {
        const target = servicePort.targetPort;
        if (!target || target.value === 0 || target.value === '') continue;
        const used = backends.flatMap((backend) =>
          backendPorts(backend)
            .filter((port) => port.port && portsMatch(servicePort, port))
            .map((port) => ({ backend, number: port.port!.value })),
        );
        if (used.length === 0 || used.every(({ number }) => number === target.value)) continue;
        const where = [...new Set(used.map(({ backend, number }) => `${number} in ${describe(index, backend)}`))].join(
          ', ',
        );
        const what = typeof target.value === 'number' ? `targetPort ${target.value}` : `targetPort "${target.value}"`;
        findings.push(
          Finding.of(
            this,
            service.uri,
            target.range,
            `${what} of Service port ${describePort(servicePort)} is not used: ${describe(index, service)} has no selector, ` +
              `so kube-proxy sends its traffic to the port of its endpoints (${where}). ` +
              'Remove targetPort, or make it match the endpoint port.',
          ),
        );
      }
    }
    return findings;
  },
};
