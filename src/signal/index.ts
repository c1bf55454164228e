/** @module weakkit/signal */
export { addWeakListener, type NodeStyleEmitter, type WeakListener } from './add-weak-listener.js';
export type { SignalChannel } from './channel.js';
export type { Connection } from './connection.js';
export type { EmitResult } from './emit.js';
export type { ConnectOptions, MethodConnectOptions } from './receiver-list.js';
export { type MethodOf, Signal, type SignalOptions } from './signal.js';
