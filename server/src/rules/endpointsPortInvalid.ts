import { FieldError } from '../model/k8sValidation';
import { anchorOfPort } from './describe';
import { endpointsPorts } from '../model/fieldPaths';
import { appProtocolProblems, portNameProblems, portNumberProblems, protocolProblems } from './portChecks';
import type { Finding as FindingType, Rule } from './types';
import { Finding } from './types';

/**
 * Rule: endpoints-port-invalid
 *
 * validateEndpointPort (kubernetes/kubernetes pkg/apis/core/validation): a port number
 * from 1 to 65535 (a missing one reads as 0), a protocol of TCP, UDP or SCTP (a missing
 * one defaults to TCP), a `name` that is a DNS-1123 label and is required when the
 * subset has more than one port, and an `appProtocol` that is a qualified name.
 */
export const endpointsPortInvalid: Rule = {
  code: 'endpoints-port-invalid',
  defaultSeverity: 'error',
  description: 'An Endpoints port has a number, protocol, name or appProtocol the API server rejects.',
  dependsOn: ['key'],

  check(index) {
    const findings: FindingType[] = [];
    for (const endpoints of index.allEndpoints()) {
      const report = (range: { start: number; end: number }, message: string) =>
        findings.push(Finding.of(this, endpoints.uri, range, message));
      for (const { port, path, subset } of endpointsPorts(endpoints)) {
        const several = endpoints.subsets[subset!].ports.length > 1;
        if (!port.name?.value && several) {
          report(
            anchorOfPort(port).range,
            `${FieldError.required(`${path}.name`)}. A subset with several ports must name each one, after the Service port it serves.`,
          );
        }
        for (const problem of [
          ...portNameProblems(path, port.name),
          ...portNumberProblems(path, port),
          ...protocolProblems(path, port.protocol, true),
          ...appProtocolProblems(path, port),
        ]) {
          report(problem.range, problem.message);
        }
      }
    }
    return findings;
  },
};
