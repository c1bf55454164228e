export { insertUsers, openDatabase, type User, users } from './schema.js';
export { type Entity, Session, type Table } from './session.js';
