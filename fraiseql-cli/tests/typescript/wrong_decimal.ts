// Reads a Decimal mean (a string in JSON) as a number.
import type { UserAgesQuery } from "./schema";

export function mean(data: UserAgesQuery): number | null {
  return data.usersAggregate.avg.age;
}
