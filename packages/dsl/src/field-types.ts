/**
 * The value type of every field the DSL can constrain, mapped from the IR field table
 * (`FIELD_TABLE` in @podsec/ir): a field name, a scope, an item key or a value the table does not
 * allow is a compile error. The table itself is held to `kubernetes-types` by a type-level test
 * (test/field-table.types.ts), so these types agree with the Kubernetes API.
 */
import type { FIELD_TABLE, ValueType } from '@podsec/ir';
import { PROBE_HOST_FIELDS } from '@podsec/ir';

type Table = typeof FIELD_TABLE;
type Id = keyof Table;

/** The TypeScript type of a value of one table type. */
export type TypeOf<T extends ValueType> = T extends 'boolean'
  ? boolean
  : T extends 'integer'
    ? number
    : T extends 'string'
      ? string
      : T extends 'string[]'
        ? string[]
        : T extends 'integer[]'
          ? number[]
          : T extends 'string-map'
            ? Record<string, string>
            : T extends 'object[]'
              ? Record<string, unknown>[]
              : Record<string, unknown>;

/** An item of an object list, from its ItemShape: every key optional, nested shapes as objects. */
export type Item<S> = { -readonly [K in keyof S]?: S[K] extends ValueType ? TypeOf<S[K]> : Item<S[K]> };

/** A row's value type: its enumeration when it has one, else the type of its table type. */
type ValueOf<R> = R extends { enum: readonly (infer E)[] }
  ? E
  : R extends { type: 'object'; items: infer S }
    ? Item<S>
    : R extends { type: infer T extends ValueType }
      ? TypeOf<T>
      : never;

type Where<Cond, Not = never> = { [K in Id]: Table[K] extends Cond ? (Table[K] extends Not ? never : K) : never }[Id];
/** Values a field check tests: scalars, scalar lists, and objects whose keys the table models (seLinuxOptions). */
type Scalars = { type: Exclude<ValueType, 'object' | 'object[]' | 'string-map'> } | { type: 'object'; items: object };
type AtPod = { pod: readonly string[] };
type AtContainer = { container: readonly string[] };
type Values<K extends Id> = { -readonly [F in K]: ValueOf<Table[F]> };
type Items<K extends Id> = { -readonly [F in K]: Table[F] extends { items: infer S } ? Item<S> : never };

export type ProfileType = ValueOf<Table['seccompProfile.type']>;

/** Fields set at pod and container level, where the container value wins when set. */
export type InheritedFields = Values<Where<Scalars & AtPod & AtContainer>>;
/** Fields that exist only on containers. */
export type ContainerOnlyFields = Values<Where<Scalars & AtContainer, AtPod>>;
/** Fields that exist only on the pod. */
export type PodOnlyFields = Values<Where<Scalars & AtPod, AtContainer>>;

export type PodFields = InheritedFields & PodOnlyFields;
export type ContainerFields = InheritedFields & ContainerOnlyFields;

/** List fields whose items are objects, and the item type. */
export type PodItemLists = Items<Where<{ type: 'object[]' } & AtPod>>;
export type ContainerItemLists = Items<Where<{ type: 'object[]' } & AtContainer>>;

/** Every probe and lifecycle handler `host` field (the PSS Host Probes / Lifecycle Hooks control). */
export const PROBE_HOST_FIELD_IDS: readonly (keyof ContainerOnlyFields)[] = PROBE_HOST_FIELDS;
