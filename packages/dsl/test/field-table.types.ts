/**
 * Type-level test: the IR field table (and so the DSL types mapped from it) agrees with
 * kubernetes-types. `pnpm typecheck` compiles this file, and test/field-table.test.ts compiles it
 * through ts-morph, so a disagreement fails both, naming the field.
 *
 * - A field's DSL value type equals the Kubernetes type at its path, or narrows it to the
 *   enumeration the API documents in prose (table `enum`).
 * - Item keys of object lists are exactly the Kubernetes item type's keys, one level into nested
 *   objects, with scalar leaves of the same type.
 * Fields and keys newer than kubernetes-types 1.30 are listed in NEWER; a listed one that appears
 * in a future kubernetes-types fails here, so the list cannot go stale.
 */
import type { FIELD_TABLE } from '@podsec/ir';
import type { Container, ContainerPort, PodSpec, Sysctl, Volume } from 'kubernetes-types/core/v1';
import type { ObjectMeta } from 'kubernetes-types/meta/v1';
import type { ContainerFields, ContainerItemLists, PodFields, PodItemLists } from '../src/index.js';

type Table = typeof FIELD_TABLE;
declare const missing: unique symbol;
/** The type at a path that kubernetes-types 1.30 does not have. */
type Missing = typeof missing;

type At<T, P> = P extends readonly [infer H extends string, ...infer R] ? At<H extends keyof NonNullable<T> ? NonNullable<T>[H] : Missing, R> : NonNullable<T>;
type Exact<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

/** Fields (at the Pod) and volume sources Kubernetes added after 1.30. */
type NewerFields = 'supplementalGroupsPolicy' | 'seLinuxChangePolicy';
type NewerVolumeSources = 'image';

type Agrees<F extends keyof Table, D, K> = F extends NewerFields
  ? Exact<K, Missing> extends true
    ? true
    : 'in kubernetes-types now: drop it from NewerFields'
  : Table[F] extends { enum: readonly unknown[] }
    ? [D] extends [K]
      ? true
      : 'enumeration is not a subset of the Kubernetes type'
    : Exact<D, K> extends true
      ? true
      : 'differs from the Kubernetes type';

type Template = { metadata: ObjectMeta; spec: PodSpec };
type PodAgreement = { [F in keyof PodFields]: Agrees<F, PodFields[F], At<Template, Table[F]['pod']>> };
type ContainerAgreement = { [F in keyof ContainerFields]: Agrees<F, ContainerFields[F], At<Container, Table[F]['container']>> };

type Scalar = string | number | boolean | readonly string[] | readonly number[];
type LeafAgrees<D, K> = NonNullable<K> extends Scalar ? Exact<NonNullable<D>, NonNullable<K>> : NonNullable<D> extends object ? true : false;
type ItemAgreement<D, K> = {
  [S in keyof K]-?: S extends keyof D
    ? NonNullable<K[S]> extends Scalar
      ? LeafAgrees<D[S], K[S]>
      : Exact<keyof NonNullable<D[S]>, keyof NonNullable<K[S]>> extends true
        ? {
            [T in keyof NonNullable<K[S]>]-?: T extends keyof NonNullable<D[S]> ? LeafAgrees<NonNullable<D[S]>[T], NonNullable<K[S]>[T]> : false;
          }[keyof NonNullable<K[S]>]
        : 'nested keys differ'
    : 'missing from the table';
};

export const podFields: { [F in keyof PodFields]: true } = null as unknown as PodAgreement;
export const containerFields: { [F in keyof ContainerFields]: true } = null as unknown as ContainerAgreement;
export const volumeKeys: { [K in keyof Volume]-?: true } = null as unknown as ItemAgreement<PodItemLists['volumes'], Volume>;
export const volumeKeysExact: true = null as unknown as Exact<Exclude<keyof PodItemLists['volumes'], NewerVolumeSources>, keyof Volume>;
export const newerVolumeSources: true = null as unknown as Exact<Extract<NewerVolumeSources, keyof Volume>, never>;
export const sysctlKeys: { [K in keyof Sysctl]-?: true } = null as unknown as ItemAgreement<PodItemLists['sysctls'], Sysctl>;
export const sysctlKeysExact: true = null as unknown as Exact<keyof PodItemLists['sysctls'], keyof Sysctl>;
export const portKeys: { [K in keyof ContainerPort]-?: true } = null as unknown as ItemAgreement<ContainerItemLists['ports'], ContainerPort>;
export const portKeysExact: true = null as unknown as Exact<keyof ContainerItemLists['ports'], keyof ContainerPort>;
