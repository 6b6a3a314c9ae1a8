//! The SaaS example's GraphQL types: its entities (each read from its `tv_*` table) and the
//! inputs of its mutation functions.

use chrono::{DateTime, Utc};
use fraiseql::{FraiseEnum, FraiseInput, FraiseType};
use uuid::Uuid;

/// An organisation: the tenant every other row belongs to.
#[derive(FraiseType, Debug, Clone, PartialEq)]
pub struct Organisation {
    pub id: Uuid,
    pub identifier: String,
    /// The organisation's id again: every document names its tenant.
    pub tenant_id: Uuid,
    pub name: String,
    pub created_at: DateTime<Utc>,
}

/// What a user may do in their organisation.
///
/// The read documents hold enum values as their GraphQL names (`ADMIN`), which GraphQL answers
/// relay as they are; the `tb_*` tables keep lowercase text.
#[derive(FraiseEnum, Debug, Clone, Copy, PartialEq)]
#[fraiseql(json_case = "SCREAMING_SNAKE_CASE")]
pub enum Role {
    /// Everything, including deleting projects.
    Admin,
    /// Reads everything, creates and updates tasks and projects.
    Member,
}

/// A member of an organisation.
#[derive(FraiseType, Debug, Clone, PartialEq)]
pub struct User {
    pub id: Uuid,
    pub tenant_id: Uuid,
    pub email: String,
    pub name: String,
    pub role: Role,
}

/// Where a task stands (stored in documents and inputs as `TODO`, `DOING`, `DONE`).
#[derive(FraiseEnum, Debug, Clone, Copy, PartialEq)]
#[fraiseql(json_case = "SCREAMING_SNAKE_CASE")]
pub enum TaskStatus {
    /// Not started.
    Todo,
    /// In progress.
    Doing,
    /// Finished.
    Done,
}

/// A person as embedded in a task.
#[derive(FraiseType, Debug, Clone, PartialEq)]
#[fraiseql(view = "tv_user")]
pub struct Assignee {
    pub id: Uuid,
    pub name: String,
}

/// A task as embedded in its project.
#[derive(FraiseType, Debug, Clone, PartialEq)]
#[fraiseql(view = "tv_task")]
pub struct TaskSummary {
    pub id: Uuid,
    pub title: String,
    pub status: TaskStatus,
    pub assignee: Option<Assignee>,
}

/// A project with its tasks embedded.
#[derive(FraiseType, Debug, Clone, PartialEq)]
pub struct Project {
    pub id: Uuid,
    /// Unique within the organisation (two organisations may both have a `website`).
    pub identifier: String,
    pub tenant_id: Uuid,
    pub name: String,
    pub description: Option<String>,
    pub created_at: DateTime<Utc>,
    pub tasks: Vec<TaskSummary>,
}

/// A project as embedded in a task.
#[derive(FraiseType, Debug, Clone, PartialEq)]
#[fraiseql(view = "tv_project")]
pub struct ProjectRef {
    pub id: Uuid,
    pub identifier: String,
    pub name: String,
}

/// A task with its project and assignee embedded.
#[derive(FraiseType, Debug, Clone, PartialEq)]
pub struct Task {
    pub id: Uuid,
    pub tenant_id: Uuid,
    pub title: String,
    pub status: TaskStatus,
    pub created_at: DateTime<Utc>,
    pub project: ProjectRef,
    pub assignee: Option<Assignee>,
}

/// A new project in the request's organisation.
#[derive(FraiseInput)]
pub struct CreateProjectInput {
    /// 2 to 40 lowercase letters, digits or dashes, unique in the organisation.
    pub identifier: String,
    /// Required, at most 80 characters.
    pub name: String,
    pub description: Option<String>,
}

/// A new task in a project of the request's organisation.
#[derive(FraiseInput)]
pub struct CreateTaskInput {
    pub project_id: Uuid,
    /// Required.
    pub title: String,
    /// A user of the same organisation.
    pub assignee_id: Option<Uuid>,
}

/// Changes to a task; fields left out stay as they are.
#[derive(FraiseInput)]
pub struct UpdateTaskInput {
    pub id: Uuid,
    pub title: Option<String>,
    /// A done task may go back to `DOING`, not to `TODO`.
    pub status: Option<TaskStatus>,
}

/// The project to delete, with its tasks (admins only).
#[derive(FraiseInput)]
pub struct DeleteProjectInput {
    pub id: Uuid,
}
