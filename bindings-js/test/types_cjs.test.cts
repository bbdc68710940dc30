// CommonJS consumers get the same types through `require` (compiled by tsc with the ESM file).
import erasekit = require("erasekit");

const request = new erasekit.RedactRequest({ id: "abc", product: "sms" });
const outcome: erasekit.RedactOutcome = request.interpret({ status: 204 }, Date.now());
const init: () => Promise<void> = erasekit.init;
const ua: string = erasekit.USER_AGENT;
export { outcome, init, ua };
