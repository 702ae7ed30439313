import { FieldError } from '../model/k8sValidation';
import { portNameOf } from '../model/semantics';
import { anchorOfPort } from './describe';
import { slicePorts } from '../model/fieldPaths';
import { appProtocolProblems, portNameProblems, protocolProblems } from './portChecks';
import type { Finding as FindingType, Rule } from './types';
import { Finding } from './types';

/**
 * Rule: endpointslice-port-invalid
 *
 * validatePorts (kubernetes/kubernetes pkg/apis/discovery/validation): each port `name`
 * is a DNS-1123 label and unique in the slice, a missing name counting as "" (the API
 * server's default), so two unnamed ports clash; the protocol, defaulted to TCP when
 * missing, is TCP, UDP or SCTP; `appProtocol` is a qualified name.
 */
export const endpointslicePortInvalid: Rule = {
  code: 'endpointslice-port-invalid',
  defaultSeverity: 'error',
  description:
    'An EndpointSlice port has a duplicate or malformed name, or a protocol or appProtocol the API server rejects.',
  dependsOn: ['key'],

  check(index) {
    const findings: FindingType[] = [];
    for (const slice of index.allEndpointSlices()) {
      const seen = new Set<string>();
      for (const { port, path } of slicePorts(slice)) {
        const name = portNameOf(port);
        const problems = [
          ...portNameProblems(path, port.name),
          // A slice port's protocol is defaulted only when missing: "" is kept and refused.
          ...protocolProblems(path, port.protocol, false),
          ...appProtocolProblems(path, port),
        ];
        if (seen.has(name)) {
          const duplicate = FieldError.duplicate(`${path}.name`, name);
          problems.push({
            range: anchorOfPort(port).range,
            message:
              name === ''
                ? `${duplicate}. Only one port of a slice may be unnamed: name the others after their Service ports.`
                : duplicate,
          });
        }
        seen.add(name);
        for (const problem of problems) findings.push(Finding.of(this, slice.uri, problem.range, problem.message));
      }
    }
    return findings;
  },
};
