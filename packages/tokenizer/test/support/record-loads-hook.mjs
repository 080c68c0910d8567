// Module hook for load-probe.mjs: posts the URL of every module Node loads to the port it is given.
let port;

export function initialize(data) {
  port = data.port;
}

export async function load(url, context, nextLoad) {
  port.postMessage(url);
  return nextLoad(url, context);
}
