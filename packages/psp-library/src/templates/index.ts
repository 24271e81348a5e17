import type { PspTemplate } from '../template.js';
import { allowPrivilegeEscalation } from './allow-privilege-escalation.js';
import { apparmor } from './apparmor.js';
import { capabilities } from './capabilities.js';
import { flexvolumeDrivers } from './flexvolume-drivers.js';
import { forbiddenSysctls } from './forbidden-sysctls.js';
import { fsgroup } from './fsgroup.js';
import { hostFilesystem } from './host-filesystem.js';
import { hostNamespaces } from './host-namespaces.js';
import { hostNetworkPorts } from './host-network-ports.js';
import { hostProbesLifecycle } from './host-probes-lifecycle.js';
import { hostProcess } from './host-process.js';
import { privilegedContainers } from './privileged-containers.js';
import { procMount } from './proc-mount.js';
import { readOnlyRootFilesystem } from './read-only-root-filesystem.js';
import { seccomp } from './seccomp.js';
import { seccompv2 } from './seccompv2.js';
import { selinux } from './selinux.js';
import { users } from './users.js';
import { volumes } from './volumes.js';

/** The gatekeeper-library pod-security-policy templates podsec reproduces, by upstream folder name. */
export const PSP_TEMPLATES: readonly PspTemplate[] = [
  allowPrivilegeEscalation,
  apparmor,
  capabilities,
  flexvolumeDrivers,
  forbiddenSysctls,
  fsgroup,
  hostFilesystem,
  hostNamespaces,
  hostNetworkPorts,
  hostProbesLifecycle,
  hostProcess,
  privilegedContainers,
  procMount,
  readOnlyRootFilesystem,
  seccomp,
  seccompv2,
  selinux,
  users,
  volumes,
];
