// A client of the blog written against the generated types: `tsc --noEmit --strict` accepts it.
import type {
  CreateUserMutation,
  CreateUserMutationVariables,
  PostPageQuery,
  PostPageQueryVariables,
  UserAgesQuery,
  User,
  UsersQuery,
  UsersQueryVariables,
  UUID,
} from "./schema";
import { created, postPage, refused, userAges, users } from "./responses";

export function headline(data: PostPageQuery): string {
  return data.post ? data.post.headline : "(no such post)";
}

export function commenters(data: PostPageQuery): string[] {
  return (data.post?.comments ?? []).map((comment) => comment.author.name);
}

export function ages(data: UsersQuery): Array<number | null> {
  return data.users.map((user) => user.age);
}

export function outcome(data: CreateUserMutation): string {
  const result = data.createUser;
  switch (result.__typename) {
    case "CreateUserSuccess":
      return result.user ? `created ${result.user.name}` : "created";
    case "CreateUserError":
      return `${result.code}: ${result.fieldErrors.map((e) => e.field).join(", ")}`;
  }
}

// A BigInt sum and a Decimal mean arrive as strings: exact, parsed by the client as it likes.
export function totals(data: UserAgesQuery): string {
  const sum: string | null = data.usersAggregate.sum.age;
  const avg: string | null = data.usersAggregate.avg.age;
  return `${data.usersAggregate.count} users, ${sum ?? "-"} years, ${avg ?? "-"} on average`;
}

export const variables: PostPageQueryVariables = { identifier: "hello" };
export const someUsers: UsersQueryVariables = { where: { age: { gte: 30 } }, limit: 10 };
export const input: CreateUserMutationVariables = {
  input: { identifier: "new", name: "New", email: "new@example.com", age: null },
};
const id: UUID = "00000000-0000-0000-0000-000000000000";
export const user: Pick<User, "id" | "age" | "createdAt"> = { id, age: null, createdAt: "2024-01-01T00:00:00Z" };

export const all = [headline(postPage), commenters(postPage), ages(users), outcome(created), outcome(refused), totals(userAges)];
