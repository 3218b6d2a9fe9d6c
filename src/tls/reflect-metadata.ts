// @peculiar/x509 uses a dependency-injection container (tsyringe) that refuses to load without
// the Reflect metadata API. It only needs these four functions, so a minimal in-process version
// is installed (only when none is present) instead of a polyfill package.

type Key = unknown;
type Target = object;
type Property = string | symbol | undefined;

const metadata = new WeakMap<Target, Map<Property, Map<Key, unknown>>>();

function own(target: Target, property: Property, create: boolean): Map<Key, unknown> | undefined {
  let byProperty = metadata.get(target);
  if (!byProperty) {
    if (!create) return undefined;
    byProperty = new Map();
    metadata.set(target, byProperty);
  }
  let values = byProperty.get(property);
  if (!values && create) {
    values = new Map();
    byProperty.set(property, values);
  }
  return values;
}

function defineMetadata(key: Key, value: unknown, target: Target, property?: Property): void {
  own(target, property, true)?.set(key, value);
}

function getOwnMetadata(key: Key, target: Target, property?: Property): unknown {
  return own(target, property, false)?.get(key);
}

function getMetadata(key: Key, target: Target, property?: Property): unknown {
  for (let t: Target | null = target; t; t = Object.getPrototypeOf(t) as Target | null) {
    const values = own(t, property, false);
    if (values?.has(key)) return values.get(key);
  }
  return undefined;
}

function metadataDecorator(key: Key, value: unknown) {
  return (target: Target, property?: Property): void => defineMetadata(key, value, target, property);
}

const reflect = Reflect as unknown as Record<string, unknown>;
if (typeof reflect.getMetadata !== 'function') {
  Object.assign(reflect, { defineMetadata, getOwnMetadata, getMetadata, metadata: metadataDecorator });
}
