// Reads a BigInt sum (a string in JSON) as a number.
import type { UserAgesQuery } from "./schema";

export function total(data: UserAgesQuery): number | null {
  return data.usersAggregate.sum.age;
}
