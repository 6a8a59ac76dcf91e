// What the console's screens share with its router (app.js): the session, the page's fixed
// parts, the message for the next screen, going to a route, and which route is current.
import { createSession } from '/auth.js';

export const session = createSession('dap.console');

/** Filled in by app.js at start: config.json, <main> and the global message region. */
export const shell = { config: null, main: null, globalMsg: null };

let pendingFlash = null;
let router = () => {};
let routeSeq = 0;
let currentCleanup = null;

/** A message to show once on the next screen (e.g. after creating or deleting). */
export function flash(msg) {
  pendingFlash = msg;
}

export function takeFlash() {
  const msg = pendingFlash;
  pendingFlash = null;
  return msg;
}

/** app.js hands in its route(); screens call it through go() and reroute(). */
export function setRouter(fn) {
  router = fn;
}

export function go(hash) {
  if (window.location.hash === hash) router();
  else window.location.hash = hash;
}

/** Renders the current route again (e.g. after signing in). */
export function reroute() {
  router();
}

/** A new route is entered: the previous view's clean-up runs; returns the new route's number. */
export function enterRoute() {
  routeSeq += 1;
  if (currentCleanup) {
    currentCleanup();
    currentCleanup = null;
  }
  return routeSeq;
}

export function currentRoute() {
  return routeSeq;
}

/**
 * Registers what to undo when the view that was current at `seq` is left (e.g. a language
 * listener). A view that was already left while it was loading undoes it at once.
 */
export function onLeave(seq, fn) {
  if (seq !== routeSeq) { fn(); return; }
  if (currentCleanup) currentCleanup();
  currentCleanup = fn;
}
