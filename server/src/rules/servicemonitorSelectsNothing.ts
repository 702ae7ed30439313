import { monitoredNamespaces, selectorText, servicesMonitoredBy, servicesWatchedBy } from '../index/selection';
import { UriPath } from '../index/uriPath';
import type { WorkspaceIndex } from '../index/workspaceIndex';
import { selectorMatches, ServiceSemantics } from '../model/semantics';
import { compareByPlace, type Service, type ServiceMonitor } from '../model/types';
import { describe, describeAt } from './describe';
import type { Fix, Rule } from './types';
import { Finding } from './types';
import { insertEntryAfter, scalarText } from './yamlText';

/** How many Services beside it a message names. */
const MAX_LISTED = 3;

/**
 * Rule: servicemonitor-selects-nothing
 *
 * A prometheus-operator ServiceMonitor (monitoring.coreos.com) selects the Services whose own
 * labels (`metadata.labels`) its `spec.selector` matches, in the namespaces of its
 * `namespaceSelector` (prometheus-operator, pkg/prometheus/promcfg.go,
 * generateServiceMonitorConfig: a `keep` relabeling per `matchLabels` pair on
 * `__meta_kubernetes_service_label_<name>`, and per requirement of `matchExpressions`). One that
 * matches no Service gives Prometheus a job with no target: nothing fails, and nothing is scraped.
 * The usual cause is a selector that copies the labels of the pods (the Service's `spec.selector`)
 * onto a Service that does not carry them itself; the message says so, and a fix labels such a
 * Service when it has no labels yet.
 *
 * It speaks only when the ServiceMonitor's folder holds a Service of the namespaces it watches:
 * one alone in its folder most often monitors what a chart installs, as in homelab repositories.
 */
export const servicemonitorSelectsNothing: Rule = {
  code: 'servicemonitor-selects-nothing',
  defaultSeverity: 'warning',
  description: 'A ServiceMonitor selects no Service, though Services of the namespaces it watches sit beside it.',

  check(index) {
    return unmatched(index).map(({ monitor, beside }) => {
      const selector = monitor.selector!;
      const wanted = selectorText(selector.matchLabels);
      const criteria =
        (wanted ? `labels ${wanted}` : 'its selector') +
        (selector.matchExpressions && selector.matchExpressions.length > 0 ? ' and its matchExpressions' : '');
      const podsOnly = servicesSelectingPodsLabelled(monitor, beside);
      const hints =
        podsOnly.length > 0
          ? podsOnly
              .slice(0, MAX_LISTED)
              .map(
                (service) =>
                  ` ${describeAt(index, service, monitor.uri)} selects pods ${wanted} but does not carry those labels itself: a ServiceMonitor selects Services by their own labels (metadata.labels), not their pods'.`,
              )
              .join('')
          : ` Beside it: ${beside
              .slice(0, MAX_LISTED)
              .map((service) => `${describeAt(index, service, monitor.uri)}, ${labelled(service)}`)
              .join('; ')}.`;
      return Finding.of(
        this,
        monitor.uri,
        selector.keyRange,
        `${describe(index, monitor)} selects no Service: none ${watchedWording(index, monitor)} in the workspace ` +
          `carries ${criteria}, so Prometheus finds no target for it and scrapes nothing.${hints}`,
        {
          related: (podsOnly.length > 0 ? podsOnly : beside).slice(0, MAX_LISTED).map((service) => ({
            uri: service.uri,
            range: service.name!.range,
            message: describe(index, service),
          })),
        },
      );
    });
  },

  fixes(finding, index) {
    const found = unmatched(index).find(
      ({ monitor }) => monitor.uri === finding.uri && monitor.selector!.keyRange.start === finding.range.start,
    );
    if (!found) return [];
    const { matchLabels } = found.monitor.selector!;
    const pairs = Object.entries(matchLabels).map(([key, value]) => `${scalarText(key)}: ${scalarText(value.value)}`);
    const fixes = servicesSelectingPodsLabelled(found.monitor, found.beside).flatMap((service): Fix[] => {
      const text = index.file(service.uri)?.text;
      if (text === undefined || !labelsMayBeAdded(text, service)) return [];
      const edit = insertEntryAfter(text, service.metadataRange!, service.name!, 'labels', `{${pairs.join(', ')}}`);
      return edit
        ? [
            {
              title: `Label Service "${service.name!.value}" ${selectorText(matchLabels)}`,
              changes: [{ kind: 'edit', uri: service.uri, ...edit }],
            },
          ]
        : [];
    });
    if (fixes.length === 1) fixes[0].isPreferred = true;
    return fixes;
  },
};

type Unmatched = { monitor: ServiceMonitor; beside: Service[] };

/**
 * The ServiceMonitors that select no Service while their folder holds Services of the namespaces
 * they watch (ExternalName ones aside; the index lists named ones only), with those Services.
 */
function unmatched(index: WorkspaceIndex): Unmatched[] {
  const found: Unmatched[] = [];
  for (const monitor of index.serviceMonitors()) {
    if (servicesMonitoredBy(index, monitor)?.length !== 0) continue;
    const folder = UriPath.folderOf(monitor.uri);
    const beside = (servicesWatchedBy(index, monitor) ?? []).filter(
      (service) => !ServiceSemantics.isExternalName(service) && UriPath.folderOf(service.uri) === folder,
    );
    // Those of its own file first: the ones a hint most likely means.
    const ownFileFirst = (service: Service) => (service.uri === monitor.uri ? 0 : 1);
    beside.sort((a, b) => ownFileFirst(a) - ownFileFirst(b) || compareByPlace(a, b));
    if (beside.length > 0) found.push({ monitor, beside });
  }
  return found;
}

/** Of `services`, those whose pod selector asks every label pair the ServiceMonitor asks of Services. */
function servicesSelectingPodsLabelled(monitor: ServiceMonitor, services: readonly Service[]): Service[] {
  const { matchLabels } = monitor.selector!;
  if (Object.keys(matchLabels).length === 0) return [];
  return services.filter((service) => service.selector && selectorMatches(matchLabels, service.selector.labels));
}

/** `of namespace "shop"`, `of namespaces "a", "b"`, `of any namespace`. */
function watchedWording(index: WorkspaceIndex, monitor: ServiceMonitor): string {
  if (monitor.namespaceSelector?.any) return 'of any namespace';
  const namespaces = monitoredNamespaces(index, monitor);
  return `of namespace${namespaces.length === 1 ? '' : 's'} ${namespaces.map((namespace) => `"${namespace}"`).join(', ')}`;
}

/** `labelled app=web-api`, or `with no labels`. */
function labelled(service: Service): string {
  const labels = selectorText(service.labels);
  return labels ? `labelled ${labels}` : 'with no labels';
}

/**
 * Whether a `labels` entry may be added to the Service's metadata after its name: it has no labels,
 * and no `labels` key is written (empty, or of values not read as labels), which a second would repeat.
 */
function labelsMayBeAdded(text: string, service: Service): boolean {
  if (Object.keys(service.labels).length > 0 || !service.metadataRange || !service.name) return false;
  const metadata = text.slice(service.metadataRange.start, service.metadataRange.end);
  return !/(^|[\s{,])labels[ \t]*:/.test(metadata);
}
