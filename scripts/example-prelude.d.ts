// Ambient names that TSDoc examples use without defining them: the reader's own objects.
declare class User {
  constructor(name: string);
  readonly name: string;
}
declare class Session {
  constructor(user: string);
}
declare const user: User;
declare const session: Session;
