// "Expect this typed error": returns the error `run` throws (or `promise`
// rejects with) when it is an instance of `type`, so the test can assert its
// fields; fails the test when nothing is thrown, and re-throws any other
// error unchanged (a bug must surface as itself, not as "wrong type").

type ErrorClass<E extends Error> = abstract new (...args: never[]) => E;

export function thrown<E extends Error>(type: ErrorClass<E>, run: () => unknown): E {
  try {
    run();
  } catch (error) {
    if (error instanceof type) return error;
    throw error;
  }
  throw new Error(`expected a ${type.name} to be thrown`);
}

export async function rejected<E extends Error>(type: ErrorClass<E>, promise: Promise<unknown>): Promise<E> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof type) return error;
    throw error;
  }
  throw new Error(`expected a ${type.name} rejection`);
}
