import { containerPortProtocolOf, containerPortsOf, selectingServices } from '../index/selection';
import { protocolOf, targetPortOf } from '../model/semantics';
import { describe, describeAt } from './describe';
import type { Rule } from './types';
import { Finding } from './types';

/**
 * Rule: target-port-number-undeclared
 *
 * A numeric `targetPort` (or, when it is left out, the `port` it defaults to) needs no
 * `containerPort` declaration: traffic reaches whatever listens there. But when the
 * selected workloads declare their ports and none declares this one, the number is
 * often a leftover (the app moved from 8080 to 9090) or a Service port copied as the
 * target. Workloads that declare no port at all say nothing either way and are skipped.
 */
export const targetPortNumberUndeclared: Rule = {
  code: 'target-port-number-undeclared',
  defaultSeverity: 'hint',
  description:
    'A numeric targetPort (or the port it defaults to) is declared as a containerPort by none of the workloads the Service selects.',
  dependsOn: ['key', 'selectedWorkloads'],

  check(index) {
    return selectingServices(index).flatMap(({ service, workloads: selected }) => {
      const workloads = selected.filter((workload) => workload.containerPorts.length > 0);
      if (workloads.length === 0) return [];
      const declared = containerPortsOf(workloads);
      return service.ports.flatMap((port) => {
        const explicit = port.targetPort;
        const target = targetPortOf(port);
        if (typeof target?.value !== 'number') return [];
        const protocol = protocolOf(port);
        const number = target.value;
        if (
          declared.some(
            (containerPort) =>
              containerPort.containerPort?.value === number && containerPortProtocolOf(containerPort) === protocol,
          )
        ) {
          return [];
        }
        const list = [
          ...new Set(declared.map((p) => `${p.containerPort?.value ?? '?'}/${containerPortProtocolOf(p)}`)),
        ];
        const what = explicit
          ? `targetPort ${number} (${protocol})`
          : `port ${number} (${protocol}), which targetPort defaults to`;
        return [
          Finding.of(
            this,
            service.uri,
            target.range,
            `No container that ${describe(index, service)} selects declares ${what}: the selected workloads ` +
              `(${workloads.map((workload) => describeAt(index, workload, service.uri)).join(', ')}) declare ${list.join(', ')}. ` +
              `Traffic still reaches a process listening on ${number}; check that the number is the one the app serves.`,
          ),
        ];
      });
    });
  },
};
