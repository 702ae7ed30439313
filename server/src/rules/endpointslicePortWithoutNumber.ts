import { describe, describePort, anchorOfPort } from './describe';
import type { Finding as FindingType, Rule } from './types';
import { Finding } from './types';

/**
 * Rule: endpointslice-port-without-number
 *
 * The API server accepts an EndpointSlice port without a number (the field is optional:
 * "ports are not restricted and must be interpreted in the context of the specific
 * consumer"), but kube-proxy skips such a port, and one of 0 (pkg/proxy
 * endpointslicecache.go: "ignoring invalid endpoint port"). So the Service port it
 * stands for gets no endpoints from this slice.
 */
export const endpointslicePortWithoutNumber: Rule = {
  code: 'endpointslice-port-without-number',
  defaultSeverity: 'warning',
  description: 'An EndpointSlice port has no port number, so kube-proxy ignores it.',
  dependsOn: ['key'],

  check(index) {
    const findings: FindingType[] = [];
    for (const slice of index.allEndpointSlices()) {
      for (const port of slice.ports) {
        // A value of another type (`port: "80"`) is a decoding error, not this rule's business.
        if (port.port ? port.port.value !== 0 : port.portKeyWritten) continue;
        findings.push(
          Finding.of(
            this,
            slice.uri,
            anchorOfPort(port).range,
            `${describe(index, slice)} port ${describePort(port)} has ${port.port ? 'port 0' : 'no port number'}: ` +
              'kube-proxy ignores such ports, so no traffic reaches these endpoints through it. Give the port the container listens on.',
          ),
        );
      }
    }
    return findings;
  },
};
