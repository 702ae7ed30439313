import {
  containerPortProtocolOf,
  containerPortsOf,
  containerPortsReachedIn,
  selectingServices,
} from '../index/selection';
import type { WorkspaceIndex } from '../index/workspaceIndex';
import { protocolOf } from '../model/semantics';
import type { Located, Service, ServicePort, Workload } from '../model/types';
import { describe, describeAt, editDistance } from './describe';
import type { Fix, Rule } from './types';
import { Finding } from './types';
import { replaceScalar } from './yamlText';

/**
 * Rule: target-port-name-unknown
 *
 * A named `targetPort` is looked up in each selected Pod among its containers' ports,
 * by name and protocol (kubernetes/kubernetes pkg/api/v1/pod FindPort); a Pod without
 * such a port is left out of the Endpoints. When no workload the selector matches in
 * the workspace defines the name, the Service port gets no endpoints at all.
 *
 * Fixes: change the targetPort to a port name the selected containers define.
 */
export const targetPortNameUnknown: Rule = {
  code: 'target-port-name-unknown',
  defaultSeverity: 'warning',
  description: 'A named targetPort is defined by no container of the workloads the Service selects.',
  dependsOn: ['key', 'selectedWorkloads'],

  check(index) {
    return unknownTargetPorts(index).map(({ service, port, targetPort, workloads }) => {
      const protocol = protocolOf(port);
      const otherProtocol = containerPortsOf(workloads).find(
        (containerPort) =>
          containerPort.name?.value === targetPort.value && containerPortProtocolOf(containerPort) !== protocol,
      );
      const detail = otherProtocol
        ? `it is ${containerPortProtocolOf(otherProtocol)} there, but this Service port is ${protocol}`
        : `they define ${namesOf(workloads).join(', ') || 'no named port'}`;
      return Finding.of(
        this,
        service.uri,
        targetPort.range,
        `targetPort "${targetPort.value}" names no ${protocol} container port of the workloads the selector of ${describe(index, service)} matches ` +
          `(${workloads.map((workload) => describeAt(index, workload, service.uri)).join(', ')}): ${detail}. ` +
          'Pods without the port get no endpoints for it, so connections to it fail.',
      );
    });
  },

  fixes(finding, index) {
    const unknown = unknownTargetPorts(index).find(
      ({ service, targetPort }) => service.uri === finding.uri && targetPort.range.start === finding.range.start,
    );
    const text = unknown && index.file(unknown.service.uri)?.text;
    if (!unknown || text === undefined) return [];
    const protocol = protocolOf(unknown.port);
    const names = [
      ...new Set(
        containerPortsOf(unknown.workloads)
          .filter((containerPort) => containerPortProtocolOf(containerPort) === protocol)
          .flatMap((containerPort) => (containerPort.name ? [containerPort.name.value] : [])),
      ),
    ].sort((a, b) => editDistance(unknown.targetPort.value, a, 64) - editDistance(unknown.targetPort.value, b, 64));
    const fixes = names.map((name): Fix => ({
      title: `Change targetPort to "${name}"`,
      changes: [{ kind: 'edit', uri: unknown.service.uri, ...replaceScalar(text, unknown.targetPort, name) }],
    }));
    if (fixes.length === 1) fixes[0].isPreferred = true;
    return fixes;
  },
};

type UnknownTargetPort = {
  service: Service;
  port: ServicePort;
  targetPort: Located<string>;
  workloads: readonly Workload[];
};

/** The named targetPorts that no selected workload defines, for Services that select some workload. */
function unknownTargetPorts(index: WorkspaceIndex): UnknownTargetPort[] {
  return selectingServices(index).flatMap(({ service, workloads }) => {
    if (workloads.length === 0) return [];
    return service.ports.flatMap((port) => {
      const targetPort = port.targetPort;
      if (typeof targetPort?.value !== 'string') return [];
      return containerPortsReachedIn(workloads, port).length > 0
        ? []
        : [{ service, port, targetPort: targetPort as Located<string>, workloads }];
    });
  });
}

function namesOf(workloads: readonly Workload[]): string[] {
  return [...new Set(containerPortsOf(workloads).flatMap((port) => (port.name ? [`"${port.name.value}"`] : [])))];
}
