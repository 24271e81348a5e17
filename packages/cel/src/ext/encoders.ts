import { celRuntimeError } from './errors.js';
import type { CelExtension } from './registry.js';

// cel-go's ext.Encoders (`base64.encode` / `base64.decode`), enabled by Kubernetes since 1.31. Decoding
// accepts standard base64 with or without padding, as cel-go retries with the raw encoding.
const LIB = 'cel-go ext.Encoders (Kubernetes)';

function decode(s: string): Uint8Array {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(s) || s.replace(/=+$/, '').length % 4 === 1) celRuntimeError(`base64.decode: illegal base64 data: ${JSON.stringify(s)}`);
  return new Uint8Array(Buffer.from(s, 'base64'));
}

export const encodersExtension: CelExtension = {
  name: 'encoders',
  namespaces: [{ name: 'base64', typeName: 'Base64Namespace' }],
  functions: [
    { signature: 'Base64Namespace.encode(bytes): string', handler: (_ns: unknown, b: Uint8Array) => Buffer.from(b).toString('base64'), library: LIB },
    { signature: 'Base64Namespace.decode(string): bytes', handler: (_ns: unknown, s: string) => decode(s), library: LIB },
  ],
};
