// Built-ins delegated to the host through the OPA ABI's opa_builtinN imports: the SDK dumps each
// argument with opa_json_dump, calls the JS implementation and parses the result back.
import { Value } from "./values";

@external("env", "opa_builtin0") declare function opa_builtin0(id: i32, ctx: usize): usize;
@external("env", "opa_builtin1") declare function opa_builtin1(id: i32, ctx: usize, a: usize): usize;
@external("env", "opa_builtin2") declare function opa_builtin2(id: i32, ctx: usize, a: usize, b: usize): usize;
@external("env", "opa_builtin3") declare function opa_builtin3(id: i32, ctx: usize, a: usize, b: usize, c: usize): usize;
@external("env", "opa_builtin4") declare function opa_builtin4(id: i32, ctx: usize, a: usize, b: usize, c: usize, d: usize): usize;

function addr(args: Array<Value>, i: i32): usize { return changetype<usize>(args[i]); }

export function callHost(id: i32, args: Array<Value>): Value | null {
  let r: usize = 0;
  switch (args.length) {
    case 0: r = opa_builtin0(id, 0); break;
    case 1: r = opa_builtin1(id, 0, addr(args, 0)); break;
    case 2: r = opa_builtin2(id, 0, addr(args, 0), addr(args, 1)); break;
    case 3: r = opa_builtin3(id, 0, addr(args, 0), addr(args, 1), addr(args, 2)); break;
    case 4: r = opa_builtin4(id, 0, addr(args, 0), addr(args, 1), addr(args, 2), addr(args, 3)); break;
    default: throw new Error("podsec runtime: host built-ins take at most 4 arguments");
  }
  return r == 0 ? null : changetype<Value>(r);
}
