/** A Kubernetes minor release, the granularity at which APIs are added and deprecated. */
export type KubernetesVersion = { major: number; minor: number };

export namespace KubernetesVersion {
  /** The newest stable minor release; the default target when the user names none. */
  export const LATEST: KubernetesVersion = { major: 1, minor: 34 };

  /** The release that deprecated v1 Endpoints in favour of discovery.k8s.io/v1 EndpointSlice. */
  export const ENDPOINTS_DEPRECATED: KubernetesVersion = { major: 1, minor: 33 };

  /** What `kubeEndpoints.kubernetesVersion` accepts: `1.33`, `v1.33` or `1.33.2` (the patch is ignored). */
  export const PATTERN = /^v?(1)\.(0|[1-9][0-9]{0,2})(?:\.(?:0|[1-9][0-9]*))?$/;

  /** The minor release a setting names, or undefined when it is not of that form. */
  export function parse(text: string): KubernetesVersion | undefined {
    const match = PATTERN.exec(text.trim());
    return match ? { major: Number(match[1]), minor: Number(match[2]) } : undefined;
  }

  /** `1.34`: how settings and messages write a release. */
  export function format(version: KubernetesVersion): string {
    return `${version.major}.${version.minor}`;
  }

  /** Whether `version` is `other` or a later release. */
  export function atLeast(version: KubernetesVersion, other: KubernetesVersion): boolean {
    return version.major > other.major || (version.major === other.major && version.minor >= other.minor);
  }

  /** Whether the API server answers v1 Endpoints writes with a deprecation warning. */
  export function deprecatesEndpoints(version: KubernetesVersion): boolean {
    return atLeast(version, ENDPOINTS_DEPRECATED);
  }
}
