import type { PspTemplate } from '../template.js';
import { hostNamespaces } from './host-namespaces.js';

/** The gatekeeper-library pod-security-policy templates podsec reproduces, by upstream kind. */
export const PSP_TEMPLATES: readonly PspTemplate[] = [hostNamespaces];
