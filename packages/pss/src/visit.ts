import type { PssContainer, PssContainerKind, PssContainerRef, PssPodSpec } from './types.js';

export interface VisitedContainer {
  readonly container: PssContainer;
  readonly ref: PssContainerRef;
  /** Field path of the container, e.g. `spec.initContainers[0]`. */
  readonly path: string;
}

/** Upstream `visitContainers` order: init containers, then containers, then ephemeral containers.
 *  The order shows in messages (`containers "init", "app"`), so it is part of the behaviour. */
const VISIT_ORDER: readonly PssContainerKind[] = ['initContainers', 'containers', 'ephemeralContainers'];

export function* containersOf(spec: PssPodSpec): Generator<VisitedContainer> {
  for (const kind of VISIT_ORDER) {
    const list = spec[kind] ?? [];
    for (let index = 0; index < list.length; index++) {
      const container = list[index];
      if (container === undefined) continue;
      const name = container.name ?? '';
      const ref: PssContainerRef = typeof container.image === 'string' ? { kind, index, name, image: container.image } : { kind, index, name };
      yield { container, ref, path: `spec.${kind}[${index}]` };
    }
  }
}

/** Go's `relaxPolicyForUserNamespacePod`: the pod explicitly runs in a user namespace. */
export function inUserNamespace(spec: PssPodSpec): boolean {
  return spec.hostUsers === false;
}

/** `spec.os.name: windows` — upstream compares with `corev1.Windows` exactly. */
export function isWindowsPod(spec: PssPodSpec): boolean {
  return spec.os?.name === 'windows';
}
