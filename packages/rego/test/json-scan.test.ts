// The runtime's JSON parser scans strings eight bytes at a time and jumps to the first quote,
// backslash, control character (and, for the ASCII fast path, non-ASCII byte) of a chunk
// (assembly/json.ts, specialMask). Every offset of such a byte within and across chunks, in keys,
// member values (validated lazily), array elements and unread members, must parse to the same
// string, and a raw control character must be rejected at its own byte.
import { beforeAll, describe, expect, it } from '@jest/globals';
import { loadPolicy } from '@open-policy-agent/opa-wasm';
import { compileRego } from '../src/index.js';
import { describeThrown } from '../src/eval-error.js';
import { ensureRuntime, policyOf, RUNTIME_BUILD_TIMEOUT_MS } from './helpers.js';

beforeAll(ensureRuntime, RUNTIME_BUILD_TIMEOUT_MS);

const SPECIALS = ['"', '\\', '\n', '\u0001', '\u001f', '/', 'é', '😀', '\u007f', ' '];

/** Strings of 0..20 filler characters with `special` at every offset (and none). */
function strings(special: string): string[] {
  const out: string[] = [];
  for (let len = 0; len <= 20; len++) {
    const filler = 'abcdefghijklmnopqrstu'.slice(0, len);
    out.push(filler);
    for (let at = 0; at <= len; at++) out.push(filler.slice(0, at) + special + filler.slice(at));
  }
  return out;
}

/** Strings of 31 to 40 filler characters with `special` at every offset. */
function longer(special: string): string[] {
  const out: string[] = [];
  for (const len of [31, 32, 33, 40]) {
    const filler = 'abcdefghijklmnopqrstuvwxyz0123456789ABCD'.slice(0, len);
    for (let at = 0; at <= len; at++) out.push(filler.slice(0, at) + special + filler.slice(at));
  }
  return out;
}

describe('string scanning in the runtime JSON parser', () => {
  it('parses every string in keys, member values and array elements, special bytes at every offset', async () => {
    const policy = await policyOf('package t\n\nall := input\nkeys := object.keys(input.o)\nfirst := input.a[0]', ['t/all', 't/keys', 't/first']);
    for (const special of SPECIALS) {
      for (const s of strings(special)) {
        // Chunks start at each string's first byte, so the offsets above cover every chunk position.
        const input = { o: { [s]: s, [`${s}2`]: [s, { [s]: s }] }, a: [s], unread: { deep: [s, { k: s }] } };
        expect(policy.evaluate(input, 't/all')).toEqual([{ result: input }]);
        expect(policy.evaluate(input, 't/keys')).toEqual([{ result: [s, `${s}2`].sort() }]);
        expect(policy.evaluate(input, 't/first')).toEqual([{ result: s }]);
      }
    }
  });

  it('rejects a raw control character at every offset, at its own byte, read or not', async () => {
    const src = 'package t\n\nx := input.read';
    const r = compileRego([{ path: 'm.rego', text: src }], { entrypoints: ['t/x'] });
    const sdk = await loadPolicy(r.wasm, undefined, r.hostBuiltins);
    const run = (json: string) => {
      const bytes = new TextEncoder().encode(json);
      try {
        return sdk.evaluate(bytes.buffer as ArrayBuffer, 't/x');
      } catch (e) {
        return describeThrown(e);
      }
    };
    for (let len = 0; len <= 20; len++) {
      for (let at = 0; at <= len; at++) {
        const bad = `${'a'.repeat(at)}\u0001${'a'.repeat(len - at)}`;
        for (const member of ['read', 'unread']) {
          const prefix = `{"${member}":"`;
          const json = `${prefix}${bad}"}`;
          expect(run(json)).toMatch(new RegExp(`control character in string at byte ${prefix.length + at}$`));
        }
        const key = `{"${bad}":1}`;
        expect(run(key)).toMatch(new RegExp(`control character in string at byte ${2 + at}$`));
      }
    }
  });

  it('dumps every string as the same JSON text: `"`, `\\`, \\n, \\r and \\t escaped as such, other controls as \\u00xx, the rest as UTF-8', async () => {
    const r = compileRego([{ path: 'm.rego', text: 'package t\n\np := input' }], { entrypoints: ['t/p'] });
    // The SDK's instance and memory: the dump's text is read from them, not parsed by the SDK.
    const sdk = (await loadPolicy(r.wasm, undefined, r.hostBuiltins)) as unknown as {
      wasmInstance: { exports: Record<string, (...args: number[]) => number> };
      mem: { buffer: ArrayBuffer };
    };
    const exports = sdk.wasmInstance.exports;
    const dumpText = (value: unknown): string => {
      const bytes = new TextEncoder().encode(JSON.stringify(value));
      const at = exports.opa_malloc!(bytes.length);
      new Uint8Array(sdk.mem.buffer).set(bytes, at);
      const text = exports.opa_json_dump!(exports.opa_json_parse!(at, bytes.length));
      const mem = new Uint8Array(sdk.mem.buffer);
      let end = text;
      while (mem[end] !== 0) end++;
      return new TextDecoder().decode(mem.subarray(text, end));
    };
    const named: Record<string, string> = { '"': '\\"', '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t' };
    const expected = (str: string) => `"${[...str].map((c) => named[c] ?? (c < ' ' ? `\\u00${c.charCodeAt(0).toString(16).padStart(2, '0')}` : c)).join('')}"`;
    const units = [...Array.from({ length: 128 }, (_, i) => String.fromCharCode(i)), 'é', '😀'];
    const texts: string[] = [];
    const values: string[] = [];
    for (const unit of units) {
      // Up to 20 units and a few past the 16 the dump copies at a time, the unit at every offset.
      for (const s of [...strings(unit), ...longer(unit)]) {
        values.push(s);
        texts.push(expected(s));
      }
    }
    // One document of them all, and each alone (the output buffer grows from empty).
    expect(dumpText(values)).toBe(`[${texts.join(',')}]`);
    for (let i = 0; i < values.length; i += 97) expect(dumpText(values[i])).toBe(texts[i]);
  });
});
