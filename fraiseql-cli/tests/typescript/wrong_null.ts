// Treats a nullable field (`age: Int`) as always present.
import type { UsersQuery } from "./schema";

export function firstAge(data: UsersQuery): number {
  return data.users[0].age;
}
