/**
 * Classes a port calls as Python calls them: `np.random.RandomState(0)` as well as
 * `new np.random.RandomState(0)`. A JavaScript class cannot be called without `new`, so the
 * library exports, under the class's name, a constructor that may be called either way, and an
 * interface of the same name for its instances (a cell's declarations name them, as in
 * `const rs: np.random.RandomState`).
 *
 * Use: `class FooObject { ... }`, then
 * `export interface Foo extends FooObject {}` and `export const Foo = pythonClass<typeof FooObject, Foo>(FooObject, "Foo")`.
 */

/** A class's constructor that may also be called without `new`; `I` is its instances' interface. */
export type PythonClass<C extends abstract new (...args: any[]) => unknown, I> = Omit<C, "prototype"> & {
  new (...args: ConstructorParameters<C>): I;
  (...args: ConstructorParameters<C>): I;
  readonly prototype: I;
};

/**
 * `cls`, callable without `new` too; named `name` (Python's `type(x).__name__`, which `%whos`
 * shows). `x instanceof` the result, its static members and `new` are the class's own.
 */
export function pythonClass<C extends new (...args: any[]) => unknown, I = InstanceType<C>>(cls: C, name: string): PythonClass<C, I> {
  Object.defineProperty(cls, "name", { value: name });
  return new Proxy(cls, { apply: (target, _this, args: ConstructorParameters<C>) => new target(...args) }) as unknown as PythonClass<C, I>;
}

/**
 * A class called as Python calls it, whose Python signature is not its constructor's: every
 * call, with or without `new`, goes through `make`, which maps the Python arguments (data
 * first, keywords as one options object last) onto the class's own constructor, or returns
 * what it builds (a Proxy over an instance, as `xr.Dataset` returns). `instanceof`, static
 * members and `prototype` stay the class's own, so instances made anywhere else are
 * instances of the result too. `T` is the constructor's declared type (its overloads).
 *
 * Use: `class FooObject { ... }`, `export interface Foo extends FooObject {}` and
 * `export const Foo: FooConstructor = pythonConstructor(FooObject, "Foo", (...args) => ...)`.
 */
export function pythonConstructor<T>(cls: abstract new (...args: any[]) => unknown, name: string, make: (...args: any[]) => object): T {
  Object.defineProperty(cls, "name", { value: name });
  return new Proxy(cls, {
    apply: (_target, _this, args: unknown[]) => make(...args),
    construct: (_target, args: unknown[]) => make(...args),
  }) as unknown as T;
}
