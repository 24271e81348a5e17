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
  it('says which versions a current API server serves: removed and never-served versions still map, as not served', () => {
    const served = (apiVersion: string, kind: string) => restMappingFor(apiVersion, kind).served;
    expect(served('apps/v1', 'Deployment')).toBe(true);
    expect(served('batch/v1', 'CronJob')).toBe(true);
    expect(served('v1', 'Pod')).toBe(true);
    expect(served('autoscaling/v1', 'HorizontalPodAutoscaler')).toBe(true);
    expect(served('extensions/v1beta1', 'Deployment')).toBe(false);
    expect(served('apps/v1beta2', 'Deployment')).toBe(false);
    expect(served('batch/v1beta1', 'CronJob')).toBe(false);
    expect(served('v2', 'Pod')).toBe(false);
    expect(restMappingFor('extensions/v1beta1', 'Deployment')).toMatchObject({ gvr: { resource: 'deployments' }, known: true });
    // Kinds outside the table (CRDs) and kinds in a group the table does not know are assumed served.
    expect(served('example.com/v1', 'Widget')).toBe(true);
    expect(restMappingFor('apps/v1', 'Pod')).toMatchObject({ known: false, served: true });
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
