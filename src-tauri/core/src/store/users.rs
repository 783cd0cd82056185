//! The users table: who may act, with which role (SOP §3).

use crate::domain::{Role, Team, User, UserId};
use crate::error::{Error, Result};
use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension, Row};

const COLUMNS: &str = "id, handle, display_name, role, team, active, created_at";

pub fn insert_user(conn: &Connection, user: &User) -> Result<()> {
    let inserted = conn.execute(
        "INSERT INTO users (id, handle, display_name, role, team, active, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT (handle) DO NOTHING",
        params![
            user.id.to_string(),
            user.handle,
            user.display_name,
            user.role.code(),
            user.team.map(Team::code),
            user.active,
            super::log::timestamp(user.created_at),
        ],
    )?;
    if inserted == 0 {
        return Err(Error::invalid(
            "handle",
            format!("the handle '{}' is already taken", user.handle),
        ));
    }
    Ok(())
}

/// The user with this handle (case-insensitive), active or not.
pub fn find_user(conn: &Connection, handle: &str) -> Result<User> {
    conn.query_row(
        &format!("SELECT {COLUMNS} FROM users WHERE handle = ?1"),
        [handle.trim()],
        read_user,
    )
    .optional()?
    .transpose()?
    .ok_or_else(|| Error::NotFound {
        entity: "user",
        id: handle.to_string(),
    })
}

pub fn user_by_id(conn: &Connection, id: UserId) -> Result<User> {
    conn.query_row(
        &format!("SELECT {COLUMNS} FROM users WHERE id = ?1"),
        [id.to_string()],
        read_user,
    )
    .optional()?
    .transpose()?
    .ok_or_else(|| Error::NotFound {
        entity: "user",
        id: id.to_string(),
    })
}

/// Every person at the desk (not the system actor), by handle.
pub fn list_users(conn: &Connection) -> Result<Vec<User>> {
    let mut statement = conn.prepare(&format!(
        "SELECT {COLUMNS} FROM users WHERE id <> '00000000-0000-0000-0000-000000000000' ORDER BY handle"
    ))?;
    let rows = statement.query_map([], read_user)?;
    rows.map(|row| row?).collect()
}

pub fn set_user_active(conn: &Connection, handle: &str, active: bool) -> Result<User> {
    let user = find_user(conn, handle)?;
    if user.is_system() {
        return Err(Error::Forbidden(
            "the system actor cannot be changed".into(),
        ));
    }
    conn.execute(
        "UPDATE users SET active = ?1 WHERE id = ?2",
        params![active, user.id.to_string()],
    )?;
    Ok(User { active, ..user })
}

fn read_user(row: &Row<'_>) -> rusqlite::Result<Result<User>> {
    let id: String = row.get(0)?;
    let role: String = row.get(3)?;
    let team: Option<String> = row.get(4)?;
    let created_at: String = row.get(6)?;
    let (handle, display_name, active) = (row.get(1)?, row.get(2)?, row.get(5)?);
    Ok((|| {
        let bad = |what: &str| Error::Internal(format!("user {id}: bad {what}"));
        Ok(User {
            id: id.parse().map_err(|_| bad("id"))?,
            handle,
            display_name,
            role: role.parse::<Role>().map_err(|_| bad("role"))?,
            team: team
                .map(|t| t.parse::<Team>())
                .transpose()
                .map_err(|_| bad("team"))?,
            active,
            created_at: DateTime::parse_from_rfc3339(&created_at)
                .map_err(|_| bad("created_at"))?
                .with_timezone(&Utc),
        })
    })())
}
