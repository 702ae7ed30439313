import { UriPath } from '../index/uriPath';
import { describe, whereIs } from './describe';
import type { Finding as FindingType, Rule } from './types';
import { Finding } from './types';

/**
 * Rule: backends-in-several-files
 *
 * kube-proxy merges every EndpointSlice of a Service (and the slices mirrored from its
 * Endpoints), wherever they were written. When two files both supply backends for one
 * Service, an edit of one (a new port, a moved address) is easily forgotten in the
 * other; nothing is wrong yet, so this is a hint.
 */
export const backendsInSeveralFiles: Rule = {
  code: 'backends-in-several-files',
  defaultSeverity: 'hint',
  description: 'The Endpoints and EndpointSlices of one Service are spread over several files.',
  dependsOn: ['key'],

  check(index) {
    const findings: FindingType[] = [];
    for (const service of index.allServices()) {
      const backends = index.backendsOf(service);
      const uris = [...new Set(backends.map((backend) => backend.uri))];
      if (uris.length < 2 || !service.name) continue;
      const files = uris
        .map((uri) => {
          const here = backends.filter((backend) => backend.uri === uri).map((backend) => describe(index, backend));
          return `${whereIs(
            backends.find((backend) => backend.uri === uri)!,
            service.uri,
          )} (${here.join(', ')})`;
        })
        .join(' and ');
      findings.push(
        Finding.of(
          this,
          service.uri,
          service.name.range,
          `${describe(index, service)} gets its backends from ${uris.length} files: ${files}. ` +
            'kube-proxy merges them; keeping them in one file keeps their ports and addresses in step.',
          {
            related: backends.map((backend) => ({
              uri: backend.uri,
              range: (backend.name ?? backend).range,
              message: `${describe(index, backend)} in ${UriPath.basename(UriPath.of(backend.uri))}`,
            })),
          },
        ),
      );
    }
    return findings;
  },
};
