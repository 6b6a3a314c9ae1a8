// Reads a field the operation does not select (it aliases `title` as `headline`).
import type { PostPageQuery } from "./schema";

export function title(data: PostPageQuery): string {
  return data.post ? data.post.title : "";
}
