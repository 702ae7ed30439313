import { ServiceSemantics } from '../model/semantics';
import { objectHolding, type Service } from '../model/types';
import { describe } from './describe';
import type { Finding as FindingType, Fix, Rule } from './types';
import { Finding } from './types';
import { insertFirstEntry, replaceScalar } from './yamlText';

/**
 * Rule: session-affinity-ignored
 *
 * SetDefaults_Service (kubernetes/kubernetes pkg/apis/core/v1/defaults.go) sets a missing
 * `sessionAffinity` to None and then drops `sessionAffinityConfig` whenever the affinity is
 * None: a `timeoutSeconds` written without `sessionAffinity: ClientIP` is accepted and thrown
 * away, and kube-proxy spreads each client's connections over every endpoint. Only for
 * Services kube-proxy proxies (not ExternalName, not headless); an affinity of another value is
 * service-traffic-invalid's.
 *
 * Fix: set `sessionAffinity: ClientIP` (a choice: removing the config is the other).
 */
export const sessionAffinityIgnored: Rule = {
  code: 'session-affinity-ignored',
  defaultSeverity: 'warning',
  description:
    'A Service sets a ClientIP affinity timeout but not sessionAffinity: ClientIP, so the API server drops it.',
  dependsOn: ['key'],

  check(index) {
    const findings: FindingType[] = [];
    for (const service of index.allServices()) {
      const timeout = service.sessionAffinityTimeout;
      const affinity = service.sessionAffinity?.value || 'None';
      if (!timeout || affinity !== 'None' || !isProxied(service)) continue;
      findings.push(
        Finding.of(
          this,
          service.uri,
          timeout.range,
          `The ClientIP affinity timeout of ${describe(index, service)} is ignored: its sessionAffinity is None` +
            `${service.sessionAffinity ? '' : ' (the default when left out)'}, and the API server drops sessionAffinityConfig then, ` +
            'so each client connection may go to another endpoint. Set sessionAffinity: ClientIP, or remove sessionAffinityConfig.',
        ),
      );
    }
    return findings;
  },

  fixes(finding, index) {
    const file = index.file(finding.uri);
    const service = file && objectHolding(file.objects, finding.range.start);
    if (!file || service?.kind !== 'Service' || !service.specRange) return [];
    const text = file.text;
    const edit = service.sessionAffinity
      ? replaceScalar(text, service.sessionAffinity, 'ClientIP')
      : insertFirstEntry(text, service.specRange, 'sessionAffinity', 'ClientIP');
    return edit
      ? [
          {
            title: 'Set sessionAffinity: ClientIP',
            changes: [{ kind: 'edit', uri: finding.uri, ...edit }],
          } satisfies Fix,
        ]
      : [];
  },
};

/** Whether kube-proxy proxies the Service's traffic, where affinity applies. */
function isProxied(service: Service): boolean {
  return !ServiceSemantics.isExternalName(service) && !ServiceSemantics.isHeadless(service);
}
