// The one error class of the package. Every error erasekit throws is an instance: the wasm's
// own ones too (each entry hands this class to its wasm module on load, `__setErrorClass`).
// `.code` is a code of the core's catalogue (`errorCodes()`), `.family` its family,
// `.details` the code and the fields of the error; a stopped run adds `.snapshot` and `.jobId`.

export class ErasekitError extends Error {}

Object.defineProperty(ErasekitError.prototype, "name", { value: "ErasekitError", writable: true, configurable: true });
