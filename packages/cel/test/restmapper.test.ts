/**
 * The offline REST mapping. Unknown kinds follow apimachinery's meta.UnsafeGuessKindToResource
 * (k8s.io/apimachinery/pkg/api/meta/restmapper.go: "s" → "ses", "y" → "ies", otherwise "+s", lower-cased).
 */
import { describe, expect, it } from '@jest/globals';
import { restMappingFor } from '../src/index.js';

describe('restMappingFor', () => {
  it('maps Pods and every Pod controller', () => {
    const table = [
      ['v1', 'Pod', 'pods'],
      ['v1', 'ReplicationController', 'replicationcontrollers'],
      ['apps/v1', 'Deployment', 'deployments'],
      ['apps/v1', 'ReplicaSet', 'replicasets'],
      ['apps/v1', 'StatefulSet', 'statefulsets'],
      ['apps/v1', 'DaemonSet', 'daemonsets'],
      ['batch/v1', 'Job', 'jobs'],
      ['batch/v1beta1', 'CronJob', 'cronjobs'],
    ] as const;
    for (const [apiVersion, kind, resource] of table) {
      expect(restMappingFor(apiVersion, kind)).toMatchObject({ gvr: { resource }, namespaced: true, known: true });
    }
  });
  it('knows cluster-scoped kinds', () => {
    expect(restMappingFor('v1', 'Namespace')).toMatchObject({ gvr: { group: '', version: 'v1', resource: 'namespaces' }, namespaced: false });
    expect(restMappingFor('flowcontrol.apiserver.k8s.io/v1beta2', 'FlowSchema')).toMatchObject({
      gvr: { group: 'flowcontrol.apiserver.k8s.io', version: 'v1beta2', resource: 'flowschemas' },
      namespaced: false,
    });
  });
  it('guesses the plural of unknown kinds and says so', () => {
    expect(restMappingFor('example.com/v1', 'Widget')).toMatchObject({ gvr: { resource: 'widgets' }, known: false });
    expect(restMappingFor('example.com/v1', 'Policy').gvr.resource).toBe('policies');
    expect(restMappingFor('example.com/v1', 'Class').gvr.resource).toBe('classes');
  });
});
