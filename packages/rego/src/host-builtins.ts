// Built-ins the module would delegate to the host (opa_builtinN), passed as loadPolicy's third
// argument. Every supported built-in now runs inside the module (regex.match and glob.match in
// assembly/regex.ts), so a built module needs no host functions, like `opa build -t wasm` output;
// the table and the planner's `host` kind stay so that an SDK-dependent built-in has one place to go.

export const HOST_BUILTINS: Record<string, (...args: unknown[]) => unknown> = {};
