import { FieldError, goQuote, isValidPortName, isValidPortNum } from '../model/k8sValidation';
import { protocolOf, ServiceSemantics } from '../model/semantics';
import type { ServicePort, SourceRange } from '../model/types';
import { anchorOfPort } from './describe';
import { appProtocolProblems, portNameProblems, portNumberProblems, protocolProblems } from './portChecks';
import type { Finding as FindingType, Rule } from './types';
import { Finding } from './types';

/**
 * Rule: service-port-invalid
 *
 * The port checks of ValidateService and validateServicePort (kubernetes/kubernetes
 * pkg/apis/core/validation), after the API server's defaults (protocol TCP, type
 * ClusterIP, targetPort = port): ports are required unless the Service is headless or
 * ExternalName; with several ports each needs a unique DNS-1123 label name; port numbers
 * are 1 to 65535; a string `targetPort` is an IANA service name (IsValidPortName); no two
 * ports share (protocol, port) or (protocol, nodePort); a ClusterIP Service has no nodePort.
 */
export const servicePortInvalid: Rule = {
  code: 'service-port-invalid',
  defaultSeverity: 'error',
  description:
    'A Service has no ports, or a port whose name, number, protocol, targetPort or nodePort the API server rejects.',
  dependsOn: ['key'],

  check(index) {
    const findings: FindingType[] = [];
    for (const service of index.allServices()) {
      const report = (range: SourceRange, message: string) =>
        findings.push(Finding.of(this, service.uri, range, message));
      const ports = service.ports;
      if (ports.length === 0) {
        if (!ServiceSemantics.isHeadless(service) && !ServiceSemantics.isExternalName(service) && service.name) {
          report(
            service.name.range,
            `${FieldError.required('spec.ports')}. Only headless (clusterIP: None) and ExternalName Services may have no ports.`,
          );
        }
        continue;
      }
      const names = new Set<string>();
      const numbers = new Set<string>();
      const nodePorts = new Set<string>();
      const type = ServiceSemantics.typeOf(service);
      ports.forEach((port, i) => {
        const path = `spec.ports[${i}]`;
        const name = port.name?.value ?? '';
        if (name === '' && ports.length > 1) {
          report(
            anchorOfPort(port).range,
            `${FieldError.required(`${path}.name`)}. A Service with several ports must name each one; endpoints are matched to them by name.`,
          );
        } else if (name !== '') {
          if (names.has(name)) report(port.name!.range, FieldError.duplicate(`${path}.name`, name));
          names.add(name);
        }
        const problems = [
          ...portNameProblems(path, port.name),
          ...portNumberProblems(path, port),
          ...protocolProblems(path, port.protocol, true),
          ...targetPortProblems(path, port),
          ...appProtocolProblems(path, port),
        ];
        for (const problem of problems) report(problem.range, problem.message);
        if (port.nodePort && port.nodePort.value !== 0) {
          if (type === 'ClusterIP') {
            report(
              port.nodePort.range,
              `${FieldError.forbidden(`${path}.nodePort`, "may not be used when `type` is 'ClusterIP'")}. Remove it, or make the Service type NodePort or LoadBalancer.`,
            );
          }
          const key = `${protocolOf(port)}/${port.nodePort.value}`;
          if (nodePorts.has(key))
            report(port.nodePort.range, FieldError.duplicate(`${path}.nodePort`, port.nodePort.value));
          nodePorts.add(key);
        }
        if (port.port) {
          const key = `${protocolOf(port)}/${port.port.value}`;
          if (numbers.has(key)) {
            report(
              port.port.range,
              `${FieldError.duplicate(path, { goSyntax: servicePortKey(port) })}. Another port of this Service already serves ${protocolOf(port)} port ${port.port.value}.`,
            );
          }
          numbers.add(key);
        }
      });
    }
    return findings;
  },
};

/** ValidatePortNumOrName: a number is 1 to 65535, a string an IANA service name; 0 and "" default to `port`. */
function targetPortProblems(path: string, port: ServicePort): { range: SourceRange; message: string }[] {
  const target = port.targetPort;
  if (!target || target.value === 0 || target.value === '') return [];
  if (typeof target.value === 'number') {
    return isValidPortNum(target.value).map((problem) => ({
      range: target.range,
      message: FieldError.invalid(`${path}.targetPort`, target.value, problem),
    }));
  }
  const value = target.value;
  const numeric = /^[0-9]+$/.test(value);
  return isValidPortName(value).map((problem) => ({
    range: target.range,
    message:
      FieldError.invalid(`${path}.targetPort`, value, problem) +
      (numeric
        ? `. Quoted, ${value} is a port name; write it without quotes to target port number ${value}.`
        : '. A string targetPort names a container port, at most 15 lowercase letters, digits and hyphens.'),
  }));
}

/**
 * The key upstream reports a duplicate (protocol, port) with, printed as Go's `%#v` of
 * core.ServicePort with only Protocol and Port set.
 */
function servicePortKey(port: ServicePort): string {
  return (
    `core.ServicePort{Name:"", Protocol:${goQuote(protocolOf(port))}, AppProtocol:(*string)(nil), Port:${port.port!.value}, ` +
    'TargetPort:intstr.IntOrString{Type:0, IntVal:0, StrVal:""}, NodePort:0}'
  );
}
