"""The benchmark blog (examples/blog) as a Strawberry GraphQL app over asyncpg.

It reads the normalized tb_user / tb_post / tb_comment tables the way a typical Strawberry app
does: one SQL query per root field, and one per nested object, in async resolvers. The mode is
chosen with the STRAWBERRY_MODE environment variable:

- ``naive``: each nested field runs its own query (a post's author, a post's comments, a
  comment's author), the classic N+1 of a first Strawberry app;
- ``dataloader``: nested fields go through per-request DataLoaders (users by pk_user, comments by
  fk_post), which batch each level into one ``= ANY($1)`` query, the idiomatic optimization; this
  mode also turns on Strawberry's ParserCache and ValidationCache extensions (1024 documents, as
  FraiseQL's plan cache), since parsing and validating costs ~1-1.6 ms per request otherwise.
  STRAWBERRY_CACHES=0|1 overrides that choice in either mode.

createUser calls the blog's fn_create_user in one transaction after setting app.tenant_id from the
x-tenant-id header, as FraiseQL does, and answers the CreateUserSuccess | CreateUserError union.

Run: DATABASE_URL=postgres://... STRAWBERRY_MODE=naive|dataloader uvicorn app:app
"""

from __future__ import annotations

import contextlib
import enum
import json
import os
import uuid
from collections import defaultdict
from dataclasses import dataclass
from typing import Annotated

import asyncpg
import strawberry
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.routing import Route
from strawberry.asgi import GraphQL
from strawberry.dataloader import DataLoader
from strawberry.extensions import ParserCache, ValidationCache

DATABASE_URL = os.environ["DATABASE_URL"]
MODE = os.environ.get("STRAWBERRY_MODE", "naive")
if MODE not in ("naive", "dataloader"):
    raise SystemExit(f"STRAWBERRY_MODE must be naive or dataloader, not {MODE!r}")
CACHES = os.environ.get("STRAWBERRY_CACHES", "1" if MODE == "dataloader" else "0") == "1"
POOL_SIZE = 8  # connections per worker process

pool: asyncpg.Pool | None = None  # created by the lifespan, one per worker

USER_COLUMNS = "pk_user, id, identifier, name, email, age"
POST_COLUMNS = "pk_post, id, identifier, fk_author, title, body, tags, published"
COMMENT_COLUMNS = "pk_comment, id, fk_post, fk_author, content"


# ---------------------------------------------------------------------------------------- types

@strawberry.type
class User:
    id: strawberry.ID
    identifier: str
    name: str
    email: str
    age: int | None

    @classmethod
    def from_row(cls, row) -> User:
        """From a tb_user row, or from a tv_user document (a mutation's entity)."""
        return cls(id=str(row["id"]), identifier=row["identifier"], name=row["name"],
                   email=row["email"], age=row["age"])


@strawberry.type
class Comment:
    id: strawberry.ID
    content: str
    author_pk: strawberry.Private[int]

    @strawberry.field
    async def author(self, info: strawberry.Info[Context, None]) -> User:
        return await user_by_pk(info.context, self.author_pk)


@strawberry.type
class Post:
    id: strawberry.ID
    identifier: str
    title: str
    body: str
    tags: list[str]
    published: bool
    pk: strawberry.Private[int]
    author_pk: strawberry.Private[int]

    @classmethod
    def from_row(cls, row) -> Post:
        return cls(id=str(row["id"]), identifier=row["identifier"], title=row["title"],
                   body=row["body"], tags=row["tags"], published=row["published"],
                   pk=row["pk_post"], author_pk=row["fk_author"])

    @strawberry.field
    async def author(self, info: strawberry.Info[Context, None]) -> User:
        return await user_by_pk(info.context, self.author_pk)

    @strawberry.field
    async def comments(self, info: strawberry.Info[Context, None]) -> list[Comment]:
        return await comments_of_post(info.context, self.pk)


def comment_from_row(row) -> Comment:
    return Comment(id=str(row["id"]), content=row["content"], author_pk=row["fk_author"])


# ------------------------------------------------------------------------------ nested loading

@dataclass
class Context:
    request: Request
    users: DataLoader[int, User] | None = None  # by pk_user (dataloader mode)
    comments: DataLoader[int, list[Comment]] | None = None  # by fk_post (dataloader mode)


async def user_by_pk(ctx: Context, pk: int) -> User:
    if ctx.users is not None:
        return await ctx.users.load(pk)
    row = await pool.fetchrow(f"SELECT {USER_COLUMNS} FROM tb_user WHERE pk_user = $1", pk)
    return User.from_row(row)


async def comments_of_post(ctx: Context, post_pk: int) -> list[Comment]:
    if ctx.comments is not None:
        return await ctx.comments.load(post_pk)
    rows = await pool.fetch(f"SELECT {COMMENT_COLUMNS} FROM tb_comment WHERE fk_post = $1"
                            " ORDER BY created_at, pk_comment", post_pk)
    return [comment_from_row(r) for r in rows]


async def load_users(pks: list[int]) -> list[User]:
    rows = await pool.fetch(f"SELECT {USER_COLUMNS} FROM tb_user WHERE pk_user = ANY($1::int[])",
                            pks)
    by_pk = {r["pk_user"]: User.from_row(r) for r in rows}
    return [by_pk[pk] for pk in pks]


async def load_comments(post_pks: list[int]) -> list[list[Comment]]:
    rows = await pool.fetch(f"SELECT {COMMENT_COLUMNS} FROM tb_comment"
                            " WHERE fk_post = ANY($1::int[])"
                            " ORDER BY fk_post, created_at, pk_comment", post_pks)
    by_post: dict[int, list[Comment]] = defaultdict(list)
    for r in rows:
        by_post[r["fk_post"]].append(comment_from_row(r))
    return [by_post.get(pk, []) for pk in post_pks]


# ------------------------------------------------------------------------- filters and orders

@strawberry.input
class IntFilter:
    eq: int | None = None
    gt: int | None = None
    gte: int | None = None
    lt: int | None = None
    lte: int | None = None


@strawberry.input
class StringFilter:
    eq: str | None = None
    contains: str | None = None


@strawberry.enum
class SortDirection(enum.Enum):
    ASC = "ASC"
    DESC = "DESC"


@strawberry.enum
class UserOrderField(enum.Enum):  # values are the columns
    ID = "id"
    IDENTIFIER = "identifier"
    NAME = "name"
    EMAIL = "email"
    AGE = "age"
    CREATED_AT = "created_at"


@strawberry.enum
class PostOrderField(enum.Enum):
    ID = "id"
    IDENTIFIER = "identifier"
    TITLE = "title"
    CREATED_AT = "created_at"


@strawberry.input
class UserWhereInput:
    name: StringFilter | None = None
    email: StringFilter | None = None
    age: IntFilter | None = None


@strawberry.input
class PostWhereInput:
    title: StringFilter | None = None


@strawberry.input
class UserOrderBy:
    field: UserOrderField
    direction: SortDirection = SortDirection.ASC


@strawberry.input
class PostOrderBy:
    field: PostOrderField
    direction: SortDirection = SortDirection.ASC


class Sql:
    """A WHERE / ORDER BY / LIMIT suffix and its $n parameters."""

    COMPARISONS = {"eq": "=", "gt": ">", "gte": ">=", "lt": "<", "lte": "<="}

    def __init__(self) -> None:
        self.conditions: list[str] = []
        self.params: list[object] = []

    def param(self, value: object) -> str:
        self.params.append(value)
        return f"${len(self.params)}"

    def filter(self, column: str, f: IntFilter | StringFilter | None) -> None:
        if f is None:
            return
        for op, sql_op in self.COMPARISONS.items():
            value = getattr(f, op, None)
            if value is not None:
                self.conditions.append(f"{column} {sql_op} {self.param(value)}")
        contains = getattr(f, "contains", None)
        if contains is not None:
            escaped = contains.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            self.conditions.append(f"{column} LIKE '%' || {self.param(escaped)} || '%'")

    def suffix(self, order_by, default_order: str, limit: int | None, offset: int | None) -> str:
        sql = " WHERE " + " AND ".join(self.conditions) if self.conditions else ""
        if order_by:
            # PostgreSQL's defaults made explicit; the id breaks ties.
            keys = [o.field.value + (" DESC NULLS FIRST" if o.direction is SortDirection.DESC
                                     else " ASC NULLS LAST") for o in order_by]
            sql += " ORDER BY " + ", ".join(keys + ["id"])
        else:
            sql += f" ORDER BY {default_order}"
        if limit is not None:
            sql += f" LIMIT {self.param(limit)}"
        if offset is not None:
            sql += f" OFFSET {self.param(offset)}"
        return sql


# ------------------------------------------------------------------------------- root fields

@strawberry.type
class Query:
    @strawberry.field
    async def user(self, id: strawberry.ID) -> User | None:
        try:
            key = uuid.UUID(id)
        except ValueError:
            return None
        row = await pool.fetchrow(f"SELECT {USER_COLUMNS} FROM tb_user WHERE id = $1", key)
        return User.from_row(row) if row else None

    @strawberry.field
    async def users(self, where: UserWhereInput | None = None,
                    order_by: list[UserOrderBy] | None = None,
                    limit: int | None = None, offset: int | None = None) -> list[User]:
        sql = Sql()
        if where is not None:
            sql.filter("name", where.name)
            sql.filter("email", where.email)
            sql.filter("age", where.age)
        suffix = sql.suffix(order_by, "id", limit, offset)
        rows = await pool.fetch(f"SELECT {USER_COLUMNS} FROM tb_user{suffix}", *sql.params)
        return [User.from_row(r) for r in rows]

    @strawberry.field
    async def posts(self, where: PostWhereInput | None = None,
                    order_by: list[PostOrderBy] | None = None,
                    limit: int | None = None, offset: int | None = None) -> list[Post]:
        sql = Sql()
        if where is not None:
            sql.filter("title", where.title)
        suffix = sql.suffix(order_by, "id", limit, offset)
        rows = await pool.fetch(f"SELECT {POST_COLUMNS} FROM tb_post{suffix}", *sql.params)
        return [Post.from_row(r) for r in rows]


@strawberry.input
class CreateUserInput:
    identifier: str
    name: str
    email: str
    age: int | None = strawberry.UNSET


@strawberry.type
class FieldError:
    field: str
    code: str | None
    message: str


@strawberry.type
class CreateUserSuccess:
    status: str
    message: str | None
    user: User | None
    updated_fields: list[str]


@strawberry.type
class CreateUserError:
    status: str
    code: str  # the status' kind in upper case: conflict:identifier -> CONFLICT
    message: str | None
    field_errors: list[FieldError]


CreateUserResult = Annotated[CreateUserSuccess | CreateUserError,
                             strawberry.union("CreateUserResult")]


@strawberry.type
class Mutation:
    @strawberry.mutation
    async def create_user(self, info: strawberry.Info[Context, None],
                          input: CreateUserInput) -> CreateUserResult:
        fields = {"identifier": input.identifier, "name": input.name, "email": input.email,
                  "age": input.age}
        document = json.dumps({k: v for k, v in fields.items() if v is not strawberry.UNSET})
        tenant = info.context.request.headers.get("x-tenant-id", "")
        async with pool.acquire() as conn, conn.transaction():
            await conn.execute("SELECT set_config('app.tenant_id', $1, true)", tenant)
            row = await conn.fetchrow("SELECT * FROM fn_create_user($1::jsonb)", document)
        status = row["status"]
        kind = status.split(":", 1)[0]
        if kind == "success":
            entity = json.loads(row["entity"]) if row["entity"] is not None else None
            return CreateUserSuccess(status=status, message=row["message"],
                                     user=User.from_row(entity) if entity else None,
                                     updated_fields=row["updated_fields"] or [])
        problems = json.loads(row["errors"]) if row["errors"] is not None else []
        return CreateUserError(status=status, code=kind.upper(), message=row["message"],
                               field_errors=[FieldError(field=p["field"], code=p.get("code"),
                                                        message=p["message"])
                                             for p in problems])


# ------------------------------------------------------------------------------------ the app

schema = strawberry.Schema(
    query=Query, mutation=Mutation,
    extensions=[lambda: ParserCache(maxsize=1024), lambda: ValidationCache(maxsize=1024)]
    if CACHES else [])


class BlogGraphQL(GraphQL):
    async def get_context(self, request: Request, response) -> Context:
        if MODE == "dataloader":
            return Context(request, users=DataLoader(load_fn=load_users),
                           comments=DataLoader(load_fn=load_comments))
        return Context(request)


@contextlib.asynccontextmanager
async def lifespan(_app: Starlette):
    global pool
    pool = await asyncpg.create_pool(DATABASE_URL, min_size=POOL_SIZE, max_size=POOL_SIZE)
    try:
        yield
    finally:
        await pool.close()


graphql_app = BlogGraphQL(schema, graphql_ide=None, allow_queries_via_get=False)
app = Starlette(routes=[Route("/graphql", graphql_app, methods=["POST"])], lifespan=lifespan)
