// A response whose `name` is a number where the schema says String!.
import type { UsersQuery } from "./schema";

export const response: UsersQuery = { users: [{ id: "1", name: 42, age: null }] };
